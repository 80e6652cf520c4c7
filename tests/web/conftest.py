"""Fixtures of the web tests that send e-mail: a real SMTP server on loopback and a recording queue."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.smtp import SMTPServer
from tests.web.mail_helpers import RecordingQueue


@pytest.fixture
def smtp() -> Iterator[SMTPServer]:
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def queue(app: Flask) -> RecordingQueue:
    recorder = RecordingQueue()
    app.extensions["jobs"] = recorder
    return recorder


@pytest.fixture
def mailer(app: Flask, smtp: SMTPServer, queue: RecordingQueue) -> SMTPServer:
    """The app sends by the loopback SMTP server; jobs are recorded, and run by the test."""
    app.config.update(smtp.settings())
    return smtp
