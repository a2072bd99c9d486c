"""Staff accounts, their API tokens and the record of login attempts."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.time import now
from ..core.types import AwareDateTime, enum_column
from ..extensions import db
from .permissions import Permission, Role, role_allows


class User(UserMixin, db.Model):
    """A staff account: administrator, secretariat (의사팀) or stenographer (속기)."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(60))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    active: Mapped[bool] = mapped_column(default=True)
    #: The councillor this account belongs to, if any.
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=now)

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")

    @property
    def is_active(self) -> bool:
        """Let Flask-Login refuse deactivated accounts."""
        return self.active

    def set_password(self, password: str) -> None:
        """Store a salted hash of ``password`` (scrypt; cheaper parameters only in tests)."""
        method = current_app.config["PASSWORD_HASH_METHOD"] if has_app_context() else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        """Tell whether ``password`` matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    def can(self, permission: Permission) -> bool:
        """Tell whether this user's role grants ``permission``."""
        return self.active and role_allows(self.role, permission)


class ApiToken(db.Model):
    """A personal token for the JSON API, stored only as its SHA-256 digest."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    #: The first characters, shown so the owner can tell tokens apart.
    prefix: Mapped[str] = mapped_column(String(12))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=now)
    last_used_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(AwareDateTime)

    user: Mapped[User] = relationship(back_populates="tokens")

    @property
    def is_revoked(self) -> bool:
        """Tell whether the token was revoked."""
        return self.revoked_at is not None


class LoginAttempt(db.Model):
    """One try to log in, kept so that repeated failures can be slowed down."""

    __tablename__ = "login_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: As typed (lower-cased), whether or not such an account exists.
    username: Mapped[str] = mapped_column(String(80), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(AwareDateTime, default=now, index=True)
    succeeded: Mapped[bool] = mapped_column(default=False)
