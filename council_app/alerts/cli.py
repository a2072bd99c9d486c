"""``flask --app council_app alerts send``: the day's alert mails, for a timer."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from ..core.time import now
from ..core.writes import cli_write
from ..extensions import db
from ..search import sync
from . import services
from .models import AlertSubscription

alerts_cli = AppGroup("alerts", help="메일 알림 (Mail alerts).")


@alerts_cli.command("send")
def send() -> None:
    """Mail each alert the turns published since its last look, at most once a day."""
    config = current_app.config
    if not config.get("MAIL_SERVER") or not config.get("BASE_URL"):
        raise click.ClickException("MAIL_SERVER와 BASE_URL(메일 속 링크의 주소)을 설정해 주세요.")
    # Alerts find turns through the search index: it must hold every publication first.
    if not sync.bring_up_to_date(wait=True):
        raise click.ClickException(
            "검색 색인이 아직 따라잡지 못했습니다. 잠시 뒤 다시 실행해 주세요."
        )
    moment = now()
    report = services.SendReport()
    cache = services.RunCache()
    # Links in the mails are built on BASE_URL, as a request to the site would build them.
    with current_app.test_request_context(base_url=config["BASE_URL"]):
        # One commit per alert: a failure later in the run never sends a mail twice.
        for subscription_id in services.subscription_ids():
            subscription = db.session.get(AlertSubscription, subscription_id)
            if subscription is not None:
                cli_write(lambda s=subscription: services.send_one(s, moment, report, cache))
    click.echo(
        f"알림 메일 {report.sent}건 보냄, 오늘 이미 보내 내일로 미룸 {report.waiting}건, "
        f"보내지 못함 {report.failed}건"
    )
    if report.failed:
        raise SystemExit(1)
