"""``flask --app council_app minutes deadlines``: what is due and overdue, for cron."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from ..core.time import format_date
from ..core.writes import cli_write
from . import compliance, mail, versions

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


@minutes_cli.command("label-turns")
def label_turns() -> None:
    """Label stored turns as speech or procedural again, by the parser's current rules."""
    changed = cli_write(versions.relabel_turns)
    click.echo(f"발언 종류를 고친 발언: {changed}건")
