"""A provider answers the provider questionnaire in a real browser: logs in, opens the questionnaire
from the providers' page, adds an activity for Kenya (autosaved), submits, and the matching view
then shows Kenya's need as covered by the provider."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.conftest import LiveServer, db_call, log_in, wait_saved
from tests.conftest import add_user, start_response

QID = "activity_list"


@pytest.mark.browser
def test_provider_records_an_activity_that_covers_a_need(live_server: LiveServer, page: Page) -> None:
    from web.admin.users import set_contact
    from web.extensions import db
    from web.models import Answer, AssistanceItem, Response, User

    kenya = start_response("KEN")
    bank = add_user("provider", email="coordination@worldbank.example")

    def prepare() -> None:
        row = db.session.get(Response, kenya.id)
        row.status, row.consent = "accepted", "assistance"  # Kenya shares its needs with providers
        db.session.add(AssistanceItem(response_id=row.id, state_id=row.state_id, kind="need", article="15",
                                      category="legal_advisory", priority="high"))
        set_contact(db.session.get(User, bank.id), organization="World Bank")
        db.session.commit()

    db_call(prepare)
    server = live_server
    log_in(page, server, bank)
    page.goto(server("/assistance/?state=KEN"))
    expect(page.locator("#totals")).to_contain_text("Not covered (gaps): 1.")

    page.get_by_role("link", name="Providers' activities").click()
    page.get_by_role("button", name="Start: Anti-corruption technical assistance: activities of providers").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("activities of providers")
    response_id = int(page.url.rstrip("/").split("/")[-1])
    page.goto(server(f"/responses/{response_id}/pages/activities"))
    page.locator(f"[name='{QID}-0-title']").fill("Drafting a law on bribery")
    page.locator(f"[name='{QID}-0-country']").select_option(label="Kenya")  # one of the 193 Member States
    page.locator(f"[name='{QID}-0-articles']").select_option(["15"])
    page.locator(f"[name='{QID}-0-categories'][value='legal_advisory']").check()
    page.locator(f"[name='{QID}-0-status'][value='ongoing']").check()
    page.locator(f"[name='{QID}-0-start_date']").fill("2027-01-01")
    page.locator(f"[name='{QID}-0-budget']").fill("50000")
    page.locator(f"[name='{QID}-0-currency']").fill("USD")
    page.locator(f"[name='{QID}-0-currency']").blur()
    wait_saved(page)

    def stored() -> Any:
        return db.session.scalars(select(Answer.value).where(Answer.response_id == response_id,
                                                             Answer.question_id == QID)).one()

    saved = db_call(stored)
    assert saved[0]["country"] == "KEN" and saved[0]["articles"] == ["15"] and saved[0]["status"] == "ongoing"

    page.goto(server(f"/responses/{response_id}/check"))
    page.get_by_role("button", name="Submit the activities").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Activities submitted")

    page.goto(server("/assistance/?state=KEN"))
    expect(page.locator("#totals")).to_contain_text("Not covered (gaps): 0.")
    detail = page.locator("#detail ~ table").first
    expect(detail).to_contain_text("World Bank")
