"""The database: SQLAlchemy 2 bound to the app with ``init_app`` (no Flask-SQLAlchemy needed).

SQLite (the embedded default) runs in WAL mode with a busy timeout; every state-changing request
starts its transaction with ``BEGIN IMMEDIATE`` so that a read followed by a write cannot fail
with "database is locked" (the deferred-upgrade trap). Read-only requests use ordinary deferred
transactions and never block each other. PostgreSQL connections are checked before use, so a
restarted server is reconnected to without restarting the app.
"""

from __future__ import annotations

import logging
import os
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.orm import Session, sessionmaker

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
log = logging.getLogger("web")


def default_url(instance_path: str) -> str:
    return f"sqlite:///{Path(instance_path) / 'checklist.sqlite3'}"


def make_engine(url: str, echo: bool = False, busy_timeout: float = 30) -> Engine:
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, connect_args={"timeout": busy_timeout, "check_same_thread": False})
        _configure_sqlite(engine, busy_timeout)
        _fresh_pool_after_fork(engine)
        return engine
    engine = create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=20)
    _fresh_pool_after_fork(engine)
    return engine


def _fresh_pool_after_fork(engine: Engine) -> None:
    """A forked child (a gunicorn worker of a preloaded app) must not use its parent's connections:
    it starts with an empty pool, leaving the parent's connections to the parent."""
    ref = weakref.ref(engine)

    def in_child() -> None:
        found = ref()
        if found is not None:
            found.dispose(close=False)

    os.register_at_fork(after_in_child=in_child)


def _configure_sqlite(engine: Engine, busy_timeout: float) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (below)
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", f"busy_timeout={int(busy_timeout * 1000)}", "foreign_keys=ON",
                       "synchronous=NORMAL"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        mode = "IMMEDIATE" if connection.get_execution_options().get("writes") else "DEFERRED"
        connection.exec_driver_sql(f"BEGIN {mode}")


_NOTES = "transaction_notes"
_LOCKS = "locked_rows"


def _key(row: Any) -> tuple[type, Any]:
    return type(row), inspect(row).identity


@event.listens_for(Session, "after_transaction_end")
def _locks_released(session: Session, transaction: Any) -> None:
    """A transaction's row locks end with it (not with a savepoint's)."""
    if transaction.parent is None:
        session.info.pop(_NOTES, None)


class _Bound:
    """What the extension keeps per app: the engine and the two session factories."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.reader = sessionmaker(engine, expire_on_commit=False)
        self.writer = sessionmaker(engine.execution_options(writes=True), expire_on_commit=False)


class Database:
    """``db.session`` is the session of the current app context (closed at teardown).

    State lives in ``app.extensions`` (never on this object), so several apps can coexist.
    """

    def init_app(self, app: Flask) -> None:
        url = app.config.get("DATABASE_URL") or default_url(app.instance_path)
        app.config["DATABASE_URL"] = url
        app.extensions["database"] = _Bound(make_engine(url, echo=app.config.get("SQLALCHEMY_ECHO", False),
                                                        busy_timeout=app.config.get("DATABASE_BUSY_TIMEOUT", 30)))
        app.teardown_appcontext(self._close)

    @staticmethod
    def _bound() -> _Bound:
        bound: _Bound = current_app.extensions["database"]
        return bound

    @property
    def engine(self) -> Engine:
        return self._bound().engine

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def session(self) -> Session:
        session: Session | None = g.get("_db_session")
        if session is None:
            writes = not has_request_context() or request.method in WRITE_METHODS
            bound = self._bound()
            session = g._db_session = (bound.writer if writes else bound.reader)()
        return session

    def lock(self, row: Any, *attributes: str) -> None:
        """Hold ``row``'s lock until the transaction ends and re-read ``attributes`` under it.

        PostgreSQL: ``SELECT ... FOR UPDATE``, so whoever takes the same lock waits for this
        transaction and then reads what it committed. SQLite: a write transaction (``BEGIN
        IMMEDIATE``) already excludes every other writer, so only the re-read is needed.
        """
        self.session.flush()
        self.session.refresh(row, attribute_names=list(attributes), with_for_update=True)
        self.held(row)

    def held(self, row: Any) -> None:
        """Note that ``row`` was read under its lock in the current transaction (:meth:`lock`, or a
        query ``with_for_update``): :meth:`lock_of` says so until the transaction ends. SQLite locks
        no row: only a write transaction (``BEGIN IMMEDIATE``, every state-changing request)
        excludes other writers, so a read-only session notes nothing."""
        bind = self.session.get_bind()
        if bind.dialect.name == "sqlite" and not bind.get_execution_options().get("writes"):
            return
        self.transaction_notes().setdefault(_LOCKS, set()).add(_key(row))

    def lock_of(self, row: Any) -> object | None:
        """The current transaction when it holds ``row``'s lock (taken by :meth:`lock` or noted by
        :meth:`held`), else None: a mark that tells "read under this very lock" from a lock taken
        in an earlier transaction."""
        if _key(row) not in self.transaction_notes().get(_LOCKS, ()):
            return None
        return self.session.get_transaction()

    def transaction_notes(self) -> dict[Any, Any]:
        """What the current transaction noted of what it read under a lock: forgotten when it ends
        (committed or rolled back; not with a savepoint's end)."""
        notes: dict[Any, Any] = self.session.info.setdefault(_NOTES, {})
        return notes

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A separate write transaction (BEGIN IMMEDIATE on SQLite), committed or rolled back."""
        with self._bound().writer() as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """``db.session`` is, for the block, a session that only reads (a job's session writes: on
        SQLite it would hold the write lock while it reads for long)."""
        saved = g.pop("_db_session", None)
        session = g._db_session = self._bound().reader()
        try:
            yield session
        finally:
            session.close()
            g.pop("_db_session", None)
            if saved is not None:
                g._db_session = saved

    def dispose(self, app: Flask) -> None:
        app.extensions["database"].engine.dispose()

    def discard(self) -> None:
        """Give up the current session after a fault: rolled back and closed (a broken connection
        is invalidated by SQLAlchemy and never reused); the next use starts a new one."""
        session: Session | None = g.pop("_db_session", None)
        if session is None:
            return
        try:
            session.close()  # returns the connection to the pool, which rolls it back (or drops it if broken)
        except Exception:  # noqa: BLE001 - a dead connection must not turn the answer into a crash
            log.warning("closing a database session failed", exc_info=True)
            session.invalidate()

    def _close(self, exc: BaseException | None) -> None:
        session: Session | None = g.pop("_db_session", None)
        if session is None:
            return
        try:
            if exc is not None:
                session.rollback()
            session.close()
        except Exception:  # noqa: BLE001 - a dead connection must not turn the answer into a crash
            log.warning("closing a database session failed", exc_info=True)
            session.invalidate()


db = Database()
