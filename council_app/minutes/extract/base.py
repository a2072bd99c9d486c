"""Result and error types shared by every extractor, and the limits they enforce."""

from dataclasses import dataclass, field

# Unpacked content above this is refused: real minutes are a few MB of text, so anything
# bigger is almost certainly a decompression bomb.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024


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


def too_large() -> ExtractionError:
    """Return the error for a file that unpacks to more than MAX_UNPACKED_BYTES."""
    limit_mb = MAX_UNPACKED_BYTES // (1024 * 1024)
    return ExtractionError(
        "too_large", f"압축을 풀면 {limit_mb}MB를 넘는 파일이라 처리하지 않습니다."
    )


def unsupported(detail: str) -> ExtractionError:
    """Return the error for a format or feature this service does not read."""
    return ExtractionError(
        "unsupported",
        f"지원하지 않는 형식입니다({detail}). HWP, HWPX, PDF, DOCX, 텍스트 파일을 올려 주세요.",
    )
