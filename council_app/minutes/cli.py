"""``flask --app council_app minutes deadlines``: what is due and overdue, for cron;
``minutes reread``: match the kept minutes' speakers and attendance to members again."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from ..core.time import format_date
from ..core.writes import cli_write
from ..extensions import db
from . import compliance, mail, versions
from .models import MinutesVersion

minutes_cli = AppGroup("minutes", help="회의록 (Minutes).")


@minutes_cli.command("deadlines")
@click.option("--mail", "send_mail", is_flag=True, help="속기 담당자에게 메일로도 알립니다.")
@click.option("--to", "recipients", multiple=True, help="받는 주소 (기본: MINUTES_REMINDER_TO)")
def deadlines(send_mail: bool, recipients: tuple[str, ...]) -> None:
    """List meetings awaiting provisional minutes; exit 1 when any is overdue."""
    entries = compliance.deadlines_list()
    lines = [_line(e) for e in entries]
    for line in lines or ["공개를 기다리는 회의록이 없습니다."]:
        click.echo(line)
    overdue = sum(1 for e in entries if e.overdue)
    if send_mail and entries:
        _mail(lines, overdue, list(recipients or current_app.config["MINUTES_REMINDER_TO"]))
    if overdue:
        click.echo(f"기한이 지난 회의록: {overdue}건", err=True)
        sys.exit(1)


def _line(entry: compliance.Deadline) -> str:
    state = "기한 지남" if entry.overdue else "공개 대기"
    return (
        f"{entry.d_day:>6}  {state}  기한 {format_date(entry.due)}  "
        f"{entry.meeting.name} ({format_date(entry.meeting.date)})  회의 #{entry.meeting.id}"
    )


def _mail(lines: list[str], overdue: int, recipients: list[str]) -> None:
    config = current_app.config
    if not config.get("MAIL_SERVER") or not recipients:
        raise click.ClickException(
            "MAIL_SERVER와 받는 주소(--to 또는 MINUTES_REMINDER_TO)를 설정해 주세요."
        )
    subject = f"[회의록] 공개 대기 {len(lines)}건" + (f", 기한 지남 {overdue}건" if overdue else "")
    try:
        mail.send(config, recipients, subject, "\n".join(lines) + "\n")
    except mail.MailError as error:
        raise click.ClickException(f"메일을 보내지 못했습니다: {error}") from error
    click.echo(f"메일 보냄: {', '.join(recipients)}")


@minutes_cli.command("reread")
@click.option("--minutes", "minutes_id", type=click.IntRange(1), help="이 회의록만 (번호)")
def reread(minutes_id: int | None) -> None:
    """Match every kept version's speakers to members, label its turns and read its attendance again.

    Run after adding members or seats, or after an upgrade that reads more of the minutes
    (the members matching or the speech/procedural rules):
    the texts stay; each version is committed on its own, so a stop loses nothing done.
    """
    stmt = select(MinutesVersion.id).order_by(MinutesVersion.id)
    if minutes_id is not None:
        stmt = stmt.where(MinutesVersion.minutes_id == minutes_id)
    ids = db.session.scalars(stmt).all()
    if minutes_id is not None and not ids:
        raise click.ClickException(f"회의록 {minutes_id}번이 없거나 판이 없습니다.")
    turns = attendance = 0
    for version_id in ids:
        done = cli_write(lambda v=version_id: versions.reread(db.session.get(MinutesVersion, v)))
        turns += done.turns
        attendance += done.attendance
        db.session.expire_all()
    click.echo(f"판 {len(ids)}개를 다시 읽었습니다: 발언 {turns}건, 출석 {attendance}건 바뀜")
