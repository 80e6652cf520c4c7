"""CSRF: missing, empty, foreign and expired tokens are refused, and nothing is written."""

from __future__ import annotations

import time

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.conftest import add_user, csrf_token, login


def account_count(app: Flask) -> int:
    from web.extensions import db
    from web.models import User

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def new_account(token: str | None) -> dict[str, str]:
    data = {"email": "new.person@test.example", "role": "reader", "password": "a long enough password",
            "active": "y"}
    if token is not None:
        data["csrf_token"] = token
    return data


@pytest.mark.parametrize("kind", ["missing", "empty", "foreign", "garbage"])
def test_bad_tokens_are_refused_and_nothing_is_written(app: Flask, client: FlaskClient, kind: str) -> None:
    admin = add_user("secretariat_admin")
    login(client, admin)
    before = account_count(app)
    token = {"missing": None, "empty": "", "garbage": "abc.def.ghi"}.get(kind)
    if kind == "foreign":
        other = app.test_client()
        token = csrf_token(other)  # a valid token, but of another session
    response = client.post("/admin/users", data=new_account(token))
    assert response.status_code == 400
    assert account_count(app) == before
    good = client.post("/admin/users", data=new_account(csrf_token(client, "/admin/users")))
    assert good.status_code == 302 and account_count(app) == before + 1


def test_expired_token_is_refused(app: Flask, client: FlaskClient) -> None:
    admin = add_user("secretariat_admin")
    login(client, admin)
    token = csrf_token(client, "/admin/users")
    app.config["WTF_CSRF_TIME_LIMIT"] = 1
    time.sleep(2.1)
    before = account_count(app)
    assert client.post("/admin/users", data=new_account(token)).status_code == 400
    assert account_count(app) == before


def test_json_requests_need_the_token_header(app: Flask, client: FlaskClient) -> None:
    user = add_user("focal_point", "KEN")
    login(client, user)
    response = client.post("/language", json={"lang": "fr"})
    assert response.status_code == 400
