"""Other ways of writing a query word, searched beside it: abbreviations, numbers, Hanja.

Applied at query time, so a list can grow without reindexing: 행감 also finds
행정사무감사 and back, 1000만원 also finds 1,000만 원, and a word typed in Hanja also finds
its Hangul reading (the index holds the reading of Hanja beside it, ``schema``).
The abbreviations ship in ``abbreviations.txt``; a council adds its own in a file of the
same form named by the ``SEARCH_ABBREVIATIONS_FILE`` setting.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from . import readings

BUILT_IN = Path(__file__).with_name("abbreviations.txt")
#: Other spellings searched per query word at most: each one costs the search a lookup.
MAX_VARIANTS = 8
#: Lines of an abbreviation file read at most, and characters per form.
MAX_LINES, MAX_FORM_CHARS = 5_000, 100

_NUMBER = re.compile(r"\d[\d,]*\d|\d")
#: A unit of amount right after a number, then 원, with or without a space between.
_UNITS = set("천만억조원")
_UNIT_WON = re.compile(r"(?<=\d)([천만억조])\s*원")


class AbbreviationFileError(ValueError):
    """An abbreviation file that cannot be read; the message names the line."""


def _key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


class Variants:
    """The abbreviation groups in force, and the other spellings of a query word."""

    def __init__(self, groups: Iterable[Iterable[str]] = ()):
        self._groups: dict[str, list[str]] = {}
        for group in groups:
            self.add(group)

    def add(self, forms: Iterable[str]) -> None:
        """Make the forms spellings of one another (joining groups they already belong to)."""
        merged: list[str] = []
        for form in forms:
            for member in self._groups.get(_key(form), [form]):
                if _key(member) not in map(_key, merged):
                    merged.append(member)
        for member in merged:
            self._groups[_key(member)] = merged

    def abbreviations(self, word: str) -> list[str]:
        """Return the other forms of an abbreviation or of the full name it stands for."""
        key = _key(word)
        return [form for form in self._groups.get(key, ()) if _key(form) != key]

    def of(self, word: str, stem: str | None = None) -> list[str]:
        """Return other spellings of a query word (or of its stem), without the word itself."""
        found: list[str] = []
        for base in dict.fromkeys(filter(None, (word, stem))):
            found += self.abbreviations(base)
        found += number_variants(word)
        if readings.has_hanja(word):
            found.append(readings.reading(word))
        own = _key(word)
        unique = dict.fromkeys(f for f in found if _key(f) != own)
        return list(unique)[:MAX_VARIANTS]


def number_variants(word: str) -> list[str]:
    """Return a word with numbers written the other ways: 1000만원 ↔ 1,000만 원.

    Digits with or without thousands separators, and the currency apart from its unit
    or not (만 원, 만원): the index reads a one-syllable word before a space apart.
    A space between 2조 and 4,000억 needs no variant: digits always stand apart.
    """
    if not _NUMBER.search(word):
        return []
    plain = _NUMBER.sub(lambda m: m.group().replace(",", ""), word)
    grouped = _NUMBER.sub(_grouped, word)
    forms = []
    for form in (plain, grouped):
        forms += [form, _UNIT_WON.sub(r"\1 원", form), _UNIT_WON.sub(r"\1원", form)]
    return [form for form in dict.fromkeys(forms) if form != word]


def _grouped(match: re.Match) -> str:
    digits = match.group().replace(",", "")
    # Amounts are grouped (1,000만, 25,000); a year (2016년), a number (007번) or a code
    # is not. An amount is a long number or one followed by its unit.
    amount = len(digits) >= 5 or match.string[match.end() : match.end() + 1] in _UNITS
    if digits.startswith("0") or len(digits) > 15 or not amount:
        return digits
    return f"{int(digits):,}"


def read_file(path: str | Path) -> list[list[str]]:
    """Read an abbreviation file: one group a line, forms joined by " = ", # comments."""
    groups = []
    try:
        lines = open(path, encoding="utf-8")  # noqa: SIM115  (closed by the with below)
    except OSError as error:
        raise AbbreviationFileError(
            f"줄임말 파일을 읽을 수 없습니다: {path} ({error.strerror})"
        ) from error
    with lines:
        for number, line in enumerate(lines, 1):
            if number > MAX_LINES:
                raise AbbreviationFileError(f"{path}: {MAX_LINES}줄까지만 읽습니다.")
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            forms = [form.strip() for form in line.split("=")]
            if len(forms) < 2 or not all(forms) or max(map(len, forms)) > MAX_FORM_CHARS:
                raise AbbreviationFileError(
                    f'{path} {number}번째 줄: "줄임말 = 본말"처럼 두 가지 이상을 = 로 이어 적어 주세요.'
                )
            groups.append(forms)
    return groups


def load(extra: str | Path | None = None) -> Variants:
    """Return the built-in abbreviations, and a council's own from ``extra`` if given."""
    groups = read_file(BUILT_IN)
    if extra:
        groups += read_file(extra)
    return Variants(groups)
