"""English beyond the chrome: the data's labels, counts in the right number, the browser's language."""

from __future__ import annotations

import re

import flask_babel
import pytest
from flask import g
from sqlalchemy import func, select

from council_app.agenda.models import AgendaItem, ItemStatus, ProposerKind
from council_app.council.services import current_council
from council_app.extensions import db
from council_app.minutes.models import Utterance
from council_app.minutes.queries import latest_published


def fetch(client, url: str, **headers) -> str:
    """Get a page as a new visit would: the test app's long-lived app context shares ``g``,
    where Flask-Babel keeps the locale and ``i18n.page_translations`` the catalogue."""
    flask_babel.refresh()
    g.pop("_page_translations", None)
    return client.get(url, headers=headers).get_data(as_text=True)


def text_of(html: str) -> str:
    """Return the page's visible words, tags taken out and spaces folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def amended_budget(demo):
    """Return the demo's budget bill, proposed by the district mayor and passed as amended."""
    return db.session.scalar(
        select(AgendaItem)
        .where(AgendaItem.proposer_kind == ProposerKind.DISTRICT_HEAD)
        .where(AgendaItem.status == ItemStatus.AMENDED)
        .order_by(AgendaItem.id)
    )


def test_agenda_labels_are_english_in_english(client, amended_budget):
    item = amended_budget
    url = f"/agenda/{item.id}"
    korean = text_of(fetch(client, url))
    assert "접수 (구청장)" in korean and "수정가결" in korean

    english = text_of(fetch(client, url + "?lang=en"))
    assert "Submitted by District mayor" in english
    assert "Passed with amendments" in english
    assert "구청장" not in english and "수정가결" not in english
    assert "Referred to " in english and " 회부" not in english

    listing = text_of(fetch(client, f"/agenda?lang=en&q={item.title}"))
    assert "District mayor" in listing and "Passed with amendments" in listing
    assert "구청장" not in listing and "수정가결" not in listing


def test_a_members_bill_names_its_sponsors_in_english(client, demo):
    item = db.session.scalar(
        select(AgendaItem)
        .where(AgendaItem.proposer_kind == ProposerKind.MEMBER)
        .where(AgendaItem.co_sponsors.any())
        .order_by(AgendaItem.id)
    )
    total = len(item.co_sponsors) + 1
    lead = item.lead_member.name
    assert f"{lead} 의원 등 {total}인" in text_of(fetch(client, f"/agenda/{item.id}"))
    english = text_of(fetch(client, f"/agenda/{item.id}?lang=en"))
    assert f"Councillor {lead} and others ({total} members)" in english
    assert "의원 등" not in english


def test_search_sort_names_are_english(client, demo):
    english = fetch(client, "/search?q=예산&lang=en")
    assert ">Relevance</option>" in english and ">Newest first</option>" in english
    assert "관련도순" not in english


def test_counts_of_speeches_take_the_right_number(client, demo):
    minutes = latest_published(current_council())[0]
    per_heading = dict(
        db.session.execute(
            select(Utterance.agenda_heading, func.count())
            .where(Utterance.version_id == minutes.published_version.id)
            .group_by(Utterance.agenda_heading)
        ).all()
    )
    assert 1 in per_heading.values() and any(n > 1 for n in per_heading.values())
    english = text_of(fetch(client, f"/minutes/{minutes.id}?lang=en"))
    assert "(1 speech)" in english
    for count in per_heading.values():
        assert f"({count} {'speech' if count == 1 else 'speeches'})" in english
    assert not re.search(r"\b1 speeches\b", english)
    assert "(1건)" not in english

    results = text_of(fetch(client, "/search?q=예산&lang=en"))
    assert re.search(r"Search results \d+ speeches", results)


def test_first_visit_follows_the_browsers_language(client, demo):
    response = client.get("/", headers={"Accept-Language": "en-GB,fr;q=0.8"})
    assert '<html lang="en">' in response.get_data(as_text=True)
    assert "Accept-Language" in response.headers["Vary"]
    # The same page kept for an English browser is not handed to a Korean one.
    assert '<html lang="ko">' in fetch(client, "/", **{"Accept-Language": "ko-KR,ko;q=0.9"})
    assert '<html lang="ko">' in fetch(client, "/")
    assert '<html lang="ko">' in fetch(client, "/", **{"Accept-Language": "fr-FR, de;q=0.5"})


def test_the_switch_wins_over_the_browsers_language(client, demo):
    client.get("/language/ko")
    assert '<html lang="ko">' in fetch(client, "/", **{"Accept-Language": "en"})
    assert '<html lang="en">' in fetch(client, "/?lang=en", **{"Accept-Language": "ko"})
    client.get("/language/en")
    assert '<html lang="en">' in fetch(client, "/", **{"Accept-Language": "ko-KR"})


def test_staff_forms_offer_english_choices(client, demo, make_user, login):
    login(make_user("secretariat"))
    new_session = fetch(client, "/sessions/new?lang=en")
    assert ">Regular session</option>" in new_session and ">정례회</option>" not in new_session
    new_item = fetch(client, "/agenda/new?lang=en")
    assert ">Ordinance bill</option>" in new_item and ">District mayor</option>" in new_item
    assert ">조례안</option>" not in new_item
    session = fetch(client, "/sessions/246?lang=en")
    assert ">Closed</option>" in session and ">폐회</option>" not in session
    assert ">폐회</option>" in fetch(client, "/sessions/246?lang=ko")
