"""Hostile input never costs a 5xx: huge integers, other scripts' digits, bad JSON, surrogates."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import flask_babel
import pytest
import time_machine
from flask import g

from council_app.auth import services as auth_services
from council_app.core.inputs import Reader
from council_app.extensions import db

HUGE = ["99999999999999999999", "9223372036854775808", "2147483648"]
#: Within the id bound, yet past any year or row the app keeps.
LARGE = ["2147483647", "99999", "0"]
QUERY_NAMES = (
    "page",
    "per_page",
    "year",
    "month",
    "from",
    "to",
    "meeting",
    "term",
    "session",
)
QUERY_VALUES = ["9223372036854775808", "-1", "%C2%B2", "1e400"]


@pytest.fixture
def staff_client(app, demo, client, make_user, login):
    """Log a secretariat user in, so staff pages are reached too."""
    login(make_user("secretariat"))
    return client


def _get_rules(app) -> list[str]:
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and rule.endpoint != "static"
    )


@pytest.mark.sweep
def test_no_route_with_an_id_answers_5xx_to_a_huge_one(app, staff_client):
    # Answer errors as a deployed server would, instead of raising them into the test.
    app.config["PROPAGATE_EXCEPTIONS"] = False
    failures = []
    for rule in _get_rules(app):
        if "<int:" not in rule:
            continue
        for value in HUGE + LARGE:
            url = re.sub(r"<int:\w+>", value, rule)
            if (status := staff_client.get(url).status_code) >= 500:
                failures.append((url, status))
    assert failures == []


@pytest.mark.sweep
def test_no_list_answers_5xx_to_huge_or_foreign_numbers(app, staff_client):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    failures = []
    for rule in _get_rules(app):
        path = rule.replace("<slug>", "plenary")
        if "<" in path or path in ("/language/<lang>", "/healthz"):
            continue
        for name in QUERY_NAMES:
            for value in QUERY_VALUES:
                url = f"{path}?{name}={value}"
                if (status := staff_client.get(url).status_code) >= 500:
                    failures.append((url, status))
    assert failures == []


def test_a_huge_id_in_a_path_is_404(staff_client):
    assert staff_client.get("/minutes/99999999999999999999").status_code == 404
    response = staff_client.get("/api/v1/minutes/99999999999999999999")
    assert response.status_code == 404
    assert staff_client.get("/api/v1/meetings/2147483648").status_code == 404


def test_a_huge_id_is_404_whatever_the_method(staff_client):
    # Not 405: the route for that method exists, the object does not.
    for huge in ("2147483648", "6064871597"):
        assert staff_client.patch(f"/api/v1/sessions/{huge}", json={}).status_code == 404
        assert staff_client.patch(f"/api/v1/meetings/{huge}", json={}).status_code == 404
    assert staff_client.patch("/api/v1/sessions/2147483647", json={}).status_code == 404


def test_an_id_in_other_scripts_digits_is_404(staff_client):
    # '٣' is the Arabic-Indic digit three: Python's int() reads it, a URL should not.
    assert staff_client.get("/api/v1/minutes/%D9%A3").status_code == 404


def test_a_list_page_past_the_limit_is_refused_not_5xx(staff_client):
    response = staff_client.get("/api/v1/agenda-items?page=9223372036854775808")
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "page"
    assert staff_client.get("/agenda?page=9223372036854775808").status_code == 400


def test_a_superscript_year_is_refused_with_a_korean_message(staff_client):
    response = staff_client.get("/api/v1/sessions?year=%C2%B2")
    assert response.status_code == 422
    assert "연도" in response.get_json()["errors"][0]["message"]
    assert staff_client.get("/api/v1/agenda-items?year=%C2%B2").status_code == 422


@pytest.fixture
def token(council):
    user = auth_services.create_user("api-writer", "correct-horse-battery", "secretariat", "쓰기")
    value = auth_services.issue_token(user, "fuzz")
    db.session.commit()
    return {"Authorization": f"Bearer {value}", "Content-Type": "application/json"}


def _post_raw(client, token, body: str | bytes):
    return client.post("/api/v1/meetings", data=body, headers=token)


def test_json_nested_100000_deep_is_refused(client, token):
    response = _post_raw(client, token, "[" * 100_000 + "]" * 100_000)
    assert response.status_code == 400
    assert "깊" in response.get_json()["errors"][0]["message"]


def test_json_nested_deeper_than_the_bound_is_refused(client, token):
    body = '{"note": ' + '{"a": ' * 70 + "1" + "}" * 70 + "}"
    response = _post_raw(client, token, body)
    assert response.status_code == 400
    assert "깊" in response.get_json()["errors"][0]["message"]


@pytest.mark.parametrize("constant", ["Infinity", "-Infinity", "NaN", "1e400", "9" * 5_000])
def test_json_non_finite_numbers_are_refused(client, token, constant):
    response = _post_raw(client, token, '{"number": ' + constant + "}")
    assert response.status_code == 400
    assert "숫자" in response.get_json()["errors"][0]["message"]


@pytest.mark.parametrize("body", ['{"note": "\\ud800"}', '{"\\udfff": 1}', '["\\ud83d"]'])
def test_json_lone_surrogates_are_refused(client, token, body):
    response = _post_raw(client, token, body)
    assert response.status_code == 400
    assert "문자" in response.get_json()["errors"][0]["message"]


def test_json_paired_surrogates_are_ordinary_text(app):
    assert app.json.loads('{"note": "\\ud83d\\ude00"}') == {"note": "\U0001f600"}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/minutes/1/publish",
        "/api/v1/minutes/1/withdraw",
        "/api/v1/agenda-items",
        "/api/v1/meetings/1/agenda",
    ],
)
def test_every_json_route_refuses_bad_json_without_5xx(client, token, path):
    for body in ["[" * 100_000, '{"reason": NaN}', '{"reason": "\\ud800"}', '{"x": 1e999}']:
        assert client.post(path, data=body, headers=token).status_code < 500


@pytest.mark.parametrize("value", HUGE + ["1e400", "Infinity", "3.5", "true"])
def test_json_huge_integers_are_refused_with_the_field(client, token, value):
    body = (
        '{"name": "조례안", "kind": "ordinance", "proposer_kind": "member", '
        '"date": "2023-06-08", "lead_member": ' + value + "}"
    )
    response = client.post("/api/v1/agenda-items", data=body, headers=token)
    assert 400 <= response.status_code < 500
    if value not in ("1e400", "Infinity"):
        assert response.get_json()["errors"][0]["field"] == "lead_member"


def test_a_form_with_a_lone_surrogate_is_not_a_5xx(staff_client):
    # Browsers never send one, but a hand-made request can: %ED%A0%80 is U+D800 in UTF-8 form.
    response = staff_client.post(
        "/agenda/new",
        data=b"title=%ED%A0%80&kind=bill",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code < 500


@pytest.mark.parametrize("value", [2**63, "9223372036854775808", 1e300, 3.5, "²", "٣", True, -1])
def test_the_reader_refuses_numbers_out_of_bounds_with_the_field(value):
    reader = Reader({"count": value}, {"count": "횟수"})
    assert reader.integer("count") is None
    assert reader.errors and reader.errors[0][0] == "count"


def test_the_reader_takes_whole_numbers_as_ints_or_digits():
    reader = Reader({"a": 7, "b": " 12 ", "c": 3.0}, {})
    assert (reader.integer("a"), reader.integer("b"), reader.integer("c")) == (7, 12, 3)
    assert reader.errors == []


@time_machine.travel(datetime(2026, 12, 3, 0, 1, tzinfo=ZoneInfo("Asia/Seoul")), tick=False)
def test_the_reader_refuses_dates_outside_1949_to_ten_years_ahead():
    reader = Reader({"a": "9999-12-31", "b": "1948-12-31", "c": "2036-12-31"}, {"a": "회의일"})
    assert reader.date("a") is None and reader.date("b") is None
    assert reader.date("c") == date(2036, 12, 31)
    assert reader.errors[0] == ("a", "회의일은(는) 1949년부터 2036년 사이의 날짜여야 합니다.")


#: Query-string names the lists, feeds and searches read as text.
TEXT_QUERIES = ("q", "committee", "body", "speaker", "status", "kind", "token")


@pytest.mark.sweep
def test_a_nul_character_anywhere_in_an_address_is_refused_with_400(app, staff_client):
    # PostgreSQL stores no NUL in text: one that reached a query failed as a 500.
    app.config["PROPAGATE_EXCEPTIONS"] = False
    urls = []
    for rule in _get_rules(app):
        path = re.sub(r"<int:\w+>", "1", rule)
        if "<" in path:  # a text part of the path
            urls.append(re.sub(r"<[^>]+>", "a%00b", path))
        urls += [f"{path}?{name}=a%00b" for name in TEXT_QUERIES if "<" not in path]
    answers = {url: staff_client.get(url).status_code for url in urls}
    assert len(answers) > 300
    assert {url: status for url, status in answers.items() if status != 400} == {}


def test_a_nul_in_a_search_or_a_filter_is_named_in_korean(client):
    response = client.get("/api/v1/agenda-items?committee=%00")
    assert response.status_code == 400
    [error] = response.get_json()["errors"]
    assert error["field"] == "committee" and "NUL" in error["message"]
    page = client.get("/search?q=%EC%98%88%EC%82%B0%00")
    assert page.status_code == 400 and "NUL 문자" in page.get_data(as_text=True)


def test_a_nul_in_a_form_a_file_name_or_json_is_refused_and_nothing_is_saved(
    client, token, council
):
    login = client.post("/login", data={"username": "adm\x00in", "password": "x"})
    assert login.status_code == 400
    upload = client.post(
        "/api/v1/meetings/1/minutes",
        data={"file": (io.BytesIO("○의장 개의합니다.".encode()), "a\x00b.txt")},
        headers={"Authorization": token["Authorization"]},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 400 and upload.get_json()["errors"][0]["field"] == "file"
    response = _post_raw(client, token, '{"note": "a\\u0000b"}')
    assert response.status_code == 400
    assert "NUL" in response.get_json()["errors"][0]["message"]


@pytest.mark.app_config(MAX_CONTENT_LENGTH=1024 * 1024)
def test_a_request_past_the_size_bound_is_413_and_says_the_bound(client, token):
    too_large = {"file": (io.BytesIO(b"x" * (1024 * 1024 + 1)), "minutes.txt")}
    response = client.post(
        "/api/v1/meetings/1/minutes",
        data=too_large,
        headers={"Authorization": token["Authorization"]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "1 MB까지" in response.get_json()["errors"][0]["message"]
    page = client.post("/login", data={"username": "x" * (1024 * 1024 + 1)})
    assert page.status_code == 413 and "1 MB까지" in page.get_data(as_text=True)
    # A new visit in an English browser (the test's app context keeps the last locale).
    flask_babel.refresh()
    g.pop("_page_translations", None)
    english = client.post(
        "/login", data={"username": "x" * (1024 * 1024 + 1)}, headers={"Accept-Language": "en"}
    )
    assert "up to 1 MB" in english.get_data(as_text=True)


def test_a_multipart_part_without_a_name_is_not_a_5xx(client, token):
    # Werkzeug files such a part under the name None; the NUL check once failed on it.
    body = (
        b'--b\r\nContent-Disposition: form-data; filename="f"\r\n\r\nx\r\n'
        b'--b\r\nContent-Disposition: form-data; name="note"\r\n\r\nJ\r\n--b--\r\n'
    )
    response = client.post(
        "/api/v1/meetings/1/minutes",
        data=body,
        headers={"Authorization": token["Authorization"]},
        content_type="multipart/form-data; boundary=b",
    )
    assert 400 <= response.status_code < 500
