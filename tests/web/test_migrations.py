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
def empty_url(tmp_path: Path) -> Iterator[str]:
    base = os.environ.get("TEST_DATABASE_URL")
    if base:
        yield from _postgres_database(base)
    else:
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"


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


def test_upgrade_from_empty_reaches_the_models(empty_url: str, tmp_path: Path) -> None:
    from web.extensions import db
    from web.migrate import current, upgrade

    app = make_app(empty_url, tmp_path)
    with app.app_context():
        assert current(db) is None
        upgrade(db)
        assert current(db) == revisions()[-1]
        assert differences(app) == []
    db.dispose(app)


def test_upgrade_step_by_step_and_back(empty_url: str, tmp_path: Path) -> None:
    from web.extensions import db
    from web.migrate import current, downgrade, upgrade

    app = make_app(empty_url, tmp_path)
    steps = revisions()
    with app.app_context():
        for revision in steps:
            upgrade(db, revision)
            assert current(db) == revision
        assert differences(app) == []
        downgrade(db, "base")
        assert current(db) is None
        upgrade(db, steps[0])
        upgrade(db)
        assert differences(app) == []
    db.dispose(app)
