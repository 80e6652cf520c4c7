"""The app factory, configuration, security headers, error pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import add_user, login, make_app


def test_factory_reads_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str) -> None:
    monkeypatch.setenv("CHECKLIST_SESSION_COOKIE_SECURE", "1")
    app = make_app(database_url, tmp_path)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True


def test_profile_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from web.config import from_environment

    monkeypatch.setenv("CHECKLIST_PROFILE_DIR", "/srv/profiles")
    monkeypatch.setenv("PROFILE_TIMEOUT", "30.5")
    monkeypatch.setenv("CHECKLIST_PROFILE_CONCURRENCY", "3")
    settings = from_environment()
    assert (settings["PROFILE_DIR"], settings["PROFILE_TIMEOUT"], settings["PROFILE_CONCURRENCY"]) == (
        "/srv/profiles", 30.5, 3)
    monkeypatch.setenv("CHECKLIST_PROFILE_MEMORY", "lots")
    with pytest.raises(ValueError, match="PROFILE_MEMORY"):
        from_environment()


def test_secret_key_is_generated_in_the_instance_folder(tmp_path: Path) -> None:
    from web.config import ensure_secret_key

    key = ensure_secret_key(str(tmp_path))
    assert len(key) == 64 and ensure_secret_key(str(tmp_path)) == key
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_security_headers(client: FlaskClient) -> None:
    response = client.get("/login")
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "script-src 'self'"):
        assert directive in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert len(headers["X-Request-ID"]) >= 8


def test_session_cookie_flags(client: FlaskClient, app: Flask) -> None:
    user = add_user("reader")
    login(client, user)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"


def test_not_found_is_a_friendly_page_in_the_users_language(client: FlaskClient) -> None:
    response = client.get("/no/such/page?lang=fr")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert 'lang="fr"' in page and response.headers["X-Request-ID"] in page


def test_crash_shows_no_traceback_and_logs_the_request_id(app: Flask, client: FlaskClient,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    @app.get("/boom-test")
    def boom() -> str:
        raise RuntimeError("secret internal detail")

    response = client.get("/boom-test", headers={"X-Request-ID": "req-12345678"})
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret internal detail" not in page and "Traceback" not in page
    assert "req-12345678" in page
    assert any("req-12345678" in record.getMessage() for record in caplog.records)


def test_request_too_large(client: FlaskClient, app: Flask) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = client.post("/login", data={"email": "x" * 5000})
    assert response.status_code == 413


@pytest.mark.parametrize("target, safe", [
    ("/states/KEN", True), ("/", True), ("//evil.example", False), ("https://evil.example/", False),
    ("javascript:alert(1)", False), ("/\\evil.example", False), ("", False), ("/%0d%0aSet-Cookie:x", True),
    ("\x00/", False),
])
def test_redirects_only_to_local_paths(target: str, safe: bool) -> None:
    from web.security import is_safe_redirect

    assert is_safe_redirect(target) is safe
