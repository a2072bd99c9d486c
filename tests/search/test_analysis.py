"""Korean analysis and query parsing, on small inline text."""

import time

import pytest

from council_app.search.analysis import bigram_tokens, query_form, strip_suffix
from council_app.search.query import MAX_QUERY_CHARS, QueryError, parse_query
from council_app.search.snippets import match_pattern, snippet


def texts(tokens):
    return [t.text for t in tokens]


def contains_sequence(text, seq):
    """Return True if the query bigram sequence occurs at consecutive positions of text."""
    by_pos = {}
    for token in bigram_tokens(text):
        by_pos.setdefault(token.pos, set()).add(token.text)
    return any(
        all(word in by_pos.get(start + i, ()) for i, word in enumerate(seq)) for start in by_pos
    )


def found(query, text):
    return any(contains_sequence(text, seq) for seq in query_form(query).bigram_seqs)


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("회의록", "회의록을 배부하였습니다"),
        ("회의록을", "회의록이 정정되었습니다"),
        ("예산안에", "이번 예산안은 원안대로"),
        ("금천구의회는", "금천구의회 의장"),
        ("추가경정예산", "추가경정예산안을 상정합니다"),
        ("추가경정 예산안", "추가경정예산안을 상정합니다"),
        ("금천구", "금천구청장 출석 요구의 건"),
        ("임시회의록", "임시 회의록을 확인"),
        ("획정", "선거구 획정 문제"),
        ("조치", "필요한 조치를 하겠습니다"),
        ("2024년", "2024년도 예산"),
        ("제246회", "제246회 금천구의회 임시회"),
        ("COVID-19", "covid-19 대응 예산"),
        ("심사하는", "예산을 심사하기 위해"),
    ],
)
def test_word_is_found_whatever_follows_or_however_spaced(query, text):
    words = query.split()
    assert all(found(word, text) for word in words) or found(query, text)


@pytest.mark.parametrize(
    ("query", "text"), [("회의록", "회의를 열고 기록을"), ("예산", "예비 산정")]
)
def test_unrelated_text_is_not_found(query, text):
    assert not found(query, text)


def test_bigrams_have_consecutive_positions_across_spaces():
    tokens = bigram_tokens("임시 회의록", for_query=True)
    assert [(t.text, t.pos) for t in tokens] == [("임시", 0), ("시회", 1), ("회의", 2), ("의록", 3)]


def test_index_tokens_add_first_syllable_unigram_and_keep_offsets():
    text = "제246회 국회"
    tokens = bigram_tokens(text)
    assert [(t.text, t.pos, text[t.start : t.end]) for t in tokens] == [
        ("제", 0, "제"),
        ("246", 1, "246"),
        ("회", 2, "회"),
        ("회국", 3, "회 국"),
        ("국", 4, "국"),
        ("국회", 4, "국회"),
    ]


def test_latin_and_digits_are_whole_lowercase_tokens():
    assert texts(bigram_tokens("COVID-19 ＡＢＣ")) == ["covid", "19", "abc"]


@pytest.mark.parametrize(
    ("word", "stem"),
    [("회의록을", "회의록"), ("위원회에서는", "위원회"), ("회의", None), ("국가", None)],
)
def test_strip_suffix_keeps_stems_of_two_syllables(word, stem):
    assert strip_suffix(word) == stem


def test_morphemes_drop_particles():
    assert query_form("회의록을").morphemes == ("회의록",)


def test_symbols_and_emoji_are_not_searchable():
    assert query_form("😀 <> ;--").is_empty


def test_parse_and_or_not_prefix_phrase():
    parsed = parse_query('예산 "임시 회의" 조치 OR 획정 -위원회 NOT 의장 covid*')
    summary = [
        (tuple((t.text, t.phrase, t.prefix) for t in c.terms), c.negated) for c in parsed.clauses
    ]
    assert summary == [
        ((("예산", False, False),), False),
        ((("임시 회의", True, False),), False),
        ((("조치", False, False), ("획정", False, False)), False),
        ((("위원회", False, False),), True),
        ((("의장", False, False),), True),
        ((("covid", False, True),), False),
    ]


@pytest.mark.parametrize("pasted", ["예\u200b산", "\ufeff예산", "예\u200d산", "\u202e예산\u202c"])
def test_format_characters_pasted_into_a_word_leave_the_word_whole(pasted):
    [clause] = parse_query(pasted).clauses
    assert [term.text for term in clause.terms] == ["예산"]


@pytest.mark.parametrize("joiner", ["AND", "&", "&&", "+"])
def test_and_between_words_is_what_a_space_already_says(joiner):
    assert parse_query(f"예산 {joiner} 회의") == parse_query("예산 회의")


def test_control_characters_still_part_words():
    assert len(parse_query("예산\x00회의").clauses) == 2


@pytest.mark.parametrize(
    "raw",
    [
        '"unbalanced',
        "OR",
        "NOT",
        '- * "" OR OR',
        "'; DROP TABLE minutes;--",
        "<b>x</b>",
        "\x00\x07회의\u202e록",
        "😀🎉",
        "   ",
        "a" * MAX_QUERY_CHARS,
    ],
)
def test_hostile_input_parses_or_raises_query_error(raw):
    try:
        parse_query(raw)
    except QueryError as exc:
        assert any("\uac00" <= ch <= "\ud7a3" for ch in str(exc))


def test_limits_raise_korean_errors_quickly():
    started = time.perf_counter()
    with pytest.raises(QueryError, match="자 이하"):
        parse_query("회의 " * 5000)
    with pytest.raises(QueryError, match="개 이하"):
        parse_query(" ".join(f"단어{i}" for i in range(30)))
    with pytest.raises(QueryError):
        parse_query("-회의 NOT 예산")
    assert time.perf_counter() - started < 0.5


def test_snippet_marks_matches_and_escapes_everything_else():
    text = "<script>alert('x')</script> 회의록을 보면 회 의 록"
    html = snippet(text, match_pattern(["회의록"]))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.count("<mark>") == 2 and "<mark>회의록</mark>을" in html


def test_snippet_windows_long_text_around_first_match():
    html = snippet("가" * 500 + "획정" + "나" * 500, match_pattern(["획정"]))
    assert html.startswith("…") and html.endswith("…") and "<mark>획정</mark>" in html
