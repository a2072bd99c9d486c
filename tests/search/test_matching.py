"""The index's own matching finds exactly what Whoosh's query engine finds on the same index."""

import pytest
from whoosh import query as wq

from council_app.search import analysis
from council_app.search.index import SearchFilters, SearchIndex, keys, matching
from council_app.search.index import nodes as nodes_module
from council_app.search.index.compile import query_node
from council_app.search.query import parse_query
from tests.search.utterances import sample_utterances, utterance_row

QUERIES = [
    "의원",
    "예산",
    "추가경정예산",
    "구청장께서",
    "회의록을",
    '"존경하는 의원"',
    '"의사일정 제1항"',
    "금천구 의회",
    "예산 OR 조례",
    "위원회 -예산",
    "위원회 NOT 의장",
    "2023년",
    "제1차",
    "위원*",
    "20*",
    "교육 복지 문화",
    "제",
]


def whoosh_query(text):
    """The same query written with Whoosh's own query classes."""
    clauses, excluded = [], []
    for clause in parse_query(text).clauses:
        alternatives = []
        for term in clause.terms:
            form = analysis.query_form(term.text, phrase=term.phrase or term.prefix)
            if term.prefix and len(form.bigram_seqs) == 1 and len(form.bigram_seqs[0]) == 1:
                word = form.bigram_seqs[0][0]
                if not any(analysis.is_cjk(ch) for ch in word):
                    alternatives.append(wq.Prefix("text", word))
                    continue
            for seq in form.bigram_seqs:
                words = list(seq)
                alternatives.append(
                    wq.Term("text", words[0]) if len(words) == 1 else wq.Phrase("text", words)
                )
            if form.morphemes and not term.phrase:
                alternatives.append(wq.And([wq.Term("morphs", m) for m in form.morphemes]))
        (excluded if clause.negated else clauses).append(wq.Or(alternatives))
    return wq.And(clauses + [wq.Not(q) for q in excluded])


def everything_found(search_index, q, filters=None, sort="relevance"):
    """Return every hit's uid over all pages, in order, and the last result."""
    uids, page = [], 1
    while True:
        result = search_index.search(q, filters, sort=sort, page=page, per_page=100)
        uids += [f"{h.minutes_id}:{h.order}" for h in result.hits]
        if len(uids) >= result.total or not result.hits:
            return uids, result
        page += 1


#: How many documents must hold a term for its segment's ``.keys`` file to hold it: none
#: (postings read from Whoosh's blocks, phrases checked candidate by candidate), every
#: term, or the common ones (a phrase's rare terms then read from blocks into keys).
KEYS_FROM = {"blocks": 10**9, "keys": 1, "mixed": 12}


@pytest.fixture(scope="module", params=sorted(KEYS_FROM))
def sample_index(tmp_path_factory, request):
    read_below = matching.KEYS_READ_BELOW
    if request.param == "blocks":
        matching.KEYS_READ_BELOW = 0
    yield from _sample_index(tmp_path_factory, request)
    matching.KEYS_READ_BELOW = read_below


def _sample_index(tmp_path_factory, request):
    path = tmp_path_factory.mktemp("matching")
    search_index = SearchIndex(path).create()
    rows = sample_utterances()
    written, keys.KEYS_FROM = keys.KEYS_FROM, KEYS_FROM[request.param]
    try:
        # Two segments, and deletions in one, as the index has after publications.
        search_index.add_utterances(rows[:300])
        search_index.add_utterances(rows[300:])
        search_index.delete_minutes(1)
    finally:
        keys.KEYS_FROM = written
    leaves = search_index._current_searcher().reader().leaf_readers()
    assert len(leaves) == 2
    in_keys = [search_index._columns.segment_keys(reader) for reader, _ in leaves]
    held = sum(len(segment_keys._directory) for segment_keys in in_keys)
    assert (held > 0) == (request.param != "blocks")
    yield search_index


@pytest.mark.parametrize("q", QUERIES)
def test_finds_what_whoosh_finds(sample_index, q):
    uids, result = everything_found(sample_index, q)
    searcher = sample_index._current_searcher()
    expected = searcher.search(whoosh_query(q), limit=None)
    assert sorted(uids) == sorted(hit["uid"] for hit in expected)
    assert result.total == len(expected) == len(set(uids))
    speakers = {}
    for hit in expected:
        speakers[hit["speaker"]] = speakers.get(hit["speaker"], 0) + 1
    assert result.facets["speaker"] == speakers


@pytest.mark.parametrize(
    "filters",
    [
        SearchFilters(body="plenary"),
        SearchFilters(speaker="위원장"),
        SearchFilters(member_id=3, session=243),
        SearchFilters(date_from="2023-03-01", date_to="2023-05-31"),
        SearchFilters(date_to="2023-03-31"),
    ],
)
def test_filters_keep_what_whoosh_filters_keep(sample_index, filters):
    uids, _ = everything_found(sample_index, "의원", filters)
    searcher = sample_index._current_searcher()
    parts = [wq.Term("body", filters.body)] if filters.body else []
    parts += [wq.Term("speaker_words", w) for w in (filters.speaker or "").split()]
    parts += [
        wq.Term(name, value)
        for name, value in (("member_id", filters.member_id), ("session", filters.session))
        if value is not None
    ]
    if filters.date_from or filters.date_to:
        parts.append(wq.TermRange("date", filters.date_from, filters.date_to))
    expected = searcher.search(whoosh_query("의원"), filter=wq.And(parts), limit=None)
    assert uids and sorted(uids) == sorted(hit["uid"] for hit in expected)


def test_ranking_puts_the_densest_short_turn_first(sample_index):
    hits = sample_index.search("예산", per_page=100).hits
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[-1] > 0


def test_date_sort_is_newest_meeting_first_then_spoken_order(sample_index):
    uids, result = everything_found(sample_index, "의원", sort="date")
    rows = {f"{r['minutes_id']}:{r['order']}": r for r in sample_utterances()}
    keys = [(rows[uid]["date"], -rows[uid]["order"]) for uid in uids]
    assert keys == sorted(keys, reverse=True)
    assert result.hits[0].score == 0.0


def test_a_prefix_stands_for_a_bounded_number_of_terms(sample_index, monkeypatch):
    monkeypatch.setattr(nodes_module, "MAX_EXPANSIONS", 1)
    few = sample_index.search("20*").total
    monkeypatch.setattr(nodes_module, "MAX_EXPANSIONS", 100)
    assert 0 < few < sample_index.search("20*").total


@pytest.mark.parametrize("sort", ["relevance", "date"])
def test_a_later_page_continues_the_first(sample_index, sort):
    # Each segment offers only its best first + count documents: a deeper page must still
    # be the same slice of the whole ranking.
    whole = sample_index.search("의원", sort=sort, per_page=100).hits
    for page in (1, 2, 3):
        hits = sample_index.search("의원", sort=sort, page=page, per_page=7).hits
        assert hits == whole[(page - 1) * 7 : page * 7]
    scores = [hit.score for hit in whole]
    assert scores == sorted(scores, reverse=True)


def test_a_count_only_run_scores_nothing_and_counts_as_a_search(sample_index, monkeypatch):
    # A suggestion checks how often a word occurs (a page of none): scoring its matches
    # would cost as much as the search itself, for a ranking nobody reads.
    searcher = sample_index._current_searcher()
    query = query_node(parse_query("의원"), morphemes=True)
    scored = []
    original = nodes_module.AnyOf.scores
    monkeypatch.setattr(
        nodes_module.AnyOf,
        "scores",
        lambda self, leaf, docs: scored.append(len(docs)) or original(self, leaf, docs),
    )
    counted = matching.run(
        searcher, query, None, sort="relevance", first=0, count=0, facets=(), columns=None
    )
    assert counted.page == [] and not scored
    found = matching.run(
        searcher, query, None, sort="relevance", first=0, count=5, facets=(), columns=None
    )
    assert counted.total == found.total > 5 and len(found.page) == 5 and scored


def test_a_search_opens_no_column_reader_the_last_one_opened(sample_index, monkeypatch):
    # Opening a column reader reads the column's whole offset table: at a million
    # utterances that alone cost a search matching a handful of documents 20 ms.
    sample_index.search("예산")
    opened = []
    reader_class = type(sample_index._current_searcher().reader().leaf_readers()[0][0])
    column_reader = reader_class.column_reader

    def counting(self, *args, **kwargs):
        opened.append(args)
        return column_reader(self, *args, **kwargs)

    monkeypatch.setattr(reader_class, "column_reader", counting)
    result = sample_index.search("예산")
    assert result.total and result.facets["speaker"]
    assert opened == []


def test_terms_read_from_keys_score_and_rank_as_from_whoosh_blocks(tmp_path):
    # The .keys file is only a faster way to read the same postings: every hit, score,
    # total and facet count is the same to the last bit.
    rows = sample_utterances()
    indexes = {}
    for mode in ("blocks", "keys"):
        written, keys.KEYS_FROM = keys.KEYS_FROM, KEYS_FROM[mode]
        try:
            indexes[mode] = SearchIndex(tmp_path / mode).create()
            indexes[mode].add_utterances(rows)
        finally:
            keys.KEYS_FROM = written
    for q in QUERIES:
        for sort in ("relevance", "date"):
            blocks, from_keys = (
                indexes[mode].search(q, sort=sort, per_page=100) for mode in ("blocks", "keys")
            )
            assert blocks.total, q
            assert from_keys == blocks, q


#: Turns where a phrase's words are all there but not always side by side, or where a
#: word stands at the very start of the text, or a run of digits breaks the bigrams.
NEAR_MISSES = [
    "존경하는 의원 여러분",
    "의원 여러분을 존경하는 마음",
    "여러분 의원을 존경하는",
    "존경하는의원여러분께",
    "존경하는 구민과 의원 여러분",
    "의원 존경하는 의원 여러분",
    "국민 여러분",
    "국민, 여러분",
    "국민 2 여러분",
    "여러분 국민",
    "19대 국회",
    "19 대국회",
    "2019대 대표",
    "제19대",
    # Every bigram of 국민여러분 and of 대국회, none where the phrase needs it; 국회 at
    # the text's first position, where a phrase starting one earlier would begin before it.
    "민여 씨와 국민, 그리고 여러분",
    "국회에서 대국민 사과",
    "존경하는 분과 의원 여러분",
]
PHRASES = [
    '"존경하는 의원 여러분"',
    '"의원 여러분"',
    "국민여러분",
    '"국민 여러분"',
    "19대",
    "대국회",
]


@pytest.mark.parametrize("mode", sorted(KEYS_FROM))
def test_a_phrase_needs_its_words_side_by_side_however_its_postings_are_read(tmp_path, mode):
    rows = [
        utterance_row(1, order, "박가상 의원", text)
        for order, text in enumerate(NEAR_MISSES * 20, 1)
    ]
    written, keys.KEYS_FROM = keys.KEYS_FROM, KEYS_FROM[mode]
    read_below = matching.KEYS_READ_BELOW
    try:
        search_index = SearchIndex(tmp_path).create()
        search_index.add_utterances(rows)
        if mode == "blocks":
            matching.KEYS_READ_BELOW = 0
        for q in PHRASES:
            uids, result = everything_found(search_index, q)
            expected = search_index._current_searcher().search(whoosh_query(q), limit=None)
            assert 0 < result.total < len(rows), q
            assert sorted(uids) == sorted(hit["uid"] for hit in expected), q
    finally:
        keys.KEYS_FROM = written
        matching.KEYS_READ_BELOW = read_below


def test_a_segment_written_by_whoosh_itself_is_read_from_its_blocks(tmp_path):
    # Whoosh's own writer (``optimize``) writes no .keys file: the same utterances are found
    # from its blocks. (Scores move a little after ``optimize`` with or without .keys files:
    # Whoosh's writer keeps slightly different field statistics; not this test's matter.)
    written, keys.KEYS_FROM = keys.KEYS_FROM, 1
    try:
        search_index = SearchIndex(tmp_path).create()
        search_index.add_utterances(sample_utterances())
    finally:
        keys.KEYS_FROM = written
    assert list(tmp_path.glob("*.keys"))
    before = {q: everything_found(search_index, q) for q in QUERIES}
    search_index.optimize()
    assert not list(tmp_path.glob("*.keys"))
    reopened = SearchIndex(tmp_path).open()
    for q, (uids, result) in before.items():
        found, again = everything_found(reopened, q)
        assert sorted(found) == sorted(uids), q
        assert (again.total, again.facets) == (result.total, result.facets), q
