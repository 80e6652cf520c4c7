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


def test_other_fill_routes_get_the_usual_error_page(app: Flask, client: FlaskClient) -> None:
    """The fill blueprint shows a page of answers again after a bad token; its other routes (the
    resolve form, autosave) get the same refusal as every other page, and JSON stays JSON."""
    from tests.conftest import start_response

    user = add_user("focal_point", "KEN")
    login(client, user)
    response = start_response("KEN")
    page = client.post(f"/responses/{response.id}/resolve", data={"q": "p15_a.compliance"})
    assert page.status_code == 400 and "text/html" in page.content_type
    assert "The request could not be understood" in page.get_data(as_text=True)  # web.security's error page
    auto = client.post(f"/responses/{response.id}/autosave", json={"page": "p15_a", "changes": []})
    assert auto.status_code == 400 and auto.is_json


def test_security_does_not_import_the_fill_blueprint() -> None:
    """Error handling that belongs to filling in lives in web/fill (web.security depends on no blueprint)."""
    import ast
    from pathlib import Path

    import web.security

    tree = ast.parse(Path(web.security.__file__).read_text())
    imported = {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any(name == "fill" or name.startswith("fill.") or ".fill" in name for name in imported)
