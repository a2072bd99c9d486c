"""Measure upload-to-published time for a 1 MB text minutes file through the JSON API.

Run from the repository root: python bench/minutes_publish.py [DATABASE_URL]
The default is a fresh SQLite file; pass a PostgreSQL URL to measure there (its tables
are dropped and created again). Target: under 2 s from upload to published.
"""

import datetime
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from council_app import create_app  # noqa: E402
from council_app.auth import services as auth_services  # noqa: E402
from council_app.core.time import today_kst  # noqa: E402
from council_app.demo import loader  # noqa: E402
from council_app.extensions import db  # noqa: E402
from council_app.meetings.models import Meeting, MeetingStatus  # noqa: E402
from council_app.sessions.models import CouncilSession, SessionKind, SessionStatus  # noqa: E402

MB = 1024 * 1024
RUNS = 5


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
    """Upload and publish the 1 MB file RUNS times; print each phase's median."""
    with tempfile.TemporaryDirectory() as folder:
        url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{folder}/bench.sqlite3"
        app = create_app(
            {
                "DATABASE_URL": url,
                "SECRET_KEY": "bench",
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_ENABLED": False,  # time the publication, not the rate limiter
                "UPLOAD_PATH": f"{folder}/uploads",
            }
        )
        meeting_ids = setup(app)
        data = minutes_text(MB)
        client = app.test_client()
        client.post("/login", data={"username": "bench", "password": "bench-password-1"})
        uploads, publishes, totals = [], [], []
        for meeting_id in meeting_ids:
            started = time.perf_counter()
            response = client.post(
                f"/api/v1/meetings/{meeting_id}/minutes",
                data={"file": (io.BytesIO(data), "회의록.txt")},
                content_type="multipart/form-data",
            )
            uploaded = time.perf_counter()
            assert response.status_code == 201, response.get_json()
            turns = response.get_json()["utterances"]
            # Every run's meeting is another sitting than the file's cover says: accepted.
            published = client.post(
                f"/api/v1/minutes/{response.get_json()['id']}/publish",
                json={"confirm": ["header_mismatch"]},
            )
            assert published.status_code == 200, published.get_json()
            done = time.perf_counter()
            uploads.append(uploaded - started)
            publishes.append(done - uploaded)
            totals.append(done - started)
        backend = url.split(":", 1)[0]
        print(
            f"upload-to-published, {len(data) / MB:.2f} MB text, {turns} turns, {backend}, {RUNS} runs"
        )
        print(
            f"  upload (sandboxed extract + parse + store): median {statistics.median(uploads):.2f} s"
        )
        print(
            f"  publish:                                   median {statistics.median(publishes):.3f} s"
        )
        print(
            f"  total:  median {statistics.median(totals):.2f} s, worst {max(totals):.2f} s (target < 2 s)"
        )


if __name__ == "__main__":
    main()
