"""The language a page is shown in: Korean unless the visitor chose English."""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app, request
from flask_babel import get_locale

from .core import time
from .core.catalogue import N_ as N_  # the models mark their labels through here


def select_locale() -> str:
    """Return the visitor's chosen language, remembered in a cookie."""
    languages = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang") or request.cookies.get("lang")
    return chosen if chosen in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def current_locale() -> str:
    """Return the language of the page being rendered (Korean outside a request)."""
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def date_filter(day: date | datetime | None, year: bool = True) -> str:
    """Write a date in the page's language (the ``kdate`` filter)."""
    return time.format_date(day, year=year, locale=current_locale())


def month_filter(day: date) -> str:
    """Write a month in the page's language (the ``kmonth`` filter)."""
    return time.format_month(day, locale=current_locale())


def weekday_names() -> list[tuple[str, str]]:
    """Return the page language's (short, full) weekday names from Sunday."""
    return time.weekday_names(current_locale())


def datetime_filter(moment: datetime | None) -> str:
    """Write a moment in KST in the page's language (the ``kdatetime`` filter)."""
    return time.format_datetime(moment, locale=current_locale())
