"""The Whoosh utterance index: queries, filters, facets, snippets, locking."""

import contextlib
import multiprocessing
import re
import time

import pytest

from council_app.search import spelling
from council_app.search.index import SearchFilters, SearchIndex
from council_app.search.query import QueryError
from tests.corpus import require_corpus

UTTERANCES = [
    (
        1,
        1,
        "의장 최기상",
        "plenary",
        246,
        "2024-03-05",
        "제246회 금천구의회 임시회를 개회하겠습니다.",
    ),
    (
        1,
        2,
        "김태년 의원",
        "plenary",
        246,
        "2024-03-05",
        "2024년도 추가경정예산안에 대하여 질문합니다.",
    ),
    (
        1,
        3,
        "금천구청장",
        "plenary",
        246,
        "2024-03-05",
        "금천구청장으로서 COVID-19 대응 조치를 설명드리겠습니다.",
    ),
    (2, 1, "위원장 이영희", "admin-finance", 247, "2024-04-10", "임시 회의록을 확인하겠습니다."),
    (
        2,
        2,
        "김태년 의원",
        "admin-finance",
        247,
        "2024-04-10",
        "선거구 획정 문제와 예산 심사를 말씀드립니다.",
    ),
    (
        2,
        3,
        "박민수 의원",
        "admin-finance",
        247,
        "2024-04-10",
        "<script>alert(1)</script> 회의록에 남겨 주십시오.",
    ),
]


def utterance(minutes_id, order, speaker, body, session, date, text):
    return {
        "minutes_id": minutes_id,
        "meeting_id": minutes_id * 10,
        "order": order,
        "text": text,
        "speaker": speaker,
        "member_id": 7 if "김태년" in speaker else None,
        "title": "회의록",
        "body": body,
        "session": session,
        "term": 9,
        "date": date,
        "agenda_item_id": order,
        "minutes_status": "published",
    }


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    search_index = SearchIndex(tmp_path_factory.mktemp("index")).create()
    search_index.add_utterances(utterance(*row) for row in UTTERANCES)
    return search_index


def keys(result):
    return {(hit.minutes_id, hit.order) for hit in result.hits}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("회의록이", {(2, 1), (2, 3)}),
        ("임시회의록", {(2, 1)}),
        ("추가경정예산", {(1, 2)}),
        ("금천구", {(1, 1), (1, 3)}),
        ("획정", {(2, 2)}),
        ("2024년", {(1, 2)}),
        ("제246회", {(1, 1)}),
        ("covid-19", {(1, 3)}),
        ("covid*", {(1, 3)}),
        ('"예산 심사"', {(2, 2)}),
        ('"심사 예산"', set()),
        ("조치 OR 획정", {(1, 3), (2, 2)}),
        ("회의록 -임시", {(2, 3)}),
        ("회의록 NOT 스크립트", {(2, 1), (2, 3)}),
        ("금천구 임시회", {(1, 1)}),
    ],
)
def test_queries(index, query, expected):
    assert keys(index.search(query)) == expected


def test_filters(index):
    assert keys(index.search("", SearchFilters(speaker="김태년"))) == {(1, 2), (2, 2)}
    assert keys(index.search("", SearchFilters(member_id=7, body="plenary"))) == {(1, 2)}
    assert keys(index.search("", SearchFilters(session=247, agenda_item_id=1))) == {(2, 1)}
    assert index.search("", SearchFilters(date_from="2024-04-01")).total == 3
    assert index.search("", SearchFilters(date_to="2024-03-31", term=9)).total == 3
    assert index.search("회의록", SearchFilters(minutes_status="draft")).total == 0


def test_hits_facets_sorting_and_paging(index):
    result = index.search("", sort="date", per_page=2, page=1)
    assert result.total == 6 and [(h.minutes_id, h.order) for h in result.hits] == [(2, 1), (2, 2)]
    assert result.facets["body"] == {"plenary": 3, "admin-finance": 3}
    assert result.facets["speaker"]["김태년 의원"] == 2
    hit = index.search("획정").hits[0]
    assert (hit.anchor, hit.speaker, hit.date, hit.body, hit.meeting_id) == (
        "u-2",
        "김태년 의원",
        "2024-04-10",
        "admin-finance",
        20,
    )
    assert (
        hit.score > 0 and hit.snippet == "선거구 <mark>획정</mark> 문제와 예산 심사를 말씀드립니다."
    )


def test_snippet_escapes_document_html(index):
    snippet = index.search("회의록에").hits[0].snippet
    assert "<script>" not in snippet and "&lt;script&gt;alert(1)&lt;/script&gt;" in snippet


@pytest.mark.parametrize(
    "raw",
    [
        '"unbalanced 회의',
        "OR",
        "NOT NOT",
        "'; DROP TABLE utterances;--",
        "<img src=x>",
        "\x00회의록\x1b",
        "😀",
        "* -",
        "a*",
        '"" OR ""',
        "가" * 199,
    ],
)
def test_hostile_queries_give_results_or_query_error(index, raw):
    started = time.perf_counter()
    with contextlib.suppress(QueryError):
        index.search(raw)
    assert time.perf_counter() - started < 1.0


def test_overlong_query_is_refused_quickly(index):
    started = time.perf_counter()
    with pytest.raises(QueryError):
        index.search("회의록 " * 2000)
    assert time.perf_counter() - started < 0.2


def test_delete_and_ids(tmp_path):
    search_index = SearchIndex(tmp_path).create()
    search_index.add_utterances(utterance(*row) for row in UTTERANCES)
    search_index.add_utterances([utterance(*UTTERANCES[0])])  # replaces, keyed by uid
    assert search_index.doc_count() == 6
    assert search_index.delete_minutes(1) == 3
    search_index.optimize()
    assert SearchIndex(tmp_path).open().ids() == {"2:1", "2:2", "2:3"}


def write_batches(path, first, batches, size):
    search_index = SearchIndex(path).open()
    for batch in range(batches):
        search_index.add_utterances(
            utterance(
                first + batch,
                order,
                "김태년 의원",
                "plenary",
                250,
                "2024-05-01",
                f"추가경정예산안 심사 {batch}-{order}",
            )
            for order in range(size)
        )


def read_repeatedly(path, until, errors):
    search_index = SearchIndex(path).open()
    while time.monotonic() < until:
        try:
            search_index.search("추가경정예산", SearchFilters(speaker="김태년"))
        except Exception as exc:  # any failure at all is what the test reports
            errors.put(repr(exc) + __import__("traceback").format_exc())
            return


def test_readers_search_while_writers_take_turns(tmp_path):
    SearchIndex(tmp_path).create()
    context = multiprocessing.get_context("spawn")
    errors = context.Queue()
    writers = [
        context.Process(target=write_batches, args=(str(tmp_path), first, 5, 20))
        for first in (100, 200)
    ]
    readers = [
        context.Process(target=read_repeatedly, args=(str(tmp_path), time.monotonic() + 6, errors))
        for _ in range(3)
    ]
    for process in (*writers, *readers):
        process.start()
    for process in (*writers, *readers):
        process.join(timeout=60)
    assert all(p.exitcode == 0 for p in (*writers, *readers))
    assert errors.empty(), errors.get()
    assert SearchIndex(tmp_path).open().doc_count() == 2 * 5 * 20


def test_real_minutes_are_found_by_word_with_a_particle(tmp_path):
    minutes_2782 = require_corpus("city-council", "text", "minutes-2782.txt")
    turns = re.findall(r"^○(\S+ \S+)\s+(.+)$", minutes_2782.read_text(encoding="utf-8"), re.M)
    search_index = SearchIndex(tmp_path).create()
    search_index.add_utterances(
        {"minutes_id": 2782, "order": n, "speaker": speaker, "text": text}
        for n, (speaker, text) in enumerate(turns, 1)
    )
    result = search_index.search("수해백서를", SearchFilters(speaker="유광욱"))
    assert result.total == 1 and "<mark>수해백서" in result.hits[0].snippet


def test_the_speller_counts_each_word_over_every_segment(tmp_path):
    # Read segment by segment and summed: the same counts the whole index's reader gives.
    search_index = SearchIndex(tmp_path).create()
    for row in UTTERANCES:  # one segment each
        search_index.add_utterances([utterance(*row)])
    search_index.add_utterances([utterance(9, 1, *UTTERANCES[0][2:])])
    with search_index._ix.reader() as reader:
        assert len(reader.leaf_readers()) > 2
        expected: dict[str, int] = {}
        for fieldname in search_index._vocabulary_fields():
            for term, info in reader.iter_field(fieldname):
                word = term.decode()
                expected[word] = max(expected.get(word, 0), info.doc_frequency())
    assert search_index.prepare_speller()
    built = search_index._speller[1].frequencies
    assert built and built == {w: f for w, f in expected.items() if w in built}
    assert set(built) == set(spelling.Speller(expected.items()).frequencies)
    assert max(built.values()) >= 2  # a word of the repeated utterance, summed
