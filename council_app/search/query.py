"""A small, forgiving search query language, independent of the search engine.

Words are ANDed; ``"a phrase"`` must appear as written; ``a OR b`` matches either;
``-word`` or ``NOT word`` excludes; ``word*`` matches words starting with ``word``.
Any input parses: stray quotes and operators are ignored, and only input that is too
large or that only excludes raises :class:`QueryError`, with a message for the user.
"""

import re
import unicodedata
from dataclasses import dataclass

MAX_QUERY_CHARS = 200
MAX_TERMS = 12

_LEXEME = re.compile(r'"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+)')


class QueryError(ValueError):
    """A query that cannot be run; the message is shown to the user as is."""


@dataclass(frozen=True, slots=True)
class Term:
    """One word or quoted phrase of a query."""

    text: str
    phrase: bool = False
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class Clause:
    """Terms of which any may match (``a OR b``), or one term that must not match."""

    terms: tuple[Term, ...]
    negated: bool = False


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """Clauses that must all hold; no clauses means every document."""

    clauses: tuple[Clause, ...]

    @property
    def positive_terms(self) -> tuple[Term, ...]:
        """Return the terms that select documents, for highlighting."""
        return tuple(t for c in self.clauses if not c.negated for t in c.terms)


def parse_query(raw: str) -> ParsedQuery:
    """Parse user input into clauses, or raise QueryError."""
    text = _clean(raw)
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"검색어는 {MAX_QUERY_CHARS}자 이하로 입력해 주세요.")
    clauses = _group(_lex(text))
    if sum(len(c.terms) for c in clauses) > MAX_TERMS:
        raise QueryError(f"검색어는 {MAX_TERMS}개 이하로 입력해 주세요.")
    if clauses and all(c.negated for c in clauses):
        raise QueryError("제외할 단어 말고 찾을 단어도 입력해 주세요.")
    return ParsedQuery(tuple(clauses))


#: What ``_clean`` puts for a character of each Unicode category it does not keep.
_CLEANED = {"Cc": " ", "Cf": "", "Cs": " ", "Co": " ", "Cn": " "}


def _clean(raw: str) -> str:
    # Control characters (NUL, tab, escape) act as spaces. Format characters (zero-width
    # spaces and joiners, BOM, bidi marks) vanish: pasted from a web page inside a word
    # (예\u200b산), they would split it into syllables nobody searched for.
    text = "".join(_CLEANED.get(unicodedata.category(ch), ch) for ch in raw)
    return text.strip()


def _lex(text: str):
    """Yield ("term", Term), ("or",) and ("not",) items."""
    for match in _LEXEME.finditer(text):
        if match["phrase"] is not None:
            if match["phrase"].strip():
                yield ("term", Term(match["phrase"].strip(), phrase=True))
        elif match["word"] in ("OR", "|"):
            yield ("or",)
        elif match["word"] in ("NOT", "-"):
            yield ("not",)
        elif match["word"] in ("AND", "&", "&&", "+"):
            # Every word must be there anyway; other search boxes taught people to say so.
            continue
        else:
            yield from _lex_word(match["word"])


def _lex_word(word: str):
    if word.startswith("-"):
        yield ("not",)
        word = word.lstrip("-")
    prefix = word.endswith("*")
    word = word.rstrip("*")
    if word:
        yield ("term", Term(word, prefix=prefix))


def _group(items) -> list[Clause]:
    """Combine lexed items into clauses; operators with no operand are dropped."""
    clauses: list[Clause] = []
    negate = join = False
    for item in items:
        if item[0] == "not":
            negate = True
        elif item[0] == "or":
            join = bool(clauses) and not clauses[-1].negated
        else:
            if join and not negate:
                clauses[-1] = Clause(clauses[-1].terms + (item[1],))
            else:
                clauses.append(Clause((item[1],), negated=negate))
            negate = join = False
    return clauses
