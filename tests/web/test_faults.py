"""Database faults answer 503 with Retry-After (never the generic 500), and the app recovers alone.

Faults are real where the database allows it: on PostgreSQL the app's connection is killed in the
middle of a request (``pg_terminate_backend``) and the server is made unreachable for a while (the
app talks to it through a loopback proxy that the test stops and starts again); on SQLite the
database stays locked by another connection past the busy timeout. A generic fault (the driver's
own ``OperationalError`` raised as a statement runs) is injected on both.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

from tests.conftest import add_user, context, csrf_token, login, make_app, reset
from tests.web.test_fill import every_type, focal, page_path, post_page, stored

__all__ = ["every_type", "focal"]
POSTGRES = bool(os.environ.get("TEST_DATABASE_URL"))


@pytest.fixture
def fault(app: Flask) -> Iterator[Callable[[str, int], list[str]]]:
    """``fault(sql_fragment, times)``: the next ``times`` statements containing the fragment fail as
    a lost connection would (PostgreSQL: the connection is really killed)."""
    from web.extensions import db

    plan: dict[str, Any] = {"fragment": None, "left": 0}
    seen: list[str] = []
    with app.app_context():
        engine = db.engine

    def before(conn: Any, cursor: Any, statement: str, params: Any, ctx: Any, many: bool) -> None:
        if plan["left"] <= 0 or plan["fragment"] not in statement:
            return
        plan["left"] -= 1
        seen.append(statement)
        if engine.dialect.name == "postgresql":
            pid = conn.connection.dbapi_connection.info.backend_pid
            url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
            with psycopg.connect(url, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        else:
            raise sqlite3.OperationalError("disk I/O error")

    event.listen(engine, "before_cursor_execute", before)

    def arm(fragment: str, times: int = 1) -> list[str]:
        plan["fragment"], plan["left"] = fragment, times
        return seen

    yield arm
    event.remove(engine, "before_cursor_execute", before)


def test_a_read_is_run_once_more_after_a_lost_connection(client: FlaskClient, focal: Any, every_type: int,
                                                         fault: Callable[[str, int], list[str]]) -> None:
    seen = fault("FROM answers", 1)
    reply = client.get(page_path(every_type))
    assert seen, "the fault was not injected"
    assert reply.status_code == 200


def test_an_autosave_with_keys_is_run_once_more_and_counts_once(client: FlaskClient, focal: Any, every_type: int,
                                                                fault: Callable[[str, int], list[str]]) -> None:
    token = csrf_token(client, page_path(every_type))
    seen = fault("INSERT INTO answer_revisions", 1)
    reply = client.post(f"/responses/{every_type}/autosave", json={"page": "main", "changes": [
        {"q": "name", "value": "Amina", "base": 0, "key": "k-1"}]}, headers={"X-CSRFToken": token})
    assert seen and reply.status_code == 200
    assert reply.get_json()["saved"] == {"name": 1}
    assert stored(every_type) == {"name": "Amina"}


def test_a_fault_that_persists_is_a_503_the_browser_retries(client: FlaskClient, focal: Any, every_type: int,
                                                            fault: Callable[[str, int], list[str]]) -> None:
    token = csrf_token(client, page_path(every_type))
    fault("INSERT INTO answer_revisions", 2)  # the first attempt and its repeat
    reply = client.post(f"/responses/{every_type}/autosave", json={"page": "main", "changes": [
        {"q": "name", "value": "Amina", "base": 0, "key": "k-2"}]},
        headers={"X-CSRFToken": token, "Accept": "application/json"})
    assert reply.status_code == 503
    assert reply.headers["Retry-After"] == "5"
    body = reply.get_json()
    assert body["retry"] is True and body["retry_after"] == 5 and "saved answers are safe" in body["error"]
    assert stored(every_type) == {}
    again = client.post(f"/responses/{every_type}/autosave", json={"page": "main", "changes": [
        {"q": "name", "value": "Amina", "base": 0, "key": "k-2"}]}, headers={"X-CSRFToken": token})
    assert again.status_code == 200 and stored(every_type) == {"name": "Amina"}  # no restart needed


def test_a_page_save_without_a_key_is_not_repeated_and_shows_what_was_typed(
        client: FlaskClient, focal: Any, every_type: int, fault: Callable[[str, int], list[str]]) -> None:
    fault("INSERT INTO answer_revisions", 1)
    reply = post_page(client, every_type, {"name": "Typed name", "_k": ""})
    assert reply.status_code == 503
    assert reply.headers["Retry-After"] == "5"
    page = reply.get_data(as_text=True)
    assert "Your saved answers are safe" in page and "Typed name" in page
    assert stored(every_type) == {}
    assert post_page(client, every_type, {"name": "Typed name"}).status_code == 302
    assert stored(every_type) == {"name": "Typed name"}


def test_a_status_change_is_not_repeated(app: Flask, client: FlaskClient,
                                         fault: Callable[[str, int], list[str]]) -> None:
    from tests.web.test_workflow import small_response

    rid = small_response()
    login(client, add_user("secretariat_reviewer"))
    token = csrf_token(client, f"/responses/{rid}")
    seen = fault("INSERT INTO comments", 1)
    reply = client.post(f"/responses/{rid}/comments", data={"csrf_token": token, "body": "Why?"})
    assert len(seen) == 1 and reply.status_code == 503
    from web.extensions import db
    from web.models import Comment

    with context():
        assert db.session.scalars(select(Comment)).all() == []


# -- the database unreachable for a while ----------------------------------------------------------------------
class Proxy:
    """A loopback TCP proxy to PostgreSQL that can be cut and restored (as a network or a restart would)."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open = True
        self.pairs: list[tuple[socket.socket, socket.socket]] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _addr = self.listener.accept()
            except OSError:
                return
            if not self.open:
                _close(client)
                continue
            server = socket.create_connection(self.target)
            with self.lock:
                self.pairs.append((client, server))
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for s in (source, sink):
            _close(s)

    def cut(self) -> None:
        self.open = False
        with self.lock:
            for pair in self.pairs:
                for s in pair:
                    _close(s)
            self.pairs.clear()

    def restore(self) -> None:
        self.open = True

    def close(self) -> None:
        self.cut()
        self.listener.close()


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


@pytest.fixture
def flaky_app(database_url: str, baseline: dict[str, Any], tmp_path: Path) -> Iterator[tuple[Flask, Any]]:
    """An app whose database can be made unavailable and available again: ``(app, switch)``."""
    from sqlalchemy.engine import make_url

    from tests import conftest
    from web.extensions import db

    if POSTGRES:
        url = make_url(database_url)
        proxy = Proxy((url.host or "127.0.0.1", url.port or 5432))
        app = make_app(url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False), tmp_path)
        switch: Any = proxy
    else:
        app = make_app(database_url, tmp_path, DATABASE_BUSY_TIMEOUT=0.2)
        switch = SqliteLock(database_url.removeprefix("sqlite:///"))
    conftest._current.append(app)
    try:
        yield app, switch
    finally:
        switch.close()
        conftest._current.remove(app)
        db.dispose(app)
        direct = make_app(database_url, tmp_path)
        with direct.app_context():
            reset(baseline)
        db.dispose(direct)


class SqliteLock:
    """Another process's long write transaction: every writer of the app waits past its timeout."""

    def __init__(self, path: str):
        self.connection = sqlite3.connect(path, isolation_level=None, timeout=30)

    def cut(self) -> None:
        self.connection.execute("BEGIN EXCLUSIVE")

    def restore(self) -> None:
        self.connection.execute("COMMIT")

    def close(self) -> None:
        if self.connection.in_transaction:
            self.connection.execute("ROLLBACK")
        self.connection.close()


def test_the_database_unreachable_for_a_while_then_back_without_a_restart(
        flaky_app: tuple[Flask, Any]) -> None:
    app, switch = flaky_app
    client = app.test_client()
    user = add_user("focal_point", "KEN")
    login(client, user)
    token = csrf_token(client, "/")
    from tests.web.test_workflow import small_response

    rid = small_response()
    assert client.get(f"/responses/{rid}").status_code == 200
    switch.cut()
    try:
        reply = client.post(f"/responses/{rid}/autosave", json={"page": "s", "changes": [
            {"q": "notes", "value": "During the outage", "base": 0, "key": "outage-1"}]},
            headers={"X-CSRFToken": token, "Accept": "application/json"})
        assert reply.status_code == 503, reply.get_data(as_text=True)[:300]
        assert reply.headers["Retry-After"] and reply.get_json()["retry"] is True
        page = client.post(f"/responses/{rid}/comments", data={"csrf_token": token, "body": "x"})
        assert page.status_code in (503, 403)  # refused either way: never a 500
        if POSTGRES:  # reads need the database too (SQLite readers are not blocked by a writer)
            read = client.get(f"/responses/{rid}")
            assert read.status_code == 503 and "Your saved answers are safe" in read.get_data(as_text=True)
    finally:
        switch.restore()
    again = client.post(f"/responses/{rid}/autosave", json={"page": "s", "changes": [
        {"q": "notes", "value": "During the outage", "base": 0, "key": "outage-1"}]}, headers={"X-CSRFToken": token})
    assert again.status_code == 200, again.get_data(as_text=True)[:300]
    assert again.get_json()["saved"] == {"notes": 1}
    assert client.get(f"/responses/{rid}").status_code == 200
