"""``flask --app council_app data export [DIR]``: the bulk downloads, outside any request."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ..core.writes import cli_write
from . import checksums, export

data_cli = AppGroup("data", help="공개 데이터 일괄 내려받기 (Bulk open data).")


@data_cli.command("export")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--if-changed",
    is_flag=True,
    help="자료가 지난 빌드 뒤로 바뀌었을 때만 만듭니다 (cron에서 몇 분마다 돌리기 좋음).",
)
def export_command(directory: Path | None, if_changed: bool) -> None:
    """Write the CSV/JSONL files, SHA256SUMS and manifest.json.

    With DIR, into that folder; without it, as a new generation of what /data/ serves.
    """
    served = Path(current_app.config["DATA_EXPORT_PATH"])
    if directory is None and if_changed and not export.is_stale(served):
        click.echo("바뀐 자료가 없어 새로 만들지 않았습니다.")
        return
    try:
        manifest = export.write_files(directory) if directory else export.build(served)
    except OSError as error:
        click.echo(f"파일을 쓸 수 없습니다: {error}", err=True)
        sys.exit(1)
    for entry in manifest["files"]:
        click.echo(f"{entry['name']}: {entry['rows']}행, {entry['bytes']}바이트")
    click.echo(f"{directory or served}에 만들었습니다 ({manifest['built_at']}).")


@data_cli.command("checksums")
def checksums_command() -> None:
    """Fill in the SHA-512 of stored files uploaded before it was kept (OParl's checksum)."""
    filled, missing = cli_write(checksums.fill_missing)
    for relative in missing:
        click.echo(f"파일이 없습니다: {relative}", err=True)
    click.echo(f"SHA-512를 {filled}개 파일에 기록했습니다.")
    if missing:
        sys.exit(1)
