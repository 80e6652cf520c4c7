"""Submission, review, amendment, comments and history, over a real database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.conftest import add_user, context, csrf_token, login

SMALL = textwrap.dedent("""\
    id: small_review
    version: "1"
    title: {en: Small review, fr: Petit examen}
    languages: [en, fr]
    default_language: en
    choice_lists:
      yn:
        - {code: "yes", label: {en: "Yes", fr: Oui}}
        - {code: "no", label: {en: "No", fr: Non}}
    sections:
      - id: s
        title: {en: Section, fr: Section}
        items:
          - {id: compliance, type: single_choice, choices: yn, required: true, label: {en: Compliance, fr: Conformité}}
          - id: measures
            type: long_text
            required: true
            show_if: ${compliance} = 'yes'
            label: {en: Measures, fr: Mesures}
          - {id: notes, type: text, label: {en: Notes, fr: Notes}}
    """)


def small_response(state: str = "KEN") -> int:
    from web import catalog
    from web.extensions import db
    from web.models import QuestionnaireVersion, Response, State

    with context():
        version = db.session.scalars(select(QuestionnaireVersion).where(
            QuestionnaireVersion.questionnaire_id == "small_review")).first()
        if version is None:
            version = catalog.publish_text(SMALL, "small.yaml").version
        state_row = db.session.scalars(select(State).where(State.code == state)).one()
        response = Response(state_id=state_row.id, version_id=version.id, status="draft")
        db.session.add(response)
        db.session.commit()
        return response.id


def autosave(client: FlaskClient, response_id: int, changes: list[dict]) -> dict:
    token = csrf_token(client, f"/responses/{response_id}")
    reply = client.post(f"/responses/{response_id}/autosave", json={"page": "s", "changes": changes},
                        headers={"X-CSRFToken": token})
    assert reply.status_code == 200, reply.get_data(as_text=True)
    return reply.get_json()


def post(client: FlaskClient, url: str, data: dict | None = None, token_from: str = "/") -> object:
    return client.post(url, data={**(data or {}), "csrf_token": csrf_token(client, token_from)})


def status_of(response_id: int) -> tuple[str, int]:
    from web.extensions import db
    from web.models import Response, Snapshot

    with context():
        response = db.session.get(Response, response_id)
        count = db.session.scalar(select(func.count()).select_from(Snapshot).where(
            Snapshot.response_id == response_id))
        return response.status, count


@pytest.fixture
def team(app: Flask) -> dict:
    return {"focal": add_user("focal_point", "KEN"), "reviewer": add_user("secretariat_reviewer"),
            "other": add_user("focal_point", "FRA")}


def test_incomplete_response_cannot_be_submitted(client: FlaskClient, team: dict) -> None:
    rid = small_response()
    login(client, team["focal"])
    autosave(client, rid, [{"q": "compliance", "value": "yes", "base": 0}])
    refused = post(client, f"/responses/{rid}/submit", token_from=f"/responses/{rid}")
    assert refused.status_code == 400
    assert "Measures" in refused.get_data(as_text=True)
    assert status_of(rid) == ("draft", 0)


def test_submit_freezes_a_snapshot_that_later_edits_do_not_change(app: Flask, client: FlaskClient,
                                                                   team: dict) -> None:
    from web.extensions import db
    from web.models import Snapshot
    from web.workflow import canonical

    rid = small_response()
    login(client, team["focal"])
    autosave(client, rid, [{"q": "compliance", "value": "yes", "base": 0},
                           {"q": "measures", "value": "Penal code", "base": 0}])
    done = post(client, f"/responses/{rid}/submit", token_from=f"/responses/{rid}")
    assert done.status_code == 302
    assert status_of(rid) == ("submitted", 1)
    # the State can no longer change answers while the secretariat reviews them
    token = csrf_token(client, f"/responses/{rid}")
    blocked = client.post(f"/responses/{rid}/autosave", json={"page": "s", "changes": [
        {"q": "measures", "value": "Changed", "base": 1}]}, headers={"X-CSRFToken": token})
    assert blocked.status_code == 409  # "already submitted": the browser keeps the change and says why
    assert blocked.get_json()["closed"] is True and "submitted" in blocked.get_json()["error"]
    # returned, edited and resubmitted: both snapshots stay as they were
    reviewer = app.test_client()
    login(reviewer, team["reviewer"])
    assert post(reviewer, f"/responses/{rid}/return", {"note": "Please cite the article."},
                token_from=f"/responses/{rid}").status_code == 302
    assert status_of(rid) == ("returned", 1)
    autosave(client, rid, [{"q": "measures", "value": "Penal code, section 12", "base": 1}])
    assert post(client, f"/responses/{rid}/submit", token_from=f"/responses/{rid}").status_code == 302
    assert status_of(rid) == ("submitted", 2)
    with app.app_context():
        first, second = db.session.scalars(select(Snapshot).where(Snapshot.response_id == rid)
                                           .order_by(Snapshot.number)).all()
        assert first.answers["measures"]["value"] == "Penal code"
        assert second.answers["measures"]["value"] == "Penal code, section 12"
        for snap in (first, second):
            import hashlib

            assert hashlib.sha256(canonical(snap.answers).encode()).hexdigest() == snap.answers_hash


def test_accept_amend_and_profile_source(app: Flask, client: FlaskClient, team: dict) -> None:
    from web.extensions import db
    from web.models import Response
    from web.workflow import profile_source

    rid = small_response()
    login(client, team["focal"])
    autosave(client, rid, [{"q": "compliance", "value": "yes", "base": 0},
                           {"q": "measures", "value": "Law A", "base": 0}])
    post(client, f"/responses/{rid}/submit", token_from=f"/responses/{rid}")
    reviewer = app.test_client()
    login(reviewer, team["reviewer"])
    accepted = post(reviewer, f"/responses/{rid}/accept", {"publish": "1"}, token_from=f"/responses/{rid}")
    assert accepted.status_code == 302
    with app.app_context():  # the State has not consented: accepted, not published
        response = db.session.get(Response, rid)
        assert response.status == "accepted" and not response.published
    assert post(client, f"/responses/{rid}/consent", {"consent": "profile"},
                token_from=f"/responses/{rid}").status_code == 302
    assert post(reviewer, f"/responses/{rid}/publish", {"published": "1"},
                token_from=f"/responses/{rid}").status_code == 302
    with app.app_context():
        response = db.session.get(Response, rid)
        assert response.status == "accepted" and response.published
    assert post(client, f"/responses/{rid}/amend", token_from=f"/responses/{rid}").status_code == 302
    autosave(client, rid, [{"q": "measures", "value": "Law B (amended)", "base": 1}])
    with app.app_context():
        response = db.session.get(Response, rid)
        assert (response.status, response.revision, response.published) == ("draft", 2, False)
        assert profile_source(response, live=True).answers["measures"] == "Law B (amended)"
        # a draft's profile shows live answers; a submitted one shows its snapshot
        assert profile_source(response).snapshot is None
    post(client, f"/responses/{rid}/submit", token_from=f"/responses/{rid}")
    autosave_blocked = status_of(rid)
    assert autosave_blocked == ("submitted", 2)
    with app.app_context():
        source = profile_source(db.session.get(Response, rid))
        assert source.snapshot is not None and source.snapshot.revision == 2
        assert source.answers["measures"] == "Law B (amended)"


def test_only_the_right_people_move_the_workflow(app: Flask, client: FlaskClient, team: dict) -> None:
    rid = small_response()
    login(client, team["reviewer"])
    assert post(client, f"/responses/{rid}/submit", token_from=f"/responses/{rid}").status_code == 403
    other = app.test_client()
    login(other, team["other"])
    assert post(other, f"/responses/{rid}/submit").status_code == 404
    focal = app.test_client()
    login(focal, team["focal"])
    assert post(focal, f"/responses/{rid}/accept", token_from=f"/responses/{rid}").status_code == 403
    assert status_of(rid) == ("draft", 0)


def test_comments_threads_and_resolution(app: Flask, client: FlaskClient, team: dict) -> None:
    from web.extensions import db
    from web.models import Comment

    rid = small_response()
    reviewer = app.test_client()
    login(reviewer, team["reviewer"])
    page = f"/responses/{rid}/comments"
    assert post(reviewer, page, {"body": "Which article of the code?", "question_id": "measures"},
                token_from=page).status_code == 302
    login(client, team["focal"])
    assert post(client, page, {"body": "A top-level comment"}, token_from=page).status_code == 403
    with app.app_context():
        comment = db.session.scalars(select(Comment)).one()
    assert post(client, page, {"body": "Article 12.", "parent_id": comment.id}, token_from=page).status_code == 302
    assert post(client, f"/comments/{comment.id}/resolve", token_from=page).status_code == 403
    assert post(reviewer, f"/comments/{comment.id}/resolve", token_from=page).status_code == 302
    with app.app_context():
        rows = db.session.scalars(select(Comment).order_by(Comment.id)).all()
        assert [(c.body, c.status, c.question_id) for c in rows] == [
            ("Which article of the code?", "resolved", "measures"), ("Article 12.", "open", "measures")]
    listing = client.get(page).get_data(as_text=True)
    assert "Which article of the code?" in listing and "Article 12." in listing
    outsider = app.test_client()
    login(outsider, team["other"])
    assert outsider.get(page).status_code == 404


def test_history_shows_every_change(client: FlaskClient, team: dict) -> None:
    rid = small_response()
    login(client, team["focal"])
    autosave(client, rid, [{"q": "notes", "value": "first", "base": 0}])
    autosave(client, rid, [{"q": "notes", "value": "second <b>bold</b>", "base": 1}])
    page = client.get(f"/responses/{rid}/history/notes").get_data(as_text=True)
    assert "second &lt;b&gt;bold&lt;/b&gt;" in page and "<b>bold" not in page  # escaped
    assert page.count(">first<") == 2  # the first value, then the "before" of the second change
    activity = client.get(f"/responses/{rid}/activity")
    assert activity.status_code == 200


KILLER = textwrap.dedent("""
    import os, sys, time
    from web import create_app
    from web import workflow
    from web.extensions import db
    from web.models import Response, User

    app = create_app({"DATABASE_URL": sys.argv[1], "SECRET_KEY": "x", "TESTING": True})
    original = workflow.log

    def slow_log(*args, **kwargs):
        original(*args, **kwargs)
        db.session.flush()
        print("IN-SUBMIT", flush=True)
        time.sleep(60)  # killed here: the snapshot is written but not committed

    workflow.log = slow_log
    with app.app_context():
        response = db.session.get(Response, int(sys.argv[2]))
        user = db.session.get(User, int(sys.argv[3]))
        workflow.submit(response, user)
        db.session.commit()
""")


def test_process_killed_during_submit_leaves_the_old_state(app: Flask, database_url: str, tmp_path: Path,
                                                           team: dict) -> None:
    from web.answers import Change, save
    from web.extensions import db
    from web.models import Response, User

    rid = small_response()
    with app.app_context():
        response = db.session.get(Response, rid)
        focal = db.session.get(User, team["focal"].id)
        from web import catalog

        q = catalog.questionnaire(response.version)
        save(response, q, [Change("compliance", "no", 0)], focal, "save")
        db.session.commit()
    script = tmp_path / "killer.py"
    script.write_text(KILLER)
    root = Path(__file__).resolve().parents[2]
    process = subprocess.Popen([sys.executable, str(script), database_url, str(rid), str(team["focal"].id)],
                               stdout=subprocess.PIPE, cwd=root, env={**os.environ, "PYTHONPATH": str(root)})
    assert process.stdout is not None
    line = process.stdout.readline().decode()
    assert "IN-SUBMIT" in line, line
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    process.stdout.close()
    time.sleep(0.2)
    assert status_of(rid) == ("draft", 0)  # neither submitted nor half-submitted
