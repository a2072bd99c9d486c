"""Follow every link a person can reach from the front page: no page answers with a 5xx."""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urlsplit

import pytest

LINK = re.compile(r'href="([^"]+)"')
#: Links that leave the site's pages or would end the visit.
SKIP = ("/static/", "/language/", "/logout", "webcal:", "mailto:", "http://", "https://")
LIMIT = 250


def crawl(client, start: str = "/") -> dict[str, int]:
    """Visit pages breadth first from ``start``; return each path's status."""
    seen: dict[str, int] = {}
    queue = [start]
    while queue and len(seen) < LIMIT:
        path = queue.pop(0)
        if path in seen:
            continue
        response = client.get(path)
        seen[path] = response.status_code
        if "text/html" not in response.content_type:
            continue
        for href in LINK.findall(response.get_data(as_text=True)):
            href = urldefrag(href.replace("&amp;", "&"))[0]
            if href.startswith(SKIP) or not href.startswith("/"):
                continue
            if href not in seen and urlsplit(href).path.count("/") < 6:
                queue.append(href)
    return seen


@pytest.mark.sweep
@pytest.mark.parametrize("role", [None, "secretariat", "stenographer", "admin"])
def test_no_reachable_page_fails(client, demo, role):
    from council_app.demo.loader import DEMO_USERS

    if role:
        password = next(p for u, p, r in DEMO_USERS if u == role)
        assert (
            client.post("/login", data={"username": role, "password": password}).status_code == 302
        )
    statuses = crawl(client, "/dashboard" if role else "/")
    broken = {path: code for path, code in statuses.items() if code >= 500}
    assert len(statuses) > 30
    assert broken == {}
