"""WSGI entry point: ``gunicorn wsgi:app``."""

from council_app import create_app

app = create_app()
