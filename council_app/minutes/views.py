"""Pages: the public minutes, their history and the compliance report; stenographers' forms."""

from __future__ import annotations

from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext
from flask_login import current_user

from ..auth.permissions import Permission, permission_required
from ..core import storage
from ..core.commands import read_command
from ..core.errors import CouncilError
from ..core.inputs import date_range, whole_number
from ..core.time import today_kst
from ..core.writes import form_input, form_status, page_write, save_form
from ..council.services import current_council
from ..extensions import db
from ..i18n import current_locale
from ..meetings.models import Meeting
from . import compliance as reports
from . import pages, pdf, publication, queries, versions, video
from .diff import word_diff
from .forms import (
    FinalizeForm,
    PublishForm,
    RestoreForm,
    UploadForm,
    VideoOffsetsForm,
    WithdrawForm,
)
from .models import Minutes, MinutesStatus

bp = Blueprint("minutes", __name__)


def _readable(minutes_id: int) -> Minutes:
    minutes = db.get_or_404(Minutes, minutes_id)
    if not queries.visible_to(minutes, current_user):
        abort(404)
    return minutes


@bp.route("/meetings/<int:meeting_id>/minutes/new", methods=["GET", "POST"])
@permission_required(Permission.EDIT_MINUTES)
def upload(meeting_id: int):
    """Upload the minutes of a meeting, or a corrected version of them."""
    meeting = db.get_or_404(Meeting, meeting_id)
    minutes = queries.minutes_for(meeting)
    form = UploadForm()
    result = save_form(form, lambda data: _upload(meeting, form, data), done=_upload_done)
    # A file that could not be read is kept all the same (committed), and the page asks
    # for its text; only a version goes on to the preview.
    if result is not None and result.problem is None:
        return redirect(url_for(".preview", minutes_id=result.minutes.id))
    if result is not None:
        form.file.errors.append(result.problem)
        form.source_file.data = str(result.file.id)
        minutes = result.minutes
    return render_template(
        "minutes/upload.html", meeting=meeting, minutes=minutes, form=form
    ), form_status(form)


def _upload_done(result: versions.Upload) -> str | None:
    """Say what a readable upload became; an unreadable one is explained on the form."""
    if result.problem is not None:
        return None
    return (
        f"제{result.version.number}판을 초안으로 저장했습니다. "
        f"발언 {len(result.version.utterances)}건을 찾았습니다. 미리 보고 공개해 주세요."
    )


def _upload(meeting: Meeting, form: UploadForm, data: dict) -> versions.Upload:
    stored = form.file.data
    return versions.upload(
        meeting,
        read_command(versions.UploadMinutes, data),
        data=stored.read() if stored else None,
        filename=stored.filename if stored else "",
        actor=current_user,
    )


@bp.get("/minutes/<int:minutes_id>")
def show(minutes_id: int):
    """Show the current version: header, contents by agenda item, speaker turns."""
    minutes = db.get_or_404(Minutes, minutes_id)
    if minutes.status is MinutesStatus.WITHDRAWN and minutes.meeting.public:
        return render_template("minutes/withdrawn.html", minutes=minutes), 410
    if not queries.visible_to(minutes, current_user):
        abort(404)
    return pages.version_page(minutes, minutes.current_version, speaker=request.args.get("speaker"))


@bp.get("/minutes/<int:minutes_id>/text")
def text(minutes_id: int):
    """Send the text citizens read, closed passages left out, as a UTF-8 text file."""
    minutes = _readable(minutes_id)
    version = minutes.current_version
    if version is None:
        abort(404)
    name = gettext("%(meeting)s 회의록 제%(n)s판", meeting=minutes.meeting.name, n=version.number)
    return send_file(
        BytesIO(version.public_text.encode("utf-8")),
        mimetype="text/plain",  # Flask adds "; charset=utf-8" to text types
        as_attachment=True,
        download_name=f"{name}.txt",
    )


@bp.get("/minutes/<int:minutes_id>/versions/<int:number>.pdf")
def version_pdf(minutes_id: int, number: int):
    """Send a published version as a PDF; made once, in the background, then kept."""
    minutes = db.get_or_404(Minutes, minutes_id)
    version = next((v for v in minutes.versions if v.number == number), None)
    if not minutes.is_public or not pdf.is_published(version):
        abort(404)
    ready = pdf.ready(version, current_locale())
    if ready is None:
        pdf.build_later(version, current_locale())
        page = render_template("minutes/pdf_pending.html", minutes=minutes, version=version)
        # Accepted, not failed: the PDF is on its way (a 5xx would read as a broken site).
        return page, 202, {"Retry-After": str(pdf.RETRY_AFTER_SECONDS)}
    name = gettext("%(meeting)s 회의록 제%(n)s판", meeting=minutes.meeting.name, n=number)
    return send_file(
        ready, mimetype="application/pdf", download_name=f"{name}.pdf", conditional=True
    )


def _publish_form(minutes: Minutes, found) -> PublishForm:
    form = PublishForm(prefix="publish")
    form.confirm.choices = [(f.code, f.message) for f in found]
    return form


@bp.get("/minutes/<int:minutes_id>/preview")
@permission_required(Permission.EDIT_MINUTES)
def preview(minutes_id: int, form: PublishForm | None = None):
    """Show the draft as the public will see it, with its speakers, headings, diff, warnings."""
    minutes = db.get_or_404(Minutes, minutes_id)
    draft = minutes.draft_version
    published = minutes.published_version
    found = publication.findings(minutes, draft) if draft else []
    public_turns = [t for t in draft.utterances if not t.closed] if draft else []
    return render_template(
        "minutes/preview.html",
        minutes=minutes,
        draft=draft,
        published=published,
        findings=found,
        speakers=queries.speaker_counts(draft) if draft else [],
        headings=queries.headings(draft) if draft else [],
        lines=word_diff(published.public_text, draft.public_text) if draft and published else None,
        sections=queries.agenda_sections(public_turns),
        deadline=reports.deadline(minutes.meeting, minutes),
        form=form or _publish_form(minutes, found),
    ), form_status(form)


@bp.get("/minutes/<int:minutes_id>/diff")
def diff(minutes_id: int):
    """Show what changed between two versions (for citizens, between published ones)."""
    minutes = _readable(minutes_id)
    editor = queries.is_editor(current_user)
    readable = minutes.versions if editor else queries.public_versions(minutes)
    numbers = {v.number: v for v in readable}
    ordered = sorted(numbers)
    latest = ordered[-1] if ordered else 0
    before = ordered[-2] if len(ordered) > 1 else 0
    new = numbers.get(request.args.get("to", latest, type=int))
    old = numbers.get(request.args.get("from", before, type=int))
    if old is None or new is None:
        abort(404)
    return render_template(
        "minutes/diff.html",
        minutes=minutes,
        versions=readable,
        old=old,
        new=new,
        lines=queries.version_diff(old, new),
    )


@bp.get("/minutes/<int:minutes_id>/files/<int:file_id>")
def download(minutes_id: int, file_id: int):
    """Send the original file as uploaded, under its original name."""
    minutes = _readable(minutes_id)
    stored = next((f for f in minutes.files if f.id == file_id), None)
    if stored is None or not (queries.is_editor(current_user) or queries.file_is_public(stored)):
        abort(404)
    return storage.send(
        stored.stored_path,
        download_name=stored.original_name,
        mimetype="application/octet-stream",
    )


@bp.post("/minutes/<int:minutes_id>/publish")
@permission_required(Permission.EDIT_MINUTES)
def publish(minutes_id: int):
    """Publish the draft shown in the preview: the first provisional minutes or a correction."""
    minutes = db.get_or_404(Minutes, minutes_id)
    draft = minutes.draft_version
    found = publication.findings(minutes, draft) if draft else []
    form = _publish_form(minutes, found)
    first = minutes.status is MinutesStatus.DRAFT
    done = "임시회의록을 공개했습니다." if first else f"제{draft.number}판을 공개했습니다."
    published = save_form(
        form,
        lambda data: publication.publish(
            minutes, read_command(publication.PublishMinutes, data), actor=current_user
        ),
        done=done,
    )
    if published is not None:
        return redirect(url_for(".show", minutes_id=minutes.id))
    return preview(minutes_id, form=form)


@bp.post("/minutes/<int:minutes_id>/finalize")
@permission_required(Permission.EDIT_MINUTES)
def finalize(minutes_id: int):
    """Make the minutes final, once the confirmation box is ticked."""
    minutes = db.get_or_404(Minutes, minutes_id)
    form = FinalizeForm(prefix="finalize")
    if not form.validate_on_submit():
        for message in form.agree.errors or ["확정하지 못했습니다. 다시 시도해 주세요."]:
            flash(message, "error")
    else:
        page_write(
            lambda: publication.finalize(minutes, actor=current_user),
            done="회의록을 확정했습니다.",
        )
    return redirect(url_for(".show", minutes_id=minutes.id))


@bp.post("/minutes/<int:minutes_id>/versions/<int:number>/restore")
@permission_required(Permission.EDIT_MINUTES)
def restore(minutes_id: int, number: int):
    """Make an earlier version the new draft, then show its preview."""
    minutes = db.get_or_404(Minutes, minutes_id)
    # A button, not a form to show again: a refusal is flashed on the minutes page.
    restored = RestoreForm(prefix="restore").validate_on_submit() and page_write(
        lambda: versions.restore(minutes, number, actor=current_user),
        done=f"제{number}판의 본문으로 새 초안을 만들었습니다. 확인한 뒤 공개해 주세요.",
    )
    if restored:
        return redirect(url_for(".preview", minutes_id=minutes.id))
    return redirect(url_for(".show", minutes_id=minutes.id))


@bp.post("/minutes/<int:minutes_id>/withdraw")
@permission_required(Permission.WITHDRAW_MINUTES)
def withdraw(minutes_id: int):
    """Withdraw the minutes from public view, with a reason."""
    minutes = db.get_or_404(Minutes, minutes_id)
    form = WithdrawForm(prefix="withdraw")
    # Sent from the minutes page and answered there: a refusal is flashed, not kept on a form.
    if form.validate_on_submit():
        page_write(
            lambda: publication.withdraw(
                minutes,
                read_command(publication.WithdrawMinutes, form_input(form)),
                actor=current_user,
            ),
            done="회의록을 철회했습니다.",
        )
    return redirect(url_for(".show", minutes_id=minutes.id))


@bp.post("/minutes/<int:minutes_id>/video-offsets")
@permission_required(Permission.EDIT_MINUTES)
def video_offsets(minutes_id: int):
    """Import the turns' positions in the meeting's video from a CSV of order,offset."""
    minutes = db.get_or_404(Minutes, minutes_id)
    form = VideoOffsetsForm(prefix="video")
    if not form.validate_on_submit() or not form.file.data:
        flash("영상 시각 CSV 파일을 골라 주세요.", "error")
    else:
        data = form.file.data.read(video.MAX_CSV_BYTES + 1)
        page_write(
            lambda: video.import_offsets(minutes, data, actor=current_user),
            done=lambda n: f"발언 {n}건의 영상 시각을 넣었습니다.",
        )
    return redirect(url_for(".show", minutes_id=minutes.id))


@bp.get("/minutes/compliance")
def compliance():
    """Report per body how the publication deadline was kept in a year."""
    year = today_kst().year
    if raw_year := request.args.get("year"):
        first, last = date_range()
        year = whole_number(raw_year, last.year)
        if year is None or year < first.year:
            raise CouncilError(
                f"연도는 {first.year}부터 {last.year}까지의 숫자입니다.", field="year"
            )
    rows = reports.compliance(current_council(), year)
    return render_template("minutes/compliance.html", year=year, rows=rows)


@bp.app_context_processor
def minutes_helpers() -> dict:
    """Offer the meeting page its minutes."""
    return {"minutes_for": queries.minutes_for, "meeting_has_happened": queries.has_happened}


@bp.app_template_global()
def minutes_deadlines():
    """Return the meetings awaiting provisional minutes, soonest due first (for dashboards)."""
    return reports.deadlines_list()
