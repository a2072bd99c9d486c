"""Absolute links (API ``web`` fields, feed URLs, pagination) from the configured base URL."""

from __future__ import annotations

from flask import current_app, url_for


def external_url(endpoint: str, **values) -> str:
    """Return the absolute URL of ``endpoint``: on ``BASE_URL`` if set, else this request's host.

    The host of a request is only used once ``TRUSTED_HOSTS`` has accepted it.
    """
    base = current_app.config.get("BASE_URL")
    if base:
        return base + url_for(endpoint, **values)
    return url_for(endpoint, **values, _external=True)
