"""Each response's evaluation stored and kept in step with its answers (web.evaluations): after any
sequence of saves the stored visibility and totals equal a full evaluation of the stored answers,
and a page reads its own answers only, never the whole response."""

from __future__ import annotations

import random
import uuid
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

from tests.conftest import add_user, context, csrf_token, login, start_response

FOLLOW = "p5_1"  # a provision page of the checklist: compliance and its follow-ups


def stored_tables(response_id: int) -> tuple[Any, ...]:
    from web.extensions import db
    from web.models import EvaluationItem, EvaluationTotal

    with context():
        visible = {row.item_id: row.visible for row in db.session.scalars(
            select(EvaluationItem).where(EvaluationItem.response_id == response_id))}
        totals: dict[str, dict[str, tuple[int, ...]]] = {"group": {}, "provision": {}, "article": {}, "page": {}}
        for row in db.session.scalars(select(EvaluationTotal).where(EvaluationTotal.response_id == response_id)):
            totals[row.scope][row.key] = (row.questions, row.answered, row.required, row.required_answered,
                                          row.errors)
        return visible, totals["group"], totals["provision"], totals["article"], totals["page"]


def full_tables(response_id: int) -> tuple[Any, ...]:
    import engine
    from engine.stored import full_tables as tables
    from web import catalog
    from web.answers import stored, values
    from web.evaluations import page_totals
    from web.extensions import db
    from web.fill.pages import pages
    from web.models import Response

    with context():
        response = db.session.get(Response, response_id)
        q = catalog.questionnaire(response.version)
        evaluation = engine.evaluate(q, values(q, stored(response)))
        visible, groups, provisions, articles = tables(evaluation)
        page_rows = {page.id: page_totals(evaluation, page) for page in pages(q).list}
        return visible, *({key: tuple(value) for key, value in table.items()}
                          for table in (groups, provisions, articles, page_rows))


def autosave(client: FlaskClient, response_id: int, token: str, changes: list[tuple[str, Any, int]]) -> Any:
    payload = {"page": FOLLOW, "changes": [{"q": q, "value": v, "base": base, "key": uuid.uuid4().hex}
                                           for q, v, base in changes]}
    reply = client.post(f"/responses/{response_id}/autosave", json=payload, headers={"X-CSRFToken": token})
    assert reply.status_code == 200, reply.get_data(as_text=True)[:300]
    return reply.get_json()


def test_stored_state_follows_every_save(app: Flask, client: FlaskClient) -> None:
    response = start_response("KEN")
    login(client, add_user("focal_point", "KEN"))
    token = csrf_token(client, f"/responses/{response.id}/pages/{FOLLOW}")
    codes = {f"{FOLLOW}.compliance": ["yes", "partial", "no", None],
             f"{FOLLOW}.measures_summary": ["A law of 2003.", None],
             f"{FOLLOW}.challenges_detail": ["Staff.", None],
             f"{FOLLOW}.ta_needed": [True, False, None]}
    versions: dict[str, int] = {}
    rng = random.Random(5)
    saved = 0
    for step in range(14):
        qid = rng.choice(sorted(codes))
        reply = autosave(client, response.id, token, [(qid, rng.choice(codes[qid]), versions.get(qid, 0))])
        assert not reply["refused"] and not reply["conflicts"]
        saved += len(reply["saved"])
        versions.update(reply["saved"])
        for kept, item in reply["kept"].items():
            versions[kept] = item["version"]
        assert stored_tables(response.id) == full_tables(response.id), f"after step {step}"
    assert saved >= 6


def test_a_page_reads_only_its_own_answers(app: Flask, client: FlaskClient) -> None:
    from web.extensions import db

    response = start_response("KEN")
    login(client, add_user("focal_point", "KEN"))
    token = csrf_token(client, f"/responses/{response.id}/pages/{FOLLOW}")
    autosave(client, response.id, token, [(f"{FOLLOW}.compliance", "partial", 0)])  # stores the state
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(" ".join(statement.split()))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        page = client.get(f"/responses/{response.id}/pages/{FOLLOW}")
        page_statements = len(statements)
        autosave(client, response.id, token, [(f"{FOLLOW}.measures_summary", "A law.", 0)])
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert page.status_code == 200 and "A law." not in page.get_data(as_text=True)
    # The side navigation (on the page) and the one progress figure kept on the response (after the
    # autosave) need every page's status: each request reads the whole response once, no more. The
    # stored evaluation still serves the answers and visibility of the page itself, key by key.
    for part in (statements[:page_statements], statements[page_statements:]):
        whole_reads = [s for s in part if "FROM answers" in s and " IN (" not in s
                       and "carried_from IS NOT NULL" not in s]
        assert len(whole_reads) <= 1, whole_reads
    assert [s for s in statements[page_statements:] if "FROM answers" in s and " IN (" in s]  # the page's keys
    assert not [s for s in statements if "FROM evaluation_items" in s and " IN (" not in s]
