"""Technical assistance: needs matched to offers (on generated data for 193 States and 20 providers,
the coverage known in advance), rows kept up to date by submission and acceptance, the consent of
each State, the exports, and the directory of focal points."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.conftest import add_user, context, login
from tests.exports.small_checklist import complete
from tests.web.assistance_data import expected, generate
from tests.web.data_helpers import respond


def client_for(app: Flask, role: str, state: str | None = None) -> FlaskClient:
    client = app.test_client()
    login(client, add_user(role, state))
    return client


def rows(client: FlaskClient, query: str = "") -> list[dict[str, str]]:
    response = client.get(f"/assistance/matching.csv{query}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))


@pytest.fixture
def generated(app: Flask) -> dict[str, Any]:
    with context():
        from web.extensions import db

        data = generate()
        db.session.commit()
    return data


def test_known_needs_and_offers_give_known_gaps_and_overlaps(app: Flask, generated: dict[str, Any]) -> None:
    want = expected()
    # by hand: 193 + 65 needs (i % 3 == 0); legal advice uncovered for odd i not multiple of 5 (96 - 19),
    # capacity-building for i % 3 == 0 not multiple of 15 (65 - 13); overlaps: i % 4 == 0 or i % 10 == 0
    # (49 + 20 - 10)
    assert want == {"needs": 258, "gaps": 77 + 52, "overlaps": 59}
    for role in ("secretariat_reviewer", "provider"):
        client = client_for(app, role)
        found = rows(client)
        assert len(found) == want["needs"], role
        assert sum(r["gap"] == "true" for r in found) == want["gaps"]
        assert sum(r["overlap"] == "true" for r in found) == want["overlaps"]
        page = client.get("/assistance/").get_data(as_text=True)
        assert (f"Needs: {want['needs']}. Not covered (gaps): {want['gaps']}. Covered by several providers "
                f"(overlaps): {want['overlaps']}.") in page
        assert "<svg" in page and 'role="img"' in page
    states = generated["states"]
    first = next(r for r in found if r["state_code"] == states[0] and r["category"] == "legal_advisory")
    assert first["providers"] == "Provider 00;Provider 01;Provider 02" and first["overlap"] == "true"
    fifth = [r for r in found if r["state_code"] == states[3]]  # i = 3: legal and capacity, nobody covers
    assert {(r["category"], r["gap"]) for r in fifth} == {("legal_advisory", "true"), ("capacity_building", "true")}


def test_filters_by_group_kind_and_priority(app: Flask, generated: dict[str, Any]) -> None:
    from web.extensions import db
    from web.models import State

    client = client_for(app, "secretariat_admin")
    with context():
        african = set(db.session.scalars(select(State.code).where(State.group == "african")))
    by_group = rows(client, "?group=african")
    assert by_group and {r["state_code"] for r in by_group} <= african
    assert {r["regional_group"] for r in by_group} == {"african"}
    capacity = rows(client, "?category=capacity_building")
    assert len(capacity) == 65 and {r["category"] for r in capacity} == {"capacity_building"}  # i % 3 == 0
    high = rows(client, "?priority=high")
    assert len(high) == sum(1 + (i % 3 == 0) for i in range(193) if i % 2)
    assert client.get("/assistance/?group=nowhere").status_code == 400
    by_article = client.get("/assistance/?by=article").get_data(as_text=True)
    assert "Article 14" in by_article
    xlsx = client.get("/assistance/matching.xlsx?priority=low")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.get_data())).active
    assert sheet.max_row == 1 + sum(1 + (i % 3 == 0) for i in range(193) if i % 2 == 0)


def test_needs_reach_providers_only_by_consent(app: Flask) -> None:
    with context():
        from web.extensions import db

        generate(consent="aggregate")
        db.session.commit()
    assert rows(client_for(app, "provider")) == []
    assert len(rows(client_for(app, "secretariat_reviewer"))) == expected()["needs"]
    assert client_for(app, "reader").get("/assistance/").status_code == 403


def test_rows_follow_submission_and_acceptance(app: Flask) -> None:
    from web.extensions import db
    from web.models import AssistanceItem

    answers = complete({"p5_2.compliance": "partial", "p5_2.ta_needed": True,
                        "p5_2.ta_categories": ["legal_advice", "capacity_building"], "p5_2.ta_priority": "high"})
    draft = respond("KEN", answers)
    with context():
        assert db.session.scalar(select(func.count()).select_from(AssistanceItem)) == 0  # drafts: nothing
    rid = respond("FRA", answers, status="submitted")
    with context():
        found = db.session.execute(select(AssistanceItem.kind, AssistanceItem.article, AssistanceItem.provision,
                                          AssistanceItem.category, AssistanceItem.priority)
                                   .where(AssistanceItem.response_id == rid)).all()
    assert sorted(found) == [("need", "5", "5.2", "capacity_building", "high"),
                             ("need", "5", "5.2", "legal_advice", "high")]
    secretariat = client_for(app, "secretariat_reviewer")
    assert {(r["state_code"], r["gap"]) for r in rows(secretariat)} == {("FRA", "true")}
    assert rows(client_for(app, "provider")) == []  # submitted, not shared
    assert draft


def test_activities_reported_are_offers(app: Flask) -> None:
    """A State's report of activities: assistance received covers its own needs; assistance it
    delivers (South-South) covers the needs of the State it names."""
    from web.assistance import index
    from web.extensions import db
    from web.models import QuestionnaireVersion, State

    with context():
        version = db.session.scalars(select(QuestionnaireVersion).where(
            QuestionnaireVersion.questionnaire_id == "technical_assistance")).first()
        from web import catalog

        q = catalog.questionnaire(version)
        states = index._states()
        bra = db.session.scalars(select(State).where(State.code == "BRA")).one()
        ken = db.session.scalars(select(State).where(State.code == "KEN")).one()
        activities = [
            {"direction": "received", "title": "Training", "provider": "UNODC", "recipient": "Brazil",
             "articles": ["15"], "categories": ["capacity_building"], "status": "ongoing"},
            {"direction": "delivered", "title": "Peer review", "provider": "Brazil, CGU", "recipient": "Kenya, EACC",
             "articles": ["6", "36"], "categories": [], "status": "planned"},
            {"direction": "delivered", "title": "Old", "provider": "Brazil", "recipient": "Kenya",
             "articles": ["5"], "categories": [], "status": "cancelled"},
        ]
        answers = {"activity_list": activities, "has_needs": True, "needs_description": "x",
                   "needs_articles": ["20"], "needs_categories": ["research"]}
        parsed = __import__("engine").answers_from_json(q, answers)
        found = sorted((i.kind, db.session.get(State, i.state_id).code, i.article, i.category, i.provider)
                       for i in index.items(q, parsed, bra.id, states))
    assert ken.code == "KEN"
    assert found == [("need", "BRA", "20", "research", ""),
                     ("offer", "BRA", "15", "capacity_building", "UNODC"),
                     ("offer", "KEN", "36", "", "Brazil, CGU"), ("offer", "KEN", "6", "", "Brazil, CGU")]


def test_directory_of_focal_points_within_consent(app: Flask) -> None:
    from web import consent
    from web.admin.users import set_contact
    from web.extensions import db
    from web.models import Response, User

    person = add_user("focal_point", "KEN", email="wanjiru@ken.example")
    with context():
        user = db.session.get(User, person.id)
        user.name = "Wanjiru Kamau"
        set_contact(user, organization="EACC", ta_focal_point=True, position="Director", phone="+254 20 000")
        db.session.commit()
    rid = respond("KEN", complete(), status="accepted")
    provider = client_for(app, "provider")
    assert "Wanjiru Kamau" not in provider.get("/assistance/focal-points").get_data(as_text=True)
    with context():
        consent.set_consent(db.session.get(Response, rid), db.session.get(User, person.id), "assistance")
        db.session.commit()
    page = provider.get("/assistance/focal-points").get_data(as_text=True)
    assert "Wanjiru Kamau" in page and "+254 20 000" in page and "mailto:wanjiru@ken.example" in page
    secretariat = client_for(app, "secretariat_reviewer")
    assert "Wanjiru Kamau" in secretariat.get("/assistance/focal-points?state=KEN").get_data(as_text=True)
    assert "Wanjiru Kamau" not in client_for(app, "focal_point", "FRA").get(
        "/assistance/focal-points?state=BRA").get_data(as_text=True)
    assert client_for(app, "reader").get("/assistance/focal-points").status_code == 403


def test_only_state_users_are_focal_points_and_providers_name_their_organization(app: Flask) -> None:
    from web.admin.users import AccountError, set_contact
    from web.extensions import db
    from web.models import User

    reader, provider = add_user("reader"), add_user("provider")
    with context():
        with pytest.raises(AccountError):
            set_contact(db.session.get(User, reader.id), ta_focal_point=True)
        with pytest.raises(AccountError):
            set_contact(db.session.get(User, provider.id), organization=" ")
        set_contact(db.session.get(User, provider.id), organization="World Bank")
        db.session.commit()
        assert db.session.get(User, provider.id).organization == "World Bank"


def test_rebuild_after_an_upgrade(app: Flask) -> None:
    """Responses submitted before the rows existed get them from ``checklist assistance rebuild``."""
    from click.testing import CliRunner

    from web.cli import cli
    from web.extensions import db
    from web.models import AssistanceItem, AssistanceSource

    respond("FRA", complete({"p5_2.compliance": "partial", "p5_2.ta_needed": True,
                             "p5_2.ta_categories": ["legal_advice"]}), status="submitted")
    with context():
        db.session.execute(AssistanceItem.__table__.delete())
        db.session.execute(AssistanceSource.__table__.delete())
        db.session.commit()
    with app.app_context():
        result = CliRunner().invoke(cli, ["assistance", "rebuild"])
    assert result.exit_code == 0 and "needs and offers: 1 rows" in result.output, result.output
    with context():
        assert db.session.scalar(select(func.count()).select_from(AssistanceItem)) == 1
