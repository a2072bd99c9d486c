"""Login, logout and the personal API token page."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..core.errors import NotFound
from ..core.limits import login_limit
from ..core.writes import committing, page_write, show_refusal
from . import services
from .forms import LoginForm, TokenForm
from .permissions import Permission, permission_required
from .services import LoginThrottled

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    """Accept only a path on this site as the place to return to after login."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@login_limit
def login():
    """Show the login form and log staff in."""
    if current_user.is_authenticated:
        return redirect(url_for("home.dashboard"))
    form = LoginForm()
    status, headers = 200, {}
    if form.validate_on_submit():
        try:
            # The try is recorded (committed) whether or not the password matched.
            with committing():
                user = services.authenticate(
                    form.username.data, form.password.data, request.remote_addr, current_app.config
                )
        except LoginThrottled as error:
            show_refusal(error, form)
            status = error.status_code
            headers = {"Retry-After": str(error.retry_after)}
        else:
            if user:
                login_user(user)
                flash(f"{user.display_name}님, 환영합니다.", "success")
                return redirect(_safe_next(request.args.get("next")) or url_for("home.dashboard"))
            # Same words whether the account exists or not.
            form.password.errors.append("아이디 또는 비밀번호가 맞지 않습니다.")
            status = 401
    elif form.is_submitted():
        status = 400
    return render_template("auth/login.html", form=form), status, headers


@bp.post("/logout")
@login_required
def logout():
    """Log out; a POST, so that the CSRF check stops other sites from logging people out."""
    logout_user()
    flash("로그아웃했습니다.", "info")
    return redirect(url_for("home.index"))


@bp.route("/account/tokens", methods=["GET"])
@login_required
def tokens():
    """List the user's API tokens."""
    return render_template("auth/tokens.html", form=TokenForm(), new_token=None)


@bp.post("/account/tokens")
@permission_required(Permission.MANAGE_OWN_TOKENS)
def issue_token():
    """Issue a new token and show it once."""
    form = TokenForm()
    if not form.validate_on_submit():
        return render_template("auth/tokens.html", form=form, new_token=None), 400
    token = page_write(lambda: services.issue_token(current_user, form.name.data))
    return render_template("auth/tokens.html", form=TokenForm(formdata=None), new_token=token)


@bp.post("/account/tokens/<int:token_id>/revoke")
@permission_required(Permission.MANAGE_OWN_TOKENS)
def revoke_token(token_id: int):
    """Revoke one of the user's tokens."""
    try:
        with committing():
            services.revoke_token(current_user, token_id)
    except NotFound:
        abort(404)  # another user's token is not shown to exist
    flash("토큰을 폐기했습니다.", "success")
    return redirect(url_for("auth.tokens"))
