"""The read-only API: every answer checked against the OpenAPI document the app serves (jsonschema,
with the document's own references), tokens (hashed, scoped, revoked), pagination, and consent."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from sqlalchemy import select

from tests.conftest import add_user, context, csrf_token, login
from tests.exports.small_checklist import complete
from tests.web.assistance_data import expected, generate
from tests.web.data_helpers import respond


def document(client: FlaskClient) -> dict[str, Any]:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.get_json()  # type: ignore[no-any-return]


def check(doc: dict[str, Any], path: str, status: int, body: Any) -> None:
    """``body`` is what the document says ``path`` answers with ``status``."""
    registry: Registry = Registry().with_resource("urn:api", Resource.opaque(doc))
    answer = doc["paths"][path]["get"]["responses"][str(status)]
    if "$ref" in answer:
        answer = doc["components"]["responses"][answer["$ref"].rsplit("/", 1)[1]]
    ref = answer["content"]["application/json"]["schema"]["$ref"]
    validator = Draft202012Validator({"$ref": f"urn:api{ref}"}, registry=registry)
    errors = sorted(validator.iter_errors(body), key=str)
    assert not errors, f"{path} {status}: " + "; ".join(e.message for e in errors[:5])


def token(scopes: list[str]) -> str:
    from web.api import issue
    from web.extensions import db

    with context():
        _row, plain = issue("Coordination platform", scopes, None)
        db.session.commit()
    return plain


def get(client: FlaskClient, url: str, plain: str | None) -> Any:
    headers = {"Authorization": f"Bearer {plain}"} if plain else {}
    return client.get(url, headers=headers)


@pytest.fixture
def generated(app: Flask) -> None:
    from web.extensions import db

    with context():
        generate()
        db.session.commit()


def test_the_document_is_valid_and_matches_the_routes(app: Flask, client: FlaskClient) -> None:
    doc = document(client)
    assert doc["openapi"].startswith("3.1")
    for schema in doc["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)  # raises, naming the mistake
    routes = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule) for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/v1/")}
    assert routes == set(doc["paths"])


def test_every_answer_follows_the_document(app: Flask, client: FlaskClient, generated: None) -> None:
    doc = document(client)
    plain = token(["needs", "profiles"])
    respond("KEN", complete(), status="accepted", publish=True)
    for path in doc["paths"]:
        for query in ("", "?group=african&priority=high", "?category=legal_advisory&per_page=7&page=2"):
            if path == "/api/v1/summary" and "page" in query:
                query = "?category=legal_advisory"
            response = get(client, path + query, plain)
            assert response.status_code == 200, (path, query, response.get_data(as_text=True))
            check(doc, path, 200, response.get_json())
        bad = get(client, path + ("?priority=urgent" if path.endswith("summary") else "?per_page=0"), plain)
        assert bad.status_code == 400
        check(doc, path, 400, bad.get_json())
        anonymous = get(client, path, None)
        assert anonymous.status_code == 401 and anonymous.headers["WWW-Authenticate"] == "Bearer"
        check(doc, path, 401, anonymous.get_json())
    profiles = get(client, "/api/v1/profiles", plain).get_json()
    assert [(p["state"], p["chapters"]) for p in profiles["items"]] == [("KEN", None)]


def test_pages_carry_every_need_once(app: Flask, client: FlaskClient, generated: None) -> None:
    plain = token(["needs"])
    seen: list[tuple[str, str, str]] = []
    url: str | None = "/api/v1/needs?per_page=50"
    while url:
        body = get(client, url, plain).get_json()
        seen.extend((n["state"], n["article"], n["category"]) for n in body["items"])
        url = body["next"]
    assert len(seen) == len(set(seen)) == expected()["needs"]
    summary = get(client, "/api/v1/summary", plain).get_json()
    assert (summary["needs"], summary["gaps"], summary["overlaps"], summary["states"]) == (
        *expected().values(), 193)
    assert get(client, "/api/v1/needs?per_page=201", plain).status_code == 400


def test_scopes_revocation_and_hashes(app: Flask, client: FlaskClient) -> None:
    from web.extensions import db
    from web.models import ApiToken

    plain = token(["profiles"])
    assert get(client, "/api/v1/needs", plain).status_code == 403
    assert get(client, "/api/v1/profiles", plain).status_code == 200
    assert get(client, "/api/v1/profiles", plain + "x").status_code == 401
    with context():
        row = db.session.scalars(select(ApiToken)).one()
        assert plain not in str(row.token_hash) and len(row.token_hash) == 64 and row.last_used_at is not None
        row_id = row.id
    secretariat = app.test_client()
    login(secretariat, add_user("secretariat_reviewer"))
    csrf = csrf_token(secretariat, "/admin/api-tokens")
    assert secretariat.post(f"/admin/api-tokens/{row_id}/revoke", data={"csrf_token": csrf}).status_code == 302
    assert get(client, "/api/v1/profiles", plain).status_code == 401
    page = secretariat.post("/admin/api-tokens", data={"name": "Donors' group", "scope": ["needs"],
                                                       "csrf_token": csrf}).get_data(as_text=True)
    issued = re.search(r'<code id="new-token">([^<]+)</code>', page)
    assert issued and get(client, "/api/v1/needs", issued.group(1)).status_code == 200
    assert issued.group(1) not in secretariat.get("/admin/api-tokens").get_data(as_text=True)  # shown once


def test_the_api_shares_only_within_consent(app: Flask, client: FlaskClient) -> None:
    from web.extensions import db

    with context():
        generate(consent="aggregate")
        db.session.commit()
    respond("KEN", complete(), status="accepted")  # accepted, not published
    plain = token(["needs", "profiles"])
    assert get(client, "/api/v1/needs", plain).get_json()["total"] == 0
    assert get(client, "/api/v1/summary", plain).get_json()["needs"] == 0
    assert get(client, "/api/v1/profiles", plain).get_json()["items"] == []
