"""One input contract: every write takes a typed command, read the same way from any source.

A command is a frozen dataclass whose fields carry a label and bounds through :func:`spec`.
:func:`read_command` turns a mapping into it — ``form_input(form)`` on pages,
``api.json_payload()`` in the API, a plain dict in the CLI and the demo — and collects every
problem into one :class:`RuleViolation`, so a form and a JSON body are refused with the same
Korean messages. A command only knows types and bounds; look-ups (a body by slug, a member by
id) and every rule of the ordinance stay in the service that receives it.

An update reads with ``partial=True``: the fields the input does not name are :data:`UNSET`,
and :func:`given` returns only those it named. A source that names a field differently (the
API's ``name`` for an item's ``title``) passes ``keys``; its problems come back under its names.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import types
import typing
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, time
from typing import Any, TypeVar

from .errors import RuleViolation
from .inputs import MAX_ID, Reader, whole_number

C = TypeVar("C")

#: The largest number of values a list field accepts (co-sponsors, main items).
MAX_ITEMS = 100


class _Unset:
    """The value of a field an update did not name."""

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: Any = _Unset()


@dataclasses.dataclass(frozen=True)
class FieldSpec:
    """How one command field is read: its Korean label and its bounds."""

    label: str
    max_length: int = 2000
    minimum: int = 1
    max_items: int = MAX_ITEMS
    #: False keeps a text as sent (pasted minutes keep their own spacing); blank is still empty.
    strip: bool = True
    #: The one message for any input this field cannot take, where a page promised its own.
    invalid: str | None = None
    #: Whether a list keeps a value named twice (an order the rules check), or drops repeats.
    repeats: bool = False


def spec(
    label: str,
    *,
    default: Any = dataclasses.MISSING,
    invalid: str | None = None,
    repeats: bool = False,
    **bounds: int | bool,
) -> Any:
    """Declare a command field with its label (and ``max_length``, ``minimum``, ``max_items``,
    ``strip``).

    A field with a default, or typed ``X | None``, is optional. ``invalid`` replaces the
    reader's messages about this field with one of its own; a list field with ``repeats``
    keeps values named twice for the service to judge.
    """
    metadata = {"input": FieldSpec(label, invalid=invalid, repeats=repeats, **bounds)}
    if isinstance(default, list | dict | set):
        raise TypeError("use a tuple or None as a command field's default")
    return dataclasses.field(default=default, metadata=metadata)


class UnknownReference(RuleViolation):
    """A command names a row that does not exist (a member's id, a committee's slug).

    Services raise it from their look-ups; like a bad value, it is a problem with what was
    sent, so :func:`sent_as` reports it under the sender's own names.
    """


@contextmanager
def sent_as(keys: Mapping[str, str]) -> Iterator[None]:
    """Report look-up failures inside the block under the keys the source used (see ``keys``)."""
    try:
        yield
    except UnknownReference as unknown:
        raise UnknownReference(_renamed_errors(unknown.errors, keys)) from None


@dataclasses.dataclass(frozen=True)
class CommandField:
    """What a reader knows of one command field: its type, whether it must be sent, its bounds."""

    name: str
    #: The type inside ``X | None`` (``tuple[int, ...]`` for a list).
    kind: Any
    #: Whether ``None`` (or JSON ``null``) is a value of the field.
    optional: bool
    #: Whether input without it is refused (typed without ``| None`` and without a default).
    required: bool
    spec: FieldSpec
    #: What the field holds when the input leaves it out (``dataclasses.MISSING``: none).
    default: Any = dataclasses.MISSING


@functools.cache
def command_fields(command_cls: type) -> tuple[CommandField, ...]:
    """Describe each field as :func:`read_command` reads it (the OpenAPI document uses this).

    Worked out once per class: every search reads a command.
    """
    hints = _field_types(command_cls)
    described = []
    for field in dataclasses.fields(command_cls):
        kind, optional = _unwrap(hints[field.name])
        required = not optional and field.default is dataclasses.MISSING
        described.append(
            CommandField(
                field.name, kind, optional, required, field.metadata["input"], field.default
            )
        )
    return tuple(described)


def labels(command_cls: type) -> dict[str, str]:
    """Return each field's Korean label, for forms and error messages alike."""
    return {f.name: f.metadata["input"].label for f in dataclasses.fields(command_cls)}


def given(command: Any) -> dict[str, Any]:
    """Return the fields a (partial) command named, as a dict."""
    return {
        f.name: getattr(command, f.name)
        for f in dataclasses.fields(command)
        if getattr(command, f.name) is not UNSET
    }


def read_command(
    command_cls: type[C],
    data: Mapping[str, Any],
    *,
    partial: bool = False,
    keys: Mapping[str, str] | None = None,
) -> C:
    """Build ``command_cls`` from ``data``, or raise one RuleViolation naming every problem.

    ``keys`` maps a field to the key ``data`` holds it under, when the two differ.
    """
    if keys:
        try:
            return read_command(command_cls, _renamed(data, keys), partial=partial)
        except RuleViolation as refused:
            raise RuleViolation(_renamed_errors(refused.errors, keys)) from None
    reader = Reader(dict(data), labels(command_cls))
    values: dict[str, Any] = {}
    for field in command_fields(command_cls):
        if partial and not reader.has(field.name):
            values[field.name] = UNSET
            continue
        known = len(reader.errors)
        value = _read_field(reader, field.name, field.kind, field.spec, field.required)
        if field.spec.invalid and len(reader.errors) > known:
            reader.errors[known:] = [(field.name, field.spec.invalid)]
        if value is None and field.default is not dataclasses.MISSING:
            value = field.default
        values[field.name] = value
    reader.done()
    return command_cls(**values)


def _renamed(data: Mapping[str, Any], keys: Mapping[str, str]) -> dict[str, Any]:
    """Return ``data`` with each renamed field under its own name (and only there)."""
    renamed = {k: v for k, v in data.items() if k not in keys}
    renamed.update({field: data[key] for field, key in keys.items() if key in data})
    return renamed


def _field_types(command_cls: type) -> dict[str, Any]:
    """Return a command's field types, resolved."""
    return typing.get_type_hints(command_cls)


def _renamed_errors(errors: list, keys: Mapping[str, str]) -> list[tuple[str | None, str]]:
    """Return ``errors`` under the keys the source used for each field."""
    return [(keys.get(field, field), message) for field, message in errors]


def _unwrap(hint: Any) -> tuple[Any, bool]:
    """Return the type inside ``X | None`` and whether None was allowed."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) != 1:
            raise TypeError(f"a command field takes one type, not {hint}")
        return args[0], True
    return hint, False


def _read_field(reader: Reader, name: str, kind: Any, field: FieldSpec, required: bool) -> Any:
    if typing.get_origin(kind) is tuple:
        return _read_list(reader, name, typing.get_args(kind)[0], field, required)
    if kind is bool:
        return reader.boolean(name)
    if kind is date:
        return reader.date(name, required)
    if kind is time:
        return reader.time(name, required)
    if kind is int:
        return reader.integer(name, required, minimum=field.minimum)
    if kind is str:
        text = reader.text(name, field.max_length, required)
        return text if text is None or field.strip else str(reader.data[name])
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return reader.choice(name, kind, required)
    raise TypeError(f"a command field cannot be of type {kind!r}")


def _read_list(
    reader: Reader, name: str, item_kind: type, field: FieldSpec, required: bool = False
) -> tuple | None:
    """Read a list (JSON array, a form's repeated field, or lines of text) of ids or text.

    A list field without a default must be named; an empty list is still a list.
    """
    raw = reader.data.get(name)
    if raw is None and required:
        reader.errors.append((name, f"{field.label}을(를) 입력해 주세요."))
        return None
    if raw in (None, ""):
        return ()
    if isinstance(raw, str):
        raw = [line for line in raw.splitlines() if line.strip()]
    if not isinstance(raw, list | tuple):
        reader.errors.append((name, f"{field.label}은(는) 목록이어야 합니다."))
        return None
    if len(raw) > field.max_items:
        reader.errors.append((name, f"{field.label}은(는) {field.max_items}개까지입니다."))
        return None
    if item_kind is int:
        ids = [whole_number(value, MAX_ID) for value in raw]
        if any(i is None or i < 1 for i in ids):
            reader.errors.append((name, f"{field.label}의 형식이 맞지 않습니다 (번호 목록)."))
            return None
        return tuple(ids) if field.repeats else tuple(dict.fromkeys(ids))
    texts = [str(value).strip() for value in raw]
    if any(len(text) > field.max_length for text in texts):
        reader.errors.append(
            (name, f"{field.label}의 각 줄은 {field.max_length}자 이내여야 합니다.")
        )
        return None
    return tuple(text for text in texts if text)
