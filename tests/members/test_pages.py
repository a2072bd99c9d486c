"""A citizen reads a member's page and the API: seats, speeches, bills, attendance."""

import re

import pytest
from sqlalchemy import func, select

from council_app.agenda.models import AgendaItem
from council_app.council.models import Member
from council_app.extensions import db
from council_app.meetings.models import Meeting
from council_app.members import queries
from council_app.minutes.models import Minutes, MinutesVersion, Utterance


def _member(name: str = "김가상") -> Member:
    return db.session.scalar(select(Member).where(Member.name == name))


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _public_turns(member: Member) -> int:
    return db.session.scalar(
        select(func.count(Utterance.id)).where(
            Utterance.member_id == member.id,
            Utterance.closed.is_(False),
            Utterance.version_id.in_(queries.public_versions()),
        )
    )


def test_the_council_list_links_every_member(client, demo):
    page = _text(client.get("/members"))
    for member in db.session.scalars(select(Member)):
        assert f'href="/members/{member.id}"' in page
    assert "본회의 의장" in page  # 김가상 chairs the plenary: 의장, not 위원장


def test_a_member_page_shows_seats_speeches_bills_and_attendance(client, demo):
    member = _member()
    page = _text(client.get(f"/members/{member.id}"))
    assert "제9대" in page and "의회운영위원회" in page
    total = _public_turns(member)
    assert total > 50
    assert f'발언 <span class="muted">{total}건</span>' in page
    # Newest meeting first, each turn linked to its place in the minutes.
    anchors = re.findall(r'href="/minutes/(\d+)#u-(\d+)"', page)
    assert len(anchors) == queries.SPEECHES_PER_PAGE
    first = db.session.get(Minutes, int(anchors[0][0])).meeting
    newest = db.session.scalar(
        select(func.max(Meeting.date))
        .join(Minutes, Minutes.meeting_id == Meeting.id)
        .join(MinutesVersion, MinutesVersion.minutes_id == Minutes.id)
        .join(Utterance, Utterance.version_id == MinutesVersion.id)
        .where(
            Utterance.member_id == member.id,
            MinutesVersion.id.in_(queries.public_versions()),
        )
    )
    assert first.date == newest
    assert f'href="/minutes.atom?member={member.id}"' in page
    assert f'href="/search?member={member.id}"' in page
    # The bills he co-sponsored, with their outcome.
    item = db.session.scalar(select(AgendaItem).where(AgendaItem.bill_number == 11))
    assert member in item.co_sponsors
    assert f'href="/agenda/{item.id}"' in page and "공동발의" in page and "원안가결" in page
    # Attendance read from the demo minutes' closing lists: one leave (청가) in 2023.
    rates = {y.year: y for y in queries.yearly_rates(queries.attendance(member.id))}
    year = rates[2023]
    assert year.counted > 10 and 0 < year.leave < year.counted
    assert f"{year.present / year.counted * 100:.1f}%" in page
    assert f"{year.present}/{year.counted}" in page


def test_turns_and_attendance_of_closed_meetings_never_show(client, demo):
    member = _member()
    spoken = db.session.scalar(
        select(Meeting)
        .join(Minutes, Minutes.meeting_id == Meeting.id)
        .where(Minutes.id.in_(select(Utterance.version_id).where(Utterance.member_id == member.id)))
        .order_by(Meeting.date.desc())
        .limit(1)
    )
    minutes = db.session.scalar(select(Minutes).where(Minutes.meeting_id == spoken.id))
    before = _text(client.get(f"/members/{member.id}"))
    assert f'href="/minutes/{minutes.id}' in before
    spoken.public = False
    db.session.commit()
    after = _text(client.get(f"/members/{member.id}"))
    assert f'href="/minutes/{minutes.id}' not in after
    api = client.get(f"/api/v1/members/{member.id}").get_json()
    assert all(s["minutes_id"] != minutes.id for s in api["speeches"]["data"])
    assert all(a["meeting_id"] != spoken.id for a in api["attendance"]["meetings"])


def test_the_api_lists_members_and_pages_a_members_speeches(client, demo):
    listed = client.get("/api/v1/members").get_json()
    assert listed["total"] == 10
    kim = next(m for m in listed["data"] if m["name"] == "김가상")
    assert {s["role_label"] for s in kim["membership"]} == {"의장", "위원"}
    first = client.get(f"/api/v1/members/{kim['id']}?per_page=5").get_json()
    speeches = first["speeches"]
    assert len(speeches["data"]) == 5 and speeches["total"] == _public_turns(_member())
    assert speeches["data"][0]["web"].endswith(f"#u-{speeches['data'][0]['order']}")
    second = client.get(speeches["links"]["next"]).get_json()["speeches"]["data"]
    assert {(s["minutes_id"], s["order"]) for s in second}.isdisjoint(
        {(s["minutes_id"], s["order"]) for s in speeches["data"]}
    )
    assert first["attendance"]["years"][0]["rate"] is not None
    assert any(b["reference"] == "제11호" for b in first["bills"])


@pytest.mark.parametrize("query", ["per_page=100000", "page=0", "page=abc"])
def test_the_api_refuses_pages_out_of_bounds(client, demo, query):
    response = client.get(f"/api/v1/members/{_member().id}?{query}")
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] in ("page", "per_page")


def test_an_unknown_member_is_not_found(client, demo):
    assert client.get("/members/99999").status_code == 404
    assert client.get("/api/v1/members/99999").status_code == 404


def test_the_minutes_link_a_members_turns_to_the_member_and_leave_officials_as_text(client, demo):
    member = _member()
    minutes_id = db.session.execute(
        select(MinutesVersion.minutes_id)
        .join(Utterance, Utterance.version_id == MinutesVersion.id)
        .where(Utterance.member_id == member.id, MinutesVersion.id.in_(queries.public_versions()))
        .limit(1)
    ).scalar_one()
    page = _text(client.get(f"/minutes/{minutes_id}"))
    assert f'<a class="speaker-member" href="/members/{member.id}"><strong>' in page
    # The demo's 행정국장 홍예시 is no member: the label stays text.
    assert "<strong>행정국장 홍예시</strong>" in page
    assert not re.search(r'href="/members/\d+"><strong>행정국장', page)
