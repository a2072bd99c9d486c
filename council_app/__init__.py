"""The council session and minutes system (서울특별시 금천구의회 first)."""

from __future__ import annotations

import os

from flask import Flask

from . import config


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, commands."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    app = Flask(
        __name__,
        instance_path=config.instance_path_from_env(),
        instance_relative_config=True,
        template_folder=os.path.join(root, "templates"),
    )
    # People type /agenda/ as often as /agenda: both should work.
    app.url_map.strict_slashes = False
    configure_input(app)
    os.makedirs(app.instance_path, exist_ok=True)
    config.load_config(app, test_config)

    register_extensions(app, migrations=os.path.join(root, "migrations"))
    register_blueprints(app)
    register_commands(app)
    register_template_helpers(app)
    return app


def configure_input(app: Flask) -> None:
    """Bound what a request can carry: ids in URLs and JSON bodies."""
    from .core.inputs import IdConverter
    from .core.json_input import BoundedJSONProvider

    # Every <int:…> in a route is an id or a number: past MAX_ID it names nothing (404).
    app.url_map.converters["int"] = IdConverter
    app.json = BoundedJSONProvider(app)


def register_extensions(app: Flask, migrations: str) -> None:
    """Bind every extension to the app."""
    from . import models  # noqa: F401  (every table is known before Alembic looks)
    from .auth.loading import init_login
    from .core import caching, request_log, request_text, security
    from .core.types import render_migration_type
    from .extensions import babel, csrf, db, limiter, migrate
    from .i18n import select_locale
    from .minutes import outbox, pdf
    from .search import sync

    # First, so its clock starts before any other hook can answer.
    request_log.init_app(app)
    # Before anything reads the request's text.
    app.before_request(request_text.refuse_nul)
    db.init_app(app)
    migrate.init_app(
        app, db, directory=migrations, render_as_batch=True, render_item=render_migration_type
    )
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    init_login(app)
    security.init_app(app)
    limiter.init_app(app)
    outbox.init_app(app)
    sync.init_app(app)
    pdf.init_app(app)
    # After the limiter, so a stored page still counts against the visitor's budget, and
    # after the search's start, so a process's first request opens the index even when
    # it is answered from a cache the servers share.
    caching.init_app(app, language=select_locale)
    if app.config["PROXY_FIX_HOPS"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def register_blueprints(app: Flask) -> None:
    """Mount the pages and the API."""
    from .agenda.views import bp as agenda_bp
    from .alerts.views import bp as alerts_bp
    from .api import bp as api_bp
    from .auth.views import bp as auth_bp
    from .calendars.views import bp as calendars_bp
    from .core.views import register_error_pages
    from .feeds.views import bp as feeds_bp
    from .home.views import bp as home_bp
    from .meetings import bp as meetings_bp
    from .meetings import order_views, views  # noqa: F401  (their routes join meetings_bp)
    from .members.views import bp as members_bp
    from .minutes.views import bp as minutes_bp
    from .oparl import bp as oparl_bp
    from .opendata.views import bp as opendata_bp
    from .search.views import bp as search_bp
    from .sessions.views import bp as sessions_bp

    app.register_blueprint(home_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(sessions_bp)
    app.register_blueprint(meetings_bp)
    app.register_blueprint(agenda_bp)
    app.register_blueprint(members_bp)
    app.register_blueprint(minutes_bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(calendars_bp)
    app.register_blueprint(feeds_bp)
    app.register_blueprint(alerts_bp)
    app.register_blueprint(oparl_bp)
    app.register_blueprint(opendata_bp)
    register_error_pages(app)


def register_commands(app: Flask) -> None:
    """Add the CLI groups (``flask --app council_app <group> <command>``)."""
    from .alerts.cli import alerts_cli
    from .auth.cli import user_cli
    from .core.cli import backup_cli, files_cli
    from .demo.cli import demo_cli
    from .minutes.cli import minutes_cli
    from .opendata.cli import data_cli
    from .search.cli import search_cli
    from .sessions.cli import sessions_cli

    app.cli.add_command(user_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(sessions_cli)
    app.cli.add_command(minutes_cli)
    app.cli.add_command(search_cli)
    app.cli.add_command(files_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(alerts_cli)
    app.cli.add_command(data_cli)


def register_template_helpers(app: Flask) -> None:
    """Make the date formats and the current language available to templates."""
    from . import i18n
    from .auth.permissions import Permission

    i18n.install_gettext(app)
    app.jinja_env.filters["kdate"] = i18n.date_filter
    app.jinja_env.filters["kdatetime"] = i18n.datetime_filter
    app.jinja_env.filters["kmonth"] = i18n.month_filter
    app.jinja_env.globals["weekday_names"] = i18n.weekday_names
    app.jinja_env.globals["current_locale"] = i18n.current_locale
    app.jinja_env.globals["Permission"] = Permission
