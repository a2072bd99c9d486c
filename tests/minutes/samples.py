"""A short set of minutes in the council's format, and the same text in every file format."""

from tests.minutes.builders import docx_file, hwp_file, hwp_paragraph, hwpx_file, hwpx_section

MINUTES = """제300회 서울특별시 금천구의회(임시회)
본회의회의록
제 1 호
일  시 : 2023년 1월 10일 (10시00분)
장  소 : 본회의장

(10시00분 개의)
○의장 김가상  성원이 되었으므로 개의하겠습니다.
(의사봉 3타)
1. 예시 조례안
○의장 김가상  의사일정 제1항을 상정합니다.
○이가상 의원  질의하겠습니다.
시행일을 설명해 주십시오.
(14시00분 비공개회의 시작)
○행정국장 홍예시  비공개로 보고드리겠습니다.
(14시10분 공개회의로 전환)
○의장 김가상  가결되었음을 선포합니다.
(11시00분 산회)
○출석 의원(2인)
김가상  이가상"""

LINES = MINUTES.split("\n")


def dated(day, text: str = MINUTES) -> str:
    """Return the minutes with their cover dated ``day``, as the file of that day's meeting."""
    return text.replace("2023년 1월 10일", f"{day.year}년 {day.month}월 {day.day}일")


def as_hwp() -> bytes:
    """Return the minutes as an HWP 5 file."""
    return hwp_file(b"".join(hwp_paragraph(line) for line in LINES))


def as_hwpx() -> bytes:
    """Return the minutes as an HWPX package."""
    paragraphs = [f"<hp:t>{line}</hp:t>" for line in LINES]
    return hwpx_file({"section0": hwpx_section(*paragraphs)}, spine=["section0"])


def as_docx() -> bytes:
    """Return the minutes as a DOCX file."""
    return docx_file(
        "".join(f'<w:p><w:r><w:t xml:space="preserve">{line}</w:t></w:r></w:p>' for line in LINES)
    )


def as_cp949() -> bytes:
    """Return the minutes as legacy Korean text (CP949)."""
    return MINUTES.encode("cp949")
