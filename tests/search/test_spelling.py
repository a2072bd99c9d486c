"""Spelling suggestions: jamo distance, the speller's candidates, corrected queries."""

from council_app.search import analysis, spelling
from council_app.search.spelling import Speller, distance, jamo, suggest

WORDS = {
    "예산": 120,
    "예산안": 40,
    "금천구청": 30,
    "금천구": 60,
    "위원장": 50,
    "위원": 200,
    "행정사무감사": 25,
    "교섭단체": 9,
    "단체": 12,
    "의사일정": 80,
    "의희": 1,
}


def frequency(word):
    return WORDS.get(word, 0)


def corrected(query, words=WORDS):
    found = suggest(query.split(), Speller(words.items()), frequency, analysis.strip_suffix)
    return [s.q for s in found]


def test_jamo_splits_syllables_into_initial_vowel_and_final():
    assert jamo("예산") == ("ᄋ", "ㅖ", "ᄉ", "ㅏ", "ᆫ")
    assert distance("얘산", "예산") == 0.5  # ㅒ and ㅖ sound alike
    assert distance("금천구칭", "금천구청") == 1.0
    assert distance("예산", "예산") == 0


def test_slips_get_the_word_meant_first():
    assert corrected("얘산") == ["예산"]
    assert corrected("금천구칭")[0] == "금천구청"
    assert corrected("위원잔")[0] == "위원장"  # not 위원, one syllable shorter


def test_missing_and_doubled_syllables():
    assert corrected("행정무감사") == ["행정사무감사"]
    assert corrected("예산산")[0] == "예산"
    assert corrected("교단체")[0] == "교섭단체"


def test_words_typed_apart_are_joined():
    assert corrected("의사 일졍") == ["의사일정"]
    assert corrected("금천 구칭")[0] == "금천구청"


def test_only_the_mistyped_word_of_a_query_changes():
    assert corrected("얘산 위원장") == ["예산 위원장"]


def test_words_the_index_holds_get_no_suggestion():
    for query in ("예산", "위원장 예산", "금천구청", "의사일정"):
        assert corrected(query) == []


def test_a_rare_word_is_no_correction_and_far_words_none():
    assert corrected("의휘") == []  # 의희 is in one utterance only: maybe a slip itself
    assert corrected("코끼리") == []
    assert corrected("a1") == []


def test_candidates_per_key_are_bounded_to_the_most_common(monkeypatch):
    monkeypatch.setattr(spelling, "KEY_LIMIT", 1)
    speller = Speller([("가산", 5), ("예산", 100)])
    assert speller.corrections("얘산")[0].word == "예산"
    assert len(speller._keys["산"]) == 1


def test_vocabulary_words_keep_the_word_and_its_stem():
    words = spelling.vocabulary_words("예산을 심사하고, 이승만 대통령 a", analysis.strip_suffix)
    assert {"예산을", "예산", "이승만", "대통령"} <= words
    assert "a" not in words
