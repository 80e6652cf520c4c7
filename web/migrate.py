"""Running the Alembic migrations from the app (``checklist db upgrade``) and from tests."""

from __future__ import annotations

from pathlib import Path

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
    assert database.engine is not None
    config = alembic_config(database)
    with database.engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        connection.commit()


def downgrade(database: Database, revision: str) -> None:
    assert database.engine is not None
    config = alembic_config(database)
    with database.engine.connect() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
        connection.commit()


def current(database: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    assert database.engine is not None
    with database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
