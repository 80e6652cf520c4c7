"""The demo data of ``make run``: Kenya's answers are found by role, so they follow the question ids."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from exports.provisions import provision_facts


def test_demo_answers_reach_the_provisions_by_role(app: Any) -> None:
    import engine
    from web import catalog
    from web.answers import stored, values
    from web.demo import load_demo
    from web.extensions import db
    from web.models import AssistanceItem, Response, State

    with app.app_context():  # the test database holds the current version only (no history to publish)
        lines = list(load_demo())
        assert any(line.startswith("Demo answers for Kenya (version 2027.1): ") for line in lines), lines
        assert "Demo provider (United Nations Development Programme): one activity for Kenya, submitted" in lines
        offers = db.session.scalars(select(AssistanceItem).where(AssistanceItem.kind == "offer")).all()
        assert {(o.article, o.category, o.provider) for o in offers} == {
            (a, c, "United Nations Development Programme") for a in ("5", "6")
            for c in ("institution_building", "capacity_building")}
        kenya = db.session.scalars(select(State).where(State.code == "KEN")).one()
        response = db.session.scalars(select(Response).where(Response.state_id == kenya.id)).one()
        q = catalog.questionnaire(response.version)
        answers = values(q, stored(response))
        facts = {f.provision: f for f in provision_facts(q, engine.evaluate(q, answers))}
        assert facts["5.1"].status == "yes" and facts["5.1"].get("summary").startswith("The policy")
        assert facts["5.2"].status == "partial" and facts["5.2"].status_role == "adopted"
        # "legal advice or legislative drafting" as the version's mapping file moves it: both codes
        assert set(facts["5.2"].ta_categories) == {"legal_advisory", "legislative_drafting", "capacity_building",
                                                   "good_practices"}
        assert facts["5.2"].ta_priority == "high"
        assert facts["23.2.d"].status == "no" and facts["23.2.d"].gap  # mandatory
        assert facts["27.2"].status == "yes" and facts["27.2"].status_role == "adopted"  # optional
        assert answers[q.with_role("focal_point_name")[0].id] == "Wanjiru Kamau"
        assert answers["legal_system"] == "common_law"
