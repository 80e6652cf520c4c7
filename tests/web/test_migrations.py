"""Alembic migrations reach exactly the schema of the models, from empty and step by step."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from tests.conftest import _postgres_database, make_app


@pytest.fixture
def empty_app(tmp_path: Path) -> Iterator[object]:
    """An app over a new, empty database (its connections closed whatever the test does)."""
    from web.extensions import db

    base = os.environ.get("TEST_DATABASE_URL")
    urls = _postgres_database(base) if base else iter([f"sqlite:///{tmp_path / 'empty.sqlite3'}"])
    url = next(urls)
    app = make_app(url, tmp_path)
    try:
        yield app
    finally:
        db.dispose(app)
        next(urls, None)  # drops the PostgreSQL database


def differences(app) -> list:  # type: ignore[no-untyped-def]
    from web.extensions import db
    from web.models import Base

    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def revisions() -> list[str]:
    from alembic.config import Config

    from web.migrate import MIGRATIONS, alembic_config  # noqa: F401

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(config)
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def test_upgrade_from_empty_reaches_the_models(empty_app) -> None:  # type: ignore[no-untyped-def]
    from web.extensions import db
    from web.migrate import current, upgrade

    app = empty_app
    with app.app_context():
        assert current(db) is None
        upgrade(db)
        assert current(db) == revisions()[-1]
        assert differences(app) == []


def _first_data(db) -> None:  # type: ignore[no-untyped-def]
    """Rows as the first schema knew them: later migrations must carry them over."""
    from sqlalchemy import text

    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO states (id, code, alpha2, region, names) VALUES (1, 'KEN', 'KE', '002', '{}')"))
        conn.execute(text("INSERT INTO questionnaire_versions (id, questionnaire_id, version, content_hash, source, "
                          "title, status, created_at, notes) VALUES (1, 'q', '1', 'h', 's', '{}', 'published', "
                          "CURRENT_TIMESTAMP, '{}')"))
        conn.execute(text("INSERT INTO responses (id, state_id, version_id, status, created_at, updated_at, percent, "
                          "answered, required_total, required_answered, problems) VALUES "
                          "(1, 1, 1, 'draft', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 0, 0, 0, 0, 0)"))
        conn.execute(text("INSERT INTO answers (id, response_id, question_id, value, version, updated_at) VALUES "
                          "(1, 1, 'q1', '\"kept\"', 1, CURRENT_TIMESTAMP)"))


def test_upgrade_step_by_step_and_back(empty_app) -> None:  # type: ignore[no-untyped-def]
    from web.extensions import db
    from web.migrate import current, downgrade, upgrade

    app = empty_app
    steps = revisions()
    with app.app_context():
        for revision in steps:
            upgrade(db, revision)
            assert current(db) == revision
            if revision == steps[0]:
                _first_data(db)
        assert differences(app) == []
        from sqlalchemy import text

        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT revision, published FROM responses")).one() in ((1, False), (1, 0))
            assert conn.execute(text("SELECT question_id FROM answers")).scalar() == "q1"
        downgrade(db, "base")
        assert current(db) is None
        upgrade(db, steps[0])
        upgrade(db)
        assert differences(app) == []
