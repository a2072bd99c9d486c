"""The language a page is shown in: Korean unless the visitor chose English."""

from __future__ import annotations

from flask import current_app, request


def select_locale() -> str:
    """Return the visitor's chosen language, remembered in a cookie."""
    languages = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang") or request.cookies.get("lang")
    return chosen if chosen in languages else current_app.config["BABEL_DEFAULT_LOCALE"]
