"""Fixtures shared by the web, export and browser tests: an app over a real database.

The database is SQLite in a temporary folder, or PostgreSQL when ``TEST_DATABASE_URL`` is set
(``make test`` runs the suite both ways). A fresh database is created per test session, migrated
with Alembic, and loaded with the States and the shipped questionnaires; each test then starts
from that baseline (everything else is deleted after it).
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, delete, select, text

from tests import shipped

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "correct horse battery staple"


# -- which tests a pass runs -----------------------------------------------------------------------
def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--database-only", action="store_true",
                     help="run only the tests whose outcome can depend on the database: those that use it "
                          "(the 'database_url' fixture, through 'app', 'client'...), except PDF rendering. "
                          "`make test` passes it on its second, PostgreSQL pass.")


def uses_database(item: pytest.Item) -> bool:
    return "database_url" in getattr(item, "fixturenames", ()) and item.get_closest_marker("pdf") is None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With ``--database-only``, deselect (and count as deselected) the tests that do not touch the
    database: the engine, exports, PDF and condition-parity tests give the same result on any."""
    if not config.getoption("--database-only"):
        return
    kept = [item for item in items if uses_database(item)]
    dropped = [item for item in items if not uses_database(item)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def _postgres_database(base_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database for this test session (dropped at the end)."""
    name = f"checklist_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = os.environ.get("TEST_DATABASE_URL")
    if base:
        yield from _postgres_database(base)
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


def make_app(database_url: str, instance: Path, **extra: Any) -> Flask:
    from web import create_app

    config = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast in tests; production uses scrypt
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
        "REDIS_URL": "",  # jobs in threads of the test process; tests/web/test_jobs.py runs real workers
        "PROFILE_RERENDER": "",  # no re-rendering after each submission (tests/web/test_jobs.py checks it)
        "FIGURES_AHEAD": False,  # no counting in a thread after each step (tests/web/test_analysis.py checks it)
        **extra,
    }
    app = create_app(config)
    app.instance_path = str(instance)
    return app


@pytest.fixture(scope="session")
def baseline(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Migrate the database and load the States and the shipped questionnaires, once."""
    from web import catalog
    from web.extensions import db
    from web.migrate import upgrade
    from web.models import QuestionnaireVersion
    from web.reference import load_states

    app = make_app(database_url, tmp_path_factory.mktemp("instance"))
    with app.app_context():
        upgrade(db)
        load_states(db.session)
        for path in sorted((ROOT / "questionnaires").glob("*.yaml")):
            catalog.publish_file(path, loaded=shipped.loaded(path))  # each file loaded once per run
        db.session.commit()
        versions = {v.questionnaire_id: v.id for v in db.session.scalars(select(QuestionnaireVersion))}
    db.dispose(app)
    return {"versions": versions}


_current: list[Flask] = []


@pytest.fixture
def app(database_url: str, baseline: dict[str, Any], tmp_path: Path) -> Iterator[Flask]:
    """The app, with no context pushed (each test request gets its own, as in production).

    Use ``with app.app_context():`` to touch the database directly; the helpers below do.
    """
    app = make_app(database_url, tmp_path)
    _current.append(app)
    yield app
    _current.remove(app)
    with app.app_context():
        reset(baseline)
    db_dispose(app)


def context() -> Any:
    """An app context of the test's app, for helpers."""
    return _current[-1].app_context()


def db_dispose(app: Flask) -> None:
    from web.extensions import db

    db.dispose(app)


def reset(baseline: dict[str, Any]) -> None:
    """Back to the baseline: delete every row a test added (States and shipped versions stay)."""
    from web.extensions import db
    from web.models import Base, QuestionnaireVersion

    with db.writing() as session:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name == "states":
                continue
            if table.name == "questionnaire_versions":
                session.execute(delete(QuestionnaireVersion).where(
                    QuestionnaireVersion.id.notin_(list(baseline["versions"].values()))))
                continue
            session.execute(delete(table))


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


# -- helpers ---------------------------------------------------------------------------------------
def add_user(role: str, state: str | None = None, email: str | None = None, assign: str = "") -> Any:
    from web.admin.users import set_account
    from web.extensions import db
    from web.models import User

    email = email or f"{role}.{(state or 'un').lower()}.{uuid.uuid4().hex[:6]}@test.example"
    with context():
        user = set_account(User(), email=email, role=role, state_code=state, name=role, password=PASSWORD,
                           assignments=assign)
        db.session.commit()
        return user


_TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    page = client.get(path, follow_redirects=True).get_data(as_text=True)
    match = _TOKEN.search(page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client: FlaskClient, user: Any, password: str = PASSWORD) -> None:
    token = csrf_token(client)
    response = client.post("/login", data={"email": user.email, "password": password, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def start_response(state_code: str, questionnaire: str = "uncac_checklist") -> Any:
    """A draft response of a State to a shipped questionnaire."""
    from web.extensions import db
    from web.models import QuestionnaireVersion, Response, State

    with context():
        state = db.session.scalars(select(State).where(State.code == state_code)).one()
        version = db.session.scalars(select(QuestionnaireVersion).where(
            QuestionnaireVersion.questionnaire_id == questionnaire)).first()
        response = Response(state_id=state.id, version_id=version.id, status="draft")
        db.session.add(response)
        db.session.commit()
        return response
