"""Each published version as a PDF: its page's own HTML laid out by WeasyPrint, made once.

The PDF comes from the page's template (``pages.version_page`` with ``printing``): the
print stylesheet hides navigation and forms, and ``@page`` rules put the version's label
(임시회의록 제2판, 확정회의록 제3판) at the top of every page and its number at the bottom;
Korean fonts are embedded. Laying out a long budget debate takes seconds, so no request
does it: a stenographer's publication asks for the Korean PDF at once, and a request for one
not made yet asks for it and answers 202 with ``Retry-After`` and a page saying so. The files are kept per server under
``PDF_PATH`` (derived data, like the search index), named by everything they show that can
change: the version, the minutes' status, the meeting's revision and the language. This is
the only module that imports WeasyPrint, and only when it builds, so a server without its
system libraries still serves everything else.
"""

from __future__ import annotations

import mimetypes
import os
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, current_app, has_request_context, request

from ..core.background import Worker
from ..extensions import db
from .events import minutes_changed
from .models import Minutes, MinutesVersion
from .pages import version_page

RETRY_AFTER_SECONDS = 10
#: Builds one process keeps waiting; more requests for PDFs not made yet ask again later.
MAX_PENDING = 100
_WORKER = "council_pdf_builder"


def init_app(app: Flask) -> None:
    """Build the Korean PDF of every version as it is published."""
    app.config.setdefault("PDF_PATH", os.path.join(app.instance_path, "pdf"))
    app.extensions[_WORKER] = Worker(app, "minutes-pdf", _build_job, max_pending=MAX_PENDING)
    minutes_changed.connect(_on_minutes_changed)


def is_published(version: MinutesVersion | None) -> bool:
    """Tell whether the version was ever made public (only those have a PDF)."""
    return version is not None and version.was_published


def path_for(version: MinutesVersion, language: str) -> Path:
    """Return where the version's PDF in ``language`` is kept."""
    minutes = version.minutes
    name = (
        f"{minutes.id}-v{version.number}-{minutes.status.value}"
        f"-r{minutes.meeting.revision}-{language}.pdf"
    )
    return Path(current_app.config["PDF_PATH"]) / name


def ready(version: MinutesVersion, language: str) -> Path | None:
    """Return the path of the version's PDF if it is made, else None."""
    path = path_for(version, language)
    return path if path.exists() else None


def build_later(version: MinutesVersion, language: str) -> None:
    """Ask this process's builder for the version's PDF."""
    current_app.extensions[_WORKER].submit((version.minutes_id, version.number, language))


def wait_for_builds(timeout: float) -> bool:
    """Wait until this process's builder has nothing left to do; False on timeout."""
    return current_app.extensions[_WORKER].wait(timeout)


def _build_job(key: tuple[int, int | None, str]) -> None:
    build(*key)


def build(minutes_id: int, number: int | None, language: str) -> Path | None:
    """Make the PDF of a public minutes' version (None: the published one); return its path.

    Nothing for minutes that are not public, or a version never published.
    """
    minutes = db.session.get(Minutes, minutes_id)
    if minutes is None or not minutes.is_public:
        return None
    version = (
        minutes.published_version
        if number is None
        else next((v for v in minutes.versions if v.number == number), None)
    )
    if not is_published(version):
        return None
    path = path_for(version, language)
    if path.exists():
        return path
    html, root = _page(minutes, version, language)
    data = _lay_out(html, root, _static_files(root))
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.part")
    partial.write_bytes(data)
    # Whole or not at all, whichever process of the server finishes first.
    os.replace(partial, path)
    return path


def _lay_out(html: str, root: str, read) -> bytes:
    """Lay the page out as a PDF; ``read`` gives the bytes of the files it links to."""
    import weasyprint  # here only: the app runs without its system libraries
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFiles(URLFetcher):
        def fetch(self, url, headers=None):
            kind = mimetypes.guess_type(url)[0] or "application/octet-stream"
            return URLFetcherResponse(url, read(url), {"Content-Type": kind})

    return weasyprint.HTML(string=html, base_url=root, url_fetcher=StaticFiles()).write_pdf()


def _page(minutes: Minutes, version: MinutesVersion, language: str) -> tuple[str, str]:
    """Render the version's page as an anonymous reader in ``language`` would get it."""
    path = f"/minutes/{minutes.id}"
    with current_app.test_request_context(path, query_string={"lang": language}):
        return version_page(minutes, version, printing=True), request.url_root


def _static_files(root: str):
    """Return a reader of the app's own static files by URL, refusing any other URL."""
    static = Path(current_app.static_folder).resolve()
    prefix = urlsplit(root).path.rstrip("/") + "/static/"

    def read(url: str) -> bytes:
        parts = urlsplit(url)
        if not url.startswith(root) or not parts.path.startswith(prefix):
            raise ValueError(f"the PDF reads the app's static files only, not {url}")
        target = (static / parts.path.removeprefix(prefix)).resolve()
        if not target.is_relative_to(static) or not target.is_file():
            raise ValueError(f"no static file at {url}")
        return target.read_bytes()

    return read


def _on_minutes_changed(minutes_id: int, action: str) -> None:
    # A stenographer's publication (a page or the API), not a bulk load by a command: the
    # demo or a restore publishes hundreds, whose PDFs are made when first asked for.
    if has_request_context() and action == "index":
        current_app.extensions[_WORKER].submit((minutes_id, None, "ko"))
