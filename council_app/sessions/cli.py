"""``flask --app council_app sessions plan YEAR``."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ..core.errors import CouncilError
from ..core.inputs import PLAN_YEARS
from ..council.services import current_council
from .plan import annual_plan

sessions_cli = AppGroup("sessions", help="회기 (Sessions).")


@sessions_cli.command("plan")
@click.argument("year", type=click.IntRange(PLAN_YEARS[0], PLAN_YEARS[-1]))
def plan(year: int) -> None:
    """Print a year's plan table and totals."""
    try:
        council = current_council()
    except CouncilError as error:
        raise click.ClickException(str(error)) from error
    result = annual_plan(council, year)
    click.echo(f"{council.name} {year}년 회기 운영 계획")
    if not result.rows:
        click.echo("(회기 없음)")
    for row in result.rows:
        items = ", ".join(row.council_session.main_item_list)
        click.echo(f"{row.council_session.name:<12}\t{row.schedule:<22}\t{row.days:>3}일\t{items}")
    click.echo(result.summary)
    left = result.remaining
    click.echo(
        f"남은 일수: 연간 {left['annual_days']}일 / 정례회 {left['regular_days']}일 "
        f"(한도 {result.limits['annual_days']}일 / {result.limits['regular_days']}일)"
    )
