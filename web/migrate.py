"""Running the Alembic migrations from the app (``checklist db upgrade``) and from tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config

from .db import Database

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(database: Database) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert database.engine is not None
    config.set_main_option("sqlalchemy.url", database.engine.url.render_as_string(hide_password=False))
    return config


def upgrade(database: Database, revision: str = "head") -> None:
    _run(database, command.upgrade, revision)


def downgrade(database: Database, revision: str) -> None:
    _run(database, command.downgrade, revision)


def _run(database: Database, step: Any, revision: str) -> None:
    config = alembic_config(database)
    with database.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # SQLite rebuilds altered tables: foreign keys are checked after, not during
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        config.attributes["connection"] = connection
        step(config, revision)
        connection.commit()
        if sqlite:
            raw = connection.connection.driver_connection
            problems = raw.execute("PRAGMA foreign_key_check").fetchall()  # type: ignore[union-attr]
            raw.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]
            if problems:
                raise RuntimeError(f"foreign keys broken by the migration: {problems[:5]}")


def current(database: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    assert database.engine is not None
    with database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
