"""The search page stays small at a council's volume: bounded facets and item choices."""

from __future__ import annotations

from sqlalchemy import select

from council_app.agenda.models import AgendaEntry, AgendaItem
from council_app.council.services import current_council
from council_app.extensions import db
from council_app.meetings.models import Meeting
from council_app.search import services
from council_app.search.index import SearchFilters
from council_app.sessions.models import CouncilSession
from tests.search.conftest import BUDGET_MINUTES

MANY_SPEAKERS = BUDGET_MINUTES.replace(
    "○위원장 김가상\u2003산회를 선포합니다.",
    "\n".join(f"○{n}가상 위원\u2003예산 질의 {n}번입니다." for n in range(1, 14)),
)


def test_facets_list_the_most_frequent_values_and_keep_the_chosen_one():
    counts = {"speaker": {f"{n}가상": 20 - n for n in range(1, 14)}, "body": {"plenary": 3}}
    shown = services.top_facets(counts, SearchFilters())
    assert [v for v, _ in shown["speaker"].values] == [f"{n}가상" for n in range(1, 11)]
    assert shown["speaker"].more == 3
    assert shown["body"].values == [("plenary", 3)] and shown["body"].more == 0
    chosen = services.top_facets(counts, SearchFilters(speaker="13가상"))
    assert chosen["speaker"].values[-1] == ("13가상", 7) and chosen["speaker"].more == 2


def test_the_page_lists_ten_speakers_and_says_how_many_more(client, publish):
    publish(MANY_SPEAKERS)
    speakers = client.get("/api/v1/search", query_string={"q": "예산"}).get_json()["facets"]
    assert len(speakers["speaker"]) > 13
    page = client.get("/search", query_string={"q": "예산", "kind": "all"}).get_data(as_text=True)
    facets = page.split('class="facets"')[1].split("</aside>")[0]
    assert facets.count("speaker=") == services.FACET_VALUES
    more = len(speakers["speaker"]) - services.FACET_VALUES
    assert f"그 밖에 {more}개: 조건 더하기에서 고르세요." in facets


def _items_with_public_minutes() -> list[int]:
    return list(
        db.session.scalars(
            select(AgendaItem.id)
            .join(AgendaEntry)
            .join(Meeting, Meeting.id == AgendaEntry.meeting_id)
            .where(Meeting.public.is_(True))
            .order_by(AgendaItem.submitted_on.desc(), AgendaItem.id.desc())
        )
    )


def test_item_choices_are_the_newest_the_chosen_and_the_sessions(demo, monkeypatch):
    council = current_council()
    every = services.filter_choices(council)["agenda"]
    assert len(every) >= 3, "the demo should have items spoken of in public minutes"
    monkeypatch.setattr(services, "AGENDA_CHOICES", 2)

    def ids(choices):  # a label may add the day, by which other titles are listed
        return [value for value, _ in choices]

    assert ids(services.filter_choices(council)["agenda"]) == ids(every[:2])
    oldest = every[-1]
    chosen = services.filter_choices(council, SearchFilters(agenda_item_id=int(oldest[0])))
    assert ids(chosen["agenda"]) == ids([*every[:2], oldest])
    session = db.session.scalar(
        select(CouncilSession)
        .join(Meeting)
        .join(AgendaEntry, AgendaEntry.meeting_id == Meeting.id)
        .where(AgendaEntry.item_id == int(oldest[0]))
    )
    in_session = services.filter_choices(council, SearchFilters(session=session.number))
    assert oldest[0] in ids(in_session["agenda"])
    assert {value for value, _ in in_session["agenda"]} <= {value for value, _ in every}


def test_an_item_page_links_to_the_search_for_it(client, demo):
    spoken_of = services.filter_choices(current_council())["agenda"]
    item_id = spoken_of[0][0]
    page = client.get(f"/agenda/{item_id}").get_data(as_text=True)
    assert f'href="/search?agenda={item_id}"' in page
    found = client.get(f"/search?agenda={item_id}")
    assert found.status_code == 200 and "검색 결과" in found.get_data(as_text=True)


def test_items_of_one_title_are_told_apart_by_their_session(client, demo):
    every = services.filter_choices(current_council())["agenda"]
    labels = [label for _, label in every]
    assert len(labels) == len(set(labels)), "two options read the same"
    assert len({value for value, _ in every}) == len(every), "an item is listed twice"
    titles = [db.session.get(AgendaItem, int(value)).title for value, _ in every]
    repeated = {t for t in titles if titles.count(t) > 1}
    assert repeated, "the demo has question times (구정질문) in several sessions"
    for (value, label), title in zip(every, titles, strict=True):
        session = db.session.scalar(
            select(CouncilSession)
            .join(Meeting)
            .join(AgendaEntry, AgendaEntry.meeting_id == Meeting.id)
            .where(AgendaEntry.item_id == int(value))
            .order_by(Meeting.date)
            .limit(1)
        )
        assert label == f"{title} ({session.name})"
    page = client.get("/search?q=예산&kind=all").get_data(as_text=True)
    assert f">{labels[0]}<" in page
