"""Time the OParl endpoint and the bulk export over the demo council.

Run: .venv/bin/python bench/open_data.py [--runs 20]
Prints the median server time of each OParl list's first page (100 objects), of a
``modified_since`` sync of every list, and the time and size of ``data export``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from council_app import create_app
from council_app.core.time import now
from council_app.demo import loader
from council_app.extensions import db
from council_app.opendata import export

LISTS = ("organization", "person", "membership", "legislativeTerm", "meeting", "agendaItem")
LISTS += ("paper", "file")


def median_ms(client, url: str, runs: int) -> float:
    """Return the median time of ``runs`` GETs of ``url`` in milliseconds (cache off)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
                "SEARCH_INDEX_PATH": f"{folder}/index",
                "SEARCH_POLL_SECONDS": 0,
                "UPLOAD_PATH": f"{folder}/uploads",
                "DATA_EXPORT_PATH": f"{folder}/data",
                "RATELIMIT_ENABLED": False,
                "CACHE_ENABLED": False,
                "SECRET_KEY": "bench",
            }
        )
        with app.app_context():
            db.create_all()
            loader.load_all(example_session=True)
            db.session.commit()
            client = app.test_client()
            for name in LISTS:
                url = f"/oparl/v1/body/1/{name}"
                total = client.get(url).get_json()["pagination"]["totalElements"]
                print(f"{url:32} {total:5} objects  {median_ms(client, url, args.runs):7.1f} ms")
            since = now().isoformat().replace("+", "%2B")
            sync = [f"/oparl/v1/body/1/{n}?modified_since={since}" for n in LISTS]
            started = time.perf_counter()
            for url in sync:
                client.get(url)
            print(
                f"sync of all lists with nothing changed: {(time.perf_counter() - started) * 1000:.1f} ms"
            )
            started = time.perf_counter()
            manifest = export.build(Path(folder) / "data")
            seconds = time.perf_counter() - started
            size = sum(f["bytes"] for f in manifest["files"])
            rows = {f["name"]: f["rows"] for f in manifest["files"] if f["name"].endswith(".csv")}
            print(f"data export: {seconds:.2f} s, {size / 1024:.0f} KiB, rows {rows}")


if __name__ == "__main__":
    main()
