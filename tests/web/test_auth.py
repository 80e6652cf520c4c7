"""Logging in and out, rate limiting, session expiry, password reset, language memory."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import PASSWORD, _current, add_user, csrf_token, login, make_app, reset


def test_login_and_logout(client: FlaskClient) -> None:
    user = add_user("secretariat_reviewer")
    assert client.get("/").status_code == 302
    login(client, user)
    assert client.get("/").status_code == 200
    token = csrf_token(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/").headers["Location"].startswith("/login")


def test_wrong_password_is_refused_without_saying_which_part(client: FlaskClient) -> None:
    user = add_user("reader")
    token = csrf_token(client)
    for email, password in ((user.email, "wrong password here"), ("nobody@test.example", PASSWORD)):
        response = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
        assert response.status_code == 200
        assert "The e-mail address or the password is not correct." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_inactive_account_cannot_log_in(client: FlaskClient, app: Flask) -> None:
    from web.extensions import db

    user = add_user("reader")
    with app.app_context():
        db.session.get(type(user), user.id).active = False
        db.session.commit()
    token = csrf_token(client)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 200 and client.get("/").status_code == 302


def test_passwords_are_hashed_with_a_modern_scheme(app: Flask) -> None:
    app.config["PASSWORD_HASH_METHOD"] = "scrypt"
    user = add_user("reader")
    assert user.password_hash.startswith("scrypt:") and PASSWORD not in user.password_hash
    assert user.check_password(PASSWORD) and not user.check_password(PASSWORD + "x")


def test_login_is_rate_limited(database_url: str, baseline: dict, tmp_path: Path) -> None:
    app = make_app(database_url, tmp_path, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT_ACCOUNT="3 per minute")
    client = app.test_client()
    token = csrf_token(client)
    codes = [client.post("/login", data={"email": "x@test.example", "password": "nope-nope-nope",
                                         "csrf_token": token}).status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
    from web.extensions import db

    db.dispose(app)


def test_a_training_room_behind_one_address_logs_in_together(database_url: str, baseline: dict,
                                                            tmp_path: Path) -> None:
    """30 focal points behind one address, each mistyping once, all within a minute: all get in;
    the account that keeps guessing is stopped, and only that account."""
    app = make_app(database_url, tmp_path, RATELIMIT_ENABLED=True)
    _current.append(app)
    try:
        people = [add_user("focal_point", "KEN") for _ in range(30)]
        for person in people:
            client = app.test_client()
            token = csrf_token(client)
            typo = client.post("/login", data={"email": person.email, "password": "typo", "csrf_token": token})
            assert typo.status_code == 200
            login(client, person)
        guesser = app.test_client()
        token = csrf_token(guesser)
        target = people[0].email
        codes = [guesser.post("/login", data={"email": target, "password": f"guess {n}", "csrf_token": token})
                 .status_code for n in range(6)]
        assert codes[:4] == [200] * 4 and codes[4:] == [429, 429]  # one typo above + 4 guesses = 5 a minute
        login(app.test_client(), people[1])  # the others are not affected
    finally:
        _current.remove(app)
        from web.extensions import db

        with app.app_context():
            reset(baseline)
        db.dispose(app)


def test_session_expires(client: FlaskClient, app: Flask) -> None:
    user = add_user("reader")
    login(client, user)
    assert app.permanent_session_lifetime == timedelta(seconds=app.config["SESSION_MAX_AGE"])
    with client.session_transaction() as session:
        assert session.permanent
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None and cookie.expires is not None


def test_password_reset_ends_open_sessions(client: FlaskClient, app: Flask) -> None:
    from web.extensions import db

    user = add_user("reader")
    login(client, user)
    assert client.get("/").status_code == 200
    with app.app_context():
        row = db.session.get(type(user), user.id)
        row.set_password("a brand new password")
        row.auth_version += 1
        db.session.commit()
    assert client.get("/").status_code == 302  # the old session no longer works


def test_an_administrator_sends_a_link_and_never_types_a_password(client: FlaskClient, app: Flask) -> None:
    from web.extensions import db
    from web.models import OutboxMessage

    admin = add_user("secretariat_admin")
    other = add_user("focal_point", "KEN")
    login(client, admin)
    page = client.get(f"/admin/users/{other.id}").get_data(as_text=True)
    assert 'type="password"' not in page and "Send a password reset link" in page
    token = csrf_token(client, f"/admin/users/{other.id}")
    assert client.post(f"/admin/users/{other.id}/password", data={"password": "new password for kenya",
                                                                  "csrf_token": token}).status_code == 404
    assert client.post(f"/admin/users/{other.id}/link", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        sent = db.session.scalars(select(OutboxMessage).where(OutboxMessage.user_id == other.id)).all()
        assert [(m.kind, m.status, m.address) for m in sent] == [("password_reset", "pending", other.email)]
    login(app.test_client(), other)  # the password is unchanged until its owner follows the link


def test_next_parameter_cannot_redirect_elsewhere(client: FlaskClient) -> None:
    user = add_user("reader")
    token = csrf_token(client)
    response = client.post("/login?next=//evil.example/x",
                           data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/"


def test_language_is_remembered_per_user(client: FlaskClient, app: Flask) -> None:
    user = add_user("secretariat_reviewer")
    login(client, user)
    token = csrf_token(client, "/")
    client.post("/language", data={"lang": "ar", "next": "/", "csrf_token": token})
    other = app.test_client()
    login(other, user)
    page = other.get("/").get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in page


def test_invalid_language_is_ignored(client: FlaskClient) -> None:
    page = client.get("/login?lang=../../etc/passwd").get_data(as_text=True)
    assert 'lang="en"' in page
