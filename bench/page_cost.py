"""Public pages' cost in one process: ms per request and SQL statements, on a ten-year council.

Run from the project root::

    python bench/page_cost.py --data DIR [--repeat 30] [--profile PATH]

``DIR`` holds a council built by ``bench/load.py`` (``--data DIR``, its ``sqlite`` folder),
or one is built there on first use (2,000 meetings, 2,000 items, 200,000 utterances: a few
minutes). Each page is requested through Flask's test client, ``--repeat`` times after one
warm-up, and the table gives the median CPU ms per request (the thread's own time: on a
machine shared with other work, wall time measures the neighbours), the median wall ms, the
statements it sent and the size of the page. No server and no network: what is measured is the app's own work,
which ``bench/load.py`` then multiplies by gunicorn's workers. ``--profile PATH`` names one
path to run under cProfile instead, printing the 30 costliest functions.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path

# The project in the current folder, so the same script measures another checkout (before/after).
sys.path.insert(0, str(Path.cwd() / "bench"))
sys.path.insert(0, str(Path.cwd()))

from load import _app, page_paths, prepare  # noqa: E402
from sqlalchemy import event  # noqa: E402

from council_app.extensions import db  # noqa: E402


def paths(env: dict) -> list[tuple[str, str]]:
    """Return (label, path) for each measured page: load.py's rows and a few more."""
    rows = [(label, found[0]) for label, found, _headers in page_paths(env)]
    session_path = next(path for label, path in rows if label == "/sessions/<n>")
    return rows + [
        ("/sessions/plan/2024", "/sessions/plan/2024"),
        ("/api/v1/meetings", "/api/v1/meetings"),
        ("/api/v1/sessions/<n>", "/api/v1" + session_path),
        ("/agenda?page=2", "/agenda?page=2"),
    ]


def measure(app, path: str, repeat: int) -> tuple[float, float, int, int, int]:
    """Return median CPU ms, median wall ms, statements, status and bytes for one page."""
    client = app.test_client()
    statements = 0

    def count(*_args, **_kwargs):
        nonlocal statements
        statements += 1

    response = client.get(path)  # warm-up: templates compiled, searcher opened
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        client.get(path)
        per_request = statements
        cpu, wall = [], []
        for _ in range(repeat):
            started, started_cpu = time.perf_counter(), time.thread_time()
            client.get(path)
            cpu.append((time.thread_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return (
        statistics.median(cpu),
        statistics.median(wall),
        per_request,
        response.status_code,
        len(response.data),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--only", help="measure only the pages whose label contains this")
    parser.add_argument("--profile", help="a path to run under cProfile")
    args = parser.parse_args()
    env = prepare("sqlite", args.data)
    app = _app(env)
    # What is measured is building each page, not answering it from the page cache.
    app.config["CACHE_ENABLED"] = False
    if args.profile:
        client = app.test_client()
        client.get(args.profile)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.repeat):
            client.get(args.profile)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        return
    print(f"{'page':<36}{'CPU ms':>8}{'wall ms':>9}{'SQL':>5}{'status':>7}{'KB':>7}")
    for label, path in paths(env):
        if args.only and args.only not in label:
            continue
        cpu, wall, statements, status, size = measure(app, path, args.repeat)
        print(f"{label:<36}{cpu:>8.1f}{wall:>9.1f}{statements:>5}{status:>7}{size / 1024:>7.0f}")


if __name__ == "__main__":
    main()
