"""Publishing checklist 2026.1, then 2027.1, over the demo data: every answer carried or mapped.

Each test has a database of its own (the shared test database already holds 2027.1), of the kind
the session runs on: SQLite in a temporary folder, or a new PostgreSQL database on the same server
(``make test``'s second pass, which runs the tests that use ``database_url``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

import engine
from tests.conftest import ROOT, _postgres_database, make_app

CHECKLIST = ROOT / "questionnaires" / "uncac_checklist.yaml"
ARCHIVED = ROOT / "questionnaires" / "archive" / "uncac_checklist-2026.1.yaml"
MAPPING = ROOT / "questionnaires" / "mappings" / "uncac_checklist-2027.1.yaml"
SPLIT = {"legal_advice": ["legal_advisory", "legislative_drafting"]}


@pytest.fixture
def fresh(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """An app over a database of its own, migrated, with nothing published, of the kind the test
    session runs on (SQLite, or PostgreSQL on the same server: a new database, dropped after)."""
    from sqlalchemy.engine import make_url

    from web.extensions import db
    from web.migrate import upgrade

    if database_url.startswith("postgresql"):
        urls = _postgres_database(make_url(database_url).set(database="postgres").render_as_string(False))
    else:
        urls = iter([f"sqlite:///{tmp_path / 'fresh.sqlite3'}"])
    url = next(urls)
    (tmp_path / "instance").mkdir()
    app = make_app(url, tmp_path / "instance")
    with app.app_context():
        upgrade(db)
    try:
        yield app
    finally:
        db.dispose(app)
        for _rest in urls:  # drops the PostgreSQL database
            pass


def cli(app: Flask, *args: str) -> Any:
    from web.cli import cli as command

    result = app.test_cli_runner().invoke(command, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def kenya_rows(app: Flask) -> tuple[Any, dict[str, Any]]:
    from web.extensions import db
    from web.models import Answer, QuestionnaireVersion, Response, State

    with app.app_context():
        response = db.session.scalars(select(Response).join(State).join(QuestionnaireVersion).where(
            State.code == "KEN", QuestionnaireVersion.questionnaire_id == "uncac_checklist")).one()
        rows = {a.question_id: a.value for a in db.session.scalars(
            select(Answer).where(Answer.response_id == response.id)) if a.value is not None}
        return response.version.version, rows


def expected(question_id: str, value: Any, mapping: dict[str, Any]) -> tuple[str, Any]:
    """Where a 2026.1 answer must be in 2027.1, and what it must read."""
    new_id = mapping["questions"].get(question_id, question_id)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        value = sorted({code for v in value for code in SPLIT.get(v, [v])})
    return new_id, value


def normalised(value: Any) -> Any:
    return sorted(value) if isinstance(value, list) and all(isinstance(v, str) for v in value) else value


def test_demo_load_publishes_2026_then_2027_and_moves_every_demo_answer(fresh: Flask) -> None:
    import yaml

    from web import catalog, versions
    from web.demo import kenya_answers
    from web.extensions import db
    from web.models import Activity, QuestionnaireVersion, Response

    output = cli(fresh, "demo", "load").output
    assert "uncac_checklist-2026.1.yaml: published version 2026.1" in output, output
    assert "uncac_checklist.yaml: published version 2027.1 over 2026.1" in output, output
    assert "without a home" in output and "0 without a home" in output, output
    mapping = yaml.safe_load(MAPPING.read_text(encoding="utf-8"))
    version, rows = kenya_rows(fresh)
    assert version == "2027.1"
    given = kenya_answers(engine.load_file(ARCHIVED).questionnaire)  # what Kenya answered on 2026.1
    assert len(given) == 32 and "p27_2.compliance" in given and "p23_2_d.ta_categories" in given
    for question_id, value in given.items():
        new_id, value = expected(question_id, value, mapping)
        assert normalised(rows.get(new_id)) == value, question_id
    with fresh.app_context():
        live = versions.live_version("uncac_checklist")
        assert live is not None and live.version == "2027.1"
        assert live.notes["mapping"]["lists"] == {"ta_categories": SPLIT}
        response = db.session.scalars(select(Response).where(Response.version_id == live.id)).one()
        assert versions.orphans(response) == []
        moved = db.session.scalars(select(Activity).where(Activity.response_id == response.id,
                                                          Activity.action == "migrated")).one()
        assert moved.details["orphans"] == [] and sorted(map(tuple, moved.details["mapped"])) == [
            ("p27_2.compliance", "p27_2.adopted"), ("p5_2.compliance", "p5_2.adopted")]
        # the answers carried over are answers of 2027.1 questions, visible, and valid
        q = catalog.questionnaire(live)
        current = {qid: row for qid, row in rows.items() if qid in q.index.items}
        ev = engine.evaluate(q, engine.answers_from_json(q, current))
        for qid in current:
            assert ev.is_visible(qid) and qid not in ev.problems, qid
        assert q.question("p5_2.adopted").role == "adopted" and current["p5_2.adopted"] == "partial"
        stored = {v.version for v in db.session.scalars(select(QuestionnaireVersion).where(
            QuestionnaireVersion.questionnaire_id == "technical_assistance"))}
        assert stored == {"2026.1", "2027.1"}
    again = cli(fresh, "demo", "load").output  # a second run adds nothing
    assert "already published" in again and "moved" not in again
    assert kenya_rows(fresh) == (version, rows)


def test_the_cli_publishes_2027_over_2026_only_with_the_mapping(fresh: Flask) -> None:
    from web import versions
    from web.answers import Change, save
    from web.demo import kenya_answers
    from web.extensions import db
    from web.models import QuestionnaireVersion, Response, State, User

    assert cli(fresh, "questionnaires", "publish", str(ARCHIVED), "--notes", "The first checklist.").exit_code == 0
    with fresh.app_context():
        from web import catalog
        from web.admin.users import set_account
        from web.reference import load_states

        load_states(db.session)
        user = set_account(User(), email="focal@test.example", role="focal_point", state_code="KEN", name="Focal",
                           password="correct horse battery staple")
        old = db.session.scalars(select(QuestionnaireVersion)).one()
        kenya = db.session.scalars(select(State).where(State.code == "KEN")).one()
        response = Response(state_id=kenya.id, version_id=old.id, status="draft")
        db.session.add(response)
        db.session.flush()
        given = kenya_answers(catalog.questionnaire(old))
        save(response, catalog.questionnaire(old), [Change(k, v, 0) for k, v in given.items()], user, "import")
        db.session.commit()
    refused = cli(fresh, "questionnaires", "publish", str(CHECKLIST), "--notes", "Questions per kind of obligation.")
    assert refused.exit_code != 0
    for needed in ("removed p5_2.compliance", "removed p27_2.compliance", "codes_removed p5_2.ta_categories",
                   "codes_removed p23_2_d.ta_categories"):
        assert needed in refused.output, refused.output
    done = cli(fresh, "questionnaires", "publish", str(CHECKLIST), "--mapping", str(MAPPING))
    assert done.exit_code == 0, done.output
    with fresh.app_context():
        live = versions.live_version("uncac_checklist")
        assert live is not None and live.publication_notes.startswith("Each provision is now asked")  # the file's
        response = db.session.scalars(select(Response)).one()
        moved = versions.migrate(response, live, db.session.scalars(select(User)).one())  # type: ignore[arg-type]
        db.session.commit()
        assert moved.orphans == [] and len(moved.mapped) == 2 and moved.carried == len(given) - 2
        assert versions.orphans(response) == []
    _version, rows = kenya_rows(fresh)
    assert normalised(rows["p23_2_d.ta_categories"]) == ["legal_advisory", "legislative_drafting"]
