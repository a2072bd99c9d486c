"""Hangul readings of Hanja, so 李承晩 and 國家保安法 are found as 이승만 and 국가보안법.

The only module that imports the ``hanja`` package. A reading has one syllable per Hanja,
so it lines up with the original character for character.
"""

import re
import unicodedata
from functools import lru_cache

import hanja

_HANJA = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_HANJA_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
#: 金 reads 금 (gold) but 김 as a family name, which is how minutes mostly print it
#: (金永柱 議員): a three-character run that starts with it is read as a name too.
_NAME_READINGS = {"金": "김"}


def has_hanja(text: str) -> bool:
    """Tell whether text holds a Hanja character."""
    return _HANJA.search(text) is not None


def readings(text: str) -> list[str]:
    """Return text with its Hanja read in Hangul: one reading, two where a name reads apart.

    Empty when the text has no Hanja. Each reading is as long as the text.
    """
    if not has_hanja(text):
        return []
    plain = _HANJA_RUN.sub(lambda m: _read(m.group()), text)
    names = _HANJA_RUN.sub(lambda m: _read_name(m.group()), text)
    return [plain] if names == plain else [plain, names]


def reading(text: str) -> str:
    """Return text with its Hanja read in Hangul, names as names (金 → 김); else text itself."""
    found = readings(text)
    return found[-1] if found else text


@lru_cache(maxsize=4096)
def _read(run: str) -> str:
    # Compatibility ideographs (金 U+F90A) read as the unified character they stand for.
    run = unicodedata.normalize("NFKC", run)
    read = hanja.translate(run, "substitution")
    # The package leaves a character it does not know as it is; a length change would
    # misplace every following position.
    return read if len(read) == len(run) else run


def _read_name(run: str) -> str:
    read = _read(run)
    if len(run) == 3 and run[0] in _NAME_READINGS:
        return _NAME_READINGS[run[0]] + read[1:]
    return read
