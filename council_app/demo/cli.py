"""``flask --app council_app demo load``."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ..core.writes import cli_write
from ..search import sync
from . import loader

demo_cli = AppGroup("demo", help="예시 자료 (Demo data).")


@demo_cli.command("load")
def load() -> None:
    """Load the demo council; running it again changes nothing."""
    report = cli_write(loader.load_all)
    # The commit announced the example minutes to the index without waiting for it;
    # waiting here makes sure the demo starts with every one of them searchable.
    sync.bring_up_to_date()
    # The thread the commit woke merges segments after catching up; a command that ended
    # under it would leave its half-written files behind.
    sync.wait_for_catch_up(timeout=300)
    for line in report.lines:
        click.echo(line)
    click.echo("예시 계정 (demo logins):")
    for username, password, role in loader.DEMO_USERS:
        click.echo(f"  {role:<13} {username} / {password}")
