"""Upload bounds (issue 13): hostile files are refused quickly, with a message naming the bound.

Each file here is the attack as reported, built in the test: 40 sections of 1 MiB text, one
section repeated 5,000 times, a nested archive, a package of too many members, a 45 MB text.
"""

from __future__ import annotations

import datetime
import io
import time

import pytest

from council_app.extensions import db
from council_app.minutes.extract import ExtractionError, Limits, extract_text
from council_app.minutes.models import Minutes, MinutesVersion, Utterance
from tests.minutes import builders, samples

PAST = datetime.date(2023, 1, 10)
#: Seconds any refusal below may take, sandbox start included, on a busy two-core machine.
QUICK = 8


def _refusal(data: bytes, name: str, limits: Limits | None = None) -> ExtractionError:
    started = time.monotonic()
    with pytest.raises(ExtractionError) as caught:
        extract_text(data, name, max_seconds=20, limits=limits)
    assert time.monotonic() - started < QUICK
    return caught.value


def test_forty_sections_of_a_mebibyte_stop_at_the_text_bound():
    # Numbered so it packs about 1:60 like text, not 1:1000 like one repeated character.
    text = "".join(f"{n:07d}" + "가" * 57 for n in range(16_384))
    assert len(text) == 1024 * 1024
    data = builders.hwpx_of_sections(40, text)
    assert len(data) < 3 * 1024 * 1024
    error = _refusal(data, "큰.hwpx")
    assert error.code == "too_much_text"
    assert "5,000,000자(업로드 한 건의 본문 글자 수 한도)를 넘어" in error.message_ko


def test_one_section_repeated_5000_times_is_refused_before_reading_it():
    data = builders.hwpx_repeating_one_section(5_000)
    assert len(data) < 100 * 1024
    error = _refusal(data, "반복.hwpx")
    assert error.code == "too_many_sections"
    assert "구역(section)이 5,000개로 한도(200개)를 넘거나" in error.message_ko


def test_sections_past_the_configured_count_are_refused():
    data = builders.hwpx_of_sections(5, "본문")
    assert extract_text(data, "a.hwpx", max_seconds=20).text == "\n".join(["본문"] * 5)
    error = _refusal(data, "a.hwpx", Limits(max_sections=4))
    assert error.code == "too_many_sections"


def test_a_part_packed_like_a_bomb_is_called_one():
    data = builders.hwpx_of_sections(1, "가" * (1024 * 1024))
    error = _refusal(data, "폭탄.hwpx")
    assert error.code == "too_large"
    assert "section0.xml 부분이 비정상적으로 높은 비율로 압축" in error.message_ko


def test_a_nested_archive_is_called_what_it_is():
    data = builders.hwpx_nesting_an_archive()
    assert len(data) < 50 * 1024
    error = _refusal(data, "중첩.hwpx")
    assert error.code == "nested_archive"
    assert "중첩 압축 파일" in error.message_ko and "200MB" not in error.message_ko


def test_a_package_of_too_many_members_says_so():
    error = _refusal(builders.hwpx_with_entries(1_500), "항목.hwpx")
    assert error.code == "too_many_entries"
    assert "1,501개로 너무 많아(최대 1,000개)" in error.message_ko


def test_overlapping_members_are_called_a_crafted_bomb():
    error = _refusal(builders.zip_with_overlapping_entries(), "겹침.hwpx")
    assert error.code == "overlapping_entries"
    assert "겹쳐 가리키는" in error.message_ko


def test_a_45_mb_text_is_refused_without_decoding_it():
    data = ("○의장 홍길동  " + "가" * 100 + "\n").encode() * (45 * 1024 * 1024 // 320)
    assert len(data) > 44 * 1024 * 1024
    error = _refusal(data, "큰.txt")
    assert error.code == "too_much_text"


def test_a_truncated_hwp_is_called_damaged_not_unsupported():
    error = _refusal(samples.as_hwp()[:1500], "잘린 회의록.hwp")
    assert error.code == "broken"
    assert "손상" in error.message_ko and "지원하지 않는" not in error.message_ko


def test_the_text_bound_is_checked_within_the_extractor_too():
    data = samples.MINUTES.encode()
    error = _refusal(data, "회의록.txt", Limits(max_chars=100))
    assert error.code == "too_much_text" and "100자" in error.message_ko


def test_unpacked_bytes_of_all_hwp_sections_together_are_bounded():
    data = samples.as_hwp()
    assert extract_text(data, "a.hwp", max_seconds=20).file_type == "hwp"
    error = _refusal(data, "a.hwp", Limits(max_unpacked_bytes=100))
    assert error.code == "too_large"


# --- the upload service: bounds checked before parsing and before storing ------------------


@pytest.fixture
def stenographer(make_user, login):
    user = make_user("stenographer")
    login(user)
    return user


def _post(client, meeting, **fields):
    if "file" in fields:
        data, name = fields.pop("file")
        fields["file"] = (io.BytesIO(data), name)
    return client.post(
        f"/api/v1/meetings/{meeting.id}/minutes", data=fields, content_type="multipart/form-data"
    )


def _nothing_stored(minutes_id: int | None = None) -> bool:
    return (
        db.session.query(MinutesVersion).count() == 0 and db.session.query(Utterance).count() == 0
    )


def test_a_file_past_the_turn_bound_is_kept_refused_and_not_public(
    app, client, make_meeting, stenographer
):
    app.config["MINUTES_MAX_TURNS"] = 3
    meeting = make_meeting(PAST)
    response = _post(client, meeting, file=(samples.as_hwpx(), "회의록.hwpx"))
    assert response.status_code == 422
    error = response.get_json()["errors"][0]
    assert error["field"] == "file"
    assert "발언이 5건으로, 회의록 한 건의 발언 수 한도 3건을 넘어" in error["message"]
    assert _nothing_stored()
    minutes = db.session.get(Minutes, response.get_json()["id"])
    kept = minutes.files[0]
    assert kept.problem == error["message"] and kept.file_type == "hwpx"
    assert not minutes.is_public
    client.post("/logout")
    download = client.get(f"/minutes/{minutes.id}/files/{kept.id}")
    assert download.status_code == 404


def test_a_file_past_the_text_bound_is_refused_with_the_bound_named(
    app, client, make_meeting, stenographer
):
    app.config["MINUTES_MAX_TEXT_CHARS"] = 200
    meeting = make_meeting(PAST)
    response = _post(client, meeting, file=(samples.as_cp949(), "회의록.txt"))
    assert response.status_code == 422
    message = response.get_json()["errors"][0]["message"]
    assert "200자(업로드 한 건의 본문 글자 수 한도)" in message
    assert _nothing_stored()


def test_pasted_text_past_the_bounds_is_refused_and_nothing_saved(
    app, client, make_meeting, stenographer
):
    meeting = make_meeting(PAST)
    app.config["MINUTES_MAX_TEXT_CHARS"] = 200
    response = _post(client, meeting, text=samples.MINUTES)
    assert response.status_code == 422
    error = response.get_json()["errors"][0]
    assert error["field"] == "text" and "본문 글자 수 한도 200자" in error["message"]
    app.config["MINUTES_MAX_TEXT_CHARS"] = 5_000_000
    app.config["MINUTES_MAX_TURNS"] = 4
    response = _post(client, meeting, text=samples.MINUTES)
    assert response.status_code == 422
    assert "발언 수 한도 4건" in response.get_json()["errors"][0]["message"]
    assert _nothing_stored()
    app.config["MINUTES_MAX_TURNS"] = 5
    assert _post(client, meeting, text=samples.MINUTES).status_code == 201


def test_the_configured_limits_reach_the_sandbox(app, client, make_meeting, stenographer):
    app.config["MINUTES_MAX_SECTIONS"] = 2
    meeting = make_meeting(PAST)
    data = builders.hwpx_of_sections(3, "○의장 홍길동  개의합니다.")
    response = _post(client, meeting, file=(data, "구역.hwpx"))
    assert response.status_code == 422
    assert "한도(2개)" in response.get_json()["errors"][0]["message"]


# --- reading back: the API pages the turns ----------------------------------------------


@pytest.fixture
def uploaded(client, make_meeting, stenographer):
    meeting = make_meeting(PAST)
    response = _post(client, meeting, text=samples.MINUTES)
    assert response.status_code == 201
    return response.get_json()["id"]


def test_the_api_pages_the_turns_with_links(client, uploaded):
    first = client.get(f"/api/v1/minutes/{uploaded}?per_page=2").get_json()
    assert first["total"] == 5
    assert [u["order"] for u in first["utterances"]] == [1, 2]
    assert first["links"]["next"].endswith(f"/api/v1/minutes/{uploaded}?page=2&per_page=2")
    assert "prev" not in first["links"]
    last = client.get(first["links"]["last"]).get_json()
    assert [u["order"] for u in last["utterances"]] == [5]
    assert "next" not in last["links"] and last["links"]["prev"].endswith("page=2&per_page=2")


def test_the_api_reads_at_most_the_default_page_of_turns(app, client, uploaded):
    app.config["API_MINUTES_PER_PAGE"] = 3
    data = client.get(f"/api/v1/minutes/{uploaded}").get_json()
    assert len(data["utterances"]) == 3 and data["total"] == 5


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("per_page=1001", "per_page"),
        ("per_page=0", "per_page"),
        ("page=9223372036854775808", "page"),
        ("page=%C2%B2", "page"),
    ],
)
def test_the_api_refuses_pages_out_of_bounds(client, uploaded, query, field):
    response = client.get(f"/api/v1/minutes/{uploaded}?{query}")
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == field


def test_the_memory_limit_reaches_the_sandbox():
    data = ("○의장 홍길동  개의합니다.\n" * 250_000).encode()
    assert len(extract_text(data, "a.txt", max_seconds=20).text) > 5_000_000 // 2
    # 16 MB of address space is less than the interpreter already holds: reading fails.
    error = _refusal(data, "a.txt", Limits(memory_bytes=16 * 1024 * 1024))
    assert error.code == "broken" and "비정상 종료" in error.message_ko
