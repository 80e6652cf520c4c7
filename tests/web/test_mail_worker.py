"""E-mail through the real job queue: a `checklist worker` process (RQ on the real Redis) sends what
an event wrote, and its periodic run retries by itself through an SMTP outage: the message is
delivered once the server is back, once."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests import jobs as real
from tests.conftest import add_user, context
from tests.smtp import SMTPServer
from tests.web.mail_helpers import outbox


@pytest.fixture
def namespace() -> Iterator[str]:
    real.redis()
    name = real.new_namespace()
    yield name
    real.forget_namespace(name)


def test_the_worker_sends_and_retries_through_an_smtp_outage(app: Flask, client: FlaskClient, database_url: str,
                                                              namespace: str, tmp_path: Path) -> None:
    from web import jobs
    from web.extensions import db
    from web.mail import add
    from web.models import User

    server = SMTPServer()
    mail: dict[str, Any] = {**server.settings(), "MAIL_RETRY_BASE": 1, "MAIL_SEND_EVERY": 1}
    app.config.update(real.settings(namespace, tmp_path / "profiles"), **mail)
    jobs.init_app(app)
    first = add_user("focal_point", "KEN", email="first@ken.test")
    second = add_user("focal_point", "KEN", email="second@ken.test")
    with real.started_worker(database_url, namespace, tmp_path / "profiles", tmp_path,
                             **{name: str(value) for name, value in mail.items()}):
        # the server is down: the message written by the event waits, retried by the worker
        with app.app_context():
            add(db.session.get(User, first.id), "assignment", {"refs": ["chapter:III"]})
            db.session.commit()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not outbox(attempts=2):
            time.sleep(0.2)
        waiting, = outbox()
        assert waiting.status == "pending" and waiting.attempts >= 2, waiting.last_error  # tried again by itself
        server.start()
        try:
            server.wait(1, timeout=30)
            # a new event while everything runs: queued after its commit, sent by the worker
            with app.app_context():
                add(db.session.get(User, second.id), "assignment", {"refs": ["article:15"]})
                db.session.commit()
            server.wait(2, timeout=30)
            time.sleep(3)  # more periodic runs: nothing is sent twice
            assert sorted(r.to[0] for r in server.received) == ["first@ken.test", "second@ken.test"]
        finally:
            server.stop()
    with context():
        assert {m.status for m in outbox()} == {"sent"}
