"""The minutes page: one version as a reader sees it, and as its PDF prints it."""

from __future__ import annotations

from collections.abc import Iterable

from flask import render_template, request
from flask_login import current_user

from ..auth.permissions import Permission
from ..core.inputs import whole_number
from ..meetings import order
from ..meetings.models import Meeting
from . import compliance as reports
from . import queries, video
from .forms import FinalizeForm, RestoreForm, VideoOffsetsForm, WithdrawForm
from .headings import item_for_heading
from .models import Minutes, MinutesVersion


def version_page(
    minutes: Minutes, version: MinutesVersion | None, speaker: str | None = None, printing=False
) -> str:
    """Render a version's page for the current user; ``printing`` for its PDF (``pdf``)."""
    editor = queries.is_editor(current_user)
    turns = queries.readable_turns(version, current_user) if version else []
    speaker = speaker or None
    shown = [t for t in turns if t.speaker == speaker] if speaker else turns
    public_files = queries.public_files(minutes)
    sections = queries.agenda_sections(shown)
    return render_template(
        "minutes/show.html",
        minutes=minutes,
        version=version,
        printing=printing,
        sections=sections,
        videos=video.turn_videos(minutes.meeting, shown) if not printing else {},
        heading_items=_heading_items(minutes.meeting, (h for h, _ in sections)),
        speakers=sorted({t.speaker for t in turns}),
        speaker=speaker,
        deadline=reports.deadline(minutes.meeting, minutes),
        files=public_files,
        has_pdf=version is not None and version.was_published,
        arrival=None if printing else _arrival(),
        staff_files=[f for f in minutes.files if f not in public_files] if editor else [],
        history=minutes.versions if editor else queries.public_versions(minutes),
        draft=minutes.draft_version if editor else None,
        editor=editor,
        can_withdraw=current_user.is_authenticated
        and current_user.can(Permission.WITHDRAW_MINUTES),
        # Forms (and their CSRF token, kept in the session) only for staff: a visitor's
        # page stays free of cookies, and cacheable (core/caching.py).
        **(
            {
                "finalize_form": FinalizeForm(prefix="finalize"),
                "withdraw_form": WithdrawForm(prefix="withdraw"),
                "restore_form": RestoreForm(prefix="restore"),
                "video_form": VideoOffsetsForm(prefix="video"),
            }
            if current_user.is_authenticated
            else {}
        ),
    )


#: The longest query a minutes page reached from a search marks (the search's own bound
#: is 200 characters once cleaned). The way back is bounded where it is read, by the
#: search (``search_back``: a longer one is refused whole, never cut into other arguments).
MAX_ARRIVAL_QUERY = 400


def _arrival() -> dict | None:
    """Return what a search hit's link says: the words to mark, the turn, the way back.

    Only strings and a number reach the page; the search package turns them into the
    pattern and the link (template globals ``search_words`` and ``search_back``).
    """
    q = request.args.get("q", "")[:MAX_ARRIVAL_QUERY].strip()
    if not q:
        return None
    return {
        "q": q,
        "turn": whole_number(request.args.get("turn", ""), 1_000_000),
        "back": request.args.get("back", ""),
    }


def _heading_items(meeting: Meeting, headings: Iterable[str | None]) -> dict[str, int]:
    """Return the agenda item each minutes heading names, by the meeting's order of business."""
    entries = order.titles_in_order(meeting)
    found = {heading: item_for_heading(heading, entries) for heading in headings if heading}
    return {heading: item_id for heading, item_id in found.items() if item_id is not None}
