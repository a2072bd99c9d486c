"""Public pages for visitors without a session: 304s and stored copies keyed by the data version."""

from __future__ import annotations

import datetime
import gzip
import uuid

import pytest
import redis

from council_app import create_app
from council_app.auth import services as auth_services
from council_app.calendars import feeds
from council_app.core import caching, data_version
from council_app.extensions import db
from council_app.search import sync
from tests.search.conftest import PLENARY_MINUTES
from tests.statements import counting_statements

#: A word only the minutes of the ``publish`` fixture say.
WORD = "보행환경"
REDIS_URL = "redis://127.0.0.1:6379/0"


def get(client, url, **kwargs):
    """Send a GET in an app context of its own, as a server does for each request."""
    with client.application.app_context():
        return client.get(url, **kwargs)


def refuse(*args, **kwargs):
    raise AssertionError("the view ran")


def test_a_matching_etag_is_answered_304_with_one_query_and_no_view(
    app, client, publish, monkeypatch
):
    publish()
    first = get(client, "/")
    assert first.status_code == 200 and first.headers["X-Cache"] == "miss"
    assert first.headers["Cache-Control"] == "public, no-cache"
    assert first.last_modified is not None
    monkeypatch.setitem(app.view_functions, "home.index", refuse)

    with counting_statements() as statements:
        again = get(client, "/", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert len(statements) == 1, statements
    since = get(client, "/", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    stored = get(client, "/")
    assert stored.status_code == 200 and stored.headers["X-Cache"] == "hit"
    assert stored.data == first.data and stored.headers["ETag"] == first.headers["ETag"]


def test_publishing_changes_the_etag_and_the_pages_show_it_at_once(client, publish):
    publish()
    before_home = get(client, "/")
    before_search = get(client, "/search", query_string={"q": "배부"})
    assert get(client, "/search", query_string={"q": "배부"}).headers["X-Cache"] == "hit"
    assert get(client, "/").headers["X-Cache"] == "hit"

    minutes = publish(PLENARY_MINUTES, body="plenary", day=datetime.date(2023, 1, 4))

    link = f"/minutes/{minutes.id}"
    assert link not in before_home.get_data(as_text=True)
    assert link not in before_search.get_data(as_text=True)
    home = get(client, "/", headers={"If-None-Match": before_home.headers["ETag"]})
    assert home.status_code == 200 and home.headers["ETag"] != before_home.headers["ETag"]
    assert link in home.get_data(as_text=True)
    search = get(client, "/search", query_string={"q": "배부"})
    assert search.headers["X-Cache"] == "miss" and link in search.get_data(as_text=True)


def test_closing_a_meeting_takes_its_cached_pages_down(client, publish, make_user):
    minutes = publish()
    assert get(client, f"/minutes/{minutes.id}").status_code == 200
    assert get(client, f"/minutes/{minutes.id}").headers["X-Cache"] == "hit"
    assert get(client, "/api/v1/search", query_string={"q": WORD}).get_json()["data"]
    token = auth_services.issue_token(make_user("secretariat"), "test")
    db.session.commit()

    with client.application.app_context():
        closed = client.patch(
            f"/api/v1/meetings/{minutes.meeting_id}",
            json={"public": False},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert closed.status_code == 200, closed.get_json()
    assert closed.headers["Cache-Control"] == "private, no-store"
    assert get(client, f"/minutes/{minutes.id}").status_code == 404
    assert get(client, "/api/v1/search", query_string={"q": WORD}).get_json()["data"] == []


def test_staff_never_get_nor_leave_a_cached_page(app, client, publish, make_user, login):
    publish()
    visitor = app.test_client()
    anonymous = get(visitor, "/")
    assert anonymous.headers["X-Cache"] == "miss"
    login(make_user("secretariat", username="kim"))
    # The visitor's ETag means nothing for staff: they get their own page.
    assert get(client, "/", headers={"If-None-Match": anonymous.headers["ETag"]}).status_code == 200

    for url in ("/", "/sessions"):
        staff = get(client, url)
        assert staff.status_code == 200
        assert "X-Cache" not in staff.headers and "ETag" not in staff.headers
        assert staff.headers["Cache-Control"] == "private, no-store"
        assert "로그아웃" in staff.get_data(as_text=True)

    # The staff's /sessions was never stored: the visitor's copy is built for them.
    sessions = get(visitor, "/sessions")
    assert sessions.headers["X-Cache"] == "miss"
    assert "로그아웃" not in sessions.get_data(as_text=True)
    assert "로그아웃" not in get(visitor, "/").get_data(as_text=True)


def test_anonymous_pages_carry_validators_and_no_vary_cookie(client, publish):
    minutes = publish()
    urls = [
        "/",
        "/sessions",
        "/agenda",
        "/calendar",
        f"/search?q={WORD}",
        f"/minutes/{minutes.id}",
        f"/meetings/{minutes.meeting_id}",
        "/api/v1/sessions",
        f"/api/v1/minutes/{minutes.id}",
        "/calendar.ics",
    ]
    for url in urls:
        response = get(client, url)
        assert response.status_code == 200, url
        assert "Cookie" not in response.vary, url
        assert "Set-Cookie" not in response.headers, url
        assert response.headers.get("ETag"), url
    login_page = get(client, "/login")
    assert login_page.headers["Cache-Control"] == "private, no-store"
    assert "X-Cache" not in login_page.headers and "ETag" not in login_page.headers


def test_the_language_cookie_gets_its_own_copy(app, client, publish):
    publish()
    korean = get(client, "/")
    english_visitor = app.test_client()
    english_visitor.set_cookie("lang", "en")
    english = get(english_visitor, "/", headers={"If-None-Match": korean.headers["ETag"]})
    assert english.status_code == 200 and english.headers["X-Cache"] == "miss"
    assert english.headers["ETag"] != korean.headers["ETag"]
    assert '<html lang="en">' in english.get_data(as_text=True)
    assert '<html lang="ko">' in get(client, "/").get_data(as_text=True)


def test_a_conditional_feed_request_is_answered_without_building_the_feed(
    client, publish, monkeypatch
):
    publish()
    first = get(client, "/calendar.ics?from=2023-01-01")
    assert first.status_code == 200 and first.headers["Cache-Control"] == "public, max-age=300"
    monkeypatch.setattr(feeds, "council_feed", refuse)
    again = get(
        client, "/calendar.ics?from=2023-01-01", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304
    assert again.headers["Cache-Control"] == "public, max-age=300"


@pytest.mark.app_config(CACHE_MAX_ENTRY_BYTES=100)
def test_a_page_past_the_size_bound_is_not_stored(client, publish):
    publish()
    assert get(client, "/").headers["X-Cache"] == "miss"
    assert get(client, "/").headers["X-Cache"] == "miss"


def test_only_public_changes_move_the_version_and_a_rollback_undoes_the_move(publish, make_user):
    minutes = publish()
    before = data_version.current()
    make_user("secretariat")  # a staff account: shown on no public page
    assert data_version.current() == before

    minutes.meeting.place = "제2회의실"
    db.session.flush()
    assert data_version.current().counter == before.counter + 1
    db.session.rollback()
    assert data_version.current() == before

    minutes.meeting.place = "제2회의실"
    db.session.commit()
    after = data_version.current()
    assert after.counter > before.counter and after.epoch == before.epoch


@pytest.fixture
def redis_prefix():
    """Give the test a key prefix of its own in the real Redis, and remove its keys after."""
    prefix = f"council-test-{uuid.uuid4().hex}:"
    yield prefix
    store = redis.Redis.from_url(REDIS_URL)
    keys = list(store.scan_iter(match=prefix + "*"))
    if keys:
        store.delete(*keys)
    store.close()


def test_redis_shares_stored_pages_between_servers_and_a_change_on_one_reaches_all(
    app, publish, redis_prefix
):
    minutes = publish()
    settings = {
        "TESTING": True,
        "DATABASE_URL": app.config["DATABASE_URL"],
        "SECRET_KEY": "test-secret",
        "RATELIMIT_ENABLED": False,
        "SEARCH_INDEX_PATH": app.config["SEARCH_INDEX_PATH"],
        "UPLOAD_PATH": app.config["UPLOAD_PATH"],
        "CACHE_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": redis_prefix,
    }
    one, two = create_app(settings).test_client(), create_app(settings).test_client()
    url = f"/meetings/{minutes.meeting_id}"

    assert get(one, url).headers["X-Cache"] == "miss"
    assert get(two, url).headers["X-Cache"] == "hit"
    # Even a first request answered from the store opens the server's search index.
    assert two.application.extensions["council_search_index"].is_open
    store = redis.Redis.from_url(REDIS_URL)
    assert any(store.scan_iter(match=redis_prefix + "page:*"))
    store.close()

    minutes.meeting.place = "제2회의실"
    db.session.commit()
    changed = get(two, url)
    assert changed.headers["X-Cache"] == "miss"
    assert "제2회의실" in changed.get_data(as_text=True)
    for client in (one, two):
        with client.application.app_context():
            assert sync.wait_for_catch_up(30)
            db.engine.dispose()


def test_a_new_release_gets_new_etags_and_no_page_of_the_former_one(
    app, client, publish, monkeypatch, tmp_path
):
    publish()
    first = get(client, "/")
    assert get(client, "/").headers["X-Cache"] == "hit"
    code = tmp_path / "code"
    code.mkdir()
    (code / "views.py").write_text("PAGE = 1\n")
    before = caching.release(code)
    (code / "views.py").write_text("PAGE = 2\n")
    caching.release.cache_clear()
    assert caching.release(code) != before

    monkeypatch.setitem(app.extensions, caching._RELEASE, caching.release(code))
    deployed = get(client, "/", headers={"If-None-Match": first.headers["ETag"]})
    assert deployed.status_code == 200 and deployed.headers["X-Cache"] == "miss"
    assert deployed.headers["ETag"] != first.headers["ETag"]


def test_a_stored_page_goes_packed_to_whoever_accepts_gzip_and_plain_to_others(client, publish):
    publish()
    built = get(client, "/")
    assert built.headers["X-Cache"] == "miss" and "Content-Encoding" not in built.headers
    assert "Accept-Encoding" in built.headers["Vary"]

    packed = get(client, "/", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert packed.headers["X-Cache"] == "hit" and packed.headers["Content-Encoding"] == "gzip"
    assert len(packed.data) < len(built.data) / 2
    assert gzip.decompress(packed.data) == built.data

    plain = get(client, "/", headers={"Accept-Encoding": "identity"})
    assert plain.headers["X-Cache"] == "hit" and "Content-Encoding" not in plain.headers
    assert plain.data == built.data
