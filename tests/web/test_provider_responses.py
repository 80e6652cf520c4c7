"""Providers answering a provider questionnaire of their own (issue 15, point 3): a response owned by
an organization, not a State; scoped so that a provider opens only its organization's responses and
no State opens a provider's; filled, autosaved and submitted through the same pages as a State's; its
activities counted as offers in the matching of needs to offers."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tests.conftest import add_user, context, csrf_token, login, start_response

ACTIVITY = {"title": "Drafting a law on bribery", "country": "KEN", "articles": ["15"],
            "categories": ["legal_advisory"], "start_date": "2027-01-01", "end_date": "2027-12-31",
            "status": "ongoing", "budget": 50000, "currency": "USD"}


def provider(organization: str) -> Any:
    from web.admin.users import set_contact
    from web.extensions import db
    from web.models import User

    user = add_user("provider")
    with context():
        row = db.session.get(User, user.id)
        set_contact(row, organization=organization)
        db.session.commit()
        db.session.refresh(row)
        db.session.expunge(row)
        return row


def client_of(app: Flask, user: Any) -> FlaskClient:
    client = app.test_client()
    login(client, user)
    return client


def version_id(questionnaire: str = "provider_assistance") -> int:
    from web.extensions import db
    from web.models import QuestionnaireVersion

    with context():
        return db.session.scalars(select(QuestionnaireVersion.id).where(
            QuestionnaireVersion.questionnaire_id == questionnaire)).one()


def start(client: FlaskClient) -> int:
    page = client.get("/providers/")
    assert page.status_code == 200 and "Start: Anti-corruption technical assistance: activities of providers" in \
        page.get_data(as_text=True)
    reply = client.post(f"/providers/start/{version_id()}", data={"csrf_token": csrf_token(client, "/providers/")})
    assert reply.status_code == 302
    return int(reply.headers["Location"].rstrip("/").split("/")[-1])


def autosave(client: FlaskClient, response_id: int, qid: str, value: Any, base: int = 0) -> Any:
    token = csrf_token(client, f"/responses/{response_id}/pages/activities")
    return client.post(f"/responses/{response_id}/autosave", headers={"X-CSRFToken": token},
                       json={"page": "activities", "changes": [{"q": qid, "value": value, "base": base,
                                                                "key": f"k-{qid}-{base}"}]})


def submit(client: FlaskClient, response_id: int) -> Any:
    return client.post(f"/responses/{response_id}/submit",
                       data={"csrf_token": csrf_token(client, f"/responses/{response_id}")})


@pytest.fixture
def kenya_needs(app: Flask) -> int:
    """Kenya's accepted checklist, shared with providers, needing legal advice on article 15 and
    capacity-building on article 16."""
    from web.extensions import db
    from web.models import AssistanceItem, Response

    response = start_response("KEN")
    with context():
        row = db.session.get(Response, response.id)
        row.status, row.consent = "accepted", "assistance"
        for article, category in (("15", "legal_advisory"), ("16", "capacity_building")):
            db.session.add(AssistanceItem(response_id=row.id, state_id=row.state_id, kind="need", article=article,
                                          category=category, priority="high"))
        db.session.commit()
    return int(response.id)


def matching(client: FlaskClient) -> dict[tuple[str, str, str], dict[str, str]]:
    reply = client.get("/assistance/matching.csv")
    assert reply.status_code == 200
    rows = csv.DictReader(io.StringIO(reply.get_data().decode("utf-8-sig")))
    return {(r["state_code"], r["article"], r["category"]): r for r in rows}


# -- the data model ------------------------------------------------------------------------------
@pytest.mark.parametrize("owner", [{}, {"organization": "World Bank", "state": True}])
def test_a_response_has_exactly_one_owner(app: Flask, owner: dict[str, Any]) -> None:
    from web.extensions import db
    from web.models import Response, State

    version = version_id()
    with context():
        state_id = db.session.scalars(select(State.id).where(State.code == "KEN")).one() if owner.get("state") else None
        db.session.add(Response(state_id=state_id, organization=owner.get("organization"), version_id=version,
                                status="draft"))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


@pytest.mark.parametrize("owner", [{"state": True}, {"organization": "World Bank"}])
def test_one_response_per_owner_and_version_outside_review_cycles(app: Flask, owner: dict[str, Any]) -> None:
    """Two starts at the same moment (a double click) cannot leave two responses: the database refuses
    the second (round_id is NULL in both, which a plain unique constraint would let differ)."""
    from web.extensions import db
    from web.models import Response, State

    version = version_id()
    with context():
        state_id = db.session.scalars(select(State.id).where(State.code == "KEN")).one() if owner.get("state") else None
        for _ in range(2):
            db.session.add(Response(state_id=state_id, organization=owner.get("organization"), version_id=version,
                                    status="draft"))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


# -- filling, submitting, matching ---------------------------------------------------------------------
def test_provider_fills_submits_and_covers_a_need(app: Flask, kenya_needs: int) -> None:
    from web.extensions import db
    from web.models import AssistanceItem, Response

    bank = client_of(app, provider("World Bank"))
    before = matching(bank)
    assert before[("KEN", "15", "legal_advisory")]["gap"] == "true"

    rid = start(bank)
    assert "Anti-corruption technical assistance" in bank.get(f"/responses/{rid}").get_data(as_text=True)
    assert bank.get(f"/responses/{rid}/pages/activities").status_code == 200
    cancelled = {**ACTIVITY, "title": "A course", "articles": ["16"], "categories": ["capacity_building"],
                 "status": "cancelled"}
    unknown = {**ACTIVITY, "title": "Elsewhere", "country": "ATL", "articles": ["16"]}
    refused = autosave(bank, rid, "activity_list", [ACTIVITY, cancelled, unknown]).get_json()
    assert refused["refused"] == {"activity_list": ["Select one of the options shown."]}  # Member States only
    assert refused["saved"] == {}
    reply = autosave(bank, rid, "activity_list", [ACTIVITY, cancelled])
    assert reply.status_code == 200, reply.get_data(as_text=True)
    with context():
        row = db.session.get(Response, rid)
        assert (row.state_id, row.organization, row.status) == (None, "World Bank", "draft")
        assert row.answered >= 1
    assert submit(bank, rid).status_code == 302
    with context():
        assert db.session.get(Response, rid).status == "submitted"
        offers = db.session.scalars(select(AssistanceItem).where(AssistanceItem.response_id == rid)).all()
        assert [(o.kind, o.article, o.category, o.provider, o.status) for o in offers] == [
            ("offer", "15", "legal_advisory", "World Bank", "ongoing")]  # cancelled: no offer

    # known data, known coverage: one need covered by the provider, the other still a gap
    viewers = [bank, client_of(app, add_user("secretariat_reviewer")), client_of(app, add_user("focal_point", "KEN")),
               client_of(app, provider("UNDP"))]
    for viewer in viewers:
        found = matching(viewer)
        assert found[("KEN", "15", "legal_advisory")]["providers"] == "World Bank"
        assert found[("KEN", "15", "legal_advisory")]["gap"] == "false"
        assert found[("KEN", "16", "capacity_building")]["gap"] == "true"


def test_a_draft_provider_response_covers_nothing(app: Flask, kenya_needs: int) -> None:
    bank = client_of(app, provider("World Bank"))
    rid = start(bank)
    assert autosave(bank, rid, "activity_list", [ACTIVITY]).status_code == 200
    assert matching(bank)[("KEN", "15", "legal_advisory")]["gap"] == "true"


def test_a_state_records_what_it_delivers_in_the_provider_questionnaire(app: Flask) -> None:
    """South-South: Mexico answers the provider questionnaire; its activity is an offer of Mexico."""
    from web import catalog
    from web.assistance import index
    from web.extensions import db
    from web.models import QuestionnaireVersion, State

    version = version_id()
    with context():
        q = catalog.questionnaire(db.session.get_one(QuestionnaireVersion, version))
        states = index._states()
        mexico, kenya = (db.session.scalars(select(State.id).where(State.code == c)).one() for c in ("MEX", "KEN"))
        rows = list(index.items(q, {"activity_list": [{**ACTIVITY, "country": "KEN"}]}, mexico, states,
                                provider="Mexico"))
        assert [(r.kind, r.state_id, r.article, r.provider) for r in rows] == [("offer", kenya, "15", "Mexico")]


# -- who may open what ----------------------------------------------------------------------------
def test_providers_and_states_never_open_each_others_responses(app: Flask, kenya_needs: int) -> None:
    bank_user, undp_user = provider("World Bank"), provider("UNDP")
    bank, undp = client_of(app, bank_user), client_of(app, undp_user)
    rid = start(bank)
    undp_rid = start(undp)
    kenya = client_of(app, add_user("focal_point", "KEN"))
    secretariat = client_of(app, add_user("secretariat_admin"))
    for path in (f"/responses/{rid}", f"/responses/{rid}/pages/activities", f"/responses/{rid}/print",
                 f"/responses/{rid}/activity", f"/responses/{rid}/check",
                 f"/responses/{rid}/history/activity_list", f"/responses/{rid}/transfer",
                 f"/responses/{rid}/transfer/export?format=xlsx"):
        assert undp.get(path).status_code == 404, path
        assert kenya.get(path).status_code == 404, path
        assert secretariat.get(path).status_code == 200, path
        assert bank.get(path).status_code == 200, path
    assert bank.get(f"/responses/{kenya_needs}").status_code == 404  # a State's response
    assert bank.get(f"/responses/{undp_rid}").status_code == 404
    assert autosave(undp, undp_rid, "activity_list", [ACTIVITY]).status_code == 200
    token = csrf_token(undp, f"/responses/{undp_rid}")
    refused = undp.post(f"/responses/{rid}/autosave", headers={"X-CSRFToken": token},
                        json={"page": "activities", "changes": [{"q": "activity_list", "value": [ACTIVITY],
                                                                 "base": 0, "key": "x"}]})
    assert refused.status_code == 404
    assert undp.post(f"/responses/{rid}/submit", data={"csrf_token": token}).status_code == 404
    assert "World Bank" not in undp.get("/providers/").get_data(as_text=True)
    listing = secretariat.get("/providers/").get_data(as_text=True)
    assert "World Bank" in listing and "UNDP" in listing
    assert kenya.get("/providers/").status_code == 404
    assert f"/responses/{rid}" not in kenya.get("/states/KEN").get_data(as_text=True)


def test_a_provider_without_organization_starts_nothing(app: Flask) -> None:
    client = client_of(app, add_user("provider"))
    assert "names no organization" in client.get("/providers/").get_data(as_text=True)
    token = csrf_token(client, "/providers/")
    assert client.post(f"/providers/start/{version_id()}", data={"csrf_token": token}).status_code == 403


def test_only_provider_questionnaires_are_started_for_an_organization(app: Flask) -> None:
    client = client_of(app, provider("World Bank"))
    token = csrf_token(client, "/providers/")
    assert client.post(f"/providers/start/{version_id('uncac_checklist')}",
                       data={"csrf_token": token}).status_code == 404


def test_the_secretariat_accepts_and_exports_a_provider_response(app: Flask, kenya_needs: int) -> None:
    from web.extensions import db
    from web.models import Response

    bank = client_of(app, provider("World Bank"))
    rid = start(bank)
    assert autosave(bank, rid, "activity_list", [ACTIVITY]).status_code == 200
    assert submit(bank, rid).status_code == 302
    secretariat = client_of(app, add_user("secretariat_admin"))
    queue = secretariat.get("/").get_data(as_text=True)  # the work queue: States' questionnaires, and a pointer
    pointer = r"""id="providers-awaiting"><a href="/providers/">1 provider(&#39;|&#x27;|')s activities awaiting"""
    assert re.search(pointer, queue)
    assert "q=provider_assistance" not in queue
    token = csrf_token(secretariat, f"/responses/{rid}")
    assert secretariat.post(f"/responses/{rid}/accept", data={"csrf_token": token}).status_code == 302
    with context():
        assert db.session.get(Response, rid).status == "accepted"
    assert secretariat.post(f"/responses/{rid}/publish", data={"csrf_token": token}).status_code in (302, 409)
    with context():
        assert not db.session.get(Response, rid).published  # a provider's answers are never a public profile
    for fmt in ("csv", "json", "xlsx"):
        reply = secretariat.get(f"/data/export.{fmt}?q=provider_assistance")
        assert reply.status_code == 200, fmt
    assert "World Bank" in secretariat.get("/data/export.csv?q=provider_assistance").get_data().decode("utf-8-sig")
    assert "World Bank" not in secretariat.get("/data/export.csv?q=uncac_checklist").get_data().decode("utf-8-sig")
    assert 'id="providers-awaiting"' not in secretariat.get("/").get_data(as_text=True)  # accepted: none waits
    assert matching(secretariat)[("KEN", "15", "legal_advisory")]["providers"] == "World Bank"


def test_a_state_submits_the_provider_questionnaire_for_what_it_delivers(app: Flask) -> None:
    """South-South: Kenya's focal point answers the provider questionnaire from Kenya's page; France's
    need on article 15 (shared with providers) is then covered by Kenya."""
    from web.extensions import db
    from web.models import AssistanceItem, Response

    france = start_response("FRA")
    with context():
        row = db.session.get(Response, france.id)
        row.status, row.consent = "accepted", "assistance"
        db.session.add(AssistanceItem(response_id=row.id, state_id=row.state_id, kind="need", article="15",
                                      category="legal_advisory", priority="high"))
        db.session.commit()
    kenya = client_of(app, add_user("focal_point", "KEN"))
    token, vid = csrf_token(kenya, "/states/KEN"), version_id()
    assert kenya.post(f"/states/KEN/start/{vid}", data={"csrf_token": token}).status_code == 302
    with context():
        rid = db.session.scalars(select(Response.id).where(Response.version_id == vid,
                                                           Response.state_id.is_not(None))).one()
    assert autosave(kenya, rid, "activity_list", [{**ACTIVITY, "country": "FRA"}]).status_code == 200
    assert submit(kenya, rid).status_code == 302
    found = matching(client_of(app, add_user("secretariat_reviewer")))
    assert found[("FRA", "15", "legal_advisory")]["providers"] == "Kenya"
    assert found[("FRA", "15", "legal_advisory")]["gap"] == "false"


def test_messages_about_a_providers_answers_name_its_questionnaire_not_a_self_assessment(
        app: Flask, mailer: Any, queue: Any) -> None:
    bank_user = provider("World Bank")
    bank = client_of(app, bank_user)
    add_user("secretariat_reviewer", email="reviewer@un.test")
    rid = start(bank)
    assert autosave(bank, rid, "activity_list", [ACTIVITY]).status_code == 200
    assert submit(bank, rid).status_code == 302
    queue.run(app)
    mailer.wait(2)
    told, = mailer.to("reviewer@un.test")
    assert told.subject == "World Bank submitted its answers to “Anti-corruption technical assistance: " \
                           "activities of providers”", told.subject
    assert "Review the answers" in told.text and "Review the self-assessment" not in told.text
    received, = mailer.to(bank_user.email)
    assert "self-assessment" not in received.subject.lower() and "Anti-corruption technical assistance" in \
        received.subject
