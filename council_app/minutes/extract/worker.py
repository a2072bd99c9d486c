"""Child-process entry point of the sandbox: bytes on stdin, a JSON answer on stdout.

Run as `python -m council_app.minutes.extract.worker FILE_TYPE`.
"""

import dataclasses
import json
import sys

from . import EXTRACTORS
from .base import ExtractionError, broken
from .sandbox import limit_memory


def main() -> None:
    """Extract stdin as the type named in argv and print {'ok': …} or {'error': …}."""
    limit_memory()
    extractor = EXTRACTORS[sys.argv[1]]
    data = sys.stdin.buffer.read()
    try:
        answer = {"ok": dataclasses.asdict(extractor(data))}
    except ExtractionError as exc:
        answer = {"error": {"code": exc.code, "message_ko": exc.message_ko}}
    except Exception as exc:  # noqa: BLE001 - any parser bug on hostile input is a bad file
        error = broken(type(exc).__name__)
        answer = {"error": {"code": error.code, "message_ko": error.message_ko}}
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    main()
