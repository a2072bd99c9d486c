"""Agenda pages: the public list and item pages, and the secretariat's forms."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from ..auth.permissions import Permission, permission_required
from ..core import storage
from ..core.commands import read_command
from ..core.errors import CouncilError, RuleViolation
from ..core.inputs import page_number
from ..core.writes import form_input, form_status, page_write, save_form
from ..council.models import Body, BodyKind, Council, Member
from ..council.services import current_council
from ..extensions import db
from ..meetings import order
from ..meetings.models import Meeting, MeetingStatus
from ..sessions.models import CouncilSession, SessionKind
from . import queries, services
from .commands import ItemCommand, ReferralCommand
from .forms import (
    AttachmentForm,
    ItemForm,
    ReferralForm,
    ScheduleForm,
)
from .models import AgendaItem, Attachment, ItemKind, ItemStatus, ProposerKind

bp = Blueprint("agenda", __name__)
PER_PAGE = 30


def meeting_url(meeting: Meeting) -> str:
    """Return the public page of ``meeting``."""
    return url_for("meetings.show", meeting_id=meeting.id)


def can_manage_agenda() -> bool:
    """Tell whether the visitor is staff who may change agenda items."""
    return current_user.is_authenticated and current_user.can(Permission.MANAGE_AGENDA)


@bp.app_context_processor
def agenda_helpers() -> dict:
    return {"meeting_url": meeting_url, "can_manage_agenda": can_manage_agenda}


def _committees(council: Council) -> list[Body]:
    return [b for b in council.bodies if b.kind is not BodyKind.PLENARY]


def _item_form(council: Council, **kwargs) -> ItemForm:
    members = db.session.scalars(
        select(Member).where(Member.council_id == council.id).order_by(Member.name)
    )
    return ItemForm(**kwargs).set_choices(members, _committees(council))


@bp.get("/agenda")
def index():
    """List items with filters, and the yearly counts."""
    try:
        filters = read_command(queries.ItemFilter, request.args)
    except RuleViolation as refused:
        # A filter in the address is a bad request, not a refused form: say which one, as 400.
        raise CouncilError(refused.errors) from None
    page = db.paginate(
        queries.filtered_items(filters, current_user),
        page=page_number(request.args),
        per_page=PER_PAGE,
        max_per_page=PER_PAGE,
    )
    council = current_council()
    return render_template(
        "agenda/index.html",
        page=page,
        filters=filters,
        counts=queries.yearly_counts(),
        terms=council.terms,
        council_sessions=db.session.scalars(
            select(CouncilSession).order_by(CouncilSession.number.desc())
        ).all(),
        committees=_committees(council),
        kinds=ItemKind,
        statuses=ItemStatus,
        proposers=ProposerKind,
        session_kinds=SessionKind,
    )


@bp.get("/agenda/<int:item_id>")
def show(item_id: int):
    """Show an item and its way through the council."""
    item = queries.item_in_full(item_id)
    staff = {}
    if can_manage_agenda():
        committees = _committees(current_council())
        meetings = db.session.scalars(
            select(Meeting)
            .join(CouncilSession)
            .where(
                CouncilSession.term_id == item.term_id, Meeting.status != MeetingStatus.CANCELLED
            )
            .order_by(Meeting.date, Meeting.start_time, Meeting.id)
        )
        staff = {
            "referral_form": ReferralForm().set_choices(committees),
            "schedule_form": ScheduleForm().set_choices(meetings),
            "attachment_form": AttachmentForm(),
        }
    return render_template(
        "agenda/show.html", item=item, timeline=queries.timeline(item, current_user), **staff
    )


@bp.get("/agenda/<int:item_id>/attachments/<int:attachment_id>")
def attachment(item_id: int, attachment_id: int):
    """Send an attached file under its original name."""
    found = db.get_or_404(Attachment, attachment_id)
    if found.item_id != item_id:
        abort(404)
    return storage.send(
        found.stored_name, download_name=found.original_name, mimetype=found.content_type
    )


@bp.route("/agenda/new", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_AGENDA)
def create():
    """Register a submitted item."""
    council = current_council()
    return _item_page(
        _item_form(council),
        None,
        lambda c: services.create_item(council, c),
        "안건을 등록했습니다.",
    )


@bp.route("/agenda/<int:item_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_AGENDA)
def edit(item_id: int):
    """Correct an item's particulars."""
    item = db.get_or_404(AgendaItem, item_id)
    form = _item_form(current_council(), obj=item)
    if request.method == "GET":
        form.kind.data, form.proposer_kind.data = item.kind.value, item.proposer_kind.value
        form.lead_member.data = item.lead_member_id
        form.co_sponsors.data = [m.id for m in item.co_sponsors]
        form.proposer_body.data = item.proposer_body.slug if item.proposer_body else None
    return _item_page(form, item, lambda c: services.update_item(item, c), "안건을 고쳤습니다.")


def _item_page(form: ItemForm, item: AgendaItem | None, action, done: str):
    """Save the item form through ``action`` and go to the item, or show the form again."""
    saved = save_form(form, lambda data: action(read_command(ItemCommand, data)), done=done)
    if saved is not None:
        return redirect(url_for("agenda.show", item_id=saved.id))
    return render_template("agenda/form.html", form=form, item=item), form_status(form)


@bp.post("/agenda/<int:item_id>/referrals")
@permission_required(Permission.MANAGE_AGENDA)
def refer(item_id: int):
    """Send the item to a committee."""
    item = db.get_or_404(AgendaItem, item_id)
    form = ReferralForm().set_choices(_committees(current_council()))
    if not form.validate_on_submit():
        abort(400)
    page_write(
        lambda: services.refer(item, read_command(ReferralCommand, form_input(form))),
        done="위원회에 회부했습니다.",
    )
    return redirect(url_for("agenda.show", item_id=item.id))


@bp.post("/agenda/<int:item_id>/attachments")
@permission_required(Permission.MANAGE_AGENDA)
def attach(item_id: int):
    """Attach a file to the item."""
    item = db.get_or_404(AgendaItem, item_id)
    form = AttachmentForm()
    if not form.validate_on_submit():
        for message in form.file.errors:
            flash(message, "error")
        return redirect(url_for("agenda.show", item_id=item.id))
    page_write(lambda: services.attach_file(item, form.file.data), done="파일을 첨부했습니다.")
    return redirect(url_for("agenda.show", item_id=item.id))


@bp.post("/agenda/<int:item_id>/schedule")
@permission_required(Permission.MANAGE_AGENDA)
def schedule(item_id: int):
    """Put the item on a meeting's order of business."""
    item = db.get_or_404(AgendaItem, item_id)
    entry = page_write(
        lambda: order.schedule(item, read_command(order.Scheduling, form_input(ScheduleForm()))),
        done=lambda entry: f"{entry.meeting.name}의 의사일정에 올렸습니다.",
    )
    if entry is None:
        return redirect(url_for("agenda.show", item_id=item.id))
    return redirect(url_for("meetings.order_of_business", meeting_id=entry.meeting_id))
