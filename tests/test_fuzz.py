"""Fuzzing (issue 13): schemathesis against the API's own OpenAPI document, and hypothesis on
the two parsers of user input. Bounded and deterministic, so CI runs it every time.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from council_app.auth import services as auth_services
from council_app.extensions import db
from council_app.minutes.parse import normalise, parse_minutes, reconstruct
from council_app.search.query import QueryError, parse_query

#: Examples per API operation and mode: about 30 operations, so several hundred requests.
API_EXAMPLES = 12
#: What every answer must be: no 5xx, a documented status and media type, and a body that
#: matches the schema documented for that status (the 4xx error shape included).
API_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def bounded(examples: int) -> settings:
    """Return settings for ``examples`` deterministic examples, no shrinking, no database."""
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )


@pytest.mark.sweep
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_api_answers_as_its_document_says(app, demo):
    """Requests that fit the document (positive) and that break it (negative) alike get a
    documented answer; the schemas make schemathesis send real parameters and bodies."""
    # Answer errors as a deployed server would, so a 500 is seen as a response, not raised.
    app.config["PROPAGATE_EXCEPTIONS"] = False
    user = auth_services.create_user("fuzz", "correct-horse-battery", "secretariat", "퍼즈")
    headers = {"Authorization": f"Bearer {auth_services.issue_token(user, 'fuzz')}"}
    db.session.commit()
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    schema = schemathesis.openapi.from_dict(_with_demo_ids(document))
    schema.app = app
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20

    for operation in operations:
        described = document["paths"][operation.path][operation.method.lower()]
        modes = [GenerationMode.POSITIVE]
        if described["parameters"] or "requestBody" in described:
            modes.append(GenerationMode.NEGATIVE)  # a route that takes nothing has nothing to break
        for mode in modes:

            @bounded(API_EXAMPLES)
            @given(case=operation.as_strategy(generation_mode=mode))
            def call(case):
                response = case.call(headers=headers)
                # Raises with the request to replay (curl) when a check fails.
                case.validate_response(response, checks=API_CHECKS)

            call()


def _with_demo_ids(document: dict) -> dict:
    """Make path ids range over the demo's rows (huge ones are tests/test_hostile_input.py's)."""
    for operations in document["paths"].values():
        for operation in operations.values():
            for parameter in operation["parameters"]:
                if parameter["in"] == "path" and parameter["schema"]["type"] == "integer":
                    parameter["schema"].update(minimum=0, maximum=40)
    return document


# --- the search query parser ----------------------------------------------------------------

QUERY_PIECES = st.sampled_from(
    ['"', "-", "*", "OR", "NOT", "AND", "(", ")", " ", "　", "회의록", "금천구", "\x00", "\ud800"]
)


@bounded(400)
@given(st.one_of(st.text(max_size=300), st.lists(QUERY_PIECES, max_size=60).map("".join)))
def test_the_query_parser_raises_only_its_own_error(text):
    try:
        parsed = parse_query(text)
    except QueryError as error:
        assert str(error)  # a Korean message for the search page
    else:
        assert parsed is not None


# --- the minutes parser ---------------------------------------------------------------------

MINUTES_LINES = st.one_of(
    st.sampled_from(
        [
            "○의장 홍길동  개의를 선포합니다.",
            "◯위원장 김철수 질의하십시오.",
            "〇의원 이영희",
            "  이어서 말씀드립니다.",
            "(10시00분 개의)",
            "(11시30분 산회)",
            "(비공개회의 시작)",
            "(공개회의로 전환)",
            "1. 서울특별시 금천구 조례안(구청장 제출)",
            "의사일정",
            "제300회 서울특별시 금천구의회(임시회)",
            "○출석의원(10인)",
            "",
            "   ",
            "\f",
            "\r",
            "\u2028",
            "\u2003",
        ]
    ),
    st.text(max_size=40),
)


@bounded(300)
@given(st.lists(MINUTES_LINES, max_size=40).map("\n".join))
def test_the_minutes_parser_keeps_every_line_once_in_order(text):
    parsed = parse_minutes(text, ["홍길동", "김철수"])
    # Every line of the normalised input lies in exactly one block's raw text, in order.
    assert reconstruct(parsed) == normalise(text)


@bounded(200)
@given(st.text(max_size=500))
def test_the_minutes_parser_reads_any_text(text):
    assert reconstruct(parse_minutes(text)) == normalise(text)
