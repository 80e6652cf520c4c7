"""Documents furnished to the repository by providers: proposed, reviewed by the secretariat, then
shown marked as furnished by the organization; nothing shown before, nothing from anyone else."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import add_user, context, csrf_token, login


def provider_client(app: Flask) -> FlaskClient:
    from web.admin.users import set_contact
    from web.extensions import db
    from web.models import User

    person = add_user("provider")
    with context():
        set_contact(db.session.get(User, person.id), organization="World Bank")
        db.session.commit()
    client = app.test_client()
    login(client, person)
    return client


def test_furnished_reviewed_then_shown(app: Flask) -> None:
    from web.extensions import db
    from web.models import RepositoryContribution

    provider = provider_client(app)
    token = csrf_token(provider, "/repository/contributions")
    refused = provider.post("/repository/contributions", data={
        "title": "", "articles": "fifteen", "link": "javascript:alert(1)", "year": "20", "state": "XXX",
        "csrf_token": token})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    for message in ("Give the document", "List the articles", "A link starts with http",
                    "Give the year as four digits", "There is no State with this code"):
        assert message in page
    assert provider.post("/repository/contributions", data={
        "title": "Model law on asset declarations", "articles": "20, 8", "year": "2024",
        "link": "https://example.org/model-law", "description": "A model for parliaments.",
        "csrf_token": token}).status_code == 302
    reader = app.test_client()
    login(reader, add_user("reader"))
    assert "Model law on asset declarations" not in reader.get("/repository/").get_data(as_text=True)

    secretariat = app.test_client()
    login(secretariat, add_user("secretariat_reviewer"))
    assert "1 document furnished by an organization to review" in secretariat.get("/repository/").get_data(
        as_text=True)
    with context():
        row = db.session.scalars(select(RepositoryContribution)).one()
        assert (row.organization, row.articles, row.status) == ("World Bank", ["8", "20"], "pending")
        row_id = row.id
    stoken = csrf_token(secretariat, "/repository/contributions/review")
    assert secretariat.post("/repository/contributions/review", data={
        "id": row_id, "decision": "published", "csrf_token": stoken}).status_code == 302
    assert secretariat.post("/repository/contributions/review", data={
        "id": row_id, "decision": "rejected", "csrf_token": stoken}).status_code == 409  # decided once

    shown = reader.get("/repository/?q=asset+declarations&article=20").get_data(as_text=True)
    assert "Model law on asset declarations" in shown and "Furnished by World Bank" in shown
    assert "Model law" not in reader.get("/repository/?article=15").get_data(as_text=True)
    assert "Waiting for review" not in provider.get("/repository/contributions").get_data(as_text=True)
