"""How Flask-Login finds the user: the session cookie for pages, a bearer token for the API."""

from __future__ import annotations

from flask import Flask

from ..extensions import db, login_manager
from .models import User
from .services import user_for_token


def init_login(app: Flask) -> None:
    """Configure Flask-Login for Korean pages and token-authenticated API calls."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "로그인이 필요한 페이지입니다."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
        return user if user and user.active else None

    @login_manager.request_loader
    def load_user_from_token(request) -> User | None:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return None
        return user_for_token(token.strip())
