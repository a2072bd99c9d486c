"""The one input contract: a command reads the same from a form's strings and from JSON."""

from dataclasses import dataclass
from datetime import date, time

import pytest

from council_app.core.commands import (
    UNSET,
    UnknownReference,
    given,
    labels,
    read_command,
    sent_as,
    spec,
)
from council_app.core.errors import RuleViolation
from council_app.sessions.models import SessionKind


@dataclass(frozen=True)
class PlanThing:
    number: int = spec("번호")
    kind: SessionKind = spec("종류")
    start: date = spec("시작일")
    at: time | None = spec("시각", default=None)
    urgent: bool = spec("긴급", default=False)
    note: str = spec("비고", default="", max_length=5)
    members: tuple[int, ...] = spec("의원", default=(), max_items=3)


def test_a_form_and_a_json_body_give_the_same_command():
    from_form = read_command(
        PlanThing,
        {"number": "244", "kind": "regular", "start": "2023-06-08", "at": "10:00", "urgent": "on"},
    )
    from_json = read_command(
        PlanThing,
        {"number": 244, "kind": "regular", "start": "2023-06-08", "at": "10:00", "urgent": True},
    )
    assert from_form == from_json
    assert from_form.kind is SessionKind.REGULAR
    assert from_form.at == time(10, 0)
    assert from_form.note == "" and from_form.members == ()


def test_every_problem_is_named_at_once_in_korean():
    with pytest.raises(RuleViolation) as refused:
        read_command(PlanThing, {"number": "-3", "kind": "weekly", "note": "너무 긴 비고입니다"})
    fields = dict(refused.value.errors)
    assert set(fields) == {"number", "kind", "start", "note"}
    assert fields["start"] == "시작일을(를) 입력해 주세요."
    assert "5자 이내" in fields["note"]
    assert refused.value.status_code == 422


def test_lists_are_bounded_and_read_from_json_or_lines():
    assert read_command(PlanThing, _valid(members=[3, "4", 3])).members == (3, 4)
    with pytest.raises(RuleViolation, match="3개까지"):
        read_command(PlanThing, _valid(members=[1, 2, 3, 4]))
    with pytest.raises(RuleViolation, match="번호 목록"):
        read_command(PlanThing, _valid(members=["x"]))
    with pytest.raises(RuleViolation, match="목록이어야"):
        read_command(PlanThing, _valid(members={"a": 1}))


def test_a_partial_command_names_only_what_the_input_named():
    command = read_command(PlanThing, {"note": "고침"}, partial=True)
    assert command.number is UNSET
    assert given(command) == {"note": "고침"}


def test_labels_come_from_the_command():
    assert labels(PlanThing)["start"] == "시작일"


def _valid(**changes):
    return {"number": 1, "kind": "regular", "start": "2023-06-08", **changes}


@dataclass(frozen=True)
class Pasted:
    body: str | None = spec("본문", default=None, strip=False)


def test_a_text_may_keep_its_spacing_and_blank_is_still_empty():
    assert read_command(Pasted, {"body": "  첫 줄\n둘째 줄\n"}).body == "  첫 줄\n둘째 줄\n"
    assert read_command(Pasted, {"body": " \n "}).body is None


def test_a_source_naming_fields_differently_reads_and_is_refused_under_its_own_names():
    keys = {"number": "no", "start": "date"}
    thing = read_command(PlanThing, {"no": 7, "kind": "regular", "date": "2023-06-08"}, keys=keys)
    assert thing.number == 7 and thing.start == date(2023, 6, 8)
    with pytest.raises(RuleViolation) as refused:
        read_command(PlanThing, {"number": 7, "kind": "regular", "date": "x"}, keys=keys)
    assert [field for field, _ in refused.value.errors] == ["no", "date"]


@dataclass(frozen=True)
class Ordering:
    items: tuple[int, ...] = spec("안건")


def test_a_list_without_a_default_must_be_named_but_may_be_empty():
    assert read_command(Ordering, {"items": []}).items == ()
    with pytest.raises(RuleViolation) as refused:
        read_command(Ordering, {})
    assert refused.value.errors == [("items", "안건을(를) 입력해 주세요.")]


@dataclass(frozen=True)
class Filters:
    year: int | None = spec("연도", default=None, invalid="연도에는 숫자를 입력해 주세요.")
    day: date | None = spec("날짜", default=None)


def test_a_field_may_say_in_its_own_words_what_it_cannot_take():
    with pytest.raises(RuleViolation) as refused:
        read_command(Filters, {"year": "²", "day": "어제"})
    assert refused.value.errors[0] == ("year", "연도에는 숫자를 입력해 주세요.")
    assert refused.value.errors[1][0] == "day" and "형식" in refused.value.errors[1][1]


@dataclass(frozen=True)
class Reorder:
    items: tuple[int, ...] = spec("안건", repeats=True)
    members: tuple[int, ...] = spec("의원", default=())


def test_a_list_drops_repeats_unless_the_rules_judge_them():
    command = read_command(Reorder, {"items": [3, 3, 1], "members": [2, 2]})
    assert command.items == (3, 3, 1) and command.members == (2,)


def test_a_look_up_failure_comes_back_under_the_senders_name():
    with pytest.raises(UnknownReference) as refused, sent_as({"committee": "organization"}):
        raise UnknownReference([("committee", "위원회를 찾을 수 없습니다: x")])
    assert refused.value.errors == [("organization", "위원회를 찾을 수 없습니다: x")]
    assert refused.value.status_code == 422
