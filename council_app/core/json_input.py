"""Read JSON request bodies with bounds: depth, finite numbers, text without lone surrogates
or NUL characters.

Python's json module accepts ``NaN``/``Infinity``, reads ``1e400`` as infinity, keeps lone
surrogates (``"\\ud800"``) that no database can store, and recurses once per nesting level,
so a body nested 100,000 deep ends in RecursionError. Every body the app reads goes through
``loads`` here (Flask's ``request.get_json`` included, by the provider below), so each of
those is a 400 with a Korean message instead of a 500.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from flask.json.provider import DefaultJSONProvider

#: Deepest nesting of arrays and objects a body may have; the API's bodies need three.
MAX_DEPTH = 32

_SURROGATE = re.compile("[\ud800-\udfff]")

DEPTH_MESSAGE = f"JSON이 너무 깊게 중첩되어 있습니다 ({MAX_DEPTH}단계까지 읽습니다)."
NUMBER_MESSAGE = "JSON에 NaN, Infinity나 너무 큰 숫자는 쓸 수 없습니다. 유한한 숫자를 적어 주세요."
SURROGATE_MESSAGE = "JSON 문자열에 짝이 없는 서로게이트(\\ud800 등) 문자가 있습니다."
NUL_MESSAGE = "JSON 문자열에 NUL 문자(\\u0000)는 쓸 수 없습니다. 지우고 다시 보내 주세요."
SYNTAX_MESSAGE = "요청 본문을 JSON으로 읽을 수 없습니다. 형식을 확인해 주세요."


class JSONRefused(ValueError):
    """A body that is not JSON this app reads; ``message_ko`` says why."""

    def __init__(self, message_ko: str):
        super().__init__(message_ko)
        self.message_ko = message_ko


def _refuse_constant(name: str) -> float:
    raise JSONRefused(NUMBER_MESSAGE)


#: More digits than any field's bound; past this a number is refused as too large, before
#: Python's own limit (4,300 digits) turns it into a syntax error.
MAX_DIGITS = 100


def _bounded_int(text: str) -> int:
    if len(text) > MAX_DIGITS:
        raise JSONRefused(NUMBER_MESSAGE)
    return int(text)


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise JSONRefused(NUMBER_MESSAGE)
    return number


def loads(data: str | bytes | bytearray) -> Any:
    """Parse ``data`` as bounded JSON, raising JSONRefused with a Korean reason."""
    try:
        value = json.loads(
            data,
            parse_constant=_refuse_constant,
            parse_float=_finite_float,
            parse_int=_bounded_int,
        )
    except JSONRefused:
        raise
    except RecursionError:
        raise JSONRefused(DEPTH_MESSAGE) from None
    except ValueError:
        # JSONDecodeError, undecodable bytes.
        raise JSONRefused(SYNTAX_MESSAGE) from None
    _check(value)
    return value


def _check(value: Any) -> None:
    """Walk the parsed value without recursion, checking depth and every string."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                raise JSONRefused(SURROGATE_MESSAGE)
            if "\x00" in item:
                # PostgreSQL stores no NUL in text (request_text refuses it elsewhere).
                raise JSONRefused(NUL_MESSAGE)
        elif isinstance(item, dict | list):
            if depth > MAX_DEPTH:
                raise JSONRefused(DEPTH_MESSAGE)
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider, reading bodies through ``loads`` above."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse a request body, refusing what ``loads`` refuses."""
        return loads(s)
