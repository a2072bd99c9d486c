"""The language a page is shown in: Korean unless the visitor chose English."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, current_app, g, has_request_context, request
from flask_babel import get_locale, get_translations

from .core import time
from .core.catalogue import N_ as N_  # the models mark their labels through here


def select_locale() -> str:
    """Return the visitor's language: chosen (``?lang=``, then the switch's cookie), else the
    browser's preference (``Accept-Language``) on a first visit, else Korean."""
    languages = current_app.config["LANGUAGES"]
    for chosen in (request.args.get("lang"), request.cookies.get("lang")):
        if chosen in languages:
            return chosen
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    return request.accept_languages.best_match(languages, default=default) or default


def page_translations():
    """Return the request's catalogue, found once: a page asks for it per message.

    Flask-Babel looks the domain, locale and catalogue up on every call, about 0.1 ms; a
    long minutes page labels each of its hundreds of turns, so the lookups were a third of
    its rendering. The locale is chosen once per request (``select_locale``), so is this.
    """
    if not has_request_context():
        return get_translations()
    found = g.get("_page_translations")
    if found is None:
        found = g._page_translations = get_translations()
    return found


def install_gettext(app: Flask) -> None:
    """Give the templates ``_``/``gettext``/``ngettext`` reading :func:`page_translations`."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: page_translations().ugettext(s),
        ngettext=lambda s, p, n: page_translations().ungettext(s, p, n),
        pgettext=lambda c, s: page_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: page_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )


def current_locale() -> str:
    """Return the language of the page being rendered (Korean outside a request)."""
    if not has_request_context():
        # The locale selector reads the request; a CLI command or a mail has none.
        return current_app.config["BABEL_DEFAULT_LOCALE"]
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
