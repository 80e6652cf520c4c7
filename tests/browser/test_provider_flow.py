"""The provider flow in a real browser: the secretariat creates a provider account for an
organization; the provider sees no State's needs until a State shares them; Kenya's focal point
chooses to share its technical-assistance needs; the provider then finds Kenya among the African
States, sees who covers which need, Kenya's focal point for assistance, and downloads the figures."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.conftest import LiveServer, db_call, log_in
from tests.conftest import PASSWORD, add_user
from tests.web.assistance_data import covering


@pytest.mark.browser
def test_provider_sees_what_a_state_shares(live_server: LiveServer, page: Page, browser: Any) -> None:
    from tests.web.assistance_data import generate
    from web.admin.users import set_contact, set_password
    from web.extensions import db
    from web.models import Response, State, User

    focal = add_user("focal_point", "KEN", email="amina@ken.test")

    def prepare() -> dict[str, Any]:
        data = generate(consent="aggregate")  # every State shares figures only
        amina = db.session.get(User, focal.id)
        amina.name = "Amina Odhiambo"
        set_contact(amina, organization="EACC", ta_focal_point=True, phone="+254 20 111")
        db.session.commit()
        kenya = db.session.scalars(select(Response).join(State).where(State.code == "KEN")).one()
        return {"states": data["states"], "kenya": kenya.id}

    data = db_call(prepare)
    server = live_server

    # the secretariat creates the provider's account
    log_in(page, server, add_user("secretariat_admin"))
    page.goto(server("/admin/users"))
    form = page.locator("main form").filter(has=page.locator("#organization")).first
    form.locator("#email").fill("coordination@worldbank.example")
    form.locator("#name").fill("Ana Provider")
    form.locator("#role").select_option("provider")
    form.locator("#organization").fill("World Bank")
    form.locator("button[type=submit]").click()
    expect(page.locator(".flash, [role=status], .notice").first).to_contain_text("coordination@worldbank.example")
    page.context.clear_cookies()

    def give_password() -> Any:
        user = db.session.scalars(select(User).where(User.email == "coordination@worldbank.example")).one()
        assert (user.role, user.organization) == ("provider", "World Bank")
        set_password(user, PASSWORD)
        db.session.commit()
        return user

    provider = db_call(give_password)

    # nothing is shared yet
    log_in(page, server, provider)
    page.goto(server("/assistance/"))
    expect(page.locator("#totals")).to_contain_text("Needs: 0.")
    page.context.clear_cookies()

    # Kenya's focal point shares its needs
    log_in(page, server, focal)
    page.goto(server(f"/responses/{data['kenya']}"))
    page.locator("#consent-assistance").check()
    page.get_by_role("button", name="Save what may be shared").click()
    expect(page.get_by_text("Your choice of what may be shared is saved")).to_be_visible()
    page.goto(server(f"/responses/{data['kenya']}/activity"))
    expect(page.get_by_text("What may be shared changed")).to_be_visible()
    page.context.clear_cookies()

    # the provider finds Kenya among the African States, and who covers which need
    log_in(page, server, provider)
    page.goto(server("/assistance/"))
    page.locator("#f-group").select_option("african")
    page.get_by_role("button", name="Show").click()
    i = data["states"].index("KEN")
    needs = covering(i)
    expect(page.locator("#totals")).to_contain_text(f"Needs: {len(needs)}.")
    page.get_by_role("link", name="Kenya").click()
    detail = page.locator("#detail ~ table").first
    for providers in needs.values():
        for name in providers:
            expect(detail).to_contain_text(name)
    expect(page.get_by_text("Amina Odhiambo")).to_be_visible()
    expect(page.get_by_role("link", name="Country coordination pack (PDF)")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download (CSV)").click()
    content = download.value.path().read_text(encoding="utf-8-sig")
    assert content.splitlines()[0].startswith("state_code,") and "KEN" in content and "AGO" not in content
    page.goto(server("/assistance/focal-points"))
    expect(page.locator("main")).to_contain_text("+254 20 111")
