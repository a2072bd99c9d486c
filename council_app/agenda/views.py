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
from ..core.errors import RuleViolation
from ..core.forms import commit_or_flash
from ..core.inputs import page_number
from ..core.time import today_kst
from ..council.models import Body, BodyKind, Council, Member
from ..council.services import current_council
from ..extensions import db
from ..meetings.models import Meeting, MeetingStatus
from ..sessions.models import CouncilSession, SessionKind
from . import queries, services
from .forms import (
    AttachmentForm,
    ItemForm,
    OutcomeForm,
    ReferralForm,
    ScheduleForm,
)
from .models import AgendaItem, Attachment, ItemKind, ItemStatus, ProposerKind, Result

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


def _council() -> Council:
    return current_council()


def _committees(council: Council) -> list[Body]:
    return [b for b in council.bodies if b.kind is not BodyKind.PLENARY]


def _item_form(council: Council, **kwargs) -> ItemForm:
    members = db.session.scalars(
        select(Member).where(Member.council_id == council.id).order_by(Member.name)
    )
    return ItemForm(**kwargs).set_choices(members, _committees(council))


def _flash_errors(error: RuleViolation) -> None:
    db.session.rollback()
    for _field, message in error.errors:
        flash(message, "error")


def _form_errors(form, error: RuleViolation) -> None:
    """Show each broken rule next to its field, or above the form when it has none."""
    db.session.rollback()
    for name, message in error.errors:
        target = getattr(form, name or "", None)
        if target is not None and hasattr(target, "errors"):
            target.errors.append(message)
        else:
            form.form_errors.append(message)


@bp.get("/agenda")
def index():
    """List items with filters, and the yearly counts."""
    try:
        filters = queries.ItemFilter.from_args(request.args)
    except RuleViolation:
        abort(400)
    page = db.paginate(
        queries.filtered_items(filters),
        page=page_number(request.args),
        per_page=PER_PAGE,
        max_per_page=PER_PAGE,
    )
    council = _council()
    return render_template(
        "agenda/index.html",
        page=page,
        filters=filters,
        counts=queries.yearly_counts(),
        terms=council.terms,
        sessions=db.session.scalars(
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
    item = db.get_or_404(AgendaItem, item_id)
    staff = {}
    if can_manage_agenda():
        committees = _committees(_council())
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
    return render_template("agenda/show.html", item=item, timeline=queries.timeline(item), **staff)


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
    council = _council()
    form = _item_form(council)
    if form.validate_on_submit():
        try:
            item = services.create_item(council, form.to_fields())
        except RuleViolation as error:
            _form_errors(form, error)
        else:
            db.session.commit()
            flash("안건을 등록했습니다.", "success")
            return redirect(url_for("agenda.show", item_id=item.id))
    status = 422 if form.is_submitted() else 200
    return render_template("agenda/form.html", form=form, item=None), status


@bp.route("/agenda/<int:item_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_AGENDA)
def edit(item_id: int):
    """Correct an item's particulars."""
    item = db.get_or_404(AgendaItem, item_id)
    form = _item_form(_council(), obj=item)
    if request.method == "GET":
        form.kind.data, form.proposer_kind.data = item.kind.value, item.proposer_kind.value
        form.lead_member.data = item.lead_member_id
        form.co_sponsors.data = [m.id for m in item.co_sponsors]
        form.proposer_body.data = item.proposer_body_id
    if form.validate_on_submit():
        try:
            services.update_item(item, form.to_fields())
        except RuleViolation as error:
            _form_errors(form, error)
        else:
            db.session.commit()
            flash("안건을 고쳤습니다.", "success")
            return redirect(url_for("agenda.show", item_id=item.id))
    status = 422 if form.is_submitted() else 200
    return render_template("agenda/form.html", form=form, item=item), status


@bp.post("/agenda/<int:item_id>/referrals")
@permission_required(Permission.MANAGE_AGENDA)
def refer(item_id: int):
    """Send the item to a committee."""
    item = db.get_or_404(AgendaItem, item_id)
    form = ReferralForm().set_choices(_committees(_council()))
    if not form.validate_on_submit():
        abort(400)
    commit_or_flash(
        lambda: services.refer(
            item, db.session.get(Body, form.committee.data), form.referred_on.data
        ),
        "위원회에 회부했습니다.",
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
    commit_or_flash(lambda: services.attach_file(item, form.file.data), "파일을 첨부했습니다.")
    return redirect(url_for("agenda.show", item_id=item.id))


@bp.post("/agenda/<int:item_id>/schedule")
@permission_required(Permission.MANAGE_AGENDA)
def schedule(item_id: int):
    """Put the item on a meeting's order of business."""
    item = db.get_or_404(AgendaItem, item_id)
    form = ScheduleForm()
    meeting = db.get_or_404(Meeting, form.meeting.data or 0)
    try:
        services.add_to_order(meeting, item, form.reason.data or "")
    except RuleViolation as error:
        _flash_errors(error)
        return redirect(url_for("agenda.show", item_id=item.id))
    db.session.commit()
    flash(f"{meeting.name}의 의사일정에 올렸습니다.", "success")
    return redirect(url_for("agenda.order_of_business", meeting_id=meeting.id))


@bp.get("/meetings/<int:meeting_id>/order-of-business")
@permission_required(Permission.MANAGE_AGENDA)
def order_of_business(meeting_id: int):
    """Show a meeting's order of business with the forms to change it and record outcomes."""
    meeting = db.get_or_404(Meeting, meeting_id)
    return render_template(
        "agenda/order_of_business.html",
        meeting=meeting,
        lines=queries.order_of_business(meeting),
        results=Result,
        # Outcomes are recorded from the meeting's day on, as the service allows.
        outcomes_open=meeting.date <= today_kst()
        and meeting.status not in (MeetingStatus.CANCELLED, MeetingStatus.POSTPONED),
    )


@bp.post("/meetings/<int:meeting_id>/order-of-business/<int:item_id>/remove")
@permission_required(Permission.MANAGE_AGENDA)
def remove(meeting_id: int, item_id: int):
    """Take an item off the order of business."""
    meeting = db.get_or_404(Meeting, meeting_id)
    item = db.get_or_404(AgendaItem, item_id)
    commit_or_flash(
        lambda: services.remove_from_order(meeting, item, request.form.get("reason", "")),
        "의사일정에서 뺐습니다.",
    )
    return redirect(url_for("agenda.order_of_business", meeting_id=meeting.id))


@bp.post("/meetings/<int:meeting_id>/order-of-business/<int:item_id>/move")
@permission_required(Permission.MANAGE_AGENDA)
def move(meeting_id: int, item_id: int):
    """Move an item one place up or down the order of business."""
    meeting = db.get_or_404(Meeting, meeting_id)
    item = db.get_or_404(AgendaItem, item_id)
    offset = request.form.get("offset", type=int)
    if offset not in (-1, 1):
        abort(400)
    commit_or_flash(
        lambda: services.move_in_order(meeting, item, offset, request.form.get("reason", "")),
        "순서를 바꿨습니다.",
    )
    return redirect(url_for("agenda.order_of_business", meeting_id=meeting.id))


@bp.post("/meetings/<int:meeting_id>/outcomes/<int:item_id>")
@permission_required(Permission.MANAGE_AGENDA)
def record_outcome(meeting_id: int, item_id: int):
    """Record what the meeting decided about an item."""
    meeting = db.get_or_404(Meeting, meeting_id)
    item = db.get_or_404(AgendaItem, item_id)
    form = OutcomeForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.record_outcome(
            meeting,
            item,
            Result(form.result.data),
            votes_yes=form.votes_yes.data,
            votes_no=form.votes_no.data,
            votes_abstain=form.votes_abstain.data,
            note=form.note.data or "",
        )
    except RuleViolation as error:
        _flash_errors(error)
    else:
        db.session.commit()
        flash(f"결과를 기록했습니다: {item.title} {Result(form.result.data).label}", "success")
    return redirect(url_for("agenda.order_of_business", meeting_id=meeting.id))
