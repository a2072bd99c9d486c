"""Child-process entry point of the sandbox: bytes on stdin, a JSON answer on stdout.

Run as `python -m council_app.minutes.extract.worker FILENAME LIMITS`; the name is only a
hint, LIMITS the JSON of a `Limits`.
"""

import dataclasses
import json
import sys

from . import extract_in_process
from .base import ExtractionError, Limits, broken
from .sandbox import limit_memory


def main() -> None:
    """Extract stdin and print {'ok': Extraction} or {'error': {code, message_ko}}."""
    limits = Limits(**json.loads(sys.argv[2]))
    limit_memory(limits)
    data = sys.stdin.buffer.read()
    try:
        answer = {"ok": dataclasses.asdict(extract_in_process(data, sys.argv[1], limits))}
    except ExtractionError as exc:
        answer = {"error": {"code": exc.code, "message_ko": exc.message_ko}}

    except Exception as exc:  # noqa: BLE001 - any parser bug on hostile input is a bad file
        error = broken(type(exc).__name__)
        answer = {"error": {"code": error.code, "message_ko": error.message_ko}}
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    main()
