"""``flask user create`` and ``flask user token``."""

from __future__ import annotations

from sqlalchemy import select

from council_app.auth import services
from council_app.auth.models import User
from council_app.extensions import db


def test_create_user_reading_password_from_stdin(runner):
    result = runner.invoke(
        args=["user", "create", "kim", "--role", "secretariat", "--password-stdin"],
        input="a-long-password\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "kim"))
    assert user.role.value == "secretariat" and user.check_password("a-long-password")


def test_create_user_with_prompted_password(runner):
    result = runner.invoke(
        args=["user", "create", "lee", "--role", "stenographer"],
        input="another-password\nanother-password\n",
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User).where(User.username == "lee")) is not None


def test_unknown_role_is_refused_with_a_message(runner):
    result = runner.invoke(
        args=["user", "create", "park", "--role", "mayor", "--password-stdin"],
        input="a-long-password\n",
    )
    assert result.exit_code != 0
    assert "알 수 없는 역할입니다: mayor" in result.output
    assert db.session.scalar(select(User)) is None


def test_short_password_and_duplicate_are_refused(runner, make_user):
    short = runner.invoke(
        args=["user", "create", "choi", "--role", "admin", "--password-stdin"], input="short\n"
    )
    assert short.exit_code != 0 and "10자 이상" in short.output
    existing = make_user("admin", username="jung")
    dup = runner.invoke(
        args=["user", "create", existing.username, "--role", "admin", "--password-stdin"],
        input="a-long-password\n",
    )
    assert dup.exit_code != 0 and "이미 있는 아이디" in dup.output


def test_token_is_printed_once_and_works(runner, make_user):
    user = make_user("secretariat", username="tokenuser")
    result = runner.invoke(args=["user", "token", "tokenuser"])
    assert result.exit_code == 0
    token = result.stdout.strip().splitlines()[0]
    assert services.user_for_token(token).id == user.id


def test_token_for_unknown_user_fails(runner):
    result = runner.invoke(args=["user", "token", "ghost"])
    assert result.exit_code != 0 and "그런 계정이 없습니다" in result.output
