import struct
import time

import pytest

from council_app.minutes.extract import ExtractionError, detect_type, extract_text, sandbox
from tests.minutes.builders import (
    docx_file,
    hwp_file,
    hwp_paragraph,
    hwpx_file,
    hwpx_section,
    pdf_file,
    zip_file,
)

# A table control inside a paragraph: code 11, six units naming the control, code 11 again.
TABLE_CONTROL = struct.pack("<8H", 11, 0x6C74, 0x6274, 0, 0, 0, 0, 11)
SECTION = (
    hwp_paragraph("○의장 홍길동  개의를 선포합니다.")
    + hwp_paragraph("")
    + hwp_paragraph("의사일정", controls=TABLE_CONTROL)
    + hwp_paragraph("표 안의 글", level=1)
    + hwp_paragraph("긴 문단 " * 600)
)


def extract(data: bytes, filename: str = "upload"):
    """Extract in this process: the sandbox's own tests below show it returns the same."""
    return extract_text(data, filename, max_seconds=None)


@pytest.mark.parametrize("compressed", [True, False])
def test_hwp_keeps_paragraphs_and_table_text(compressed):
    result = extract(hwp_file(SECTION, compressed=compressed), "회의록.hwp")
    lines = result.text.split("\n")
    assert lines[:4] == ["○의장 홍길동  개의를 선포합니다.", "", "의사일정", "표 안의 글"]
    assert lines[4].startswith("긴 문단 긴 문단")  # a record with the extended size field
    assert (result.extractor, result.file_type) == ("hwp5-olefile", "hwp")


@pytest.mark.parametrize(("flags", "wording"), [(0b10, "암호"), (0b100, "배포용")])
def test_protected_hwp_is_refused_as_encrypted(flags, wording):
    with pytest.raises(ExtractionError) as caught:
        extract(hwp_file(SECTION, flags=flags))
    assert caught.value.code == "encrypted"
    assert wording in caught.value.message_ko


@pytest.mark.parametrize(
    "data",
    [
        # Flagged as compressed but not deflate data.
        hwp_file(b"\xff" * 64, compressed=False, flags=1),
        # A PARA_TEXT record whose extended size runs past the end of the stream.
        hwp_file(struct.pack("<II", 0x43 | 0xFFF << 20, 0x7FFFFFFF), compressed=False),
    ],
)
def test_damaged_hwp_body_is_broken(data):
    assert detect_type(data, "") == "hwp"
    with pytest.raises(ExtractionError) as caught:
        extract(data)
    assert caught.value.code == "broken"


def test_hwpx_follows_the_spine_order():
    data = hwpx_file(
        {
            "section0": hwpx_section("<hp:t>둘째 구역</hp:t>"),
            "section1": hwpx_section("<hp:t>첫째<hp:tab/>구역</hp:t>", "<hp:t>다음 문단</hp:t>"),
        },
        spine=["section1", "section0"],
    )
    result = extract(data, "회의록.hwpx")
    assert result.text == "첫째\t구역\n다음 문단\n둘째 구역"
    assert result.file_type == "hwpx"


def test_hwpx_entity_expansion_is_refused():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><s>&b;</s>'
    )
    with pytest.raises(ExtractionError) as caught:
        extract(hwpx_file({"section0": bomb}, spine=["section0"]))
    assert caught.value.code == "broken"


def test_docx_paragraphs_and_tables():
    body = (
        "<w:p><w:r><w:t>○위원장 김철수</w:t><w:tab/><w:t>질의하십시오.</w:t></w:r></w:p>"
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>출석 위원</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    )
    result = extract(docx_file(body), "minutes.docx")
    assert result.text == "○위원장 김철수\t질의하십시오.\n출석 위원"
    assert result.file_type == "docx"


def test_zip_bomb_docx_is_refused_quickly():
    bomb = zip_file({"word/document.xml": b"<w:document>" + bytes(50 * 1024 * 1024)})
    started = time.monotonic()
    with pytest.raises(ExtractionError) as caught:
        extract(bomb, "bomb.docx")
    assert caught.value.code == "too_large"
    assert time.monotonic() - started < 10


def test_pdf_text_layer_is_read_whatever_the_name():
    data = pdf_file("Minutes of the council")
    assert detect_type(data, "renamed.hwp") == "pdf"
    result = extract(data, "renamed.hwp")
    assert "Minutes of the council" in result.text
    assert result.extractor.startswith("pypdfium2 ")


def test_pdf_without_text_is_no_text_layer():
    with pytest.raises(ExtractionError) as caught:
        extract(pdf_file(None), "scan.pdf")
    assert caught.value.code == "no_text_layer"
    assert "스캔" in caught.value.message_ko


def test_malformed_pdf_is_broken_not_a_crash():
    with pytest.raises(ExtractionError) as caught:
        extract(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ntrailer<<>>")
    assert caught.value.code in {"broken", "no_text_layer"}


def test_cp949_and_utf16_text_decode():
    text = "○의장 홍길동  성원이 되었으므로 개의를 선포합니다.\n"
    cp949 = extract(text.encode("cp949"), "minutes.txt")
    assert (cp949.text, cp949.extractor) == (text, "text-cp949")
    utf16 = extract(text.encode("utf-16"), "minutes.txt")
    assert (utf16.text, utf16.extractor) == (text, "text-utf-16")


def test_binary_garbage_is_unsupported():
    with pytest.raises(ExtractionError) as caught:
        extract(bytes(range(256)) * 4, "image.png")
    assert caught.value.code == "unsupported"


@pytest.mark.slow
def test_sandbox_returns_what_the_extractor_returns():
    data = hwpx_file(
        {"section0": hwpx_section("<hp:t>○의장 김가상 개의합니다.</hp:t>")}, ["section0"]
    )
    assert sandbox.run(data, "회의록.hwpx", max_seconds=20) == extract(data, "회의록.hwpx")


@pytest.mark.slow
def test_sandbox_reports_a_refusal_in_korean():
    with pytest.raises(ExtractionError) as caught:
        sandbox.run(bytes(range(256)) * 4, "image.png", max_seconds=20)
    assert caught.value.code == "unsupported" and "형식" in caught.value.message_ko


def test_binary_garbage_named_as_an_accepted_format_is_called_damaged():
    # HWP is an accepted format: "지원하지 않는 형식(hwp)" would contradict the upload page.
    with pytest.raises(ExtractionError) as caught:
        extract(bytes(range(256)) * 4, "회의록.hwp")
    assert caught.value.code == "broken"
    assert "HWP 파일이 손상되었거나 중간에 잘려" in caught.value.message_ko
    assert "지원하지 않는" not in caught.value.message_ko


def test_a_text_file_holding_binary_data_is_called_damaged_not_unsupported():
    # "지원하지 않는 형식(txt) … 텍스트 파일을 올려 주세요" told the uploader to do what they did.
    with pytest.raises(ExtractionError) as caught:
        extract("○의장 개의합니다.".encode() + b"\x00\x01" * 8, "회의록.txt")
    assert caught.value.code == "broken"
    assert "텍스트 파일이 손상되었거나" in caught.value.message_ko


@pytest.mark.slow
def test_sandbox_stops_an_extraction_that_overruns():
    with pytest.raises(ExtractionError) as caught:
        sandbox.run(b"hello", "hello.txt", max_seconds=0.001)
    assert caught.value.code == "timeout"


def test_national_assembly_hwp(corpus):
    path = corpus / "national-assembly/hwp/제340회 제1차(2016년02월10일).hwp"
    result = extract(path.read_bytes(), path.name)
    assert "◯의장 정의화  의석을 정돈해 주시기 바랍니다." in result.text
    assert "국회본회의회의록" in result.text


def test_distribution_hwp_sample_is_encrypted(corpus):
    path = corpus / "files-hwp/hwplib/sample_hwp/distribution.hwp"
    with pytest.raises(ExtractionError) as caught:
        extract(path.read_bytes(), path.name)
    assert caught.value.code == "encrypted"


def test_hwp_table_sample_includes_cell_text(corpus):
    result = extract((corpus / "files-hwp/hwplib/sample_hwp/basic/표.hwp").read_bytes())
    assert result.text.split("\n")[2:5] == ["ABC", "123", "DEF"]


def test_broken_hwpx_samples_never_crash(corpus):
    paths = sorted((corpus / "files-hwp/hwpxlib/testFile/error").glob("*/*.hwpx"))
    assert paths
    for path in paths:
        try:
            result = extract(path.read_bytes(), path.name)
        except ExtractionError as error:
            assert error.code in {"broken", "unsupported", "too_large"}
        else:
            assert result.file_type == "hwpx"
    notice = extract((corpus / "files-hwp/hwpxlib/testFile/error/20230413/test.hwpx").read_bytes())
    assert notice.text.startswith("서울특별시 강남구 공고 제2023-745호")
