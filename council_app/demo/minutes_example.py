"""Example minutes (예시) for the demo's past meetings, written in the council's real format."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ..agenda.queries import titles_by_meeting
from ..core.time import kst_datetime, today_kst
from ..council.models import BodyKind, Council, Membership, MembershipRole
from ..extensions import db
from ..meetings.models import Meeting
from ..minutes import compliance, deadlines, publication, queries, versions
from ..minutes.publication import PublishMinutes
from ..minutes.versions import UploadMinutes
from ..sessions.models import CouncilSession

LATE_REASON = "예시: 속기 담당자 교육 일정으로 하루 늦게 공개함"


def load(council: Council) -> int:
    """Write example minutes for every public meeting that took place; return how many.

    Meetings of finished sessions get their history: published on time, one of them late.
    In a session still running, minutes are published when that is still on time, and the
    newest meeting's minutes stay a draft, so the dashboards have one due.
    """
    stmt = (
        select(Meeting)
        .join(Meeting.council_session)
        .where(CouncilSession.council_id == council.id, Meeting.public.is_(True))
        .order_by(Meeting.date, Meeting.start_time)
    )
    held = [m for m in db.session.scalars(stmt) if queries.has_happened(m)]
    today = today_kst()
    history = [m for m in held if m.council_session.end < today]
    late_example = history[-1] if history else None
    newest = held[-1] if held else None
    added = 0
    for meeting in held:
        if queries.minutes_for(meeting) is not None:
            continue
        command = UploadMinutes(text=text_for(meeting), note="예시 자료")
        minutes = versions.upload(meeting, command).minutes
        if meeting.council_session.end < today:
            _publish_as_of(minutes, late=meeting is late_example)
        elif meeting is not newest and compliance.deadline(meeting).days_left >= 0:
            publication.publish(minutes)
        added += 1
    db.session.flush()
    return added


def _publish_as_of(minutes, *, late: bool) -> None:
    """Publish through the service, then date it as the demo's history says.

    Real publications always carry the server's time; only the demo writes a past one,
    so that its on-time and late examples look as they would have on the day.
    """
    publication.publish(minutes, PublishMinutes(reason=LATE_REASON))
    due = compliance.due_date(minutes.meeting)
    day = due + timedelta(days=1) if late else minutes.meeting.date + timedelta(days=1)
    minutes.published_at = kst_datetime(day, minutes.meeting.start_time)
    minutes.published_version.published_at = minutes.published_at
    minutes.late = deadlines.is_late(minutes.published_at, due)
    minutes.late_reason = LATE_REASON if minutes.late else None


def _chair(meeting: Meeting) -> str:
    """Return the name of the body's chair on the meeting day, or the first sample name."""
    seat = db.session.scalar(
        select(Membership).where(
            Membership.body_id == meeting.body_id, Membership.role == MembershipRole.CHAIR
        )
    )
    return seat.member.name if seat else "김가상"


def _roll(meeting: Meeting, chair: str) -> tuple[list[str], list[str]]:
    """Return who attended and who was on leave: the body's members that day.

    Every third meeting one member who does not speak in the example is on leave (청가),
    so the member pages show rates below 100 %. Before anyone is seated, the speakers.
    """
    seated = [
        seat.member.name
        for seat in db.session.scalars(
            select(Membership)
            .where(Membership.body_id == meeting.body_id, Membership.start <= meeting.date)
            .order_by(Membership.member_id)
        )
        if seat.end is None or seat.end >= meeting.date
    ]
    if not seated:
        return [chair, "이가상", "박가상"], []
    quiet = [name for name in seated if name not in (chair, "이가상", "박가상")]
    if quiet and meeting.id % 3 == 0:
        away = quiet[meeting.id // 3 % len(quiet)]
        return [name for name in seated if name != away], [away]
    return seated, []


def text_for(meeting: Meeting) -> str:
    """Return example minutes for ``meeting`` in the council's layout (○ marks, wide spaces)."""
    council_session = meeting.council_session
    plenary = meeting.body.kind is BodyKind.PLENARY
    chair_title = "의장" if plenary else "위원장"
    chair = _chair(meeting)
    member_title = "의원" if plenary else "위원"
    day = meeting.date
    items = titles_by_meeting([meeting.id]).get(meeting.id) or ["구정 현안 보고(예시)"]
    first, *rest = items
    present, away = _roll(meeting, chair)
    leave = f"○청가 {member_title}({len(away)}인)\n{'  '.join(away)}\n" if away else ""
    agenda = "\n".join(f"{n}. {title}" for n, title in enumerate(items, start=1))
    later = "".join(
        f"{n}. {title}\n○{chair_title} {chair}\u2003의사일정 제{n}항을 상정합니다.\n"
        f"○박가상 {member_title}\u2003{title}에 대해 구민 의견을 더 반영해 주시기 바랍니다.\n"
        for n, title in enumerate(rest, start=2)
    )
    return f"""[예시] 이 회의록은 시연용 예시 자료입니다.
제{council_session.number}회 {council_session.council.name}({council_session.kind.label})
{meeting.body.name}회의록
제 {meeting.sitting} 호
{council_session.council.name}사무국
일  시 : {day.year}년 {day.month}월 {day.day}일 ({meeting.start_time:%H}시{meeting.start_time:%M}분)
장  소 : {meeting.place or meeting.body.name + " 회의실"}
의사일정
{agenda}

({meeting.start_time:%H}시{meeting.start_time:%M}분 개의)
○{chair_title} {chair}\u2003성원이 되었으므로 제{council_session.number}회 {council_session.council.name}({council_session.kind.label}) 제{meeting.sitting}차 {meeting.body.name}를 개의하겠습니다.
(의사봉 3타)
1. {first}
○{chair_title} {chair}\u2003의사일정 제1항 {first}을 상정합니다.
(의사봉 1타)
제안설명은 배부해 드린 자료로 갈음하고 질의하실 {member_title}님 계십니까?
○이가상 {member_title}\u2003이가상 {member_title}입니다.
{first}의 추진 일정과 구민에게 알리는 방법을 설명해 주시기 바랍니다.
○행정국장 홍예시\u2003준비 기간을 두어 구민께 충분히 알리겠습니다.
○{chair_title} {chair}\u2003더 질의하실 {member_title}님 안 계십니까?
(「없습니다」하는 {member_title} 있음)
질의를 마치겠습니다.
(의사봉 3타)
{later}○{chair_title} {chair}\u2003이상으로 오늘 회의를 마치겠습니다. 산회를 선포합니다.
(의사봉 3타)
(11시20분 산회)
○출석 {member_title}({len(present)}인)
{"  ".join(present)}
{leave}○출석 공무원
행정국장 홍예시
○기록 담당
속기사 예시
"""
