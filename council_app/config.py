"""Configuration defaults and the council's rules profile.

Order of precedence, lowest first: the defaults here, ``instance/config.py``, ``COUNCIL_*``
environment variables, the test config passed to ``create_app``.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import asdict, dataclass, field, fields
from datetime import timedelta
from pathlib import Path

from flask import Flask

from .core.security import configure_hosts

#: The ordinance numbers of 서울특별시 금천구의회; every council may override them.
GEUMCHEON_RULES: dict = {
    "annual_session_days_max": 110,
    "regular_session_days_max_per_year": 55,
    "regular_sessions_per_year": 2,
    "regular_convening_dates": ["06-08", "11-18"],
    "extraordinary_session_days_max": 15,
    # 지방자치법 제54조제4항: 집회일 3일 전까지 공고 (by default read as convening day − 4).
    "extraordinary_notice_days": 3,
    "extraordinary_notice_strict": True,
    "minutes_deadline_days": {"plenary": 2, "committee": 5},
    # "civil": 민법 제157조·제161조; "business": count working days only.
    "minutes_deadline_counting": "civil",
}


@dataclass(frozen=True)
class RulesProfile:
    """The ordinance's numbers that the services check against."""

    annual_session_days_max: int
    regular_session_days_max_per_year: int
    regular_sessions_per_year: int
    regular_convening_dates: tuple[str, ...]
    extraordinary_session_days_max: int
    extraordinary_notice_days: int
    extraordinary_notice_strict: bool
    minutes_deadline_days: dict = field(hash=False)
    minutes_deadline_counting: str

    @classmethod
    def from_mapping(cls, *layers: dict | None) -> RulesProfile:
        """Merge the layers over Geumcheon's defaults, ignoring unknown keys."""
        merged = dict(GEUMCHEON_RULES)
        for layer in layers:
            merged.update(layer or {})
        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in merged.items() if k in names}
        values["regular_convening_dates"] = tuple(values["regular_convening_dates"])
        return cls(**values)

    def as_dict(self) -> dict:
        """Return the profile as plain JSON-ready data."""
        data = asdict(self)
        data["regular_convening_dates"] = list(self.regular_convening_dates)
        return data


class DefaultConfig:
    """Settings every deployment starts from."""

    COUNCIL_NAME = "서울특별시 금천구의회"
    COUNCIL_TIMEZONE = "Asia/Seoul"
    COUNCIL_RULES: dict = {}
    #: The domain in calendar UIDs (``meeting-7@<domain>``); subscribers' calendars match
    #: events by UID, so set it once and never change it. Unset: the host the feed is read at.
    CALENDAR_UID_DOMAIN: str | None = None

    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the login session

    BABEL_DEFAULT_LOCALE = "ko"
    BABEL_DEFAULT_TIMEZONE = "Asia/Seoul"
    LANGUAGES = ("ko", "en")

    #: Failed logins that cost nothing, per (account, address) and per address; after them
    #: each failure doubles the wait before the next try (2 s, 4 s, 8 s …) up to
    #: LOGIN_MAX_DELAY. Failures older than the window are forgotten; a success clears the
    #: pair's. Nothing ever locks an account for everyone.
    LOGIN_FREE_FAILURES_PER_ACCOUNT = 3
    LOGIN_FREE_FAILURES_PER_ADDRESS = 10
    LOGIN_MAX_DELAY = timedelta(minutes=15)
    LOGIN_FAILURE_WINDOW = timedelta(days=1)

    #: Rate limits per client address (Flask-Limiter's notation: "60 per minute; 600 per
    #: hour"). Memory storage is per worker process; set COUNCIL_RATELIMIT_STORAGE_URL
    #: (``redis://host:6379/0``) to share the counts between workers and servers.
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URL = "memory://"
    RATELIMIT_KEY_PREFIX = "council"
    RATELIMIT_STRATEGY = "moving-window"
    #: A store that stops answering must not take the site down: count in memory meanwhile.
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SEARCH = "60 per minute; 600 per hour"
    RATELIMIT_LOGIN = "20 per minute; 200 per hour"
    RATELIMIT_API_WRITE = "300 per minute"
    RATELIMIT_SUBSCRIPTION = "600 per hour"
    #: Requests for mail alerts (each sends a confirmation mail to the address given).
    RATELIMIT_ALERT = "5 per hour; 20 per day"

    #: Public pages for visitors without a session (core/caching.py): answered 304 or from a
    #: stored copy while the data version, the language and the period of the KST day stay
    #: the same. CACHE_URL (``redis://host:6379/0``) shares the copies between workers and
    #: servers; unset, each worker keeps its own in memory.
    CACHE_ENABLED = True
    CACHE_URL: str | None = None
    CACHE_KEY_PREFIX = "council:"
    #: Seconds: pages that depend on the hour (a meeting has begun) are at most this late,
    #: and a stored copy lives no longer.
    CACHE_PERIOD = 300
    #: Copies a worker keeps in memory, and the largest page stored.
    CACHE_MAX_ENTRIES = 256
    CACHE_MAX_ENTRY_BYTES = 1024 * 1024
    #: 0: browsers and proxies revalidate every time (``no-cache``, a 304 costs one query);
    #: more lets them reuse a page unasked that long (see README before raising it).
    HTTP_CACHE_MAX_AGE = 0

    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105  (an algorithm name, not a secret)
    MAX_CONTENT_LENGTH = 50 * 1024 * 1024
    #: Where uploaded files live: ``local`` (UPLOAD_PATH, one server) or ``database`` (the
    #: ``stored_file`` table, which every node on the one PostgreSQL shares; README).
    FILE_STORE = "local"
    #: Bounds of an archive ``backup verify``/``restore`` will open (members, unpacked bytes).
    BACKUP_MAX_MEMBERS = 1_000_000
    BACKUP_MAX_BYTES = 64 * 1024**3
    #: One log line per request (method, path, status, duration, user id) at INFO.
    REQUEST_LOG = True
    #: Largest file the secretariat may attach to an agenda item.
    AGENDA_ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
    #: Trust X-Forwarded-* from this many proxies (0: run directly).
    PROXY_FIX_HOPS = 0
    #: The site's public address (``https://minutes.example.go.kr``): every absolute link in
    #: the API and the feeds is built on it, and its host closes calendar UIDs. Unset: the
    #: request's own (trusted) host.
    BASE_URL: str | None = None
    #: Host names the site answers to (Flask's TRUSTED_HOSTS, a JSON list in the environment);
    #: any other Host header gets 400. Unset: BASE_URL's host plus localhost and 127.0.0.1.
    TRUSTED_HOSTS: list[str] | None = None
    #: Strict-Transport-Security lifetime, sent when the site is reached over https.
    HSTS_MAX_AGE = 365 * 24 * 3600

    #: Largest minutes file accepted; extraction of one file stops after this many seconds,
    #: well inside gunicorn's 30-second worker timeout (README: bounds of an upload).
    MINUTES_MAX_UPLOAD_BYTES = 50 * 1024 * 1024
    #: ``None`` extracts in the web process with no limit: only for tests and trusted files.
    MINUTES_EXTRACT_SECONDS: float | None = 10
    #: Address space of the child process that extracts one file.
    MINUTES_EXTRACT_MEMORY_BYTES = 1024 * 1024 * 1024
    #: Text and speaker turns one upload may hold: the corpus' largest minutes hold 417,717
    #: characters and 807 turns, a long budget sitting about a million and 3,500.
    MINUTES_MAX_TEXT_CHARS = 5_000_000
    MINUTES_MAX_TURNS = 20_000
    #: Sections, package members and unpacked bytes of one file.
    MINUTES_MAX_SECTIONS = 200
    MINUTES_MAX_PACKAGE_ENTRIES = 1_000
    MINUTES_MAX_UNPACKED_BYTES = 200 * 1024 * 1024
    #: Speaker turns per page of the API's minutes read (``per_page`` up to the maximum).
    API_MINUTES_PER_PAGE = 200
    API_MINUTES_MAX_PER_PAGE = 1_000
    #: A search stops after this many seconds and shows what it found ("일부만").
    SEARCH_TIME_BUDGET_SECONDS = 2.0
    #: Every this many seconds each process looks for changes other nodes wrote to the
    #: outbox (changes made through its own node wake it at once); 0: never. Unset: 1 s on
    #: PostgreSQL, which several servers share; never on SQLite, which one server owns.
    SEARCH_POLL_SECONDS: float | None = None
    #: Outbox rows every node has applied are pruned; a node away for longer than this no
    #: longer holds them back, and rebuilds its index when it returns.
    SEARCH_OUTBOX_KEEP_DAYS = 7
    #: A council's own abbreviations for search (행재위 = 행정재경위원회), one group a line,
    #: in addition to the built-in list (council_app/search/abbreviations.txt).
    SEARCH_ABBREVIATIONS_FILE: str | None = None
    #: Spelling suggestions learn the words of new minutes at most this often (seconds):
    #: reading a large index's vocabulary takes the catch-up thread seconds.
    SEARCH_SPELLER_REFRESH_SECONDS = 300.0
    #: This node's name in the index_node table; unset: the host name and the index's folder.
    SEARCH_NODE_NAME: str | None = None
    #: Outgoing mail for deadline reminders (``minutes deadlines --mail``); no server, no mail.
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_FROM = "minutes@localhost"
    #: Hours a mail alert's confirmation link stays valid.
    ALERT_CONFIRM_HOURS = 48
    #: Alerts one address may hold at once.
    ALERT_MAX_PER_ADDRESS = 20
    #: The stenographers' addresses the reminders go to.
    MINUTES_REMINDER_TO: tuple[str, ...] = ()
    #: The licence line of the open data (/data/, the OParl endpoint), as the council sets it.
    DATA_LICENSE = "공공누리 제1유형: 출처표시 (출처를 표시하면 상업적 이용과 변경을 포함해 자유롭게 이용할 수 있습니다)"
    #: Where the licence is explained in full (OParl's ``license`` is a URL).
    DATA_LICENSE_URL = "https://www.kogl.or.kr/info/licenseType1.do"
    #: Where the bulk downloads are built; unset: ``data-export`` in the instance folder.
    DATA_EXPORT_PATH: str | None = None
    #: OParl list pages hold this many objects (a client's ``limit`` may ask for fewer).
    OPARL_PER_PAGE = 100


def instance_path_from_env() -> str | None:
    """Return ``COUNCIL_INSTANCE_PATH`` as an absolute path, if set."""
    value = os.environ.get("COUNCIL_INSTANCE_PATH")
    return str(Path(value).resolve()) if value else None


def load_config(app: Flask, test_config: dict | None) -> None:
    """Fill ``app.config`` from every layer, lowest precedence first."""
    app.config.from_object(DefaultConfig)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("COUNCIL")
    if test_config:
        app.config.update(test_config)

    app.config["SQLALCHEMY_DATABASE_URI"] = database_uri(
        app.config.get("DATABASE_URL")
        or "sqlite:///" + os.path.join(app.instance_path, "council.sqlite3")
    )
    configure_hosts(app.config)
    # From the environment a duration comes as a number of seconds.
    for name in ("LOGIN_MAX_DELAY", "LOGIN_FAILURE_WINDOW"):
        if isinstance(app.config[name], int | float):
            app.config[name] = timedelta(seconds=app.config[name])
    # Flask-Limiter's own name for the store; the environment says URL like DATABASE_URL.
    app.config["RATELIMIT_STORAGE_URI"] = app.config["RATELIMIT_STORAGE_URL"]
    app.config.setdefault("SEARCH_INDEX_PATH", os.path.join(app.instance_path, "search-index"))
    if app.config["SEARCH_POLL_SECONDS"] is None:
        shared = not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
        app.config["SEARCH_POLL_SECONDS"] = 1.0 if shared else 0.0
    app.config.setdefault("UPLOAD_PATH", os.path.join(app.instance_path, "uploads"))
    if not app.config.get("DATA_EXPORT_PATH"):
        app.config["DATA_EXPORT_PATH"] = os.path.join(app.instance_path, "data-export")
    if app.config["FILE_STORE"] not in ("local", "database"):
        raise ValueError(f"COUNCIL_FILE_STORE: local or database, not {app.config['FILE_STORE']!r}")
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _stored_secret_key(Path(app.instance_path))
    # Behind HTTPS (COUNCIL_PREFERRED_URL_SCHEME=https, or an https:// COUNCIL_BASE_URL)
    # cookies are never sent in clear.
    if app.config.get("PREFERRED_URL_SCHEME") == "https" or (
        app.config.get("BASE_URL") or ""
    ).startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = app.config["REMEMBER_COOKIE_SECURE"] = True


def database_uri(url: str) -> str:
    """Return ``url`` with the psycopg 3 driver named for PostgreSQL URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _stored_secret_key(instance: Path) -> str:
    """Return the instance's secret key, generating it on first use."""
    key_file = instance / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_hex(32)
    # O_EXCL: if two workers race on first start, the loser reads the winner's key.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
