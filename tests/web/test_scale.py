"""Page render and autosave do not grow with the questionnaire (issue 16): the same SQL statements,
as many, on the checklist (3,221 questions) as on a generated questionnaire of 8,000. The side
navigation and the progress figure read the stored totals (one row per page, web.evaluations);
a page reads its own answers; a save updates what its answers change."""

from __future__ import annotations

import importlib.util
import uuid
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from tests.conftest import add_user, context, csrf_token, login, start_response

ROOT = Path(__file__).resolve().parents[2]


def generated(questions: int) -> str:
    """bench/engine.py's questionnaire: groups of ten questions, a compliance answer and follow-ups."""
    spec = importlib.util.spec_from_file_location("bench_engine", ROOT / "bench" / "engine.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return str(module.generate(questions))


def statements(app: Flask, client: FlaskClient, response_id: int, page: str, question: str,
               codes: list[str]) -> tuple[int, int]:
    """(SQL statements of a page render, of an autosave of ``question`` on it), once the response's
    evaluation is stored (its first save) and the questionnaire loaded."""
    from web.extensions import db

    token = csrf_token(client, f"/responses/{response_id}/pages/{page}")
    version = 0
    counts: list[int] = []

    def count(*args: Any) -> None:
        counts[-1] += 1

    with app.app_context():
        engine = db.engine
    for step, code in enumerate(codes):
        measured = step == len(codes) - 1
        if measured:
            event.listen(engine, "before_cursor_execute", count)
        try:
            counts.append(0)
            assert client.get(f"/responses/{response_id}/pages/{page}").status_code == 200
            counts.append(0)
            reply = client.post(f"/responses/{response_id}/autosave", headers={"X-CSRFToken": token}, json={
                "page": page, "changes": [{"q": question, "value": code, "base": version, "key": uuid.uuid4().hex}]})
        finally:
            if measured:
                event.remove(engine, "before_cursor_execute", count)
        assert reply.status_code == 200 and question in reply.get_json()["saved"], reply.get_data(as_text=True)
        version = reply.get_json()["saved"][question]
    return counts[-2], counts[-1]


def test_page_render_and_autosave_read_as_much_on_8000_questions_as_on_the_checklist(app: Flask,
                                                                                    client: FlaskClient) -> None:
    from web import catalog
    from web.extensions import db

    with context():
        published = catalog.publish_text(generated(8000), "bench_scale.yaml")
        db.session.commit()
        assert len(catalog.questionnaire(published.version).questions) == 8000
    login(client, add_user("focal_point", "KEN"))
    checklist = start_response("KEN")
    large = start_response("KEN", questionnaire="bench")
    codes = ["yes", "no", "partial"]  # the first save stores the evaluation; each shows and hides follow-ups
    small_counts = statements(app, client, checklist.id, "p5_1", "p5_1.compliance", codes)
    large_counts = statements(app, client, large.id, "g5", "g5_c", codes)
    assert large_counts == small_counts
    assert small_counts[0] < 20 and small_counts[1] < 40  # a few statements each, not one per question
