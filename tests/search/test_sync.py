"""The index follows the database: publish, correct, withdraw, crashes, reindex and check."""

import datetime
import pathlib
import shutil
import threading

from flask import has_request_context

from council_app.auth import services as auth_services
from council_app.core.background import Worker
from council_app.extensions import db
from council_app.minutes import publication, versions
from council_app.minutes.publication import PublishMinutes, WithdrawMinutes
from council_app.minutes.versions import UploadMinutes
from council_app.search import sync
from council_app.search.index import IndexBatch, SearchFilters, SearchIndex
from council_app.search.services import SearchRequest, search
from tests.search.conftest import BUDGET_MINUTES


def found(q, **filters):
    return {
        (h.minutes_id, h.order) for h in search(SearchRequest(q, SearchFilters(**filters))).hits
    }


def caught_up() -> bool:
    """Wait, a bounded time, for the thread that applies committed changes to the index."""
    return sync.wait_for_catch_up(30)


def test_published_minutes_are_searchable_once_caught_up_but_not_closed_passages(publish):
    minutes = publish()
    assert found("추가경정예산") == {(minutes.id, 1)}
    assert found("보행환경") == {(minutes.id, 2)}
    assert found("인사 문제") == set()
    assert sync.pending_count() == 0


def test_drafts_and_closed_meetings_are_never_indexed(make_meeting, publish):
    draft = versions.upload(
        make_meeting(datetime.date(2023, 1, 2)), UploadMinutes(text="○의장 김가상\u2003초안 발언")
    )
    db.session.commit()
    publish(public=False)
    assert found("초안") == set()
    assert found("추가경정예산") == set()
    assert draft.minutes.status.value == "draft"
    assert sync.check().in_step


def test_corrections_replace_and_withdrawal_removes(publish):
    minutes = publish()
    versions.add_version(minutes, "○위원장 김가상\u2003정정된 발언입니다.", versions.PASTED, None)
    db.session.commit()
    # A correction is a draft: the index keeps the published text until it is published.
    assert found("정정") == set() and found("추가경정예산") == {(minutes.id, 1)}
    publication.publish(minutes, PublishMinutes(reason="발언 정정", confirm=("fewer_turns",)))
    db.session.commit()
    assert caught_up()
    assert found("정정") == {(minutes.id, 1)} and found("추가경정예산") == set()
    publication.withdraw(minutes, WithdrawMinutes(reason="잘못 올림"))
    db.session.commit()
    assert caught_up()
    assert found("정정") == set()
    assert sync.check().in_step


def test_withdrawn_minutes_the_index_still_holds_never_show(publish, monkeypatch):
    minutes = publish()
    # The thread has not caught up yet (busy, or the process died before it ran).
    monkeypatch.setattr(sync, "catch_up_later", lambda: None)
    publication.withdraw(minutes, WithdrawMinutes(reason="잘못 올림"))
    db.session.commit()
    assert sync.pending_count() == 1
    assert f"{minutes.id}:2" in sync.search_index().fingerprints()
    result = search(SearchRequest("보행환경"))
    assert result.total == 1 and result.hits == []


def test_rows_left_unprocessed_by_a_failed_update_are_applied_on_the_next_catch_up(
    publish, monkeypatch, runner
):
    def crash(self, minutes_id, utterances):
        raise RuntimeError("process killed")

    sync.reindex()  # built already, so the catch-up cannot be a full rebuild
    with monkeypatch.context() as patch:
        patch.setattr(IndexBatch, "replace_minutes", crash)
        # The process dies before its thread could try again.
        patch.setattr(sync, "catch_up_later", lambda: None)
        minutes = publish()  # committed: the failure never reaches the stenographer
    assert sync.pending_count() == 1
    assert runner.invoke(args=["search", "check"]).exit_code == 1
    result = runner.invoke(args=["search", "sync"])
    assert result.exit_code == 0 and "1건" in result.output
    assert found("추가경정예산") == {(minutes.id, 1)} and sync.pending_count() == 0


def test_a_search_only_reads_and_the_thread_catches_up_after_it(publish, monkeypatch):
    sync.reindex()
    with monkeypatch.context() as patch:
        # Another process held the index, and this one died before its thread ran.
        patch.setattr(sync, "catch_up", lambda wait=True: 0)
        patch.setattr(sync, "catch_up_later", lambda: None)
        minutes = publish()
    assert sync.pending_count() == 1
    assert found("보행환경") == set()
    assert caught_up()
    assert found("보행환경") == {(minutes.id, 2)} and sync.pending_count() == 0


def test_published_minutes_are_indexed_after_the_publishing_request_by_the_thread(
    publish, monkeypatch
):
    sync.reindex()
    gate, real_catch_up = threading.Event(), sync.catch_up

    def held(**kwargs):
        assert gate.wait(30)
        return real_catch_up(**kwargs)

    monkeypatch.setattr(sync, "catch_up", held)
    minutes = publish(wait=False)  # returns while the thread waits at the gate
    assert sync.pending_count() == 1 and found("보행환경") == set()
    gate.set()
    assert caught_up()
    assert found("보행환경") == {(minutes.id, 2)} and sync.pending_count() == 0


def test_a_change_made_while_another_writer_holds_the_index_is_applied_by_the_thread(publish):
    sync.reindex()
    with sync.search_index().batch():  # another process writing the index
        minutes = publish(wait=False)  # answered at once: publishing does not wait
        assert sync.pending_count() == 1
    assert sync.wait_for_catch_up(30)
    assert found("보행환경") == {(minutes.id, 2)} and sync.pending_count() == 0


def test_check_reports_drift_and_reindex_repairs_it(app, publish, runner):
    minutes = publish()
    index = sync.search_index()
    index.delete_minutes(minutes.id)
    index.add_utterances([{"minutes_id": 999, "order": 1, "text": "유령 발언"}])
    with index.batch() as batch:
        batch.replace_minutes(
            minutes.id, [{"minutes_id": minutes.id, "order": 1, "version": 7, "text": "옛 내용"}]
        )
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1
    assert "색인에 없는 발언: 2건" in result.output
    assert "색인에만 있는 발언: 1건 (999:1)" in result.output
    assert f"옛 내용으로 색인된 발언: 1건 ({minutes.id}:1)" in result.output
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0 and "발언 3건" in result.output
    assert runner.invoke(args=["search", "check"]).exit_code == 0


def test_a_deleted_index_is_rebuilt_from_the_database(app, publish):
    minutes = publish()
    sync.search_index().close()
    shutil.rmtree(app.config["SEARCH_INDEX_PATH"])
    # The search answers at once from a new, empty index, and the thread rebuilds it.
    result = search(SearchRequest("보행환경"))
    assert result.rebuilding and result.total == 0
    assert sync.wait_for_catch_up(30)
    assert found("보행환경") == {(minutes.id, 2)}
    assert not search(SearchRequest("보행환경")).rebuilding and sync.check().in_step


def test_an_unreadable_index_is_replaced_and_rebuilt(app, publish, runner):
    minutes = publish()
    sync.search_index().close()  # as a process starting finds it
    folder = pathlib.Path(app.config["SEARCH_INDEX_PATH"])
    for toc in folder.glob("*.toc"):
        toc.write_bytes(b"not a table of contents")
    assert search(SearchRequest("보행환경")).rebuilding
    assert sync.wait_for_catch_up(30)
    assert found("보행환경") == {(minutes.id, 2)}
    assert runner.invoke(args=["search", "check"]).exit_code == 0


def test_search_sync_rebuilds_an_index_marked_for_it(app, publish, runner):
    minutes = publish()
    sync.search_index().close()
    shutil.rmtree(app.config["SEARCH_INDEX_PATH"])
    sync.search_index()  # created empty by a process that died before rebuilding it
    result = runner.invoke(args=["search", "sync"])
    assert result.exit_code == 0 and "발언 3건" in result.output
    assert found("보행환경") == {(minutes.id, 2)}


def recording(method, calls: list):
    """Wrap a method to note, per call, whether it ran inside a request."""

    def wrapper(self, *args, **kwargs):
        calls.append(has_request_context())
        return method(self, *args, **kwargs)

    return wrapper


def test_no_request_writes_the_index_and_the_thread_makes_published_minutes_searchable(
    app, client, make_meeting, make_user, monkeypatch
):
    sync.reindex()
    # Every write of the index (outbox applied, segments merged, rebuilt) takes its lock;
    # creating one writes its first table of contents.
    writes = []
    for name in ("_writer", "create"):
        monkeypatch.setattr(SearchIndex, name, recording(getattr(SearchIndex, name), writes))
    meeting = make_meeting(datetime.date(2023, 1, 3), "admin-finance")
    token = auth_services.issue_token(make_user("stenographer"), "test")
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    with app.app_context():
        uploaded = client.post(
            f"/api/v1/meetings/{meeting.id}/minutes", data={"text": BUDGET_MINUTES}, headers=headers
        )
        assert uploaded.status_code == 201, uploaded.get_json()
    with monkeypatch.context() as patch:
        # Rows stay pending while both requests run: the search finds the index behind.
        patch.setattr(Worker, "submit", lambda self, job: None)
        with app.app_context():
            published = client.post(
                f"/api/v1/minutes/{uploaded.get_json()['id']}/publish",
                json={"reason": "시험"},
                headers=headers,
            )
            assert published.status_code == 200, published.get_json()
        with app.app_context():
            assert client.get("/api/v1/search", query_string={"q": "보행환경"}).status_code == 200
            assert client.get("/search", query_string={"q": "보행환경"}).status_code == 200
        assert sync.pending_count() == 1 and writes == []
    with app.app_context():
        client.get("/api/v1/search", query_string={"q": "보행환경"})  # wakes the thread
    assert caught_up()
    assert writes and not any(writes)
    assert found("보행환경") == {(uploaded.get_json()["id"], 2)} and sync.pending_count() == 0


def test_a_search_request_never_creates_a_missing_index(app, client, publish, monkeypatch):
    minutes = publish()
    sync.search_index().close()
    shutil.rmtree(app.config["SEARCH_INDEX_PATH"])
    created = []
    monkeypatch.setattr(SearchIndex, "create", recording(SearchIndex.create, created))
    with monkeypatch.context() as patch:
        patch.setattr(Worker, "submit", lambda self, job: None)
        with app.app_context():
            response = client.get("/api/v1/search", query_string={"q": "보행환경"})
        assert response.get_json()["rebuilding"] is True
        with app.app_context():
            assert client.get("/search", query_string={"q": "보행환경"}).status_code == 200
            assert client.get("/healthz").status_code == 200
        assert created == [] and not pathlib.Path(app.config["SEARCH_INDEX_PATH"]).exists()
    with app.app_context():
        client.get("/api/v1/search", query_string={"q": "보행환경"})  # wakes the thread
    assert caught_up()
    assert created == [False] and found("보행환경") == {(minutes.id, 2)}


def test_a_search_answered_before_the_catch_up_is_kept_by_no_cache(
    app, client, publish, monkeypatch
):
    sync.reindex()
    with monkeypatch.context() as patch:
        patch.setattr(Worker, "submit", lambda self, job: None)
        minutes = publish(wait=False)
        with app.app_context():
            before = client.get("/api/v1/search", query_string={"q": "보행환경"})
        assert (
            before.get_json()["data"] == []
            and before.headers["Cache-Control"] == "private, no-store"
        )
    with app.app_context():
        client.get("/api/v1/search", query_string={"q": "보행환경"})  # wakes the thread
    assert caught_up()
    # The catch-up changes no data version: a stored answer from before would stand.
    with app.app_context():
        after = client.get("/api/v1/search", query_string={"q": "보행환경"})
    assert [hit["minutes_id"] for hit in after.get_json()["data"]] == [minutes.id]
    assert after.headers["Cache-Control"].startswith("public")
