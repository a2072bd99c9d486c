"""Bulk downloads: built outside requests, read with Python's csv module, totals as the API's."""

from __future__ import annotations

import csv
import hashlib
import io
import json

from sqlalchemy import select

from council_app.agenda.models import Outcome
from council_app.extensions import db
from council_app.meetings.state import change_state
from council_app.minutes.models import Utterance


def api_total(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["total"]


def fetch(client, name: str, mimetype: str | None = None) -> bytes:
    """Download a file of /data/ (closing the response: it is sent from disk)."""
    with client.get(f"/data/{name}") as response:
        assert response.status_code == 200
        if mimetype:
            assert response.mimetype == mimetype
        return response.data


def read_csv(client, name: str) -> list[dict]:
    with client.get(f"/data/{name}") as response:
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    data = fetch(client, name, "text/csv")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_the_exported_csv_reads_with_hangul_intact_and_counts_what_the_api_counts(
    demo, client, runner
):
    assert "아직 만든 파일이 없습니다" in client.get("/data/").get_data(as_text=True)
    # A meeting that decided an item is closed (비공개): its decisions stay out of the files.
    decided_at = db.session.scalar(select(Outcome).limit(1)).meeting
    change_state(decided_at, public=False)
    db.session.commit()
    closed_meeting_id = decided_at.id
    result = runner.invoke(args=["data", "export"])
    assert result.exit_code == 0, result.output
    assert "utterances.csv" in result.output

    page = client.get("/data/").get_data(as_text=True)
    assert "공공누리 제1유형" in page and "utterances.csv" in page and "SHA256SUMS" in page

    turns = read_csv(client, "utterances.csv")
    minutes = client.get("/api/v1/minutes").get_json()["data"]
    assert len(turns) == sum(api_total(client, f"/api/v1/minutes/{m['id']}") for m in minutes)
    assert len(turns) > 100
    assert any(t["speaker"].startswith("의장") for t in turns)
    assert all(t["text"] and "\ufffd" not in t["text"] for t in turns)
    assert {t["minutes_id"] for t in turns} == {str(m["id"]) for m in minutes}
    closed = set(db.session.scalars(select(Utterance.text).where(Utterance.closed.is_(True))))
    assert not closed & {t["text"] for t in turns}

    meetings = read_csv(client, "meetings.csv")
    assert len(meetings) == api_total(client, "/api/v1/meetings?per_page=500")
    items = read_csv(client, "agenda_items.csv")
    assert len(items) == api_total(client, "/api/v1/agenda-items")
    assert items[0]["title"] and any("조례안" in i["title"] for i in items)
    outcomes = read_csv(client, "outcomes.csv")
    assert outcomes[0]["result_label"]
    assert closed_meeting_id not in {int(o["meeting_id"]) for o in outcomes}
    assert read_csv(client, "sessions.csv")[0]["name"].startswith("제")

    lines = fetch(client, "utterances.jsonl").decode().splitlines()
    assert [json.loads(line)["text"] for line in lines] == [t["text"] for t in turns]

    sums = fetch(client, "SHA256SUMS").decode().splitlines()
    assert len(sums) == 10
    for line in sums:
        digest, name = line.split("  ")
        assert hashlib.sha256(fetch(client, name)).hexdigest() == digest
    assert client.get("/data/council.sqlite3").status_code == 404
    assert client.get("/data/..%2Fmanifest.json").status_code == 404


def test_the_cli_writes_the_same_files_into_a_folder_and_skips_an_unchanged_build(
    demo, runner, tmp_path
):
    result = runner.invoke(args=["data", "export", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    names = {p.name for p in (tmp_path / "out").iterdir()}
    stems = ("utterances", "sessions", "meetings", "agenda_items", "outcomes")
    expected = {f"{s}.{ext}" for s in stems for ext in ("csv", "jsonl")}
    assert names == expected | {"SHA256SUMS", "manifest.json"}
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["license"].startswith("공공누리 제1유형")

    assert runner.invoke(args=["data", "export", "--if-changed"]).exit_code == 0
    again = runner.invoke(args=["data", "export", "--if-changed"])
    assert "바뀐 자료가 없어" in again.output


def test_the_data_dictionary_describes_every_column(demo, client):
    page = client.get("/data/dictionary").get_data(as_text=True)
    for column in ("minutes_id", "speaker", "member_id", "agenda_heading", "votes_yes"):
        assert f"<code>{column}</code>" in page
    assert "발언 내용" in page
