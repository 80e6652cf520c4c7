"""Database faults: retried once where that is safe, otherwise 503 with ``Retry-After``.

A connection killed in the middle of a request, a database restarting or briefly unreachable, or
SQLite still locked after its busy timeout raise SQLAlchemy's ``OperationalError`` (or
``InterfaceError``, or a ``DBAPIError`` flagged as a disconnect). Then:

* a request that is safe to repeat is run once more on a fresh connection (the pool checks
  connections before use, so a restarted server is reconnected to without restarting the app):
  reads (GET, HEAD), and the saves marked :func:`retry_safe` because their save keys make a repeat
  count once (``web.answers``);
* otherwise, or if the repeat fails too, the answer is 503 with ``Retry-After``: a page saying the
  saved answers are safe and to try again, or for JSON requests (autosave) a body with
  ``"retry": true`` that the browser treats as "not saved, retrying" (the change stays in the
  browser and is sent again).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, g, request
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

log = logging.getLogger("web")
F = TypeVar("F", bound=Callable[..., Any])
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def is_database_fault(error: BaseException) -> bool:
    """A fault of the database or the connection to it, not of the request or the code."""
    if isinstance(error, (OperationalError, InterfaceError)):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


def retry_safe(when: Callable[[], bool] = lambda: True) -> Callable[[F], F]:
    """Mark a view whose request may be run twice (``when`` says whether this one may)."""

    def mark(view: F) -> F:
        view.retry_safe = when  # type: ignore[attr-defined]
        return view

    return mark


def _may_retry() -> bool:
    if request.method in SAFE_METHODS:
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    check = getattr(view, "retry_safe", None)
    return bool(check and check())


def _start_over() -> None:
    """Forget everything the failed attempt loaded: its session, connection and user."""
    from .db import db

    db.discard()
    g.pop("_login_user", None)


class App(Flask):
    """The Flask app, with views run once more after a database fault where that is safe."""

    def dispatch_request(self) -> Any:
        try:
            return super().dispatch_request()
        except Exception as error:
            if not is_database_fault(error) or not _may_retry():
                raise
            log.warning("database fault, request %s run once more: %s", g.get("request_id", "-"),
                        str(error).splitlines()[0][:200])
            _start_over()
            return super().dispatch_request()
