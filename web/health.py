"""Probes for the proxy and the orchestrator, without login and cheap (no page, no session):

* ``GET /healthz``: the process is up and serving (nothing else is checked);
* ``GET /readyz``: the database, Redis and the job queue answer, so the app can do its work;
  otherwise 503, with what failed. No job worker listening is reported (``degraded``) but does not
  make the app unready: pages and answers do not need one (only files not yet rendered wait), and a
  proxy that took every app server out of rotation because the workers are down would stop States
  from answering. Both answer JSON.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db
from .jobs import backend

bp = Blueprint("health", __name__)
#: Checks whose failure is reported but leaves the app ready.
DEGRADED_ONLY = frozenset({"workers"})


@bp.get("/healthz")
def healthz() -> Any:
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz() -> Any:
    started = time.monotonic()
    checks: dict[str, tuple[bool, str]] = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = (True, "ok")
    except SQLAlchemyError as exc:
        checks["database"] = (False, f"no answer: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
    checks.update(backend().health())
    ready = all(ok for name, (ok, _detail) in checks.items() if name not in DEGRADED_ONLY)
    body = {"status": "ready" if ready else "not ready",
            "checks": {name: {"ok": ok, "detail": detail} for name, (ok, detail) in checks.items()},
            "failed": sorted(name for name, (ok, _detail) in checks.items() if not ok and name not in DEGRADED_ONLY),
            "degraded": sorted(name for name, (ok, _detail) in checks.items() if not ok and name in DEGRADED_ONLY),
            "ms": round((time.monotonic() - started) * 1000, 1)}
    return jsonify(body), 200 if ready else 503
