"""Speakers and attendance of kept minutes are matched to members, now and after changes."""

import datetime

from sqlalchemy import select

from council_app.council.models import Body, Member, Membership, MembershipRole
from council_app.extensions import db
from council_app.minutes import publication, versions
from council_app.minutes.attendance import AttendanceStatus
from council_app.minutes.models import Attendance, IndexOutbox, Utterance
from council_app.minutes.publication import PublishMinutes
from council_app.minutes.versions import UploadMinutes
from tests.minutes.conftest import council, make_meeting  # noqa: F401  (fixtures)

MINUTES = """제300회 서울특별시 금천구의회(임시회)
행정재경위원회회의록
(10시00분 개의)
○위원장 홍신입\u2003회의를 시작하겠습니다.
○과장 김가상\u2003보고드리겠습니다.
○이가상 위원\u2003질의하겠습니다.
(10시40분 산회)
○출석 위원(2인)
홍신입  이가상
○청가 위원(1인)
정가상
○출석 공무원
과장 김가상
"""


def _turns(minutes) -> dict[str, int | None]:
    version = minutes.published_version
    return {
        speaker: member_id
        for speaker, member_id in db.session.execute(
            select(Utterance.speaker, Utterance.member_id).where(Utterance.version_id == version.id)
        )
    }


def _attendance(minutes) -> dict[str, AttendanceStatus]:
    return {
        name: status
        for name, status in db.session.execute(
            select(Member.name, Attendance.status)
            .join(Member, Member.id == Attendance.member_id)
            .where(Attendance.version_id == minutes.published_version.id)
        )
    }


def test_new_members_are_matched_in_kept_minutes_by_the_reread_command(
    client,
    runner,
    make_meeting,  # noqa: F811
):
    meeting = make_meeting(datetime.date(2023, 1, 3), "admin-finance")
    minutes = versions.upload(meeting, UploadMinutes(text=MINUTES)).minutes
    publication.publish(minutes, PublishMinutes(reason="시험"))
    db.session.commit()
    lee = db.session.scalar(select(Member).where(Member.name == "이가상"))
    # An official bearing a member's name stays text; 홍신입 is on no roster yet.
    assert _turns(minutes) == {"위원장 홍신입": None, "과장 김가상": None, "이가상 위원": lee.id}
    # The demo seats 이가상, 정가상 and 윤가상 on 행정재경위원회: present, on leave, and on
    # no list at all.
    assert _attendance(minutes) == {
        "이가상": AttendanceStatus.PRESENT,
        "정가상": AttendanceStatus.LEAVE,
        "윤가상": AttendanceStatus.UNLISTED,
    }

    body = db.session.scalar(select(Body).where(Body.slug == "admin-finance"))
    new = Member(council_id=body.council_id, name="홍신입")
    db.session.add(new)
    db.session.add(
        Membership(
            member=new, body=body, role=MembershipRole.CHAIR, start=datetime.date(2022, 7, 1)
        )
    )
    db.session.commit()
    outbox_before = db.session.scalar(select(db.func.count(IndexOutbox.id)))

    result = runner.invoke(args=["minutes", "reread"])
    assert result.exit_code == 0, result.output
    assert "발언 1건" in result.output
    db.session.expire_all()
    assert _turns(minutes)["위원장 홍신입"] == new.id
    assert _attendance(minutes)["홍신입"] is AttendanceStatus.PRESENT
    # The public version changed: the index is told, so the member filter finds the turn.
    assert db.session.scalar(select(db.func.count(IndexOutbox.id))) == outbox_before + 1

    page = client.get(f"/members/{new.id}").get_data(as_text=True)
    assert "회의를 시작하겠습니다." in page
    again = runner.invoke(args=["minutes", "reread"])
    assert "발언 0건, 출석 0건 바뀜" in again.output


def test_the_reread_command_names_unknown_minutes(runner, council):  # noqa: F811
    result = runner.invoke(args=["minutes", "reread", "--minutes", "999"])
    assert result.exit_code != 0
    assert "회의록 999번이 없거나" in result.output
