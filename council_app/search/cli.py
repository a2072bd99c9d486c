"""``flask --app council_app search reindex|sync|check``: keep this node's index in step, by hand or cron."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ..core import backup
from . import sync
from .index import IndexBusy

search_cli = AppGroup("search", help="회의록 검색 색인 (Search index).")

#: Uids of drifted utterances printed per kind; the counts are always complete.
SHOWN = 10


@search_cli.command("reindex")
@click.option("--procs", default=1, show_default=True, help="색인에 쓸 프로세스 수")
def reindex(procs: int) -> None:
    """Rebuild the whole index from the database."""
    with click.progressbar(length=sync.indexed_minutes_count(), label="회의록 색인") as bar:
        count = _or_busy(lambda: sync.reindex(bar.update, procs=max(procs, 1)))
    click.echo(f"발언 {count}건을 색인했습니다.")


@search_cli.command("sync")
def sync_outbox() -> None:
    """Apply the minutes changes the index has not caught up with yet."""
    if sync.search_index().needs_rebuild():
        count = _or_busy(sync.reindex)
        click.echo(f"색인을 데이터베이스에서 새로 만들었습니다: 발언 {count}건.")
    applied = _or_busy(sync.catch_up)
    click.echo(f"밀린 변경 {applied}건을 색인에 반영했습니다.")
    merged = _or_busy(sync.search_index().merge_segments)
    if merged:
        click.echo(f"작은 색인 조각 {merged}개를 합쳤습니다.")


@search_cli.command("check")
def check() -> None:
    """Compare the index with the database; exit 1 when they differ."""
    drift = _or_busy(sync.check)
    for label, uids in (
        ("색인에 없는 발언", drift.missing),
        ("색인에만 있는 발언", drift.extra),
        ("옛 내용으로 색인된 발언", drift.stale),
    ):
        if uids:
            shown = ", ".join(uids[:SHOWN]) + (" …" if len(uids) > SHOWN else "")
            click.echo(f"{label}: {len(uids)}건 ({shown})")
    lag = drift.lag.as_dict()
    click.echo(f"노드: {sync.node_name()}")
    click.echo(
        f"색인 커서: {lag['cursor']} (최신 변경 {lag['latest']}), "
        f"반영 대기 중인 변경: {drift.pending}건, 지연 {lag['lag_seconds']}초"
    )
    if not drift.in_step:
        raise click.ClickException(
            "색인이 데이터베이스와 다릅니다. 'flask --app council_app search reindex'로 다시 만드세요."
        )
    click.echo("색인이 데이터베이스와 일치합니다.")


@backup.after_restore
def _rebuild_after_restore() -> None:
    """A backup leaves the index out (derived data): build it from the restored rows."""
    _or_busy(sync.reindex)


def _or_busy(action):
    try:
        return action()
    except IndexBusy as error:
        raise click.ClickException(
            "다른 프로세스가 색인을 쓰고 있습니다. 잠시 뒤 다시 실행해 주세요."
        ) from error
