"""The State's consent (``web.consent``) across every reader route: each level x each role x each
page, export, PDF decision and figure. Kenya's accepted response has needs and measures in chapter II
(article 5) and chapter III (article 15); the secretariat publishes whatever the consent allows.

What each level lets a reader or provider see of Kenya (the secretariat sees everything, always):

============  =======  =====  ======  ===========  ===================
level         counted  needs  answers  chapter III  profile / repository
============  =======  =====  ======  ===========  ===================
none          no       no     no      no           no
aggregate     yes      no     no      no           no
assistance    yes      named  no      no           no
profile:II    yes      named  yes     no           chapter II only
profile       yes      named  yes     yes          yes
============  =======  =====  ======  ===========  ===================
"""

from __future__ import annotations

import csv
import io

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import add_user, context, csrf_token, login
from tests.exports.small_checklist import complete
from tests.web.data_helpers import respond

LEVELS = ("none", "aggregate", "assistance", "profile:II", "profile")
VIEWERS = ("secretariat_reviewer", "focal_point", "reader", "provider")  # focal point of another State (FRA)
RANK = {"none": 0, "aggregate": 1, "assistance": 2, "profile:II": 3, "profile": 4}

KEN = complete({
    "p5_2.compliance": "partial", "p5_2.ta_needed": True, "p5_2.ta_categories": ["legal_advice"],
    "p5_2.ta_priority": "high", "p5_1.measures": [{"instrument": "Public Officer Ethics Act"}],
    "p15_a.compliance": "partial", "p15_a.ta_needed": True, "p15_a.ta_categories": ["capacity_building"],
    "p15_a.measures": [{"instrument": "Anti-Corruption and Economic Crimes Act"}],
})


def give(response_id: int, level: str) -> None:
    """Kenya's focal point chooses ``level``; the secretariat publishes when it may."""
    from web import consent, workflow
    from web.extensions import db
    from web.models import Response, User

    focal, reviewer = add_user("focal_point", "KEN"), add_user("secretariat_reviewer")
    name, _sep, chapter = level.partition(":")
    with context():
        response = db.session.get(Response, response_id)
        consent.set_consent(response, db.session.get(User, focal.id), name, [chapter] if chapter else None)
        if name == "profile":
            workflow.set_published(response, db.session.get(User, reviewer.id), True)
        else:
            with pytest.raises(workflow.WorkflowError):  # the secretariat cannot publish beyond consent
                workflow.set_published(response, db.session.get(User, reviewer.id), True)
        db.session.commit()


@pytest.fixture(params=LEVELS)
def level(request: pytest.FixtureRequest, app: Flask) -> tuple[str, dict[str, int]]:
    ids = {"KEN": respond("KEN", KEN, status="accepted"),
           "BRA": respond("BRA", complete({"p5_1.compliance": "no", "p5_1.ta_needed": True,
                                           "p5_1.ta_categories": ["legal_advice"]}), status="accepted")}
    give(ids["KEN"], request.param)
    from web import consent
    from web.extensions import db
    from web.models import Response, User

    brazil_focal = add_user("focal_point", "BRA")
    with context():  # Brazil shares its needs, so that figures are never empty
        brazil = db.session.get(Response, ids["BRA"])
        consent.set_consent(brazil, db.session.get(User, brazil_focal.id), "assistance")
        db.session.commit()
    return request.param, ids


def viewer(app: Flask, role: str) -> FlaskClient:
    client = app.test_client()
    user = add_user(role, "FRA" if role == "focal_point" else None)
    login(client, user)
    client.user = user  # type: ignore[attr-defined]
    return client


def table(client: FlaskClient, url: str) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200, url
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))


@pytest.mark.parametrize("role", VIEWERS)
def test_consent_matrix(app: Flask, level: tuple[str, dict[str, int]], role: str) -> None:
    name, ids = level
    rank = RANK[name]
    sees_all = role == "secretariat_reviewer"
    client = viewer(app, role)
    failures: list[str] = []

    def expect(what: str, got: bool, wanted: bool) -> None:
        if got != wanted:
            failures.append(f"{name} as {role}: {what}: got {got}, expected {wanted}")

    # figures: counted from "aggregate", named from "assistance" (needs) or a published profile (answers)
    articles = {row["article"]: row for row in table(client, "/analysis/assistance.csv?by=article&q=small_checklist")}
    expect("counted in needs (article 15)", "15" in articles, sees_all or rank >= 1)
    expect("named in needs (article 5)", "KEN" in articles["5"]["state_codes"].split(";"), sees_all or rank >= 2)
    compliance = {row["provision"]: row
                  for row in table(client, "/analysis/compliance.csv?q=small_checklist&chapter=all")}
    expect("counted in compliance (15.a)", compliance["15.a"]["partial"] == "1", sees_all or rank >= 1)
    expect("named in compliance, chapter II", "KEN" in compliance["5.2"]["partial_states"], sees_all or rank >= 3)
    expect("named in compliance, chapter III", "KEN" in compliance["15.a"]["partial_states"], sees_all or rank >= 4)

    # data exports: the answers, of the chapters consented
    rows = table(client, "/data/export.csv?q=small_checklist&form=long")
    kenya = {row["question_id"] for row in rows if row["state_code"] == "KEN"}
    if role != "focal_point":  # a State's users export their own State's data
        expect("answers exported, chapter II", "p5_2.compliance" in kenya, sees_all or rank >= 3)
        expect("answers exported, chapter III", "p15_a.compliance" in kenya, sees_all or rank >= 4)
        state_export = client.get("/data/export.csv?state=KEN")
        state_export.get_data()
        expect("Kenya's export", state_export.status_code == 200, sees_all or rank >= 3)
    else:
        expect("another State's answers exported", bool(kenya), False)

    # the repository of measures
    page = client.get("/repository/", query_string={"state": "KEN"}).get_data(as_text=True)
    expect("measure of chapter II listed", "Public Officer Ethics Act" in page, sees_all or rank >= 3)
    expect("measure of chapter III listed", "Anti-Corruption and Economic Crimes Act" in page,
           sees_all or rank >= 4)
    entry = client.get(f"/repository/{ids['KEN']}/p15_a.measures/0")
    expect("entry of chapter III", entry.status_code == 200, sees_all or rank >= 4)

    # the country profile: the route's decision (the questionnaire of profiles is the checklist, so
    # here the same rules applied to this response), and the chapters the PDF shows
    from web import profiles
    from web.extensions import db
    from web.models import Response, User

    with context():
        user = db.session.get(User, client.user.id)  # type: ignore[attr-defined]
        response = db.session.get(Response, ids["KEN"])
        allowed = db.session.scalars(profiles.access.data_responses(user).where(Response.id == response.id)).first()
        # a State's users download their own State's profile only (web.profiles), readers published ones
        expect("profile may be downloaded", allowed is not None, sees_all or (rank >= 3 and role != "focal_point"))
        if allowed is not None:
            shown = profiles.shown_chapters(user, response)
            expect("profile limited to chapter II", shown == frozenset({"II"}), not sees_all and name == "profile:II")
    assert not failures, "\n".join(failures)


def test_the_states_own_users_always_see_their_answers(app: Flask) -> None:
    rid = respond("KEN", KEN, status="accepted")
    client = app.test_client()
    login(client, add_user("contributor", "KEN"))
    rows = table(client, "/data/export.csv?state=KEN&form=long")
    assert {"p5_2.compliance", "p15_a.compliance"} <= {row["question_id"] for row in rows}
    assert client.get(f"/repository/{rid}/p15_a.measures/0").status_code == 200


def test_only_the_focal_point_sets_consent_and_each_change_is_logged(app: Flask) -> None:
    from web.extensions import db
    from web.models import Activity, Response

    rid = respond("KEN", KEN, status="accepted")
    for role in ("contributor", "secretariat_admin"):
        client = app.test_client()
        login(client, add_user(role, "KEN" if role == "contributor" else None))
        token = csrf_token(client, f"/responses/{rid}")
        assert client.post(f"/responses/{rid}/consent", data={"consent": "profile", "csrf_token": token}
                           ).status_code == 403
    focal = app.test_client()
    login(focal, add_user("focal_point", "KEN"))
    token = csrf_token(focal, f"/responses/{rid}")
    page = focal.get(f"/responses/{rid}").get_data(as_text=True)
    assert 'name="consent" value="assistance"' in page
    for form in ({"consent": "loud"}, {"consent": "profile", "chapter": "IX"}):
        assert focal.post(f"/responses/{rid}/consent", data={**form, "csrf_token": token}).status_code == 400
    assert focal.post(f"/responses/{rid}/consent", data={"consent": "profile", "chapter": "III",
                                                         "csrf_token": token}).status_code == 302
    assert focal.post(f"/responses/{rid}/consent", data={"consent": "profile", "chapter": "III",
                                                         "csrf_token": token}).status_code == 302  # the same: once
    reviewer = app.test_client()
    login(reviewer, add_user("secretariat_reviewer"))
    rtoken = csrf_token(reviewer, f"/responses/{rid}")
    assert reviewer.post(f"/responses/{rid}/publish", data={"published": "1", "csrf_token": rtoken}
                         ).status_code == 302
    assert focal.post(f"/responses/{rid}/consent", data={"consent": "aggregate", "csrf_token": token}
                      ).status_code == 302
    with context():
        response = db.session.get(Response, rid)
        assert (response.consent, response.consent_chapters, response.published) == ("aggregate", None, False)
        steps = [(a.action, a.details.get("new"), a.details.get("chapters"), a.details.get("reason"))
                 for a in db.session.scalars(select(Activity).where(Activity.response_id == rid)
                                             .order_by(Activity.id))]
    assert [s for s in steps if s[0] in ("consent", "published", "unpublished")] == [
        ("consent", "profile", ["III"], None), ("published", None, None, None),
        ("consent", "aggregate", None, None), ("unpublished", None, None, "consent")]
    activity = focal.get(f"/responses/{rid}/activity").get_data(as_text=True)
    assert "What may be shared changed" in activity


def test_the_database_refuses_a_profile_published_beyond_consent(app: Flask) -> None:
    from sqlalchemy.exc import IntegrityError

    from web.extensions import db
    from web.models import Response

    rid = respond("KEN", KEN, status="accepted")
    with context():
        response = db.session.get(Response, rid)
        response.published = True
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_the_pdf_shows_only_the_chapters_consented(app: Flask) -> None:
    from exports.profile import build_html
    from web import profiles
    from web.extensions import db
    from web.models import Response

    rid = respond("KEN", KEN, status="accepted")
    with context():
        response = db.session.get(Response, rid)
        every = build_html(profiles.profile_data(response), "en", "full")
        some = build_html(profiles.profile_data(response, frozenset({"II"})), "en", "full")
        key_all = profiles.locate(response, "en", "full").key
        key_some = profiles.locate(response, "en", "full", chapters=frozenset({"II"})).key
    assert "Anti-Corruption and Economic Crimes Act" in every and "Public Officer Ethics Act" in every
    assert "Anti-Corruption and Economic Crimes Act" not in some and "Public Officer Ethics Act" in some
    assert key_all != key_some  # another file, never the full one sent to a reader


def test_back_to_every_chapter_shares_every_chapter(app: Flask) -> None:
    """From some chapters back to all: stored as SQL NULL (not JSON null), so every reader query finds it."""
    from web.extensions import db
    from web.models import Response

    rid = respond("KEN", KEN, status="accepted")
    give(rid, "profile:II")
    give(rid, "profile")
    with context():
        assert db.session.scalars(select(Response.id).where(Response.consent_chapters.is_(None),
                                                            Response.id == rid)).first() == rid
    reader = viewer(app, "reader")
    page = reader.get("/repository/", query_string={"state": "KEN"}).get_data(as_text=True)
    assert "Anti-Corruption and Economic Crimes Act" in page


def test_stored_figures_follow_a_change_of_consent(app: Flask) -> None:
    """Figures counted ahead (web.analysis.aggregates) are read from their stored row; a change of
    consent makes them count again: the State is named, then counted without its name, then not counted."""
    from web.extensions import db
    from web.models import FigureAggregate

    kenya = respond("KEN", KEN, status="accepted")
    give(kenya, "assistance")
    client = viewer(app, "reader")
    url = "/analysis/assistance.csv?by=article&q=small_checklist"
    article = {row["article"]: row for row in table(client, url)}["5"]
    assert (article["states"], article["state_codes"]) == ("1", "KEN")
    with context():
        assert db.session.scalars(select(FigureAggregate).where(FigureAggregate.audience == "published")).one()
    give(kenya, "aggregate")
    article = {row["article"]: row for row in table(client, url)}["5"]
    assert (article["states"], article["state_codes"]) == ("1", "")  # counted, not named
    page = client.get("/analysis/assistance?by=article&q=small_checklist").get_data(as_text=True)
    assert "1 State that shares figures only" in page
    give(kenya, "none")
    assert "5" not in {row["article"] for row in table(client, url)}
