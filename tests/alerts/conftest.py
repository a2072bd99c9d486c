"""Minutes published as the search tests publish them; a real SMTP server on localhost."""

import socket

import pytest

from tests.search.conftest import council, make_meeting, publish  # noqa: F401  (fixtures)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """The messages an aiosmtpd server on 127.0.0.1 received, in order."""

    def __init__(self):
        from aiosmtpd.controller import Controller
        from aiosmtpd.handlers import Message

        self.messages = []
        box = self

        class Keep(Message):
            def handle_message(self, message):
                box.messages.append(message)

        self.port = free_port()
        self.controller = Controller(Keep(), hostname="127.0.0.1", port=self.port)

    def pop(self):
        """Return the messages received since the last call, and forget them."""
        messages, self.messages = self.messages, []
        return messages


@pytest.fixture
def mailbox(app):
    """Run a local SMTP server and point the app's mail settings at it."""
    box = Mailbox()
    box.controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=box.port, BASE_URL="http://localhost")
    yield box
    box.controller.stop()
