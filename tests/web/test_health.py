"""/healthz and /readyz: without login, cheap, and /readyz names what failed."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from tests import jobs as real
from tests.conftest import db_dispose, make_app


def test_healthz_answers_without_login_or_database(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}
    assert "Set-Cookie" not in response.headers  # no session for a probe


def test_readyz_checks_the_database_and_the_queue(client: FlaskClient, app: Flask) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json["status"] == "ready"
    checks = response.json["checks"]
    assert checks["database"] == {"ok": True, "detail": "ok"}
    assert checks["redis"]["ok"] and "not configured" in checks["redis"]["detail"]  # REDIS_URL is empty here
    assert "Set-Cookie" not in response.headers and response.json["ms"] < 1000


def test_readyz_names_a_database_that_does_not_answer(tmp_path: Path) -> None:
    broken = make_app("postgresql+psycopg://nobody@127.0.0.1:9/none", tmp_path)
    response = broken.test_client().get("/readyz")
    assert response.status_code == 503 and response.json["failed"] == ["database"]
    assert response.json["checks"]["database"]["detail"].startswith("no answer: OperationalError")
    db_dispose(broken)


def test_readyz_with_redis_and_no_worker(database_url: str, tmp_path: Path) -> None:
    namespace = real.new_namespace()
    try:
        app = make_app(database_url, tmp_path, **real.settings(namespace, tmp_path / "profiles"))
        response = app.test_client().get("/readyz")
        # States can still answer: ready, with the missing workers named
        assert response.status_code == 200 and response.json["failed"] == []
        assert response.json["degraded"] == ["workers"]
        assert response.json["checks"]["redis"] == {"ok": True, "detail": "ok"}
        assert response.json["checks"]["queue"]["ok"]
        assert "no worker listens" in response.json["checks"]["workers"]["detail"]
        db_dispose(app)
    finally:
        real.forget_namespace(namespace)
