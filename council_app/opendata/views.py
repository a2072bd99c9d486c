"""Pages of the bulk downloads: the list with checksums, the data dictionary, the files."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, send_from_directory

from . import export

bp = Blueprint("opendata", __name__, url_prefix="/data")

#: Each file's Content-Type, whole: given as a mimetype, Werkzeug adds a second charset.
CONTENT_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".jsonl": "application/jsonl; charset=utf-8",
    ".json": "application/json",
}


def _root() -> Path:
    return Path(current_app.config["DATA_EXPORT_PATH"])


@bp.get("/")
def index():
    """List the prebuilt files with their rows, sizes, SHA-256 sums and the licence."""
    found = export.current(_root())
    manifest = found[1] if found else None
    return render_template(
        "opendata/index.html",
        manifest=manifest,
        tables=export.TABLES,
        stale=manifest is not None and export.is_stale(_root()),
    )


@bp.get("/dictionary")
def dictionary():
    """Describe every file's columns (the data dictionary)."""
    return render_template("opendata/dictionary.html", tables=export.TABLES)


@bp.get("/<name>")
def download(name: str):
    """Send one file of the current build, as it was written (never built in the request)."""
    found = export.current(_root())
    if found is None:
        abort(404)
    folder, manifest = found
    allowed = {f["name"] for f in manifest["files"]} | {export.SUMS, export.MANIFEST}
    if name not in allowed:
        abort(404)
    response = send_from_directory(folder, name, max_age=300)
    response.content_type = CONTENT_TYPES.get(Path(name).suffix, "text/plain; charset=utf-8")
    return response
