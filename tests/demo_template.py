"""The demo loaded once per test process, copied into each test that asks for it."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine

from council_app import create_app
from council_app.core.backup import restart_sequences
from council_app.core.time import today_kst
from council_app.extensions import db


class DemoTemplate:
    """The demo, loaded once per test process into a SQLite file with its search index.

    Loading it takes seconds (more on PostgreSQL); copying its rows into a test's empty
    tables takes a fraction of that, and every test still gets a database of its own.
    A variant is loaded once per day of the clock (``make test-clock`` runs each test at
    several instants in one process), so a copy equals a fresh load on the test's day.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self._built: set[tuple[bool, date]] = set()

    def path(self, example_session: bool) -> Path:
        """Return the folder of one variant (with or without the made-up session) today."""
        variant = "with-example" if example_session else "without-example"
        return self.folder / f"{variant}-{today_kst().isoformat()}"

    def build(self, example_session: bool = True) -> Path:
        """Load the demo into the variant's folder, once a day; return the folder."""
        folder = self.path(example_session)
        if (example_session, today_kst()) in self._built:
            return folder
        from council_app.demo import loader
        from council_app.search import sync

        folder.mkdir(parents=True, exist_ok=True)
        app = create_app(demo_config(folder))
        with app.app_context():
            db.create_all()
            loader.load_all(example_session=example_session)
            db.session.commit()
            sync.bring_up_to_date()  # as `flask demo load` leaves it: built, no rebuild mark
            # The loading woke this app's catch-up thread, which merges segments after it
            # catches up: the folder is copied into tests only once it has finished.
            assert sync.wait_for_catch_up(timeout=120), "the demo's index did not settle"
            db.session.remove()
            db.engine.dispose()
        self._built.add((example_session, today_kst()))
        return folder

    def copy_into(self, app, example_session: bool = True) -> None:
        """Fill the app's empty tables and search index with the demo."""
        folder = self.build(example_session)
        source = create_engine(f"sqlite:///{folder / 'demo.sqlite3'}")
        db.session.remove()
        with source.connect() as reading, db.engine.begin() as writing:
            for table in db.metadata.sorted_tables:
                rows = [dict(row) for row in reading.execute(table.select()).mappings()]
                if rows:
                    writing.execute(table.insert(), rows)
            if writing.dialect.name == "postgresql":
                restart_sequences(writing)
        source.dispose()
        shutil.copytree(folder / "search-index", app.config["SEARCH_INDEX_PATH"])


def demo_config(folder: Path) -> dict:
    """Return the settings of an app serving a demo kept in ``folder``."""
    return {
        "DATABASE_URL": f"sqlite:///{folder / 'demo.sqlite3'}",
        "SECRET_KEY": "test-secret",
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        "SEARCH_INDEX_PATH": str(folder / "search-index"),
        # One node: changes wake the catch-up; no thread polls for other nodes' changes.
        "SEARCH_POLL_SECONDS": 0,
        "UPLOAD_PATH": str(folder / "uploads"),
        "PDF_PATH": str(folder / "pdf"),
    }
