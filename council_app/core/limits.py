"""Rate limits: which requests share a budget, each read from a ``RATELIMIT_*`` setting.

Budgets are per client address. Decorate a view with one of these; a whole blueprint may be
decorated too (the API's writes are). The limiter itself lives in ``extensions``, the only
module that imports Flask-Limiter. Storage is memory (per worker process) unless
``COUNCIL_RATELIMIT_STORAGE_URL`` names a shared store such as Redis.
"""

from __future__ import annotations

import math

from flask import current_app

from ..extensions import limiter
from .time import now

WRITE_METHODS = ["POST", "PUT", "PATCH", "DELETE"]


def _setting(name: str):
    """Return a callable that reads the limit from the app's config on every request."""

    def limit() -> str:
        return current_app.config[name]

    return limit


#: The search page and the search API draw on one budget.
search_limit = limiter.shared_limit(_setting("RATELIMIT_SEARCH"), scope="search")
#: Posts of the login form (guessing is slowed per account as well: see auth.services).
login_limit = limiter.limit(_setting("RATELIMIT_LOGIN"), methods=["POST"])
#: Every write through the API.
api_write_limit = limiter.shared_limit(
    _setting("RATELIMIT_API_WRITE"), scope="api-write", methods=WRITE_METHODS
)
#: Subscriptions: the iCal feeds calendar clients poll. A future subscription request (mail
#: alerts, push) decorates its view with this too, so one address cannot sign up in bulk.
subscription_limit = limiter.shared_limit(_setting("RATELIMIT_SUBSCRIPTION"), scope="subscription")
#: Requests for mail alerts: each sends a mail to the address typed, so few are allowed.
alert_limit = limiter.shared_limit(_setting("RATELIMIT_ALERT"), scope="alert", methods=["POST"])


def retry_after() -> int:
    """Return the whole seconds until the limit this request broke lets it through."""
    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, math.ceil(current.reset_at - now().timestamp()))
