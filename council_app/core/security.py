"""Security headers on every response, and the host names this site answers to.

The pages carry no inline script or style (scripts and styles come only from /static), so the
Content-Security-Policy needs neither ``'unsafe-inline'`` nor nonces. Frames are refused both by
CSP and by X-Frame-Options (older browsers), so no other site can frame the staff's publish or
withdraw forms. Requests whose Host header is not trusted get a plain 400 before any link is
built from that header.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import SecurityError

#: Where the embedded demo runs (``make run``): always trusted, so health checks on the box work.
LOCAL_HOSTS = ("localhost", "127.0.0.1")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
UNTRUSTED_HOST_MESSAGE = "이 주소(Host)로는 서비스하지 않습니다."


def configure_hosts(config) -> None:
    """Check ``BASE_URL`` and derive ``TRUSTED_HOSTS`` from it when not given."""
    base = config.get("BASE_URL")
    if base:
        parts = urlsplit(base)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"COUNCIL_BASE_URL must look like https://host[:port]: {base!r}")
        config["BASE_URL"] = f"{parts.scheme}://{parts.netloc}"
    if config.get("TRUSTED_HOSTS") is None:
        config["TRUSTED_HOSTS"] = [
            *([urlsplit(base).hostname] if base else []),
            *LOCAL_HOSTS,
        ]


def serves_https() -> bool:
    """Tell whether this request reached the site over https (directly or as configured)."""
    config = current_app.config
    return (
        request.is_secure
        or config.get("PREFERRED_URL_SCHEME") == "https"
        or (config.get("BASE_URL") or "").startswith("https://")
    )


def add_security_headers(response: Response) -> Response:
    """Add the security headers to ``response``, keeping any a view set itself."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if serves_https():
        max_age = current_app.config["HSTS_MAX_AGE"]
        headers.setdefault("Strict-Transport-Security", f"max-age={max_age}")
    return response


def untrusted_host(error: SecurityError):
    """Refuse a request for a host this site does not serve, without building any link."""
    current_app.logger.warning(
        "refused Host %r: add it to COUNCIL_TRUSTED_HOSTS or COUNCIL_BASE_URL",
        request.environ.get("HTTP_HOST"),
    )
    body = {"errors": [{"field": "Host", "message": UNTRUSTED_HOST_MESSAGE}]}
    return jsonify(body), 400


def init_app(app: Flask) -> None:
    """Add the headers to every response and answer untrusted hosts with 400."""
    app.after_request(add_security_headers)
    app.register_error_handler(SecurityError, untrusted_host)
