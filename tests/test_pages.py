"""The page frame, error pages, health check and API basics."""

from __future__ import annotations

from council_app.extensions import db


def test_base_page_has_landmarks_and_skip_link(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="ko">' in page
    assert '<a class="skip-link" href="#main">본문 바로가기</a>' in page
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in page
    assert "https://" not in page.split("<body>")[0]  # no CDN: the app works offline


def test_404_is_korean_and_plain(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "찾는 페이지가 없습니다" in response.get_data(as_text=True)


def test_500_shows_no_traceback_and_rolls_back(app, client):
    @app.get("/boom-test")
    def boom():
        db.session.execute(db.text("SELECT 1"))
        raise RuntimeError("secret internals")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/boom-test")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "서버에서 문제가 생겼습니다" in body
    assert "secret internals" not in body and "Traceback" not in body


def test_api_errors_are_json(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    error = {"field": None, "message": "찾는 페이지가 없습니다."}
    assert response.get_json() == {"errors": [error]}


def test_healthz_reports_database_and_index(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    report = response.get_json()
    assert report["status"] == "ok" and report["database"]["ok"] is True
    assert "search_index" in report


def test_bodies_api_lists_the_demo_bodies(client, demo):
    data = client.get("/api/v1/bodies").get_json()
    assert data["total"] == 7
    plenary = next(b for b in data["data"] if b["slug"] == "plenary")
    assert plenary["kind"] == "plenary" and plenary["name"] == "본회의"


def test_openapi_lists_every_api_route(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    api_rules = [r.rule for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")]
    assert api_rules
    for rule in api_rules:
        path = rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
        assert path in document["paths"], path


def test_language_switch_is_remembered(client):
    response = client.get("/language/en")
    assert response.status_code == 302 and "lang=en" in response.headers["Set-Cookie"]
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_a_trailing_slash_is_forgiven(client, council):
    assert client.get("/sessions/").status_code == 200


def test_a_site_without_a_council_says_what_to_do(client):
    response = client.get("/sessions")
    assert response.status_code == 404
    assert "demo load" in response.get_data(as_text=True)
    assert client.get("/api/v1/sessions").get_json()["errors"][0]["message"].startswith("의회 정보")
