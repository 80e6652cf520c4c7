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
from sqlalchemy import event, select
from werkzeug.datastructures import MultiDict

from tests.conftest import add_user, context, csrf_token, login, start_response

ROOT = Path(__file__).resolve().parents[2]


def generated(questions: int) -> str:
    """bench/engine.py's questionnaire: groups of ten questions, a compliance answer and follow-ups."""
    spec = importlib.util.spec_from_file_location("bench_engine", ROOT / "bench" / "engine.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return str(module.generate(questions))


def load_bench_web() -> Any:
    """bench/web.py, whose client the load benchmark drives the server with."""
    spec = importlib.util.spec_from_file_location("bench_web", ROOT / "bench" / "web.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
    # a few statements each, not one per question (SQLite counts its BEGIN IMMEDIATE too); the autosave
    # changes the stored visibility and totals, so it writes them
    assert small_counts[0] <= 8 and small_counts[1] <= 14


class _Statements:
    """The SQL statements run while the block runs (without BEGIN: SQLite's own)."""

    def __init__(self, app: Flask) -> None:
        from web.extensions import db

        with app.app_context():
            self.engine = db.engine
        self.seen: list[tuple[str, str]] = []

    def _add(self, conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if not statement.startswith("BEGIN"):
            self.seen.append((" ".join(statement.split()), repr(parameters)))

    def __enter__(self) -> list[tuple[str, str]]:
        event.listen(self.engine, "before_cursor_execute", self._add)
        return self.seen

    def __exit__(self, *exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._add)


def _read_once_under_the_lock(seen: list[tuple[str, str]], postgresql: bool) -> None:
    """The response is read once, under its lock; nothing is read twice; a changed answer is not read
    back; the totals an update reads come in one query."""
    selects = [(sql, params) for sql, params in seen if sql.startswith("SELECT")]
    assert len(selects) == len(set(selects)), "a statement read the same thing twice"
    of_responses = [sql for sql, _params in selects if " FROM responses " in sql]
    assert len(of_responses) == 1, of_responses
    if postgresql:
        assert of_responses[0].endswith("FOR UPDATE OF responses"), of_responses[0]
    assert not [sql for sql, _params in selects if "FROM answers WHERE answers.id =" in sql]
    assert sum(1 for sql, _params in selects if "FROM evaluation_totals" in sql) == 2  # the update's, the pages'
    assert sum(1 for sql, _params in selects if "FROM users" in sql or "FROM login_sessions" in sql) == 1
    # for which version the evaluation is stored: read with the response
    assert not [sql for sql, _params in selects if sql.startswith("SELECT evaluation_states.")]


def test_an_autosave_and_a_page_save_read_the_response_once_under_its_lock(app: Flask, client: FlaskClient) -> None:
    bench_web = load_bench_web()
    login(client, add_user("focal_point", "KEN"))
    response = start_response("KEN")
    path = f"/responses/{response.id}/pages/p5_1"
    token = csrf_token(client, path)

    def autosave(value: str, base: int, *also: dict[str, Any]) -> int:
        reply = client.post(f"/responses/{response.id}/autosave", headers={"X-CSRFToken": token}, json={
            "page": "p5_1", "changes": [*also, {"q": "p5_1.measures_summary", "value": value, "base": base,
                                                "key": uuid.uuid4().hex}]})
        assert reply.status_code == 200 and "p5_1.measures_summary" in reply.get_json()["saved"], reply.get_json()
        return int(reply.get_json()["saved"]["p5_1.measures_summary"])

    # the first save stores the evaluation; the answer shows the summary
    version = autosave("first", 0, {"q": "p5_1.compliance", "value": "partial", "base": 0})
    with _Statements(app) as seen:
        version = autosave("second", version)
    postgresql = app.config["DATABASE_URL"].startswith("postgresql")
    _read_once_under_the_lock(seen, postgresql)
    assert len(seen) <= 10, "\n".join(sql[:120] for sql, _params in seen)

    # a page render reads the response once too, with the version its evaluation is stored for
    with _Statements(app) as seen:
        page = client.get(path)
    assert page.status_code == 200
    selects = [sql for sql, _params in seen if sql.startswith("SELECT")]
    assert len([sql for sql in selects if " FROM responses " in sql]) == 1, selects
    assert not [sql for sql in selects if sql.startswith("SELECT evaluation_states.")], selects
    form = bench_web.FormFields()
    form.feed(page.get_data(as_text=True))
    fields = [(name, "third" if name == "p5_1.measures_summary" else value) for name, value in form.fields]
    with _Statements(app) as seen:
        reply = client.post(path, data=MultiDict([*fields, ("_go", "stay")]))
    assert reply.status_code == 302, reply.get_data(as_text=True)[:2000]
    _read_once_under_the_lock(seen, postgresql)
    assert len(seen) <= 10, "\n".join(sql[:120] for sql, _params in seen)
    with context():
        from web.extensions import db
        from web.models import Answer, AnswerRevision

        row = db.session.scalars(select(Answer).where(Answer.response_id == response.id,
                                                      Answer.question_id == "p5_1.measures_summary")).one()
        assert (row.value, row.version) == ("third", version + 1)
        assert db.session.scalars(select(AnswerRevision.new_value).where(
            AnswerRevision.response_id == response.id, AnswerRevision.question_id == "p5_1.measures_summary")
            .order_by(AnswerRevision.id)).all() == ["first", "second", "third"]


class _Reference:
    """What html.parser reads as the page form's fields (the load benchmark's client scans for tags
    instead, to spare the cores the server runs on)."""

    def __init__(self, page: str) -> None:
        from html.parser import HTMLParser

        fields: list[tuple[str, str]] = []
        state: dict[str, Any] = {"inside": False, "select": None, "textarea": None, "text": ""}

        class Parser(HTMLParser):
            def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
                a = dict(attrs)
                if tag == "form" and a.get("id") == "page-form":
                    state["inside"] = True
                if not state["inside"] or "disabled" in a:
                    return
                name = a.get("name")
                if tag == "input" and name and a.get("type") not in ("submit", "button"):
                    if a.get("type") not in ("radio", "checkbox") or "checked" in a:
                        fields.append((name, a.get("value") or ""))
                elif tag == "select" and name:
                    state["select"] = name
                elif tag == "option" and state["select"] and "selected" in a:
                    fields.append((state["select"], a.get("value") or ""))
                elif tag == "textarea" and name:
                    state["textarea"], state["text"] = name, ""

            def handle_data(self, data: str) -> None:
                if state["textarea"]:
                    state["text"] += data

            def handle_endtag(self, tag: str) -> None:
                if tag == "form":
                    state["inside"] = False
                elif tag == "select":
                    state["select"] = None
                elif tag == "textarea" and state["textarea"]:
                    fields.append((state["textarea"], state["text"].replace("\r\n", "\n").removeprefix("\n")))
                    state["textarea"] = None

        Parser().feed(page)
        self.fields = fields


def test_the_load_benchmark_reads_a_page_form_as_html_parser_does(client: FlaskClient) -> None:
    bench_web = load_bench_web()
    login(client, add_user("focal_point", "KEN"))
    response = start_response("KEN")
    token = csrf_token(client, f"/responses/{response.id}/pages/p5_1")
    tricky = 'a "quoted" <b>tag</b> & > sign\nsecond line'
    reply = client.post(f"/responses/{response.id}/autosave", headers={"X-CSRFToken": token}, json={
        "page": "p5_1", "changes": [{"q": "p5_1.compliance", "value": "partial", "base": 0, "key": uuid.uuid4().hex},
                                    {"q": "p5_1.measures_summary", "value": tricky, "base": 0,
                                     "key": uuid.uuid4().hex}]})
    assert reply.status_code == 200, reply.get_data(as_text=True)
    page = client.get(f"/responses/{response.id}/pages/p5_1").get_data(as_text=True)
    fast = bench_web.FormFields()
    fast.feed(page)
    assert fast.fields == _Reference(page).fields
    assert ("p5_1.compliance", "partial") in fast.fields and ("p5_1.measures_summary", tricky) in fast.fields
    assert any(name == "csrf_token" for name, _value in fast.fields)


def test_a_save_looks_up_its_keys_by_question_through_the_unique_index(app: Flask) -> None:
    """Whether a change's save key was already recorded is looked up by response, question and key
    (the columns of ``one_per_save``), each pair exactly: by key alone the database read every
    revision of the response, more with every save; with questions and keys as two lists,
    PostgreSQL 15 scanned the table from about 50 pairs on. Only the pairs asked for come back."""
    from datetime import UTC, datetime

    from sqlalchemy import insert

    from web import answers
    from web.extensions import db
    from web.models import AnswerRevision

    with app.app_context():
        rid = start_response("KEN").id
        now = datetime.now(UTC)
        db.session.execute(insert(AnswerRevision), [
            {"response_id": rid, "question_id": f"q{i % 300}", "version": i // 300 + 1, "new_value": "x",
             "source": "form", "save_key": f"k{i}", "created_at": now} for i in range(3000)])
        db.session.commit()
        asked = [("q5", "k5"), ("q5", "k6"), ("q6", "k5"), ("q7", "k7"), ("q8", "none")]
        asked += [(f"q{i % 300}", f"k{i}") for i in range(1000, 1250)]  # more than one statement's worth
        assert answers._saved_keys(rid, asked) == {("q5", "k5"), ("q7", "k7")} | set(asked[5:])
        conn = db.session.connection()  # the session's own: SQLite's ANALYZE waits for no other
        conn.exec_driver_sql("ANALYZE")
        for pairs in (1, 5, answers._PAIRS_PER_QUERY):
            values = {"response_id": rid, **{f"q{i}": f"q{i}" for i in range(pairs)},
                      **{f"k{i}": f"k{i}" for i in range(pairs)}}
            sql = str(answers._saved_keys_query(pairs).params(**values).compile(
                dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))
            if conn.dialect.name == "postgresql":
                plan = " ".join(conn.exec_driver_sql("EXPLAIN " + sql).scalars())
                assert "Seq Scan" not in plan and "one_per_save" in plan, (pairs, plan)
            else:
                plan = " ".join(str(row[-1]) for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
                assert "(response_id=? AND question_id=? AND save_key=?)" in plan, (pairs, plan)
        db.session.rollback()
