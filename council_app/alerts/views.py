"""``/alerts``: ask for mail alerts, confirm by the mailed link, unsubscribe in one click."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext
from sqlalchemy import select

from ..core.limits import alert_limit
from ..core.writes import form_input, form_status, page_write
from ..council.models import Member
from ..council.services import current_council
from ..extensions import csrf, db
from . import services
from .forms import AlertForm, UnsubscribeForm

bp = Blueprint("alerts", __name__, url_prefix="/alerts")


@bp.route("/new", methods=["GET", "POST"])
@alert_limit
def new():
    """Ask for an address and a search (prefilled from a search's link); mail the link."""
    # A GET fills the form from the search it came from (``?q=주차&body=…``).
    form = AlertForm() if request.method == "POST" else AlertForm(formdata=request.args)
    _choices(form)
    sent = False
    if form.validate_on_submit():
        data = form_input(form)
        sent = page_write(lambda: _request(data), form=form) is not None
    return render_template("alerts/new.html", form=form, sent=sent), form_status(form)


def _request(data: dict) -> bool:
    alert = services.read_alert(data.pop("email", ""), data)
    services.send_confirmation(alert)
    return True


def _choices(form: AlertForm) -> None:
    council = current_council()
    bodies = council.bodies if council else []
    form.body.choices = [("", gettext("— 전체 —"))] + [(b.slug, b.name) for b in bodies]
    members = (
        db.session.scalars(
            select(Member).where(Member.council_id == council.id).order_by(Member.name)
        ).all()
        if council
        else []
    )
    form.member.choices = [("", gettext("— 전체 —"))] + [(str(m.id), m.name) for m in members]


@bp.get("/confirm")
def confirm():
    """Start the alert the mailed link carries (the owner's consent to keep the address)."""
    # In the query string, which no log of the app keeps: the token carries the address.
    token = request.args.get("t", "")
    subscription = page_write(lambda: services.confirm(services.read_confirmation(token)))
    if subscription is None:
        return render_template("alerts/invalid.html"), form_status()
    return render_template(
        "alerts/confirmed.html",
        label=services.describe(subscription.criteria),
        token=subscription.token,
    )


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str):
    """Show the one button that ends an alert; a POST (the button, or a mail program) ends it."""
    subscription = services.by_token(token)
    form = UnsubscribeForm()
    if request.method == "POST":
        if subscription is not None:
            page_write(lambda: services.unsubscribe(subscription))
        return render_template("alerts/unsubscribed.html")
    if subscription is None:
        return render_template("alerts/unsubscribed.html", gone=True), 404
    return render_template(
        "alerts/unsubscribe.html", form=form, label=services.describe(subscription.criteria)
    )
