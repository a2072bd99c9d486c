"""How Flask-Login finds the user: the session cookie for pages, the Authorization header for the API.

An API request that carries an ``Authorization`` header is judged by that header alone: a
cookie sent alongside it is ignored, so a forged or garbage header can never borrow the
browser's login (and skip the CSRF check that cookie writes need).
"""

from __future__ import annotations

from flask import Flask, g, request

from ..extensions import db, login_manager
from .models import User
from .services import user_for_token

API_PREFIX = "/api/"


def header_authenticates(req=None) -> bool:
    """Tell whether the request is an API call that names its own credentials."""
    req = req or request
    return req.path.startswith(API_PREFIX) and "Authorization" in req.headers


def user_for_authorization(header: str) -> User | None:
    """Return the active user of a ``Bearer`` token header, or None for anything else."""
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return user_for_token(token)


def init_login(app: Flask) -> None:
    """Configure Flask-Login for Korean pages and token-authenticated API calls."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "로그인이 필요한 페이지입니다."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @app.before_request
    def load_the_user_afresh():
        # Flask-Login caches the user on ``g``, which lives as long as the app context; where
        # one app context spans several requests (the test client inside an app context), an
        # earlier request's user must not answer for this one's credentials.
        g.pop("_login_user", None)

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        if header_authenticates():
            return None
        user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
        return user if user and user.active else None

    @login_manager.request_loader
    def load_user_from_header(req) -> User | None:
        if not header_authenticates(req):
            return None
        return user_for_authorization(req.headers["Authorization"])
