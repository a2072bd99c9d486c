"""Korean text analysis for minutes search, free of any search-engine import.

Two token streams describe a text:

* character bigrams of Hangul/Hanja runs, with consecutive positions so that a word or a
  phrase is a run of adjacent bigrams. A word is found inside compounds (금천구 in
  금천구청장) and whatever particle follows it (회의록을). Runs separated only by
  whitespace are joined by a bigram across the space, so 임시회의록 and 임시 회의록 read
  the same; the first syllable of each run is also indexed as a unigram at the run's
  first position, which serves one-syllable words (제, 년) and one-syllable prefixes.
* morphemes from mecab-ko (content tags only), which rank a whole-word hit above a
  bigram that merely straddles two words (회의 inside 위원회의). Names of committees and
  councils (``NAME``: 예산결산특별위원회, 금천구의회) are kept whole rather than tagged, so
  a word only inside such a name (예산) is no whole-word hit.

Latin letters and digits are kept as whole lower-cased tokens in both streams.
"""

import operator
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

_CJK = "\uac00-\ud7a3\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_RUN = re.compile(rf"(?P<cjk>[{_CJK}]+)|(?P<other>[^\W_{_CJK}]+)")

# Content morphemes of the mecab-ko-dic tag set: nouns, numerals, roots, foreign words,
# Hanja, verb and adjective stems. Particles, endings and suffixes are left out.
_CONTENT_TAGS = frozenset(
    {"NNG", "NNP", "NNB", "NNBC", "NR", "NP", "SL", "SN", "SH", "XR", "VV", "VA"}
)
# A line of mecab's output whose tag (the feature's first field) is a content tag.
_CONTENT_LINE = re.compile(rf"^([^\t\n]+)\t(?:{'|'.join(sorted(_CONTENT_TAGS))}),", re.MULTILINE)

#: A committee's or council's name written as one word: one morpheme, never split by the
#: tagger into 예산 · 결산 · 특별 · 위원회.
NAME = re.compile(r"[가-힣]{2,}(?:위원회|[구시군도]의회)")

# Particles and endings stripped from the end of a query word, longest first. Only a
# stem of two or more syllables is kept, so 회의 never becomes 회.
_SUFFIX_LIST = """
    을 를 이 가 은 는 에 의 도 만 로 와 과 으로 에서 에게 께서 부터 까지 보다 처럼 마다 이나
    하고 에는 에도 에서는 에서도 으로는 으로서 으로써 이라는 이라고 라는 이다 입니다 이며 이고
    에게서 하는 하여 한다 했다 하였다 합니다 했습니다 하겠습니다 하였습니다 되는 되어 된다
    됩니다 되었습니다
"""
_SUFFIXES = tuple(sorted(set(_SUFFIX_LIST.split()), key=len, reverse=True))


@dataclass(frozen=True, slots=True)
class Token:
    """One analysed token: normalised text, position and character offsets."""

    text: str
    pos: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class QueryForm:
    """How one query word or phrase is looked up and highlighted."""

    bigram_seqs: tuple[tuple[str, ...], ...]
    morphemes: tuple[str, ...]
    needles: tuple[str, ...]

    @property
    def is_empty(self) -> bool:
        """Return True when nothing in the input can be searched."""
        return not self.bigram_seqs and not self.morphemes


def normalize(text: str) -> str:
    """Fold width variants and case so query and document spell a token alike."""
    return unicodedata.normalize("NFKC", text).casefold()


def bigram_tokens(text: str, *, for_query: bool = False) -> list[Token]:
    """Split text into Hangul/Hanja bigrams and whole Latin/digit tokens.

    The text is normalised first, and offsets point into the normalised text. With
    ``for_query`` each position holds exactly one token, as a phrase query needs; the
    unigram of a run's first syllable is then emitted only for one-syllable runs.
    """
    tokens: list[Token] = []
    for match, pos, joined in _runs(normalize(text)):
        run, start = match.group(), match.start()
        if joined is not None:
            tokens.append(Token(joined.text, pos - 1, joined.start, start + 1))
        if not match["cjk"]:
            tokens.append(Token(run, pos, start, match.end()))
            continue
        if len(run) == 1 or not for_query:
            tokens.append(Token(run[0], pos, start, start + 1))
        for i in range(len(run) - 1):
            tokens.append(Token(run[i : i + 2], pos + i, start + i, start + i + 2))
    return tokens


def bigram_positions(text: str) -> dict[str, list[int]]:
    """Return each index token of text with its positions, as ``bigram_tokens`` lists them.

    The indexer's fast path: the same tokens without offsets or a Token per occurrence.
    """
    postings: dict[str, list[int]] = defaultdict(list)
    for match, pos, joined in _runs(normalize(text)):
        run = match.group()
        if joined is not None:
            postings[joined.text].append(pos - 1)
        if not match["cjk"]:
            postings[run].append(pos)
            continue
        postings[run[0]].append(pos)
        # map(add, run, run[1:]) builds the bigrams in C, far faster than slicing.
        for offset, gram in enumerate(map(operator.add, run, run[1:]), pos):
            postings[gram].append(offset)
    return postings


@dataclass(frozen=True, slots=True)
class _Joint:
    """The bigram across the space between two Hangul runs, and where it starts."""

    text: str
    start: int


def _runs(text: str) -> Iterator[tuple[re.Match[str], int, _Joint | None]]:
    """Yield each Hangul/Hanja or Latin/digit run with its first token's position.

    When only whitespace separates a Hangul run from the one before, the bigram across
    the space comes with it, one position earlier, so 임시 회의록 reads like 임시회의록.
    """
    pos = 0
    hangul_end = None  # where the previous run ended, if it was a Hangul/Hanja run
    for match in _RUN.finditer(text):
        joined = None
        if match["cjk"]:
            if hangul_end is not None and text[hangul_end : match.start()].isspace():
                joined = _Joint(text[hangul_end - 1] + match.group()[0], hangul_end - 1)
                pos += 1
            yield match, pos, joined
            pos += max(len(match.group()) - 1, 1)
            hangul_end = match.end()
        else:
            yield match, pos, None
            pos += 1
            hangul_end = None


@lru_cache(maxsize=1)
def _tagger():
    # Imported lazily: the tagger maps a 100 MB dictionary, needless for bigram-only use.
    import mecab

    return mecab.MeCab()


def morpheme_counts(text: str) -> Counter[str]:
    """Return how often each content morpheme occurs in text, as ``morpheme_tokens`` finds them.

    The indexer's fast path: mecab's text output scanned by one regular expression instead
    of a Python object per lattice node, three times faster on long minutes.
    """
    names, rest = _names(text)
    counts = Counter(map(normalize, _CONTENT_LINE.findall(_lattice(rest).to_string())))
    if names:
        counts[_PLACEHOLDER] -= len(names)
        counts.update(normalize(name.group()) for name in names)
        counts = +counts  # drops the placeholder when only names put it there
    return counts


def _names(text: str) -> tuple[list[re.Match[str]], str]:
    """Return the names (``NAME``) in text, and the text with a placeholder for each.

    The placeholder is a plain noun, so the tagger reads the words around it as it read
    them around the name.
    """
    names = list(NAME.finditer(text))
    if not names:
        return [], text
    return names, NAME.sub(_PLACEHOLDER, text)


#: What stands for a name while the rest of the text is tagged (a noun of its own).
_PLACEHOLDER = "위원회"


def _lattice(text: str):
    from mecab.utils import create_lattice

    lattice = create_lattice(text)
    _tagger()._tagger.parse(lattice)
    return lattice


def morpheme_tokens(text: str) -> list[Token]:
    """Return the content morphemes of text with consecutive positions."""
    # The lattice is read directly: ``MeCab.parse`` builds a Morpheme and a Feature tuple
    # per node, which cost more than the tagging itself when indexing.
    names, rest = _names(text)
    placeholders = [
        match.start() + n * (len(_PLACEHOLDER)) - sum(len(m.group()) for m in names[:n])
        for n, match in enumerate(names)
    ]
    lattice = _lattice(rest)
    tokens: list[Token] = []
    for (start, end), node in lattice:
        feature = node.feature
        if feature[: feature.find(",")] not in _CONTENT_TAGS:
            continue
        surface = node.surface
        if names and surface == _PLACEHOLDER and start in placeholders:
            name = names[placeholders.index(start)]
            start, end, surface = name.start(), name.end(), name.group()
        elif names:
            # Back to offsets in text: each name before it is longer than its placeholder.
            shift = sum(
                len(m.group()) - len(_PLACEHOLDER)
                for m, at in zip(names, placeholders, strict=True)
                if at < start
            )
            start, end = start + shift, end + shift
        tokens.append(Token(normalize(surface), len(tokens), start, end))
    return tokens


def strip_suffix(word: str) -> str | None:
    """Return word without a trailing particle or ending, or None if none applies."""
    for suffix in _SUFFIXES:
        stem = word[: -len(suffix)]
        if word.endswith(suffix) and len(stem) >= 2 and is_cjk(stem[-1]):
            return stem
    return None


def is_cjk(char: str) -> bool:
    """Return True for a Hangul syllable or Hanja, the characters analysed as bigrams."""
    return _CJK_CHAR.fullmatch(char) is not None


def query_form(text: str, *, phrase: bool = False, morphemes: bool = True) -> QueryForm:
    """Analyse one query word (or a quoted phrase) into the forms to look up."""
    surfaces = [text.strip()]
    stem = None if phrase else strip_suffix(surfaces[0])
    if stem:
        surfaces.append(stem)
    seqs = (tuple(t.text for t in bigram_tokens(s, for_query=True)) for s in surfaces)
    bigram_seqs = tuple(dict.fromkeys(seq for seq in seqs if seq))
    morphs = tuple(t.text for t in morpheme_tokens(text)) if morphemes else ()
    needles = tuple(s for s in surfaces if bigram_tokens(s))
    return QueryForm(bigram_seqs, morphs, needles)
