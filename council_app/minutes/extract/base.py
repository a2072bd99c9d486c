"""Result and error types shared by every extractor, and the limits they enforce."""

from dataclasses import dataclass, field

# Unpacked content above this is refused: real minutes are a few MB of text, so anything
# bigger is almost certainly a decompression bomb.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one extraction may read and give back; a file past any of them is refused.

    The defaults follow the corpus (see the README's table of bounds); the app passes its
    configured values down to the sandbox's child process.
    """

    #: Characters of extracted text: a long budget sitting is about a million.
    max_chars: int = 5_000_000
    #: Sections (HWP BodyText streams, HWPX section parts) read from one file.
    max_sections: int = 200
    #: Members of a ZIP package (HWPX, DOCX); real ones hold a few dozen.
    max_entries: int = 1_000
    #: Bytes unpacked from one file, all parts together.
    max_unpacked_bytes: int = MAX_UNPACKED_BYTES
    #: Address space of the child process that extracts.
    memory_bytes: int = 1024 * 1024 * 1024


@dataclass
class Extraction:
    """Plain text taken out of an uploaded file, with how it was obtained."""

    text: str
    extractor: str
    file_type: str
    warnings: list[str] = field(default_factory=list)


class ExtractionError(Exception):
    """A file whose text cannot be extracted; `message_ko` is shown to the uploader."""

    def __init__(self, code: str, message_ko: str):
        super().__init__(f"{code}: {message_ko}")
        self.code = code
        self.message_ko = message_ko

    def __reduce__(self):
        # Exceptions cross the sandbox's process boundary by pickling; keep both fields.
        return type(self), (self.code, self.message_ko)


def broken(detail: str = "") -> ExtractionError:
    """Return the error for a file that is damaged or not what it claims to be."""
    message = "파일이 손상되었거나 형식이 올바르지 않아 글자를 읽을 수 없습니다."
    if detail:
        message = f"{message} ({detail})"
    return ExtractionError("broken", message)


def damaged(label: str) -> ExtractionError:
    """Return the error for a file of an accepted format that is damaged or cut short."""
    return ExtractionError(
        "broken",
        f"{label} 파일이 손상되었거나 중간에 잘려 읽을 수 없습니다. "
        "원본 파일을 다시 저장해 올리거나 본문을 붙여 넣어 주세요.",
    )


def too_large(limit: int = MAX_UNPACKED_BYTES) -> ExtractionError:
    """Return the error for a file that unpacks to more than ``limit`` bytes."""
    limit_mb = limit // (1024 * 1024)
    return ExtractionError(
        "too_large", f"압축을 풀면 {limit_mb}MB를 넘는 파일이라 처리하지 않습니다."
    )


def packed_too_tight(name: str) -> ExtractionError:
    """Return the error for a member that unpacks far beyond what text ever compresses to."""
    return ExtractionError(
        "too_large",
        f"파일 안의 {name} 부분이 비정상적으로 높은 비율로 압축되어 있어(압축 폭탄으로 보임) "
        "처리하지 않습니다.",
    )


def too_many_entries(count: int, limit: int) -> ExtractionError:
    """Return the error for a package holding more members than any real document."""
    return ExtractionError(
        "too_many_entries",
        f"파일 안에 든 항목이 {count:,}개로 너무 많아(최대 {limit:,}개) 처리하지 않습니다. "
        "정상적인 HWPX·DOCX 파일인지 확인해 주세요.",
    )


def nested_archive(name: str) -> ExtractionError:
    """Return the error for a package that holds another archive where text belongs."""
    return ExtractionError(
        "nested_archive",
        f"압축 파일 안에 또 압축 파일({name})이 든 중첩 압축 파일이라 처리하지 않습니다. "
        "HWPX·DOCX 원본을 올려 주세요.",
    )


def overlapping_entries() -> ExtractionError:
    """Return the error for a package whose members overlap, the mark of a crafted bomb."""
    return ExtractionError(
        "overlapping_entries",
        "파일 안의 여러 항목이 같은 압축 데이터를 겹쳐 가리키는, 일부러 만든 압축 폭탄 형태라 "
        "처리하지 않습니다.",
    )


def too_many_sections(count: int, limit: int) -> ExtractionError:
    """Return the error for a document of more sections than the bound, or repeated ones."""
    return ExtractionError(
        "too_many_sections",
        f"문서의 구역(section)이 {count:,}개로 한도({limit:,}개)를 넘거나 같은 구역이 "
        "반복되어 처리하지 않습니다.",
    )


def too_much_text(limit: int) -> ExtractionError:
    """Return the error for a file whose text runs past the per-upload bound."""
    return ExtractionError(
        "too_much_text",
        f"파일의 본문이 {limit:,}자(업로드 한 건의 본문 글자 수 한도)를 넘어 처리하지 "
        "않습니다. 회의록 파일이 맞는지 확인하거나 회의별로 나누어 올려 주세요.",
    )


class TextBudget:
    """Count extracted characters as they come, refusing once past ``limit``."""

    def __init__(self, limit: int):
        self.limit = limit
        self.used = 0

    def take(self, parts: list[str]) -> list[str]:
        """Count ``parts`` (joined by newlines later) and return them."""
        self.used += sum(len(part) + 1 for part in parts)
        if self.used > self.limit + 1:
            raise too_much_text(self.limit)
        return parts


def unsupported(detail: str) -> ExtractionError:
    """Return the error for a format or feature this service does not read."""
    return ExtractionError(
        "unsupported",
        f"지원하지 않는 형식입니다({detail}). HWP, HWPX, PDF, DOCX, 텍스트 파일을 올려 주세요.",
    )
