"""Send plain-text mail through the configured SMTP server; the only module using smtplib."""

from __future__ import annotations

import smtplib
from email import policy
from email.message import EmailMessage


class MailError(Exception):
    """The server refused the message or could not be reached."""


def send(
    config, recipients: list[str], subject: str, body: str, headers: dict | None = None
) -> None:
    """Send one message to ``recipients`` through ``MAIL_SERVER``:``MAIL_PORT``.

    ``headers`` adds fields such as ``List-Unsubscribe``.
    """
    # Lines up to RFC 5322's limit: a List-Unsubscribe URL must not be folded or encoded.
    message = EmailMessage(policy=policy.default.clone(max_line_length=998))
    message["From"] = config["MAIL_FROM"]
    message["To"] = ", ".join(recipients)
    message["Subject"] = subject
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise MailError(str(error)) from error
