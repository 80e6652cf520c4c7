"""Saves racing a submission, over real connections (SQLite and PostgreSQL).

Every write of answers and every status change of one response is serialised: on PostgreSQL by the
response's row lock (SELECT ... FOR UPDATE), on SQLite by the write transaction (BEGIN IMMEDIATE).
The invariant checked after every race: the snapshot of a submitted response holds exactly its live
answers, and no answer was accepted after the submission. The loser of a race is refused with the
"already submitted" message and stores nothing.

The interleavings are explicit: one request is held at a known point (a hook waits on an event)
while the other runs. Where the database makes the second request wait for the first (the fix at
work), the test lets the first go on after a short wait instead of dead-locking.
"""

from __future__ import annotations

import hashlib
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import add_user, context, csrf_token, login
from tests.web.test_workflow import autosave, small_response


@pytest.fixture
def team(app: Flask) -> dict[str, Any]:
    return {"focal": add_user("focal_point", "KEN"), "contributor": add_user("contributor", "KEN"),
            "reviewer": add_user("secretariat_reviewer")}


def client_of(app: Flask, user: Any) -> FlaskClient:
    client = app.test_client()
    login(client, user)
    return client


def complete(client: FlaskClient, rid: int) -> None:
    autosave(client, rid, [{"q": "compliance", "value": "yes", "base": 0},
                           {"q": "measures", "value": "Penal code", "base": 0}])


def live_and_snapshot(rid: int) -> tuple[dict[str, Any], Any]:
    from web.extensions import db
    from web.models import Answer, Response, Snapshot

    with context():
        rows = db.session.scalars(select(Answer).where(Answer.response_id == rid)).all()
        live = {row.question_id: {"value": row.value, "version": row.version, "language": row.language}
                for row in sorted(rows, key=lambda r: r.question_id) if row.value is not None}
        snap = db.session.scalars(select(Snapshot).where(Snapshot.response_id == rid)
                                  .order_by(Snapshot.number.desc())).first()
        status = db.session.get(Response, rid).status
        return live, (snap.answers, snap.answers_hash, status) if snap else (None, None, status)


def assert_snapshot_is_live(rid: int) -> None:
    from web.workflow import canonical

    live, (frozen, digest, status) = live_and_snapshot(rid)
    assert status == "submitted"
    assert frozen == live, "the snapshot differs from the live answers"
    assert digest == hashlib.sha256(canonical(live).encode()).hexdigest()


def revisions_with_key(rid: int, key: str) -> int:
    from web.extensions import db
    from web.models import AnswerRevision

    with context():
        return len(db.session.scalars(select(AnswerRevision).where(
            AnswerRevision.response_id == rid, AnswerRevision.save_key == key)).all())


@contextmanager
def held(monkeypatch: pytest.MonkeyPatch, target: Any, name: str) -> Iterator[tuple[threading.Event, threading.Event]]:
    """Replace ``target.name`` by a wrapper that says it was reached and waits to be let go."""
    reached, go = threading.Event(), threading.Event()
    original: Callable[..., Any] = getattr(target, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        reached.set()
        assert go.wait(30), "never let go"
        return original(*args, **kwargs)

    monkeypatch.setattr(target, name, wrapper)
    try:
        yield reached, go
    finally:
        go.set()


def in_thread(work: Callable[[], Any]) -> tuple[threading.Thread, dict[str, Any]]:
    out: dict[str, Any] = {}

    def run() -> None:
        try:
            out["value"] = work()
        except BaseException as exc:  # noqa: BLE001 - re-raised by the test
            out["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, out


def post_autosave(client: FlaskClient, rid: int, token: str, key: str, value: str, base: int) -> Any:
    return client.post(f"/responses/{rid}/autosave", json={"page": "s", "changes": [
        {"q": "notes", "value": value, "base": base, "key": key}]},
        headers={"X-CSRFToken": token, "Accept": "application/json"})


def post_submit(client: FlaskClient, rid: int, token: str) -> Any:
    return client.post(f"/responses/{rid}/submit", data={"csrf_token": token})


def test_a_save_begun_before_a_submit_cannot_land_after_it(app: Flask, team: dict[str, Any],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The autosave has read the response (a draft) when the submission commits; then it writes."""
    import web.fill

    rid = small_response()
    focal = client_of(app, team["focal"])
    complete(focal, rid)
    writer = client_of(app, team["contributor"])
    save_token = csrf_token(writer, f"/responses/{rid}")
    submit_token = csrf_token(focal, f"/responses/{rid}")
    key = uuid.uuid4().hex
    with held(monkeypatch, web.fill, "save") as (reached, go):
        saver, saved = in_thread(lambda: post_autosave(writer, rid, save_token, key, "late", 0))
        assert reached.wait(30)
        submitter, submitted = in_thread(lambda: post_submit(focal, rid, submit_token))
        submitter.join(2)  # PostgreSQL: the submission does not wait; SQLite: it waits for the save's transaction
        go.set()
        saver.join(30)
        submitter.join(30)
    assert "error" not in saved and "error" not in submitted, (saved, submitted)
    assert submitted["value"].status_code == 302
    reply = saved["value"]
    if reply.status_code == 200:  # the save won: it committed first, so the snapshot has it
        assert "notes" in reply.get_json()["saved"]
    else:  # the submission won: the save is refused, clearly, and stored nothing
        assert reply.status_code == 409, reply.get_data(as_text=True)
        assert "submitted" in reply.get_json()["error"]
        assert revisions_with_key(rid, key) == 0
    assert_snapshot_is_live(rid)


def test_a_save_during_a_submit_waits_for_it_and_is_refused(app: Flask, team: dict[str, Any],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The submission has read the answers when an autosave arrives: the autosave must not slip in
    between the read and the status change."""
    import web.workflow

    rid = small_response()
    focal = client_of(app, team["focal"])
    complete(focal, rid)
    writer = client_of(app, team["contributor"])
    save_token = csrf_token(writer, f"/responses/{rid}")
    submit_token = csrf_token(focal, f"/responses/{rid}")
    key = uuid.uuid4().hex
    with held(monkeypatch, web.workflow, "refresh") as (reached, go):
        submitter, submitted = in_thread(lambda: post_submit(focal, rid, submit_token))
        assert reached.wait(30)
        saver, saved = in_thread(lambda: post_autosave(writer, rid, save_token, key, "slipped in", 0))
        saver.join(2)  # must wait for the submission (row lock / write transaction)
        go.set()
        submitter.join(30)
        saver.join(30)
    assert "error" not in saved and "error" not in submitted, (saved, submitted)
    assert submitted["value"].status_code == 302
    reply = saved["value"]
    assert reply.status_code == 409, reply.get_data(as_text=True)
    assert "submitted" in reply.get_json()["error"]
    assert revisions_with_key(rid, key) == 0
    assert_snapshot_is_live(rid)


def test_saves_against_submissions_under_stress(app: Flask, team: dict[str, Any]) -> None:
    """Three writers autosave as fast as they can while the focal point submits and the secretariat
    returns, five times: after every submission the snapshot equals the live answers."""
    rid = small_response()
    focal = client_of(app, team["focal"])
    complete(focal, rid)
    reviewer = client_of(app, team["reviewer"])
    review_token = csrf_token(reviewer, f"/responses/{rid}")
    submit_token = csrf_token(focal, f"/responses/{rid}")
    stop = threading.Event()
    outcomes: list[int] = []
    lock = threading.Lock()

    def write(user: Any, name: str) -> None:
        client = client_of(app, user)
        token = csrf_token(client, f"/responses/{rid}")
        base, count = 0, 0
        deadline = time.monotonic() + 60
        while not stop.is_set() and time.monotonic() < deadline:
            count += 1
            reply = post_autosave(client, rid, token, uuid.uuid4().hex, f"{name} {count}", base)
            with lock:
                outcomes.append(reply.status_code)
            body = reply.get_json() or {}
            if reply.status_code == 200:
                base = body["saved"].get("notes", body["unchanged"].get("notes", base))
                for conflict in body["conflicts"]:
                    base = conflict["their_version"]

    writers = [threading.Thread(target=write, args=(user, name), daemon=True) for user, name in (
        (team["contributor"], "contributor"), (team["focal"], "focal"), (add_user("focal_point", "KEN"), "other"))]
    for thread in writers:
        thread.start()
    try:
        for _round in range(5):
            time.sleep(0.15)
            done = post_submit(focal, rid, submit_token)
            assert done.status_code == 302
            assert_snapshot_is_live(rid)
            time.sleep(0.1)  # writers keep trying while the response is submitted: all refused
            assert_snapshot_is_live(rid)
            back = reviewer.post(f"/responses/{rid}/return", data={"csrf_token": review_token})
            assert back.status_code == 302
    finally:
        stop.set()
        for thread in writers:
            thread.join(30)
    assert 200 in outcomes and 409 in outcomes, sorted(set(outcomes))
    assert set(outcomes) <= {200, 409}, sorted(set(outcomes))
