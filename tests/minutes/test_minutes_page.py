"""The minutes page reached from a search, its contents, print button and downloads."""

import datetime
import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from council_app.extensions import db
from council_app.minutes import publication, versions
from council_app.minutes.publication import PublishMinutes
from council_app.minutes.versions import UploadMinutes
from council_app.search import sync
from tests.search.conftest import BUDGET_MINUTES, publish  # noqa: F401  (fixture)


def _hit_link(html: str, speaker: str) -> str:
    match = re.search(rf'<a href="([^"]+)" class="hit-speaker">{speaker}</a>', html)
    assert match, f"no hit of {speaker}"
    return match[1].replace("&amp;", "&")


def test_a_search_hit_marks_the_words_in_the_turn_and_leads_back(client, publish):  # noqa: F811
    minutes = publish()
    results = client.get("/search?q=독산로&body=admin-finance&kind=speech").text
    link = _hit_link(results, "이가상 위원")
    assert link.startswith(f"/minutes/{minutes.id}?") and link.endswith("#u-2")

    page = client.get(link.split("#")[0]).text
    turn = re.search(r'<div class="turn turn-found" id="u-2">(.*?)</div>\s*</div>', page, re.S)
    assert turn and "<mark>독산로</mark>" in turn[1]
    # Escaped as ever: the speech's own "<b>" stays text.
    assert "&lt;b&gt;늘려&lt;/b&gt;" in turn[1]
    assert '<a href="#u-2">찾은 발언으로 가기</a>' in page
    back = re.search(r'<a href="([^"]+)" class="search-back">검색 결과로 돌아가기</a>', page)
    url = urlsplit(back[1].replace("&amp;", "&"))
    assert url.path == "/search"
    assert parse_qs(url.query) == {"q": ["독산로"], "body": ["admin-finance"], "kind": ["speech"]}
    assert _hit_link(client.get(unquote(back[1].replace("&amp;", "&"))).text, "이가상 위원")


@pytest.mark.parametrize(
    "back",
    [
        "//evil.example/search?q=x",
        "q=독산로&next=https://evil.example",
        "sort=random&q=x",
        "%" * 3000,
    ],
)
def test_the_way_back_leads_only_to_a_search(client, publish, back):  # noqa: F811
    minutes = publish()
    response = client.get(
        f"/minutes/{minutes.id}", query_string={"q": "<script>독산로", "turn": "2", "back": back}
    )
    assert response.status_code == 200
    page = response.text
    assert "<script>독산로" not in page and "&lt;script&gt;독산로" in page
    href = re.search(r'<a href="([^"]+)" class="search-back">', page)[1].replace("&amp;", "&")
    url = urlsplit(href)
    assert not url.netloc and url.path == "/search"
    assert set(parse_qs(url.query)) <= {"q"}


def test_without_a_search_the_page_marks_nothing(client, publish):  # noqa: F811
    page = client.get(f"/minutes/{publish().id}").text
    assert "<mark>" not in page and "검색 결과로 돌아가기" not in page and "turn-found" not in page


#: A file with a closed passage stays with the staff; this one has none.
OPEN_MINUTES = re.sub(
    r"\(비공개회의 시작\).*?\(공개회의로 전환\)\n", "", BUDGET_MINUTES, flags=re.S
)


def test_print_button_original_file_and_text_download_near_the_top(client, make_meeting):
    meeting = make_meeting(datetime.date(2023, 1, 3), "admin-finance")
    minutes = versions.upload(
        meeting,
        UploadMinutes(text=""),
        data=OPEN_MINUTES.encode(),
        filename="제300회 행정재경위원회 회의록.txt",
    ).minutes
    publication.publish(minutes, PublishMinutes(reason="시험"))
    db.session.commit()
    assert sync.wait_for_catch_up(30)
    page = client.get(f"/minutes/{minutes.id}").text
    top = page.index('id="turns-title"')
    assert (
        0 < page.index('<button type="button" class="button button-small" data-print hidden>') < top
    )
    assert "/static/js/minutes.js" in page
    text_link = f'href="/minutes/{minutes.id}/text" download'
    assert 0 < page.index(text_link) < top
    original = re.search(r'href="(/minutes/\d+/files/\d+)" download>제300회 행정재경위원회', page)
    assert original and 0 < original.start() < top

    response = client.get(f"/minutes/{minutes.id}/text")
    assert response.status_code == 200
    assert response.content_type == "text/plain; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "%ED%9A%8C%EC%9D%98%EB%A1%9D" in response.headers["Content-Disposition"]  # 회의록
    assert "독산로 보행환경 개선 예산" in response.get_data(as_text=True)
    assert client.get(f"/minutes/{minutes.id + 1}/text").status_code == 404


def test_the_text_download_leaves_closed_passages_out(client, publish):  # noqa: F811
    body = client.get(f"/minutes/{publish().id}/text").get_data(as_text=True)
    assert "독산로 보행환경 개선 예산" in body
    assert "비공개로 다룰 인사 문제" not in body


def test_a_draft_has_no_public_text(client, make_meeting):
    meeting = make_meeting(datetime.date(2023, 1, 3), "admin-finance")
    minutes = versions.upload(meeting, UploadMinutes(text=BUDGET_MINUTES)).minutes
    db.session.commit()
    assert client.get(f"/minutes/{minutes.id}/text").status_code == 404


def test_the_contents_number_each_item_once_and_headings_link_to_items(client, demo):
    from sqlalchemy import select

    from council_app.minutes.models import Minutes, MinutesStatus

    minutes = db.session.scalars(
        select(Minutes).where(Minutes.status == MinutesStatus.PROVISIONAL)
    ).all() or db.session.scalars(select(Minutes).where(Minutes.status == MinutesStatus.FINAL))
    minutes = next(m for m in minutes if m.meeting.public)
    page = client.get(f"/minutes/{minutes.id}").text
    toc = re.search(r'<nav class="toc[^"]*" aria-labelledby="toc-title">(.*?)</nav>', page, re.S)[1]
    assert "<ol" not in toc, "a numbered list would number the numbered headings again"
    entries = re.findall(r'<a href="#u-\d+">([^<]+)</a>', toc)
    numbered = [e for e in entries if re.match(r"\d+\. ", e)]
    assert numbered and all(not re.match(r"\d+\. \d+\. ", e) for e in entries)
    headings = re.findall(
        r'<h3 class="agenda-heading"><a href="/agenda/(\d+)">([^<]+)</a></h3>', page
    )
    assert [title for _, title in headings] == numbered
    item_page = client.get(f"/agenda/{headings[0][0]}").text
    assert headings[0][1].split(". ", 1)[1] in item_page
