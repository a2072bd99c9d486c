"""``flask --app council_app user …``: create staff accounts and issue API tokens."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..core.writes import cli_write
from ..extensions import db
from . import services
from .models import User
from .permissions import Role

user_cli = AppGroup("user", help="직원 계정 관리 (Staff accounts).")


@user_cli.command("create")
@click.argument("username")
@click.option("--role", required=True, help="admin | secretariat | stenographer")
@click.option("--name", "display_name", help="화면에 보일 이름")
@click.option("--password-stdin", is_flag=True, help="비밀번호를 표준 입력에서 읽습니다.")
def create(username: str, role: str, display_name: str | None, password_stdin: bool) -> None:
    """Create a staff account; the password is prompted or read from standard input."""
    if role not in {r.value for r in Role}:
        names = ", ".join(r.value for r in Role)
        raise click.ClickException(f"알 수 없는 역할입니다: {role} (가능한 값: {names})")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("비밀번호", hide_input=True, confirmation_prompt="비밀번호 확인")
    user = cli_write(lambda: services.create_user(username, password, role, display_name))
    click.echo(f"계정을 만들었습니다: {user.username} ({user.role.label})")


@user_cli.command("token")
@click.argument("username")
@click.option("--name", default="CLI", help="토큰 이름")
def token(username: str, name: str) -> None:
    """Issue a personal API token and print it once."""
    user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise click.ClickException(f"그런 계정이 없습니다: {username}")
    secret = cli_write(lambda: services.issue_token(user, name))
    click.echo(secret)
    click.echo("이 토큰은 다시 보여 주지 않습니다. 안전한 곳에 보관하세요.", err=True)
