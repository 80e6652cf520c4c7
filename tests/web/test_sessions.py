"""Sessions end on the server; login costs the same for every address; one password policy.

A copy of a session cookie taken before a logout, a password change or an administrator's reset
is anonymous when replayed. Idle and absolute lifetimes are settings (checked by moving the
session's clock back, not by waiting). A login with an address that has no account runs the
password hash as a real one does. Every way of setting a password applies the same rules.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import PASSWORD, add_user, context, csrf_token, login

ROOT = Path(__file__).resolve().parents[2]
COOKIE = "checklist_session"


def cookie(client: FlaskClient) -> str:
    found = client.get_cookie(COOKIE)
    assert found is not None
    return found.value


def replay(app: Flask, value: str) -> FlaskClient:
    """A new browser holding a copy of an old session cookie."""
    thief = app.test_client()
    thief.set_cookie(COOKIE, value)
    return thief


def is_anonymous(client: FlaskClient) -> bool:
    reply = client.get("/")
    return reply.status_code == 302 and "/login" in reply.headers["Location"]


def test_a_cookie_replayed_after_logout_is_anonymous(app: Flask, client: FlaskClient) -> None:
    user = add_user("focal_point", "KEN")
    login(client, user)
    old = cookie(client)
    assert not is_anonymous(replay(app, old))
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert is_anonymous(replay(app, old))


def test_a_password_change_ends_every_session_but_the_current_one(app: Flask, client: FlaskClient) -> None:
    user = add_user("focal_point", "KEN")
    other_device = app.test_client()
    login(other_device, user)
    login(client, user)
    old = cookie(client)
    page = client.get("/account/password")
    assert page.status_code == 200
    token = csrf_token(client, "/account/password")
    short = client.post("/account/password", data={"csrf_token": token, "current": PASSWORD,
                                                   "password": "short", "confirm": "short"})
    assert short.status_code == 400 and "at least 12 characters" in short.get_data(as_text=True)
    wrong = client.post("/account/password", data={"csrf_token": token, "current": "not it",
                                                   "password": "a brand new passphrase", "confirm":
                                                   "a brand new passphrase"})
    assert wrong.status_code == 400
    done = client.post("/account/password", data={"csrf_token": token, "current": PASSWORD,
                                                  "password": "a brand new passphrase",
                                                  "confirm": "a brand new passphrase"})
    assert done.status_code == 302
    assert not is_anonymous(client)  # this browser stays logged in, with a new session
    assert is_anonymous(other_device)
    assert is_anonymous(replay(app, old))
    fresh = app.test_client()
    login(fresh, user, "a brand new passphrase")


def link(user: object, purpose: str = "reset") -> str:
    """A set-password link of ``user``, issued as the mail job issues it."""
    from web.auth import tokens
    from web.extensions import db

    with context():
        raw = tokens.issue(user, purpose)  # type: ignore[arg-type]
        db.session.commit()
    return f"/account/set-password/{raw}"


def test_a_password_set_from_a_link_ends_the_users_sessions(app: Flask, client: FlaskClient) -> None:
    user = add_user("focal_point", "KEN")
    login(client, user)
    old = cookie(client)
    browser = app.test_client()
    path = link(user)
    token = csrf_token(browser, path)
    assert browser.post(path, data={"csrf_token": token, "password": "another long passphrase",
                                    "confirm": "another long passphrase"}).status_code == 302
    assert is_anonymous(client) and is_anonymous(replay(app, old))
    assert not is_anonymous(browser)  # the link's browser is logged in


def _age_sessions(user_id: int, **moved: timedelta) -> None:
    from web.extensions import db
    from web.models import LoginSession

    with context():
        for row in db.session.scalars(select(LoginSession).where(LoginSession.user_id == user_id)):
            for name, delta in moved.items():
                setattr(row, name, getattr(row, name) - delta)
        db.session.commit()


def test_idle_and_absolute_lifetimes_are_enforced_on_the_server(app: Flask, client: FlaskClient) -> None:
    idle = app.config["SESSION_IDLE_TIMEOUT"]
    longest = app.config["SESSION_MAX_AGE"]
    assert 0 < idle < longest
    user = add_user("focal_point", "KEN")
    login(client, user)
    _age_sessions(user.id, seen_at=timedelta(seconds=idle - 120))
    assert not is_anonymous(client)  # used within the idle time: still open (and the use is noted)
    _age_sessions(user.id, seen_at=timedelta(seconds=idle + 1))
    assert is_anonymous(client)
    login(client, user)
    _age_sessions(user.id, created_at=timedelta(seconds=longest + 1))
    assert is_anonymous(client)  # active, but older than the absolute lifetime


def test_lifetimes_are_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from web import config

    monkeypatch.setenv("CHECKLIST_SESSION_IDLE_TIMEOUT", "1800")
    monkeypatch.setenv("SESSION_MAX_AGE", "36000")
    found = config.from_environment()
    assert (found["SESSION_IDLE_TIMEOUT"], found["SESSION_MAX_AGE"]) == (1800, 36000)
    deploy = (ROOT / "docs" / "deploy.md").read_text()
    for name in ("SESSION_IDLE_TIMEOUT", "SESSION_MAX_AGE"):
        assert name in deploy


# -- login timing -------------------------------------------------------------------------------------------
def test_login_hashes_the_password_whether_or_not_the_account_exists(client: FlaskClient, app: Flask,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Timing is the bench's business (bench/load.py prints both); here: the same work is done."""
    user = add_user("focal_point", "KEN")
    calls: list[str] = []
    original = hashlib.pbkdf2_hmac

    def counted(*args: Any, **kwargs: Any) -> bytes:
        calls.append(args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(hashlib, "pbkdf2_hmac", counted)
    counts = {}
    # a first attempt without an account prepares the stand-in hash (once per process), then compare
    for email in ("nobody@nowhere.example", user.email, "nobody@nowhere.example"):
        token = csrf_token(client)
        calls.clear()
        reply = client.post("/login", data={"email": email, "password": "wrong password!", "csrf_token": token})
        assert reply.status_code == 200
        assert "The e-mail address or the password is not correct." in reply.get_data(as_text=True)
        counts[email] = len(calls)
    assert counts[user.email] >= 1
    assert counts["nobody@nowhere.example"] == counts[user.email], counts


# -- one password policy --------------------------------------------------------------------------------------
def test_the_cli_applies_the_password_policy(app: Flask) -> None:
    from web.cli import cli

    user = add_user("focal_point", "KEN")
    runner = CliRunner()
    with app.app_context():
        for bad in ("x", "short pass", " " * 20, user.email):
            result = runner.invoke(cli, ["users", "reset-password", "--email", user.email, "--password", bad])
            assert result.exit_code != 0, bad
            assert "password" in result.output.lower()
        added = runner.invoke(cli, ["users", "add", "--email", "new@test.example", "--password", "x",
                                    "--role", "reader"])
        assert added.exit_code != 0
        ok = runner.invoke(cli, ["users", "reset-password", "--email", user.email, "--password",
                                 "a long enough passphrase"])
        assert ok.exit_code == 0, ok.output


@pytest.mark.parametrize("bad", ["x", "eleven char", " " * 15])
def test_the_set_password_page_applies_the_same_policy(app: Flask, client: FlaskClient, bad: str) -> None:
    user = add_user("focal_point", "KEN")
    path = link(user)
    token = csrf_token(client, path)
    reply = client.post(path, data={"csrf_token": token, "password": bad, "confirm": bad})
    assert reply.status_code == 400
    login(app.test_client(), user)  # unchanged
    assert client.get(path).status_code == 200  # and the link still works


