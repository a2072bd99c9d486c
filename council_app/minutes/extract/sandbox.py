"""Run an extractor in a child Python process that is killed when it overruns its time.

A child process, unlike a thread, can be stopped at any point, and a crash or runaway
allocation inside a C library stays in it. The child is a fresh interpreter started with
`python -m`, so it does not depend on how the web server was started (no fork of a
threaded server, no re-import of the server's main module as multiprocessing would do).
"""

import dataclasses
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

from .base import Extraction, ExtractionError, Limits, broken

# The directory that holds the council_app package, so the child can import it.
_IMPORT_ROOT = str(Path(__file__).resolve().parents[3])

TIMEOUT_MESSAGE = (
    "파일을 읽는 데 {seconds}초를 넘게 걸려 중단했습니다. "
    "파일이 너무 크거나 손상되었을 수 있습니다."
)


def run(data: bytes, filename: str, max_seconds: float, limits: Limits | None = None) -> Extraction:
    """Detect and extract `data` in a child, raising ExtractionError on any failure."""
    limits = limits or Limits()
    # Only the extension matters to detection; it also keeps NULs and dashes out of argv.
    hint = "upload." + "".join(ch for ch in filename.rpartition(".")[2] if ch.isalnum())[:10]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [_IMPORT_ROOT, env.get("PYTHONPATH")]))
    try:
        done = subprocess.run(  # noqa: S603 - fixed argv, our own module
            [
                sys.executable,
                "-m",
                __package__ + ".worker",
                hint,
                json.dumps(dataclasses.asdict(limits)),
            ],
            input=data,
            capture_output=True,
            timeout=max_seconds,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ExtractionError("timeout", TIMEOUT_MESSAGE.format(seconds=max_seconds)) from exc
    try:
        answer = json.loads(done.stdout)
    except ValueError as exc:
        # The child died without answering: a crash in a C library or the memory limit.
        raise broken("처리 중 비정상 종료") from exc
    if "error" in answer:
        raise ExtractionError(answer["error"]["code"], answer["error"]["message_ko"])
    return Extraction(**answer["ok"])


def limit_memory(limits: Limits) -> None:
    """Cap this process's address space so a bomb fails with MemoryError."""
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
