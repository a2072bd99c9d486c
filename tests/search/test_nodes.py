"""Several nodes on one database, each with its own index: every index converges.

A second app built on the test's database with an index folder of its own plays the other
server. The process-wide cursor lives in each index, never in the outbox rows.
"""

import datetime
import os
import runpy
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import Flask
from sqlalchemy import func, select

from council_app import create_app
from council_app.extensions import db
from council_app.minutes import outbox, publication
from council_app.minutes.models import IndexOutbox, Minutes
from council_app.minutes.publication import WithdrawMinutes
from council_app.search import sync
from council_app.search.index import SearchFilters
from council_app.search.index import cursor as cursor_file
from council_app.search.models import IndexNode
from council_app.search.services import SearchRequest, search


@pytest.fixture
def other_node(app, tmp_path):
    """Return the app of a second server: the same database, another index folder."""
    config = {
        key: app.config[key]
        for key in ("TESTING", "DATABASE_URL", "SECRET_KEY", "RATELIMIT_ENABLED", "UPLOAD_PATH")
    }
    node = create_app(
        config | {"SEARCH_INDEX_PATH": str(tmp_path / "other-index"), "SEARCH_POLL_SECONDS": 0}
    )
    yield node
    with node.app_context():
        db.session.remove()
        db.engine.dispose()


def on(node, q):
    """Search on ``node`` once its index has caught up; return the hits as (minutes, order)."""
    with node.app_context():
        assert sync.bring_up_to_date()
        hits = search(SearchRequest(q, SearchFilters())).hits
        return {(hit.minutes_id, hit.order) for hit in hits}


def test_a_change_published_through_one_node_reaches_the_other_nodes_index(publish, other_node):
    minutes = publish()
    assert on(other_node, "보행환경") == {(minutes.id, 2)}
    publication.withdraw(minutes, WithdrawMinutes(reason="잘못 올림"))
    db.session.commit()
    assert sync.wait_for_catch_up(30)
    # The first node applied the withdrawal; the second still does, from its own cursor.
    assert on(other_node, "보행환경") == set()
    latest = db.session.scalar(select(func.max(IndexOutbox.id)))
    assert sync.search_index().cursor() == latest
    with other_node.app_context():
        assert sync.search_index().cursor() == latest
        assert sync.check().in_step


def test_the_cursor_is_the_one_of_the_generation_committed(publish):
    minutes = publish()
    index = sync.search_index()
    before = index.cursor()
    assert before == db.session.scalar(select(func.max(IndexOutbox.id)))
    # A commit that died after writing its cursor file, before its table of contents.
    cursor_file.write(index.path, index._ix.latest_generation() + 1, before + 100)
    assert index.cursor() == before
    # A batch that fails leaves the cursor, and the index, as they were.
    with pytest.raises(RuntimeError), index.batch() as batch:
        batch.delete_minutes(minutes.id)
        batch.applied_through(before + 1)
        raise RuntimeError("the process dies mid-batch")
    assert index.cursor() == before and sync.check().in_step


def test_an_index_made_before_cursors_replays_the_outbox(publish):
    minutes = publish()
    index = sync.search_index()
    for name in os.listdir(index.path):
        if name.startswith(cursor_file.PREFIX):
            os.remove(os.path.join(index.path, name))
    assert index.cursor() == 0 and sync.pending_count() == 1
    assert sync.bring_up_to_date()
    assert index.cursor() == 1 and sync.check().in_step
    assert {(h.minutes_id, h.order) for h in search(SearchRequest("보행환경")).hits} == {
        (minutes.id, 2)
    }


def test_rows_are_pruned_only_once_every_node_seen_lately_applied_them(publish, other_node, clock):
    def outbox():
        return db.session.scalars(select(IndexOutbox.id).order_by(IndexOutbox.id)).all()

    first = publish()
    on(other_node, "보행환경")  # the other node reports its cursor: 1
    second = publish(day=datetime.date(2023, 1, 4))
    # A day of changes always stays, to be read when something looks wrong.
    assert outbox() == [1, 2]
    clock.move_to(datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=2))
    # This node applied both rows; the other one only the first: row 1 is no longer needed
    # by anyone, but is kept as the mark of how far pruning went.
    assert sync.bring_up_to_date()
    assert outbox() == [1, 2]
    assert on(other_node, "추가경정예산") == {(first.id, 1), (second.id, 1)}
    assert outbox() == [2]

    # The other node goes away; a week later its cursor no longer holds rows back.
    publication.withdraw(db.session.get(Minutes, first.id), WithdrawMinutes(reason="잘못 올림"))
    db.session.commit()
    assert sync.wait_for_catch_up(30)
    clock.move_to(datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=8))
    third = publish(day=datetime.date(2023, 1, 5))
    assert outbox() == [4]
    with other_node.app_context():
        assert sync.fell_behind(sync.search_index().cursor())
    # Back, it rebuilds from the database and holds exactly what is public.
    assert on(other_node, "보행환경") == {(second.id, 2), (third.id, 2)}
    with other_node.app_context():
        assert sync.search_index().cursor() == 4 and sync.check().in_step


@pytest.mark.app_config(SEARCH_POLL_SECONDS=0.05)
def test_a_node_looks_for_other_nodes_changes_without_being_asked(client, publish, monkeypatch):
    client.get("/healthz")  # the first request of a process starts its polling thread
    assert sync.wait_for_catch_up(30)
    # As if published through another node: nothing wakes this process.
    monkeypatch.setattr(sync, "catch_up_later", lambda: None)
    published = publish(wait=False)
    index = sync.search_index()
    deadline = time.monotonic() + 30
    while index.cursor() < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        assert index.cursor() == 1 and sync.check().in_step
        assert {h.minutes_id for h in search(SearchRequest("보행환경")).hits} == {published.id}
    finally:
        assert sync.stop_polling(30)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_outbox_rows_commit_in_the_order_of_their_ids(app, publish):
    minutes = publish()
    done = threading.Event()
    ids = {}

    def second_writer():
        with app.app_context():
            outbox.queue(db.session.get(Minutes, minutes.id))
            db.session.flush()
            ids["second"] = db.session.scalar(select(func.max(IndexOutbox.id)))
            db.session.commit()
            done.set()

    outbox.queue(minutes)
    db.session.flush()
    ids["first"] = db.session.scalar(select(func.max(IndexOutbox.id)))
    writer = threading.Thread(target=second_writer)
    writer.start()
    # The second writer waits for the first one's commit before it takes an id.
    assert not done.wait(1.0)
    db.session.commit()
    writer.join(30)
    assert done.is_set() and ids["second"] > ids["first"]


def test_nodes_report_their_cursor(publish):
    publish()
    node = db.session.scalar(select(IndexNode))
    assert node.name.endswith(str(sync.search_index().path)) and node.cursor == 1


def test_polling_is_on_where_servers_share_the_database(tmp_path, monkeypatch):
    monkeypatch.delenv("COUNCIL_SEARCH_POLL_SECONDS")  # the test run's own setting (conftest)

    def poll(url):
        return create_app({"DATABASE_URL": url, "SECRET_KEY": "x"}).config["SEARCH_POLL_SECONDS"]

    assert poll(f"sqlite:///{tmp_path / 'one.sqlite3'}") == 0
    assert poll("postgresql://postgres@127.0.0.1:5432/test") == 1.0


def test_a_restarted_server_reads_its_columns_and_words_before_any_search(app, publish):
    # A server started on an index already in step gets no change to catch up with; its
    # first request, whatever the page, has its thread read what searches need, so the
    # first search pays none of it and its page is stored for the next visitor.
    publish()
    assert sync.wait_for_catch_up(30)
    keys = ("TESTING", "DATABASE_URL", "SECRET_KEY", "RATELIMIT_ENABLED", "UPLOAD_PATH")
    config = {key: app.config[key] for key in (*keys, "SEARCH_INDEX_PATH")}
    restarted = create_app(config | {"SEARCH_POLL_SECONDS": 0})
    try:
        visitor = restarted.test_client()
        assert visitor.get("/").status_code == 200
        with restarted.app_context():
            assert sync.wait_for_catch_up(30)
            index = restarted.extensions["council_search_index"]
            assert index.is_open and index._speller is not None
            first_search = visitor.get("/search", query_string={"q": "보행환경"})
            assert first_search.status_code == 200 and first_search.headers["X-Cache"] == "miss"
            again = visitor.get("/search", query_string={"q": "보행환경"})
            assert again.headers["X-Cache"] == "hit"
            assert index._columns.warm(index._current_searcher(), ("body", "speaker")) == 0
            # Every segment's .keys file is in memory: a first search waits for no disk.
            opened = [found for found in index._columns._keys.values() if found is not None]
            assert opened and all(segment_keys.preloaded for segment_keys in opened)
    finally:
        with restarted.app_context():
            db.session.remove()
            db.engine.dispose()


def test_a_gunicorn_worker_reads_the_index_before_it_takes_requests(app, publish):
    # gunicorn.conf.py's post_worker_init: the first pages wait for none of it.
    publish()
    assert sync.wait_for_catch_up(30)
    hooks = runpy.run_path(str(Path(__file__).parents[2] / "gunicorn.conf.py"))
    keys = ("TESTING", "DATABASE_URL", "SECRET_KEY", "RATELIMIT_ENABLED", "UPLOAD_PATH")
    config = {key: app.config[key] for key in (*keys, "SEARCH_INDEX_PATH")}
    started = create_app(config | {"SEARCH_POLL_SECONDS": 0})
    try:
        hooks["post_worker_init"](SimpleNamespace(wsgi=started))
        index = started.extensions[sync.EXTENSION]
        assert index.is_open and index._speller is not None
        with started.app_context():
            assert sync.wait_for_catch_up(30)
        # The same settings serve bench/load.py's minimal Flask app, which has no index.
        hooks["post_worker_init"](SimpleNamespace(wsgi=Flask("ceiling")))
    finally:
        with started.app_context():
            db.session.remove()
            db.engine.dispose()
