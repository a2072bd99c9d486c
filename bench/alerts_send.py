"""Time ``alerts send`` for many alerts after a day's publications, mails to a local server.

Run from the repository root: ``python bench/alerts_send.py [alerts] [minutes]``.
Each alert follows one of a handful of words; ``minutes`` sets of 120 turns each are
published, then one run of ``alerts send`` mails every alert that matched (aiosmtpd on
127.0.0.1 receives them). Prints the run's time, per alert and the mails received.
"""

from __future__ import annotations

import datetime
import socket
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiosmtpd.controller import Controller  # noqa: E402
from aiosmtpd.handlers import Sink  # noqa: E402

from council_app import create_app  # noqa: E402
from council_app.alerts import services  # noqa: E402
from council_app.demo import loader  # noqa: E402
from council_app.extensions import db  # noqa: E402
from council_app.meetings.models import Meeting, MeetingStatus  # noqa: E402
from council_app.minutes import publication, versions  # noqa: E402
from council_app.search import sync  # noqa: E402
from council_app.sessions.models import CouncilSession, SessionKind, SessionStatus  # noqa: E402

WORDS = ["주차", "도서관", "예산", "보행환경", "체육관", "없는낱말"]


class Counting(Sink):
    received = 0

    async def handle_DATA(self, server, session, envelope):
        Counting.received += 1
        return "250 OK"


def minutes_text(number: int) -> str:
    turns = [
        f"○{'이가상 의원' if n % 2 else '의장 김가상'}\u2003제{n}번 발언: "
        f"{WORDS[(n + number) % len(WORDS[:-1])]} 문제를 여쭙겠습니다."
        for n in range(120)
    ]
    return (
        "제300회 서울특별시 금천구의회(임시회)\n본회의회의록\n(10시00분 개의)\n"
        + "\n".join(turns)
        + "\n(12시00분 산회)\n"
    )


def main(alerts: int, minutes: int) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    smtp = Controller(Counting(), hostname="127.0.0.1", port=port)
    smtp.start()
    folder = Path(tempfile.mkdtemp(prefix="alerts-bench-"))
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
            "SECRET_KEY": "bench",
            "SEARCH_INDEX_PATH": str(folder / "index"),
            "SEARCH_POLL_SECONDS": 0,
            "UPLOAD_PATH": str(folder / "uploads"),
            "PDF_PATH": str(folder / "pdf"),
            "MINUTES_EXTRACT_SECONDS": None,
            "REQUEST_LOG": False,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": port,
            "BASE_URL": "https://minutes.example.go.kr",
        }
    )
    with app.app_context():
        db.create_all()
        council = loader.load_council(loader.facts(), loader.Report())
        for n in range(alerts):
            request = services.AlertRequest(f"reader{n}@example.org", {"q": WORDS[n % len(WORDS)]})
            services.confirm(request)
        db.session.commit()
        day = datetime.date(2023, 1, 3)
        council_session = CouncilSession(
            council=council,
            term=council.terms[0],
            number=300,
            kind=SessionKind.EXTRAORDINARY,
            start=day,
            end=day + datetime.timedelta(days=10),
            status=SessionStatus.CLOSED,
        )
        plenary = next(b for b in council.bodies if b.slug == "plenary")
        for number in range(minutes):
            meeting = Meeting(
                council_session=council_session,
                body=plenary,
                sitting=number + 1,
                date=day + datetime.timedelta(days=number),
                start_time=datetime.time(10),
                status=MeetingStatus.HELD,
            )
            db.session.add(meeting)
            upload = versions.upload(meeting, versions.UploadMinutes(text=minutes_text(number)))
            publication.publish(upload.minutes, publication.PublishMinutes(reason="bench"))
            db.session.commit()
        sync.bring_up_to_date(wait=True)
        started = time.perf_counter()
        result = app.test_cli_runner().invoke(args=["alerts", "send"])
        seconds = time.perf_counter() - started
    smtp.stop()
    print(result.output.strip())
    print(
        f"alerts send: {alerts} alerts, {minutes} minutes of 120 turns: {seconds:.2f} s "
        f"({seconds / alerts * 1000:.1f} ms per alert), mails received: {Counting.received}"
    )


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 600, int(sys.argv[2]) if len(sys.argv) > 2 else 3
    )
