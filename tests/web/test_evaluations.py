"""Each response's evaluation stored and kept in step with its answers (web.evaluations): after any
sequence of saves the stored visibility and totals equal a full evaluation of the stored answers,
and a page reads its own answers only, never the whole response."""

from __future__ import annotations

import random
import uuid
from datetime import date
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
    # autosave) need every page's status: they read the stored page totals (one row per page), never
    # the whole response. The stored evaluation serves the answers and visibility of the page itself,
    # key by key.
    for part in (statements[:page_statements], statements[page_statements:]):
        whole_reads = [s for s in part if "FROM answers" in s and " IN (" not in s
                       and "carried_from IS NOT NULL" not in s]
        assert not whole_reads, whole_reads
    assert [s for s in statements[page_statements:] if "FROM answers" in s and " IN (" in s]  # the page's keys
    assert not [s for s in statements if "FROM evaluation_items" in s and " IN (" not in s]


def figures(response_id: int) -> tuple[Any, ...]:
    """(page statuses from the stored totals, the response's stored figures) and the same from a full
    evaluation of the stored answers, carried-over answers not yet confirmed left out as every
    screen counts them."""
    import engine
    from web import catalog, cycles, evaluations, progress
    from web.answers import stored, values
    from web.extensions import db
    from web.fill.pages import pages
    from web.loaded import Loaded
    from web.models import Response

    with context():
        response = db.session.get(Response, response_id)
        q = catalog.questionnaire(response.version)
        layout = pages(q)
        pending = cycles.unconfirmed(response)
        kept = Loaded(response, q).evaluation
        assert evaluations.is_stored(kept)
        answers = values(q, stored(response))
        full = engine.evaluate(q, answers)
        counted = engine.evaluate(q, {qid: v for qid, v in answers.items() if qid not in pending}).total
        figure = progress.Tracker(q, full, layout=layout, pending=set(pending)).figure()
        return ((progress.statuses(response, kept, layout, set(pending)),
                 (response.percent, response.answered, response.required_total, response.required_answered,
                  response.problems)),
                ({page.id: progress.page_status(full, page, set(pending)) for page in layout.list},
                 (figure.percent if counted.required or counted.questions else 0, counted.answered, counted.required,
                  counted.required_answered, counted.errors)))


def test_page_statuses_and_figures_from_the_stored_state_equal_a_full_evaluation(app: Flask,
                                                                                 client: FlaskClient) -> None:
    """Branching that hides and shows follow-ups, table answers (a row missing what it requires is a
    problem), and answers carried over from a cycle before, not yet confirmed."""
    from web.extensions import db
    from web.models import Answer, ReportingRound, Response

    response = start_response("KEN")
    login(client, add_user("focal_point", "KEN"))
    token = csrf_token(client, f"/responses/{response.id}/pages/{FOLLOW}")
    law = [{"instrument": "Penal Code", "year": 2003}]
    codes: dict[str, list[Any]] = {
        f"{FOLLOW}.compliance": ["yes", "partial", "no", None],
        f"{FOLLOW}.measures": [law, law + [{"reference": "s. 2"}], [], None],
        f"{FOLLOW}.measures_summary": ["A law of 2003.", None],
        f"{FOLLOW}.steps": [[{"step": "A bill."}], None],
        "p15_a.compliance": ["yes", "no"],
        "p15_a.measures": [law, None]}
    versions: dict[str, int] = {}
    reply = autosave(client, response.id, token, [("p15_a.compliance", "partial", 0), ("p15_a.measures", law, 0),
                                                  ("p5_2.compliance", "yes", 0)])  # stores the state
    versions.update(reply["saved"])
    rng = random.Random(11)
    statuses_seen: set[str] = set()
    for step in range(16):
        if step == 6:  # as if carried over from the cycle before: counts as not done until confirmed
            with context():
                cycle = ReportingRound(questionnaire_id="uncac_checklist", name="2031", opens_on=date(2030, 1, 1),
                                       due_on=date(2099, 1, 31), version_id=db.session.get(
                                           Response, response.id).version_id)  # every chapter: same pages
                db.session.add(cycle)
                db.session.flush()
                db.session.query(Response).filter(Response.id == response.id).update(  # carried: into a cycle's
                    {Response.round_id: cycle.id}, synchronize_session=False)
                db.session.query(Answer).filter(Answer.response_id == response.id, Answer.question_id.in_(
                    ["p15_a.compliance", "p15_a.measures", "p5_2.compliance"])).update(
                    {Answer.carried_from: "2026.1"}, synchronize_session=False)
                db.session.commit()
        qid = rng.choice(sorted(codes))
        reply = autosave(client, response.id, token, [(qid, rng.choice(codes[qid]), versions.get(qid, 0))])
        assert not reply["conflicts"], reply
        versions.update(reply["saved"])
        for kept, item in reply["kept"].items():
            versions[kept] = item["version"]
        stored, full = figures(response.id)
        assert stored == full, f"after step {step}"
        statuses_seen.update(stored[0].values())
        assert stored_tables(response.id) == full_tables(response.id), f"after step {step}"
    assert {"to_confirm", "in_progress", "not_started", "has_errors"} <= statuses_seen
