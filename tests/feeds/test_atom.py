"""Atom feeds of published minutes and of searches, as feed readers parse them."""

import datetime

import feedparser
import pytest
from sqlalchemy import func, select

from council_app.core.time import as_kst
from council_app.extensions import db
from council_app.feeds import atom
from council_app.minutes import publication, versions
from council_app.minutes.models import MinutesVersion, Utterance
from council_app.minutes.publication import PublishMinutes, WithdrawMinutes
from tests.search.conftest import BUDGET_MINUTES, PLENARY_MINUTES


def read(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def published_at(minutes, number=1):
    return db.session.scalar(
        select(MinutesVersion.published_at).where(
            MinutesVersion.minutes_id == minutes.id, MinutesVersion.number == number
        )
    )


def test_the_minutes_feed_lists_each_publication_with_a_stable_id(client, publish):
    minutes = publish()
    feed = read(client, "/minutes.atom")
    assert (
        "금천구의회" in feed.feed.title and feed.feed.author == feed.feed.title.split(" 회의록")[0]
    )
    (entry,) = feed.entries
    assert entry.link == f"http://localhost/minutes/{minutes.id}"
    assert entry.id.startswith("tag:localhost,") and entry.id.endswith(f":minutes/{minutes.id}/v1")
    # ``updated`` is the publication's own time, in KST, whatever the hour of reading.
    assert entry.updated == as_kst(published_at(minutes)).isoformat(timespec="seconds")
    assert feed.feed.updated == entry.updated
    assert read(client, "/minutes.atom").entries[0].id == entry.id


def test_a_correction_is_news_and_a_withdrawal_leaves_the_feed(client, publish):
    minutes = publish()
    versions.add_version(
        minutes, BUDGET_MINUTES.replace("보행환경", "보행로"), versions.PASTED, None
    )
    db.session.commit()
    # A draft is not public: the feed does not change.
    assert len(read(client, "/minutes.atom").entries) == 1
    publication.publish(minutes, PublishMinutes(reason="발언 정정"))
    db.session.commit()
    newest, first = read(client, "/minutes.atom").entries
    assert newest.id.endswith("/v2") and "정정" in newest.title and first.id.endswith("/v1")
    publication.withdraw(minutes, WithdrawMinutes(reason="잘못 올림"))
    db.session.commit()
    assert read(client, "/minutes.atom").entries == []


def test_the_feed_of_one_body_or_member(client, publish, app):
    committee = publish()
    plenary = publish(PLENARY_MINUTES, body="plenary", day=datetime.date(2023, 1, 4))
    [one] = read(client, "/minutes.atom?body=plenary").entries
    assert one.link.endswith(f"/minutes/{plenary.id}")
    assert [e.link[-2:] for e in read(client, "/minutes.atom?body=admin-finance").entries] == [
        f"/{committee.id}"[-2:]
    ]
    refused = client.get("/minutes.atom?body=nowhere")
    assert refused.status_code == 400 and "위원회가 없습니다" in refused.get_data(as_text=True)
    assert client.get("/minutes.atom?member=abc").status_code == 400
    assert client.get("/minutes.atom?member=999").status_code == 400


def test_the_member_feed_lists_the_minutes_the_member_spoke_in(client, demo):
    member_id, spoke_in = db.session.execute(
        select(Utterance.member_id, func.count(func.distinct(Utterance.version_id)))
        .join(MinutesVersion)
        .where(
            Utterance.member_id.is_not(None),
            Utterance.closed.is_(False),
            MinutesVersion.published_at.is_not(None),
        )
        .group_by(Utterance.member_id)
        .order_by(func.count(func.distinct(Utterance.version_id)))
        .limit(1)
    ).one()
    feed = read(client, f"/minutes.atom?member={member_id}")
    assert 0 < len(feed.entries) <= min(spoke_in, 50)
    everyone = read(client, "/minutes.atom")
    assert len(everyone.entries) > len(feed.entries) or spoke_in == len(everyone.entries)


def test_a_search_feed_holds_the_newest_public_turns_and_never_a_closed_one(client, publish):
    minutes = publish()
    (entry,) = read(client, "/search.atom?q=보행환경").entries
    assert entry.link == f"http://localhost/minutes/{minutes.id}#u-2"
    assert entry.id.endswith(f":minutes/{minutes.id}/v1/u-2")
    # The snippet as on the search page; feedparser's sanitizer keeps the text of <mark>.
    assert "보행환경 개선" in entry.content[0].value and "이가상 위원" in entry.title
    raw = client.get("/search.atom?q=보행환경").get_data(as_text=True)
    assert "&lt;mark&gt;보행환경&lt;/mark&gt;" in raw and "&amp;lt;b&amp;gt;늘려" in raw
    assert entry.updated == as_kst(published_at(minutes)).isoformat(timespec="seconds")
    assert read(client, "/search.atom?q=인사+문제").entries == []
    feed = read(client, "/search.atom?q=예산&body=admin-finance")
    assert feed.feed.links[0].href.startswith("http://localhost/search.atom?")


@pytest.mark.parametrize(
    "query, message",
    [("", "검색어나 조건"), ("?q=x&sort=sideways", "정렬"), ("?q=" + "가" * 5000, "검색어")],
)
def test_a_search_feed_refuses_what_it_cannot_search(client, query, message):
    refused = client.get("/search.atom" + query)
    assert refused.status_code == 400 and message in refused.get_data(as_text=True)


def test_the_demo_feeds_are_valid_atom(client, demo):
    for url in ("/minutes.atom", "/minutes.atom?body=plenary", "/search.atom?q=예산"):
        feed = read(client, url)
        assert feed.entries, url
        ids = [entry.id for entry in feed.entries]
        assert len(set(ids)) == len(ids)
        assert all(
            entry.updated and entry.link.startswith("http://localhost/") for entry in feed.entries
        )


def test_characters_xml_cannot_hold_are_dropped_not_sent():
    moment = datetime.datetime(2023, 6, 8, 10, tzinfo=datetime.UTC)
    feed = atom.Feed(
        id="http://localhost/minutes.atom",
        title="회의록 <공개> & \x01알림",
        updated=moment,
        self_link="http://localhost/minutes.atom",
        link="http://localhost/",
        author="금천구의회",
        entries=[
            atom.Entry("tag:localhost,2023-06-08:x", "발언\x0b", moment, "http://localhost/m")
        ],
    )
    parsed = feedparser.parse(atom.document(feed))
    assert not parsed.bozo and parsed.feed.title == "회의록 <공개> & 알림"
    assert (
        parsed.entries[0].title == "발언"
        and parsed.entries[0].updated == "2023-06-08T19:00:00+09:00"
    )


def test_an_english_reader_gets_the_feed_in_english(client, publish):
    publish()
    feed = read(client, "/minutes.atom?lang=en")
    assert feed.feed.title.endswith("Minutes published")
    assert "published" in feed.entries[0].summary and "판" not in feed.entries[0].summary
