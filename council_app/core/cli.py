"""``flask --app council_app files check [--fix]``: stored files against the rows naming them."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from . import storage
from .time import as_kst, now

files_cli = AppGroup("files", help="올린 파일 (Stored files).")


@files_cli.command("check")
@click.option("--fix", is_flag=True, help="행이 없는 파일을 인스턴스의 quarantine 폴더로 옮깁니다.")
def check(fix: bool) -> None:
    """Report files without rows, rows without files and SHA-256 mismatches; exit 1 on any."""
    root = storage.root()
    findings = storage.check(root, storage.stored_rows())
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
        storage.quarantine(root, findings.orphans, folder)
        click.echo(f"행이 없는 파일 {len(findings.orphans)}개를 {folder}로 옮겼습니다.")
        findings.orphans.clear()
    if findings.clean:
        click.echo("올린 파일과 기록이 모두 맞습니다.")
        return
    click.echo("올린 파일과 기록이 맞지 않습니다.", err=True)
    sys.exit(1)
