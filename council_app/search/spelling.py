"""Spelling suggestions from the index's own words, by edit distance over Hangul jamo.

A :class:`Speller` is built once per index generation from the words the index holds and
how many utterances hold each (``SearchIndex.prepare_speller``); a request only looks up the
few words near its query. Candidates come from a deletion neighbourhood at the syllable
level: every word is filed under itself and under each form with one syllable left out, so
a slip in one syllable (얘산 → 예산, 금천구칭 → 금천구청), a missing syllable (행정무감사) and
an extra one (예산산) share a key with the intended word. The candidates are then ranked by
edit distance over jamo (initial, vowel, final), where a vowel that sounds alike (ㅐ/ㅔ)
or sits next to it on the keyboard (ㅗ/ㅓ) costs half, and by how common they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

_HANGUL_WORD = re.compile("[\uac00-\ud7a3]+")
_BASE, _VOWELS, _FINALS = 0xAC00, 21, 28
#: Words filed under a key, the most common first: a two-syllable key (산) stands for
#: hundreds of words, and ranking them all would cost a request more than it gains.
KEY_LIMIT = 200
#: Words of the vocabulary at most, the most common kept: bounds the memory per process
#: (about 0.9 KB a word: 81,000 words of 30,000 turns took 74 MB).
MAX_WORDS = 100_000
#: A word in fewer utterances than this is no correction: it may be a typo itself.
MIN_FREQUENCY = 2
#: A correction must be this many times as common as the word typed.
MORE_COMMON = 20
MIN_SYLLABLES, MAX_SYLLABLES = 2, 12
#: Vowels alike in speech (ㅐ/ㅔ) or side by side on the 2-set keyboard (ㅗ/ㅓ, ㅜ/ㅡ):
#: mistaking one for the other costs half.
_ALIKE = [set("ㅐㅔ"), set("ㅒㅖ"), set("ㅙㅞㅚ"), set("ㅗㅓ"), set("ㅜㅡ")]
_VOWEL_LIST = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"


def jamo(word: str) -> tuple[str, ...]:
    """Return the jamo of a Hangul word: initial, vowel and (if any) final of each syllable."""
    letters: list[str] = []
    for char in word:
        code = ord(char) - _BASE
        if not 0 <= code < 11172:
            letters.append(char)
            continue
        initial, rest = divmod(code, _VOWELS * _FINALS)
        vowel, final = divmod(rest, _FINALS)
        letters.append(chr(0x1100 + initial))
        letters.append(_VOWEL_LIST[vowel])
        if final:
            letters.append(chr(0x11A7 + final))
    return tuple(letters)


def _substitution(a: str, b: str) -> float:
    if a == b:
        return 0.0
    if any(a in group and b in group for group in _ALIKE):
        return 0.5
    return 1.0


def distance(a: str, b: str) -> float:
    """Return the edit distance between two words over their jamo."""
    x, y = jamo(a), jamo(b)
    previous = [float(j) for j in range(len(y) + 1)]
    for i, letter in enumerate(x, 1):
        current = [float(i)]
        for j, other in enumerate(y, 1):
            current.append(
                min(
                    previous[j] + 1,
                    current[j - 1] + 1,
                    previous[j - 1] + _substitution(letter, other),
                )
            )
        previous = current
    return previous[-1]


def max_distance(word: str) -> float:
    """Return how far a correction may lie from a word: further for longer words."""
    return 1.0 if len(word) <= 2 else 2.0 if len(word) <= 4 else 3.0


def _keys(word: str) -> list[str]:
    return [word] + [word[:i] + word[i + 1 :] for i in range(len(word))]


def is_word(text: str) -> bool:
    """Tell whether text is a Hangul word the speller knows how to correct."""
    return _HANGUL_WORD.fullmatch(text) is not None and MIN_SYLLABLES <= len(text) <= MAX_SYLLABLES


@dataclass(frozen=True)
class Correction:
    """A word of the vocabulary near the one typed."""

    word: str
    distance: float
    frequency: int


class Speller:
    """The words of one index generation, filed for finding the ones near a typed word."""

    def __init__(self, frequencies: Iterable[tuple[str, int]]):
        words = sorted(
            ((w, f) for w, f in frequencies if f >= MIN_FREQUENCY and is_word(w)),
            key=lambda pair: (-pair[1], pair[0]),
        )[:MAX_WORDS]
        #: Utterances holding each word.
        self.frequencies: dict[str, int] = dict(words)
        keys: dict[str, list[str]] = {}
        # The most common first, so each key's list keeps its most common words.
        for word, _ in words:
            for key in _keys(word):
                filed = keys.setdefault(key, [])
                if len(filed) < KEY_LIMIT:
                    filed.append(word)
        self._keys = keys

    def __len__(self) -> int:
        return len(self.frequencies)

    def corrections(
        self, word: str, typed_frequency: int = 0, limit: int = 3, most: float | None = None
    ) -> list[Correction]:
        """Return the words near ``word`` that are far more common, the best first.

        ``typed_frequency`` is how many utterances hold the word as typed; ``most`` the
        greatest distance allowed (by default, more for longer words).
        """
        if not is_word(word):
            return []
        found: dict[str, float] = {}
        most = max_distance(word) if most is None else most
        for key in dict.fromkeys(_keys(word)):
            for candidate in self._keys.get(key, ()):
                if candidate in found or candidate == word:
                    continue
                frequency = self.frequencies[candidate]
                if frequency < max(MIN_FREQUENCY, typed_frequency * MORE_COMMON):
                    continue
                found[candidate] = _cost(word, candidate)
        ranked = sorted(
            (Correction(w, d, self.frequencies[w]) for w, d in found.items() if d <= most),
            key=lambda c: (c.distance, -c.frequency, c.word),
        )
        return ranked[:limit]


def _cost(typed: str, candidate: str) -> float:
    """Return how unlikely a candidate is as what was meant by the typed word.

    A syllable typed twice (예산산) costs one slip, as a wrong jamo does; one left out
    (행정무감사) a quarter more, an extra one of another sound half more. A different first
    consonant costs half more, since a word's first letter is rarely mistyped.
    """
    cost = distance(typed, candidate)
    if abs(len(typed) - len(candidate)) == 1:
        shorter, longer = sorted((typed, candidate), key=len)
        for i in range(len(longer)):
            if longer[:i] + longer[i + 1 :] == shorter:
                doubled = longer[i] in (longer[i - 1 : i], longer[i + 1 : i + 2])
                cost = min(cost, 1.0 if doubled else 1.25 if longer is candidate else 1.5)
    if jamo(typed[0])[0] != jamo(candidate[0])[0]:
        cost += 0.5
    return cost


def vocabulary_words(text: str, stem) -> set[str]:
    """Return the words of a text as the speller files them: Hangul words without particles.

    ``stem`` strips a particle or ending (``analysis.strip_suffix``), None if none applies.
    """
    words: set[str] = set()
    for word in set(_HANGUL_WORD.findall(text)):
        words.update(_forms(word, stem))
    return words


@lru_cache(maxsize=100_000)
def _forms(word: str, stem) -> tuple[str, ...]:
    # Cached: a council's words repeat, and trying every particle on each costs indexing
    # as much as the morpheme analysis. The word as written is kept too: a stem is
    # sometimes a word cut short (이승만 → 이승).
    return tuple(form for form in (word, stem(word)) if form and is_word(form))


@dataclass(frozen=True)
class Suggestion:
    """A query as it was probably meant, and the words changed in it."""

    q: str
    words: tuple[str, ...]


def suggest(
    words: list[str],
    speller: Speller,
    frequency: Callable[[str], int],
    stem: Callable[[str], str | None],
    limit: int = 3,
    occurrences: Callable[[str], int] | None = None,
) -> list[Suggestion]:
    """Return corrected queries for the query's words, the most likely first.

    ``frequency`` tells how many utterances hold a word as typed (0 if none); ``stem`` is
    as for :func:`vocabulary_words`; ``occurrences`` (optional) how many utterances hold
    a word anywhere, inside longer words too. A word the index holds often enough is left
    alone; two neighbouring words that are one word mistyped with a space are joined.
    """

    def typed(word: str) -> int:
        return occurrences(word) if occurrences is not None else 0

    options: list[list[tuple[str, float]]] = []
    i = 0
    while i < len(words):
        if i + 1 < len(words):
            joined = _join(words[i], words[i + 1], speller, frequency, stem, typed)
            if joined:
                options.append(joined)
                i += 2
                continue
        options.append(_word_options(words[i], speller, frequency, stem, typed))
        i += 1
    if all(len(choices) == 1 for choices in options):
        return []
    best = [choices[0][0] if len(choices) == 1 else choices[1][0] for choices in options]
    changed = [n for n, choices in enumerate(options) if len(choices) > 1]
    suggestions = [Suggestion(" ".join(best), tuple(best[n] for n in changed))]
    # Then the runner-up corrections of the first changed word.
    first = changed[0]
    for text, _ in options[first][2:]:
        if len(suggestions) >= limit:
            break
        variant = best[:first] + [text] + best[first + 1 :]
        suggestions.append(Suggestion(" ".join(variant), tuple(variant[n] for n in changed)))
    return suggestions


def _word_options(word: str, speller: Speller, frequency, stem, typed) -> list[tuple[str, float]]:
    """Return the word as typed, then its corrections if the index hardly holds it.

    A word whose stem the index holds (본회 of 본회이) may be that stem and a particle:
    then only a correction one slip away and far more common is offered.
    """
    count = frequency(word)
    if count >= MIN_FREQUENCY or not is_word(word):
        return [(word, 0.0)]
    base = stem(word)
    known_stem = frequency(base) if base else 0
    found = speller.corrections(word, count, most=1.0 if known_stem >= MIN_FREQUENCY else None)
    if found:
        # Only now, with a correction at hand, count the word as typed anywhere (a search):
        # a word inside compounds (의사정 of 의사정족수) is no slip.
        count = max(count, typed(word))
        if count >= MIN_FREQUENCY:
            return [(word, 0.0)]
        found = [c for c in found if c.frequency >= count * MORE_COMMON]
    return [(word, 0.0)] + [(c.word, c.distance) for c in found]


def _join(first: str, second: str, speller: Speller, frequency, stem, typed):
    """Return options for two words typed apart that make one word, else None."""
    if not (is_word(first) and _HANGUL_WORD.fullmatch(second)):
        return None
    # Words of the vocabulary, not just anywhere: 의희 occurs inside 민의희망.
    if frequency(first) >= MIN_FREQUENCY and frequency(second) >= MIN_FREQUENCY:
        return None
    joined = first + second
    if frequency(joined) >= MIN_FREQUENCY:
        return [(f"{first} {second}", 0.0), (joined, 0.0)]
    options = _word_options(joined, speller, frequency, stem, typed)
    return [(f"{first} {second}", 0.0), *options[1:]] if len(options) > 1 else None
