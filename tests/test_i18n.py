"""Korean by default, English on request: the switch, the catalogue, dates and page chrome."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import flask_babel
import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from council_app.core.time import format_date, format_datetime
from council_app.council.models import Body
from council_app.council.services import current_council
from council_app.extensions import db
from council_app.meetings.models import Meeting
from council_app.minutes.compliance import due_date
from council_app.minutes.models import Minutes, Utterance
from council_app.minutes.queries import latest_published
from council_app.sessions.models import CouncilSession

CATALOGUE = Path(__file__).resolve().parents[1] / "council_app/translations/en/LC_MESSAGES"
HANGUL = re.compile("[\uac00-\ud7a3]+")

#: What the templates themselves write: navigation, headings of sections, table headers,
#: captions, labels, buttons and definition terms. Names and titles inside them are data.
CHROME_TAGS = {"nav", "h2", "th", "caption", "label", "button", "dt", "footer", "title"}


class ChromeText(HTMLParser):
    """Collect the text inside the page's chrome, skipping anything marked ``lang="ko"``."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in {"br", "input", "img", "meta", "link"}:
            return
        self.stack.append((tag, dict(attrs).get("lang") == "ko"))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        tags = {tag for tag, _ in self.stack}
        if tags & CHROME_TAGS and not any(korean for _, korean in self.stack):
            self.texts.append(data)


def chrome_hangul(html: str, data_names: list[str]) -> list[str]:
    """Return the Korean words left in the chrome once the data's names are taken out."""
    parser = ChromeText()
    parser.feed(html)
    text = " ".join(parser.texts)
    for name in sorted(data_names, key=len, reverse=True):
        text = text.replace(name, "")
    return HANGUL.findall(text)


def fetch(client, url: str) -> str:
    """Get a page as a new visit would: Flask-Babel caches the locale on ``g``, which the
    test app's long-lived app context shares between requests."""
    flask_babel.refresh()
    return client.get(url).get_data(as_text=True)


@pytest.fixture
def pages(app, demo):
    """Name the demo's sample pages and the data names that stay Korean in English."""
    council = current_council()
    # A closed session's minutes: the demo's example session around today changes daily.
    minutes = next(
        m for m in latest_published(council, limit=200) if m.meeting.council_session.number == 246
    )
    meeting = minutes.meeting
    names = [app.config["COUNCIL_NAME"]]
    names += [b.name for b in db.session.scalars(select(Body))]
    names += [s.name for s in db.session.scalars(select(CouncilSession))]
    names += [m.name for m in db.session.scalars(select(Meeting))]
    names += [h for h in db.session.scalars(select(Utterance.agenda_heading).distinct()) if h]
    urls = {
        "home": "/",
        "sessions": "/sessions",
        "plan": "/sessions/plan/2023",
        "session": f"/sessions/{meeting.council_session.number}",
        "meeting": f"/meetings/{meeting.id}",
        "agenda": "/agenda",
        "calendar": "/calendar?year=2023&month=6",
        "minutes": f"/minutes/{minutes.id}",
        "compliance": "/minutes/compliance?year=2023",
        "login": "/login",
        "not-found": "/no/such/page",
    }
    return urls, names


def test_english_catalogue_is_complete_and_compiled():
    with open(CATALOGUE / "messages.po", "rb") as handle:
        catalogue = read_po(handle, locale="en")
    untranslated = [
        m.id
        for m in catalogue
        if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else [m.string]))
    ]
    assert untranslated == []
    compiled = CATALOGUE / "messages.mo"
    assert compiled.exists(), "run `make translations` (pybabel compile)"
    assert compiled.stat().st_mtime >= (CATALOGUE / "messages.po").stat().st_mtime


def test_korean_is_the_default(client, pages):
    urls, _ = pages
    home = fetch(client, urls["home"])
    assert '<html lang="ko">' in home
    assert "회기와 회의록" in home and "Sessions and minutes" not in home
    plan = fetch(client, urls["plan"])
    assert "2023년 회기 운영 계획" in plan
    assert "총 5회 80일 [정례회 2회 51일 / 임시회 3회 29일]" in plan
    assert "6. 8.(목) ~ 6. 30.(금)" in plan


def test_english_pages_show_english_text_and_dates(client, pages):
    urls, _ = pages
    home = fetch(client, urls["home"] + "?lang=en")
    assert '<html lang="en">' in home
    newest = latest_published(current_council())[0]
    assert "Newly published minutes" in home
    assert format_date(newest.meeting.date, locale="en") in home

    plan = fetch(client, urls["plan"] + "?lang=en")
    assert "<h1>Session plan for 2023</h1>" in plan
    assert "5 sessions, 80 days [regular: 2 sessions, 51 days" in plan
    assert "Thu 8 June ~ Fri 30 June" in plan
    assert '<td data-label="Days">23 days</td>' in plan

    session = fetch(client, urls["session"] + "?lang=en")
    record = db.session.get(Minutes, int(urls["minutes"].rsplit("/", 1)[1]))
    assert "Meetings" in session and "Closed</span>" in session
    assert format_date(record.meeting.date, locale="en") in session

    minutes = fetch(client, urls["minutes"] + "?lang=en")
    assert "Publication deadline" in minutes
    assert "Provisional minutes" in minutes or "Final minutes" in minutes
    assert format_date(due_date(record.meeting), locale="en") in minutes
    assert format_datetime(record.published_at, locale="en") in minutes

    calendar = fetch(client, urls["calendar"] + "&lang=en")
    assert "Council calendar, June 2023" in calendar
    assert '<span class="visually-hidden">Sunday</span>' in calendar


@pytest.mark.parametrize(
    "name",
    [
        "home",
        "sessions",
        "plan",
        "session",
        "meeting",
        "agenda",
        "calendar",
        "minutes",
        "compliance",
        "login",
        "not-found",
    ],
)
def test_no_korean_left_in_the_english_chrome(client, pages, name):
    urls, names = pages
    url = urls[name]
    html = fetch(client, url + ("&" if "?" in url else "?") + "lang=en")
    assert chrome_hangul(html, names) == []


def test_chosen_language_is_remembered_from_any_page(client, pages):
    urls, _ = pages
    response = client.get("/language/en", headers={"Referer": "http://localhost" + urls["plan"]})
    assert response.status_code == 302 and response.location.endswith(urls["plan"])
    assert "lang=en" in response.headers["Set-Cookie"]
    for url in (urls["home"], urls["minutes"]):
        page = fetch(client, url)
        assert '<html lang="en">' in page
        assert 'href="/language/ko" lang="ko" hreflang="ko">한국어</a>' in page
    client.get("/language/ko")
    assert '<html lang="ko">' in fetch(client, urls["home"])
