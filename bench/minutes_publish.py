"""Measure upload-to-published time for a 1 MB text minutes file through the JSON API.

Run from the repository root:
    python bench/minutes_publish.py [--scale 200000] [--workdir DIR] [DATABASE_URL]

Two councils are measured side by side, run by run: one whose search index is empty (the
reference) and one whose index already holds ``--scale`` utterances (a ten-year council:
the corpus sentences of ``bench/search_speed.py``). Publishing never writes the index, so
the two should take the same time; the ratio says how far the large index slows it.
After each publication the bench also times how long the catch-up thread takes to make
the minutes searchable, outside the request. The default database is a fresh SQLite file
per council; pass a PostgreSQL URL to measure there (its tables are dropped and created
again, one council after the other). Target: upload-to-published p95 under 2 s.
"""

import argparse
import datetime
import io
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from search_speed import scaled_utterances  # noqa: E402

from council_app import create_app  # noqa: E402
from council_app.auth import services as auth_services  # noqa: E402
from council_app.core.time import today_kst  # noqa: E402
from council_app.demo import loader  # noqa: E402
from council_app.extensions import db  # noqa: E402
from council_app.meetings.models import Meeting, MeetingStatus  # noqa: E402
from council_app.search import sync  # noqa: E402
from council_app.search.index import SearchIndex  # noqa: E402
from council_app.sessions.models import CouncilSession, SessionKind, SessionStatus  # noqa: E402

MB = 1024 * 1024
#: Publications per council. Fewer than MERGE_FACTOR: a merge would only add to the
#: time to searchable, which the runs are not about.
RUNS = 8
#: The scaled utterances' minutes ids start here, clear of the councils' own minutes.
FIRST_SCALED_MINUTES = 1_000_000


def minutes_text(size: int) -> bytes:
    """Return minutes in the council's format, about ``size`` bytes of UTF-8."""
    head = "제300회 서울특별시 금천구의회(임시회)\n본회의회의록\n제 1 호\n\n(10시00분 개의)\n"
    turns = []
    speakers = ["의장 김가상", "이가상 의원", "행정국장 홍예시", "박가상 의원"]
    number = 0
    while len((head + "\n".join(turns)).encode()) < size:
        if number % 40 == 0:
            turns.append(f"{number // 40 + 1}. 예시 안건 제{number // 40 + 1}호")
        speaker = speakers[number % len(speakers)]
        turns.append(
            f"○{speaker}  제{number}번 발언입니다. 구민의 삶과 직결된 예산을 꼼꼼히 살피겠습니다."
        )
        turns.append("  이어지는 문장으로 설명을 덧붙이겠습니다. " * 3)
        number += 1
    return (head + "\n".join(turns) + "\n(12시00분 산회)\n").encode()


def build_index(path: Path, scale: int, workdir: Path | None) -> float:
    """Fill the index at path with ``scale`` utterances; return seconds taken (0 if cached)."""
    cached = workdir / f"index-{scale}" if workdir else None
    if cached and cached.exists():
        shutil.copytree(cached, path)
        return 0.0
    rows = scaled_utterances(scale)
    for row in rows:
        row["minutes_id"] += FIRST_SCALED_MINUTES
        row["version"], row["minutes_status"] = 1, "final"
    started = time.perf_counter()
    count = SearchIndex(path).rebuild(rows, procs=2)
    seconds = time.perf_counter() - started
    assert count == scale, count
    if cached:
        shutil.copytree(path, cached)
    return seconds


class Council:
    """One app with its database and index, publishing the 1 MB file run after run."""

    def __init__(self, name: str, url: str, folder: Path):
        self.name = name
        self.app = create_app(
            {
                "DATABASE_URL": url,
                "SECRET_KEY": "bench",
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_ENABLED": False,  # time the publication, not the rate limiter
                "UPLOAD_PATH": str(folder / "uploads"),
                "SEARCH_INDEX_PATH": str(folder / "index"),
            }
        )
        self.meeting_ids = setup(self.app)
        self.client = self.app.test_client()
        self.client.post("/login", data={"username": "bench", "password": "bench-password-1"})
        with self.app.app_context():
            self.documents = sync.search_index().doc_count()
        self.uploads, self.publishes, self.totals, self.searchable = [], [], [], []

    def run(self, n: int, data: bytes) -> int:
        """Upload and publish the file as the n-th meeting's minutes; return its turns."""
        client = self.client
        started = time.perf_counter()
        response = client.post(
            f"/api/v1/meetings/{self.meeting_ids[n]}/minutes",
            data={"file": (io.BytesIO(data), "회의록.txt")},
            content_type="multipart/form-data",
        )
        uploaded = time.perf_counter()
        assert response.status_code == 201, response.get_json()
        # Every run's meeting is another sitting than the file's cover says: accepted.
        published = client.post(
            f"/api/v1/minutes/{response.get_json()['id']}/publish",
            json={"confirm": ["header_mismatch"]},
        )
        assert published.status_code == 200, published.get_json()
        done = time.perf_counter()
        # The next run starts once the index caught up, so it never competes with the thread.
        with self.app.app_context():
            assert sync.wait_for_catch_up(600), "the catch-up thread did not finish"
            assert sync.pending_count() == 0
        self.uploads.append(uploaded - started)
        self.publishes.append(done - uploaded)
        self.totals.append(done - started)
        self.searchable.append(time.perf_counter() - done)
        return response.get_json()["utterances"]


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def setup(app) -> list[int]:
    """Load the demo council and add one held meeting per run; return their ids."""
    with app.app_context():
        db.drop_all()
        db.create_all()
        council = loader.load_council(loader.facts(), loader.Report())
        auth_services.create_user("bench", "bench-password-1", "stenographer", "벤치")
        day = today_kst()
        session = CouncilSession(
            council=council,
            term=council.terms[0],
            number=300,
            kind=SessionKind.EXTRAORDINARY,
            start=day,
            end=day,
            status=SessionStatus.IN_SESSION,
        )
        plenary = next(b for b in council.bodies if b.slug == "plenary")
        meetings = [
            Meeting(
                council_session=session,
                body=plenary,
                sitting=n + 1,
                date=day,
                start_time=datetime.time(0, 0),
                status=MeetingStatus.HELD,
            )
            for n in range(RUNS)
        ]
        db.session.add_all(meetings)
        db.session.commit()
        return [m.id for m in meetings]


def main() -> None:
    """Publish the 1 MB file RUNS times on each council, alternating; print p95s and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?", help="database URL (default: SQLite files)")
    parser.add_argument("--scale", type=int, default=200_000, help="utterances already indexed")
    parser.add_argument("--workdir", help="keep the built index here for the next run")
    args = parser.parse_args()
    workdir = Path(args.workdir) if args.workdir else None
    if workdir:
        workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        large_folder = folder / "large"
        large_folder.mkdir()
        built = build_index(large_folder / "index", args.scale, workdir)
        councils = []
        for name, sub in (("empty index (reference)", "empty"), ("large index", "large")):
            (folder / sub).mkdir(exist_ok=True)
            url = args.url or f"sqlite:///{folder / sub}/bench.sqlite3"
            councils.append(Council(name, url, folder / sub))
            if args.url:  # one database: each council is measured in turn
                break
        data = minutes_text(MB)
        turns = 0
        if args.url:
            reference = councils[0]
            for n in range(RUNS):
                turns = reference.run(n, data)
            with reference.app.app_context():
                sync.search_index().close()
            shutil.rmtree(folder / "empty" / "index")
            shutil.copytree(large_folder / "index", folder / "empty" / "index")
            councils.append(Council("large index", args.url, folder / "empty"))
            for n in range(RUNS):
                councils[1].run(n, data)
        else:
            for n in range(RUNS):  # alternating, so a busy spell of the machine hits both
                for council in councils:
                    turns = council.run(n, data)
        backend = (args.url or "sqlite").split(":", 1)[0]
        print(
            f"upload-to-published, {len(data) / MB:.2f} MB text, {turns} turns, {backend}, "
            f"{RUNS} runs per council; large index: {councils[1].documents} utterances"
            + (f" (built in {built:.0f} s)" if built else " (cached)")
        )
        reference = councils[0]
        for council in councils:
            print(
                f"  {council.name:24} ({council.documents:>7} utterances before): "
                f"upload median {statistics.median(council.uploads):.2f} s, "
                f"publish median {statistics.median(council.publishes):.3f} s, "
                f"total median {statistics.median(council.totals):.2f} s "
                f"p95 {p95(council.totals):.2f} s "
                f"(x{p95(council.totals) / p95(reference.totals):.2f} of the reference); "
                f"then searchable after {statistics.median(council.searchable):.2f} s median"
            )
        worst = p95(councils[1].totals)
        print(f"  target: p95 upload-to-published <= 2 s with the large index: {worst:.2f} s")


if __name__ == "__main__":
    main()
