"""Our rows as OParl 1.1 objects (https://schema.oparl.org/1.1/).

회기 has no OParl object: it goes into the meeting's name and the vendor keys below.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from ..agenda.models import AgendaEntry, AgendaItem, Attachment, Outcome, Referral
from ..core.time import as_kst
from ..core.urls import external_url
from ..council.models import Body, BodyKind, Council, Member, Membership, Term
from ..meetings.models import Meeting, MeetingStatus
from ..minutes.models import MinutesFile

SCHEMA = "https://schema.oparl.org/1.1/"
#: Keys of our own carry this prefix, as OParl asks of vendor extensions.
VENDOR = "council:"
MIME_TYPES = {
    "hwp": "application/x-hwp",
    "hwpx": "application/hwp+zip",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "text": "text/plain",
}


def url(endpoint: str, **values) -> str:
    """Return the absolute URL of an OParl route."""
    return external_url(f"oparl.{endpoint}", **values)


def moment(value: datetime | None) -> str | None:
    """Return an OParl date-time: ISO 8601 in KST, to the second."""
    return as_kst(value).isoformat(timespec="seconds") if value else None


def _base(kind: str, object_id: str, created, modified) -> dict:
    return {
        "id": object_id,
        "type": SCHEMA + kind,
        "created": moment(created),
        "modified": moment(modified),
    }


def tombstone(kind: str, object_id: str, created, modified, **kept) -> dict:
    """Return a deleted object: id, type, created, the deletion as modified, ``deleted``."""
    return _base(kind, object_id, created, modified) | kept | {"deleted": True}


def _compact(data: dict) -> dict:
    """Drop keys without a value: OParl leaves unknown attributes out rather than null."""
    return {k: v for k, v in data.items() if v not in (None, [], "")}


def system(council: Council) -> dict:
    """Return the System object: where a client starts."""
    return _compact(
        {
            "id": url("system"),
            "type": SCHEMA + "System",
            "oparlVersion": SCHEMA,
            "name": f"{council.name} 회의록 시스템",
            "license": current_app.config["DATA_LICENSE_URL"],
            "body": url("bodies"),
            "website": external_url("home.index"),
            "created": moment(council.created_at),
            "modified": moment(council.updated_at),
        }
    )


def body(council: Council, terms: list[Term]) -> dict:
    """Return the council as the Body, its lists as links."""
    plenary = next((b for b in council.bodies if b.kind is BodyKind.PLENARY), None)
    lists = {
        name: url(f"body_{name}", body_id=council.id)
        for name in (
            "organization",
            "person",
            "meeting",
            "paper",
            "agendaItem",
            "file",
            "membership",
            "legislativeTermList",
        )
    }
    # The terms are embedded: a change of one is a change of the Body.
    modified = max([council.updated_at, *(t.updated_at for t in terms)])
    return _compact(
        _base("Body", url("body", body_id=council.id), council.created_at, modified)
        | {
            "system": url("system"),
            "name": council.name,
            "website": external_url("home.index"),
            "license": current_app.config["DATA_LICENSE_URL"],
            "classification": "구의회",
            "mainOrganization": url("organization", object_id=plenary.id) if plenary else None,
            "web": external_url("home.index"),
        }
        | lists
    ) | {"legislativeTerm": [legislative_term(t) for t in terms]}  # required, even when empty


def legislative_term(term: Term) -> dict:
    """Return a term (제9대) as a LegislativeTerm."""
    return _base(
        "LegislativeTerm", url("term", object_id=term.id), term.created_at, term.updated_at
    ) | {
        "body": url("body", body_id=term.council_id),
        "name": term.label,
        "startDate": term.start.isoformat(),
        "endDate": term.end.isoformat(),
    }


def organization(found: Body, modified) -> dict:
    """Return the plenary or a committee as an Organization."""
    return _compact(
        _base("Organization", url("organization", object_id=found.id), found.created_at, modified)
        | {
            "body": url("body", body_id=found.council_id),
            "name": found.name,
            "shortName": found.short_name,
            "organizationType": "Gremium",
            "classification": found.kind.label,
            "startDate": found.active_from.isoformat() if found.active_from else None,
            "endDate": found.active_to.isoformat() if found.active_to else None,
            "membership": [url("membership", object_id=m.id) for m in found.memberships],
            "meeting": url("organization_meetings", object_id=found.id),
            VENDOR + "slug": found.slug,
        }
    )


def membership(seat: Membership, *, embedded: bool = False) -> dict:
    """Return a member's seat in a body as a Membership."""
    data = _base(
        "Membership", url("membership", object_id=seat.id), seat.created_at, seat.updated_at
    ) | {
        "person": url("person", object_id=seat.member_id),
        "organization": url("organization", object_id=seat.body_id),
        "role": seat.role.label,
        "votingRight": True,
        "startDate": seat.start.isoformat(),
        "endDate": seat.end.isoformat() if seat.end else None,
    }
    if embedded:
        data.pop("person")
    return _compact(data)


def person(member: Member, modified) -> dict:
    """Return a member as a Person: the name and seats the council publishes, nothing more."""
    return _base("Person", url("person", object_id=member.id), member.created_at, modified) | {
        "body": url("body", body_id=member.council_id),
        "name": member.name,
        "formOfAddress": "의원",
        "membership": [membership(m, embedded=True) for m in member.memberships],
    }


def location(meeting: Meeting) -> dict | None:
    """Return where an open meeting sits, if known."""
    if not meeting.place or not meeting.public:
        return None
    return {
        "id": url("location", object_id=meeting.id),
        "type": SCHEMA + "Location",
        "description": meeting.place,
        "room": meeting.place,
        "meetings": [url("meeting", object_id=meeting.id)],
    }


def meeting(
    found: Meeting,
    modified,
    files: list[MinutesFile],
    lines: list[AgendaEntry],
    outcomes: dict[tuple[int, int], Outcome],
) -> dict:
    """Return a meeting; a closed one shows its name and time only, as its page does.

    ``files`` are its downloadable minutes files, the published version's first; ``lines``
    its order of business, with ``outcomes`` by (meeting id, item id).
    """
    council_session = found.council_session
    data = _base("Meeting", url("meeting", object_id=found.id), found.created_at, modified) | {
        "name": found.name,
        "meetingState": found.status.label,
        "cancelled": found.status is MeetingStatus.CANCELLED,
        "start": moment(found.starts_at),
        "end": moment(found.ends_at),
        "organization": [url("organization", object_id=found.body_id)],
        "web": external_url("meetings.show", meeting_id=found.id),
        VENDOR + "session": {
            "number": council_session.number,
            "name": council_session.name,
            "kind": council_session.kind.value,
            "start": council_session.start.isoformat(),
            "end": council_session.end.isoformat(),
        },
        VENDOR + "sitting": found.sitting,
        VENDOR + "public": found.public,
    }
    if found.public:
        data |= {
            "location": location(found),
            "verbatimProtocol": minutes_file(files[0]) if files else None,
            "auxiliaryFile": [minutes_file(f) for f in files[1:]],
            "agendaItem": [
                agenda_item(e, outcomes.get((e.meeting_id, e.item_id)), e.updated_at) for e in lines
            ],
        }
    return _compact(data)


def agenda_item(entry: AgendaEntry, outcome: Outcome | None, modified) -> dict:
    """Return a line of a meeting's order of business, with what was decided."""
    if outcome is not None and outcome.recorded_at > modified:
        modified = outcome.recorded_at
    found = entry.meeting
    return _compact(
        _base("AgendaItem", url("agenda_item", object_id=entry.id), entry.created_at, modified)
        | {
            "meeting": url("meeting", object_id=entry.meeting_id),
            "number": str(entry.position),
            "order": entry.position,
            "name": entry.item.title,
            "public": found.public,
            "consultation": url("consultation", key=f"entry-{entry.id}"),
            "result": outcome.result.label if outcome else None,
            "auxiliaryFile": [attachment(a) for a in entry.item.attachments],
            "web": external_url("agenda.show", item_id=entry.item_id),
        }
    )


def consultation_for_referral(referral: Referral) -> dict:
    """Return a referral (회부) to a committee as a Consultation."""
    return _base(
        "Consultation",
        url("consultation", key=f"referral-{referral.id}"),
        referral.created_at,
        referral.updated_at,
    ) | {
        "paper": url("paper", object_id=referral.item_id),
        "organization": [url("organization", object_id=referral.body_id)],
        "authoritative": False,
        "role": f"회부 ({referral.referred_on.isoformat()})",
    }


def consultation_for_entry(entry: AgendaEntry, outcome: Outcome | None) -> dict:
    """Return an item's treatment at a meeting (상정, and 의결 once decided) as a Consultation."""
    modified = entry.updated_at
    if outcome is not None and outcome.recorded_at > modified:
        modified = outcome.recorded_at
    return _base(
        "Consultation", url("consultation", key=f"entry-{entry.id}"), entry.created_at, modified
    ) | {
        "paper": url("paper", object_id=entry.item_id),
        "agendaItem": url("agenda_item", object_id=entry.id),
        "meeting": url("meeting", object_id=entry.meeting_id),
        "organization": [url("organization", object_id=entry.meeting.body_id)],
        "authoritative": outcome is not None and entry.meeting.body.kind is BodyKind.PLENARY,
        "role": f"의결: {outcome.result.label}" if outcome else "상정",
    }


def paper(item: AgendaItem, modified, outcomes: dict[tuple[int, int], Outcome]) -> dict:
    """Return an agenda item (안건) as a Paper, with its referrals and treatments.

    ``outcomes`` holds its decisions by (meeting id, item id).
    """
    entries = [e for e in item.entries if e.meeting.public]
    entries.sort(key=lambda e: (e.meeting.date, e.meeting.start_time, e.id))
    originators = [item.lead_member, *item.co_sponsors] if item.lead_member else []
    return _compact(
        _base("Paper", url("paper", object_id=item.id), item.created_at, modified)
        | {
            "body": url("body", body_id=item.term.council_id),
            "name": item.title,
            "reference": item.reference,
            "date": item.submitted_on.isoformat(),
            "paperType": item.kind.label,
            "originatorPerson": [url("person", object_id=m.id) for m in originators],
            "originatorOrganization": [url("organization", object_id=item.proposer_body_id)]
            if item.proposer_body_id
            else None,
            "underDirectionOf": [url("organization", object_id=r.body_id) for r in item.referrals],
            "auxiliaryFile": [attachment(a) for a in item.attachments],
            "consultation": [consultation_for_referral(r) for r in item.referrals]
            + [consultation_for_entry(e, outcomes.get((e.meeting_id, e.item_id))) for e in entries],
            "web": external_url("agenda.show", item_id=item.id),
            VENDOR + "status": item.status.label,
            VENDOR + "proposer": item.proposer_label,
        }
    )


def attachment(found: Attachment) -> dict:
    """Return a file attached to an agenda item as a File."""
    access = external_url("agenda.attachment", item_id=found.item_id, attachment_id=found.id)
    return (
        _base(
            "File", url("file", key=f"attachment-{found.id}"), found.uploaded_at, found.uploaded_at
        )
        | {
            "name": found.original_name,
            "fileName": found.original_name,
            "mimeType": found.content_type,
            "size": found.size,
            "accessUrl": access,
            "downloadUrl": access,
            "paper": [url("paper", object_id=found.item_id)],
            VENDOR + "sha256Checksum": found.sha256,
        }
        | ({"sha512Checksum": found.sha512} if found.sha512 else {})
    )


def minutes_file(stored: MinutesFile, modified=None, *, with_text: bool = False) -> dict:
    """Return an original minutes file as a File; ``text`` is the published public text."""
    minutes = stored.minutes
    found = minutes.meeting
    access = external_url("minutes.download", minutes_id=minutes.id, file_id=stored.id)
    data = _base(
        "File",
        url("file", key=f"minutes-{stored.id}"),
        stored.uploaded_at,
        modified or max(stored.uploaded_at, minutes.updated_at),
    ) | {
        "name": f"{found.name} 회의록",
        "fileName": stored.original_name,
        "mimeType": MIME_TYPES.get(stored.file_type, "application/octet-stream"),
        "date": found.date.isoformat(),
        "size": stored.size,
        "accessUrl": access,
        "downloadUrl": access,
        "meeting": [url("meeting", object_id=found.id)],
        "web": external_url("minutes.show", minutes_id=minutes.id),
        VENDOR + "sha256Checksum": stored.sha256,
    }
    if stored.sha512:
        data["sha512Checksum"] = stored.sha512
    if with_text:
        version = next(
            (v for v in reversed(minutes.versions) if v.file_id == stored.id and v.published_at),
            None,
        )
        if version is not None and version.public_text:
            data["text"] = version.public_text
    return data


def minutes_file_tombstone(stored: MinutesFile, modified) -> dict:
    """Return a withdrawn minutes file: deleted, still with the URL it had."""
    access = external_url("minutes.download", minutes_id=stored.minutes_id, file_id=stored.id)
    return tombstone(
        "File",
        url("file", key=f"minutes-{stored.id}"),
        stored.uploaded_at,
        modified,
        accessUrl=access,
    )
