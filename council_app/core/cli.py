"""``flask --app council_app files check|migrate``: stored files against their rows, and moves."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db
from . import backup, storage
from .time import as_kst, now

files_cli = AppGroup("files", help="올린 파일 (Stored files).")


@files_cli.command("check")
@click.option("--fix", is_flag=True, help="행이 없는 파일을 인스턴스의 quarantine 폴더로 옮깁니다.")
def check(fix: bool) -> None:
    """Report files without rows, rows without files and SHA-256 mismatches; exit 1 on any."""
    files = storage.store()
    findings = storage.check(storage.stored_rows(), files)
    for relative in findings.orphans:
        click.echo(f"행이 없는 파일: {relative}")
    for relative in findings.in_flight:
        click.echo(f"행이 없는 파일(10분 안에 쓰여 올리는 중일 수 있음): {relative}")
    for row in findings.missing:
        click.echo(f"파일이 없는 행: {row.label} ({row.relative})")
    for row in findings.mismatched:
        click.echo(f"내용(SHA-256)이 기록과 다른 파일: {row.label} ({row.relative})")
    if fix and findings.orphans:
        stamp = as_kst(now()).strftime("%Y%m%d-%H%M%S")
        folder = Path(current_app.instance_path) / "quarantine" / stamp
        files.quarantine(findings.orphans, folder)
        click.echo(f"행이 없는 파일 {len(findings.orphans)}개를 {folder}로 옮겼습니다.")
        findings.orphans.clear()
    if findings.clean:
        click.echo("올린 파일과 기록이 모두 맞습니다.")
        return
    click.echo("올린 파일과 기록이 맞지 않습니다.", err=True)
    sys.exit(1)


@files_cli.command("migrate")
@click.option("--to", "target", type=click.Choice(storage.BACKENDS), required=True)
def migrate(target: str) -> None:
    """Copy every file a row names into the other store, checking SHA-256; safe to rerun.

    The source keeps its files: switch COUNCIL_FILE_STORE, run `files check`, then delete them.
    """
    source_name = "local" if target == "database" else "database"
    source, destination = storage.store(source_name), storage.store(target)
    copied = present = 0
    failed = []
    for row in storage.stored_rows():
        size = destination.size(row.relative)
        if size == row.size and row.sha256 == storage.stream_checksum(
            destination.open(row.relative)
        ):
            present += 1
            continue
        if size is not None:
            # A copy with other bytes (an earlier run cut short) is replaced.
            destination.delete(row.relative)
            db.session.commit()
        try:
            with source.open(row.relative) as stream:
                saved = destination.save(row.relative, stream, max_bytes=row.size)
        except (FileNotFoundError, storage.TooLarge):
            failed.append(row)
            continue
        if saved.sha256 != row.sha256:
            db.session.rollback()
            failed.append(row)
            continue
        # One file per transaction: an interrupted run keeps what it copied.
        db.session.commit()
        copied += 1
    click.echo(f"{target} 저장소로 옮긴 파일 {copied}개, 이미 있던 파일 {present}개.")
    for row in failed:
        click.echo(f"옮기지 못한 파일(없거나 SHA-256이 다름): {row.label} ({row.relative})")
    if failed:
        click.echo("옮기지 못한 파일이 있습니다. 'files check'로 원본을 확인하세요.", err=True)
        sys.exit(1)


backup_cli = AppGroup("backup", help="백업과 복원 (Backup and restore).")


@backup_cli.command("create")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_create(path: Path) -> None:
    """Write one archive: every table's rows, the stored files and a manifest."""
    try:
        manifest = backup.create(path)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise click.ClickException(f"백업 파일을 쓸 수 없습니다: {error}") from None
    rows = sum(manifest["tables"].values())
    click.echo(
        f"백업을 만들었습니다: {path} (표 {len(manifest['tables'])}개, 행 {rows}개, "
        f"파일 {len(manifest['files'])}개)"
    )


@backup_cli.command("verify")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def backup_verify(path: Path) -> None:
    """Check every member of an archive against its manifest; exit 1 on any difference."""
    checked = backup.verify(path)
    for problem in checked.problems:
        click.echo(problem, err=True)
    if checked.problems:
        raise click.ClickException("백업 파일이 목록과 맞지 않습니다. 이 파일로 복원하지 마세요.")
    manifest = checked.manifest
    click.echo(
        f"백업 파일이 목록과 맞습니다: {manifest['created_at']}에 만든 것, "
        f"행 {sum(manifest['tables'].values())}개, 파일 {len(manifest['files'])}개."
    )


@backup_cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def backup_restore(path: Path) -> None:
    """Restore an archive into this instance's empty database; rebuild the search index."""
    try:
        manifest = backup.restore(path)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"백업을 복원했습니다: 행 {sum(manifest['tables'].values())}개, "
        f"파일 {len(manifest['files'])}개. 검색 색인을 새로 만들었습니다."
    )
