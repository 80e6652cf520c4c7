"""Carried forward, confirmed (web/cycles): a fully answered 2026.1 response carried into a cycle on
2027.1 through the version mappings, nothing lost, every carried answer marked until confirmed.

The database is one of the test's own (2026.1 then 2027.1 published over it), of the kind the
session runs on (tests/questionnaires/test_publish_2027.py's ``fresh``).
"""

from __future__ import annotations

from typing import Any

import yaml
from flask import Flask
from sqlalchemy import select

import engine
from tests.questionnaires.test_publish_2027 import ARCHIVED, CHECKLIST, MAPPING, cli, expected, fresh, normalised

__all__ = ["fresh"]  # the fixture, imported

PASSWORD = "correct horse battery staple"


def any_answer(question: engine.Question) -> Any:
    """A value of the question's type (JSON), as a State would have given."""
    kind = question.type
    if kind in ("text", "long_text"):
        return f"Answer to {question.id}"
    if kind == "url":
        return "https://example.org/law"
    if kind == "email":
        return "focal@example.org"
    if kind == "number":
        return 3
    if kind == "date":
        return "2025-06-30"
    if kind == "yes_no":
        return True
    if kind == "single_choice":
        return question.choices.choices[0].code  # type: ignore[union-attr]
    if kind == "multiple_choice":
        return [question.choices.choices[-1].code]  # type: ignore[union-attr]
    if kind == "table":
        return [{column.id: any_answer(column) for column in question.columns}]
    raise AssertionError(kind)


def test_a_fully_answered_2026_response_is_carried_into_a_2027_cycle_marked_until_confirmed(fresh: Flask) -> None:
    from web import catalog, cycles, versions
    from web.admin.users import set_account
    from web.answers import Change, save, stored
    from web.extensions import db
    from web.models import Activity, Answer, QuestionnaireVersion, Response, State, User
    from web.reference import load_states

    assert cli(fresh, "questionnaires", "publish", str(ARCHIVED), "--notes", "The first checklist.").exit_code == 0
    with fresh.app_context():
        load_states(db.session)
        focal = set_account(User(), email="focal@ken.test", role="focal_point", state_code="KEN", name="Focal",
                            password=PASSWORD)
        old = db.session.scalars(select(QuestionnaireVersion)).one()
        q_old = catalog.questionnaire(old)
        kenya = db.session.scalars(select(State).where(State.code == "KEN")).one()
        earlier = Response(state_id=kenya.id, version_id=old.id, status="draft")
        db.session.add(earlier)
        db.session.flush()
        given = {qid: any_answer(item) for qid, item in q_old.index.items.items()
                 if isinstance(item, engine.Question) and item.type != "note"}
        result = save(earlier, q_old, [Change(k, v, 0) for k, v in given.items()], focal, "import",
                      visible_only=False)
        assert not result.refused and len(result.saved) == len(given) > 900  # every question answered
        earlier.status = "accepted"
        db.session.commit()
        earlier_id = earlier.id
    assert cli(fresh, "questionnaires", "publish", str(CHECKLIST), "--mapping", str(MAPPING)).exit_code == 0
    opened = cli(fresh, "cycles", "open", "--name", "2027-I", "--chapters", "II,III,IV,V")
    assert opened.exit_code == 0 and "2027.1" in opened.output, opened.output
    with fresh.app_context():
        from web.versions import live_version

        live = live_version("uncac_checklist")
        kenya = db.session.scalars(select(State).where(State.code == "KEN")).one()
        focal = db.session.scalars(select(User)).one()
        response, new = cycles.start(kenya, live, focal)  # type: ignore[arg-type]
        db.session.commit()
        assert new and response.version_id == live.id and response.round_id is not None
        rows = {qid: row for qid, row in stored(response).items() if row.value is not None}
        mapping = yaml.safe_load(MAPPING.read_text(encoding="utf-8"))
        q = catalog.questionnaire(live)
        behind = sorted(set(mapping["confirm"]) & set(given))  # no counterpart in 2027.1 (the file says so)
        assert len(behind) > 10
        for qid, value in given.items():  # nothing lost: each answer is where the mapping sends it
            new_id, value = expected(qid, value, mapping)
            assert new_id in rows, qid
            assert normalised(rows[new_id].value) == normalised(value) or q.question(new_id).type == "table", qid
        assert len(rows) == len(given)
        carried = {qid: row for qid, row in rows.items() if qid not in behind}
        assert {row.carried_from for row in carried.values()} == {"2026.1"}  # every carried answer marked
        assert set(cycles.unconfirmed(response)) == set(carried)
        assert [qid for qid, _value, _old in versions.orphans(response)] == behind or sorted(
            qid for qid, _value, _old in versions.orphans(response)) == behind  # kept, shown read-only
        assert response.answered == 0 and response.percent == 0  # unconfirmed counts as not done
        untouched = {a.question_id: a.value for a in db.session.scalars(
            select(Answer).where(Answer.response_id == earlier_id))}
        assert {k: v for k, v in untouched.items() if v is not None} == given  # the earlier response as it was
        carried = db.session.scalars(select(Activity).where(Activity.response_id == response.id,
                                                            Activity.action == "carried")).one()
        assert carried.details["carried"] == len(given) - len(behind) and carried.details["orphans"] == behind
        rid = response.id
    client = fresh.test_client()
    token = _login(client)
    page = client.get(f"/responses/{rid}/pages/p5_1").get_data(as_text=True)
    assert "Carried over from 2026.1: confirm or update." in page and "Confirm the answers as they are" in page
    assert "Carried over: confirm or update" in client.get(f"/responses/{rid}").get_data(as_text=True)
    submit = client.post(f"/responses/{rid}/submit", data={"csrf_token": token}, follow_redirects=True)
    assert "not confirmed yet" in submit.get_data(as_text=True)
    # one action confirms a provision's page; a change confirms the answer it changes
    assert client.post(f"/responses/{rid}/pages/p5_1/confirm", data={"csrf_token": token}).status_code == 302
    with fresh.app_context():
        response = db.session.get(Response, rid)
        pending = cycles.unconfirmed(response)
        assert not any(qid.startswith("p5_1.") for qid in pending) and "p6_1.compliance" in pending
        assert response.answered > 0
        confirmed = db.session.scalars(select(Activity).where(Activity.response_id == rid,
                                                              Activity.action == "confirmed")).one()
        assert "p5_1.compliance" in confirmed.details["questions"]
        version = stored(response)["p6_1.compliance"].version
    client.post(f"/responses/{rid}/pages/p6_1", data={"csrf_token": token, "p6_1.compliance": "no",
                                                      "_p-p6_1.compliance": "1", "_v-p6_1.compliance": str(version)})
    with fresh.app_context():
        assert "p6_1.compliance" not in cycles.unconfirmed(db.session.get(Response, rid))


def _login(client: Any) -> str:
    from tests.conftest import csrf_token

    token = csrf_token(client)
    assert client.post("/login", data={"email": "focal@ken.test", "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302
    return csrf_token(client, "/")
