"""Send plain-text mail through the configured SMTP server; the only module using smtplib."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage


class MailError(Exception):
    """The server refused the message or could not be reached."""


def send(config, recipients: list[str], subject: str, body: str) -> None:
    """Send one message to ``recipients`` through ``MAIL_SERVER``:``MAIL_PORT``."""
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = ", ".join(recipients)
    message["Subject"] = subject
    message.set_content(body)
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise MailError(str(error)) from error
