"""Account verbs: create users, log in with throttling, issue and revoke API tokens."""

from __future__ import annotations

import hashlib
import math
import re
import secrets
from datetime import timedelta

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..core import audit
from ..core.errors import CouncilError, NotFound, RuleViolation
from ..core.time import now
from ..extensions import db
from .models import ApiToken, LoginAttempt, User
from .permissions import Role

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,39}$")
MIN_PASSWORD_LENGTH = 10
TOKEN_PREFIX = "cnl_"  # noqa: S105  (a marker, not a secret)


class LoginThrottled(CouncilError):
    """Too many failed logins from this address; it may try again in ``retry_after`` seconds."""

    status_code = 429

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        wait = f"{math.ceil(retry_after / 60)}분" if retry_after >= 60 else f"{retry_after}초"
        super().__init__(
            f"로그인 실패가 너무 많습니다. {wait} 뒤에 다시 시도해 주세요.", field="username"
        )


def create_user(
    username: str, password: str, role: Role | str, display_name: str | None = None
) -> User:
    """Create a staff account after checking its name, role and password."""
    username = username.strip().lower()
    errors: list[tuple[str, str]] = []
    if not USERNAME_RE.match(username):
        errors.append(("username", "아이디는 영문 소문자·숫자·._- 로 3~40자여야 합니다."))
    elif db.session.scalar(select(User.id).where(User.username == username)):
        errors.append(("username", f"이미 있는 아이디입니다: {username}"))
    try:
        role = Role(role)
    except ValueError:
        names = ", ".join(r.value for r in Role)
        errors.append(("role", f"알 수 없는 역할입니다: {role} (가능한 값: {names})"))
    if len(password) < MIN_PASSWORD_LENGTH:
        errors.append(("password", f"비밀번호는 {MIN_PASSWORD_LENGTH}자 이상이어야 합니다."))
    if errors:
        raise RuleViolation(errors)
    user = User(username=username, display_name=display_name or username, role=role)
    user.set_password(password)
    db.session.add(user)
    audit.record("user.create", user, after={"username": username, "role": role.value})
    return user


def authenticate(username: str, password: str, address: str, config) -> User | None:
    """Return the user if the password matches; record the try; refuse while throttled.

    The caller learns only "yes" or "no", never whether the account exists.
    """
    username = (username or "").strip().lower()[:80]
    address = (address or "unknown")[:64]
    wait = login_wait(username, address, config)
    if wait:
        raise LoginThrottled(wait)
    user = db.session.scalar(select(User).where(User.username == username))
    # Hash even for unknown accounts, so the answer takes as long either way.
    ok = user.check_password(password) if user else _burn_hash(password)
    succeeded = bool(ok and user and user.active)
    db.session.add(LoginAttempt(username=username, address=address, succeeded=succeeded))
    return user if succeeded else None


_DUMMY_HASH: str | None = None


def _burn_hash(password: str) -> bool:
    """Spend the time of one password check and return False."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = generate_password_hash(secrets.token_hex(8), method="scrypt")
    check_password_hash(_DUMMY_HASH, password)
    return False


def backoff(failures: int, free: int, cap: timedelta) -> timedelta:
    """Return the wait after ``failures`` failures: none for the first ``free``, then doubling.

    With ``free`` = 3: 2 s after the 3rd failure, 4 s after the 4th, 8 s after the 5th … up to
    ``cap``. A guesser gets one try per wait; a person who mistyped waits seconds.
    """
    if failures < free:
        return timedelta(0)
    exponent = min(failures - free + 1, 30)  # 2^30 s is far past any cap
    return min(timedelta(seconds=2**exponent), cap)


def login_wait(username: str, address: str, config) -> int:
    """Return the seconds this address must wait before trying ``username`` again (0: none).

    Failures count per (account, address), from the pair's last success, and per address over
    every account name. Never per account alone: failures from one address cannot lock the
    account's owner out from another, and made-up names from one address slow only that address.
    """
    current = now()
    since = current - config["LOGIN_FAILURE_WINDOW"]
    cap = config["LOGIN_MAX_DELAY"]
    failed = select(func.count(LoginAttempt.id), func.max(LoginAttempt.at)).where(
        LoginAttempt.address == address,
        LoginAttempt.at >= since,
        LoginAttempt.succeeded.is_(False),
    )
    last_success = db.session.scalar(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.address == address,
            LoginAttempt.username == username,
            LoginAttempt.succeeded.is_(True),
        )
    )
    pair = failed.where(LoginAttempt.username == username)
    if last_success is not None:
        pair = pair.where(LoginAttempt.at > last_success)
    waits = []
    for query, free in (
        (pair, config["LOGIN_FREE_FAILURES_PER_ACCOUNT"]),
        (failed, config["LOGIN_FREE_FAILURES_PER_ADDRESS"]),
    ):
        count, last = db.session.execute(query).one()
        if count:
            until = last + backoff(count, free, cap)
            waits.append((until - current).total_seconds())
    return max(0, math.ceil(max(waits, default=0)))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, name: str = "API") -> str:
    """Create a personal API token for ``user`` and return it; only its digest is kept."""
    name = (name or "API").strip()[:60] or "API"
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(user=user, name=name, prefix=token[:12], digest=_digest(token))
    db.session.add(record)
    audit.record("user.token_issue", record, after={"user": user.username, "name": name})
    return token


def revoke_token(user: User, token_id: int) -> ApiToken:
    """Revoke one of ``user``'s tokens."""
    record = db.session.get(ApiToken, token_id)
    if record is None or record.user_id != user.id:
        raise NotFound("그런 토큰이 없습니다.")
    if record.revoked_at is None:
        record.revoked_at = now()
        audit.record("user.token_revoke", record, after={"prefix": record.prefix})
    return record


def user_for_token(token: str) -> User | None:
    """Return the active user a bearer token belongs to, or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    record = db.session.scalar(select(ApiToken).where(ApiToken.digest == _digest(token)))
    if record is None or record.is_revoked or not record.user.active:
        return None
    record.last_used_at = now()
    return record.user
