"""The secretariat edits the checklist in the outline editor (a provision question's Arabic label,
which is the template's, and a show_if checked as it is typed), publishes with notes; a focal point
moves to the new version and finds the new label with the answers intact."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Setup, db_call, log_in
from tests.conftest import add_user

OLD_LABEL = "هل يمتثل بلدكم لهذا الحكم؟"
NEW_LABEL = "هل يمتثل بلدكم لهذا الحكم امتثالاً كاملاً؟"


def _answer_first_provision(setup: Setup) -> None:
    from web import catalog
    from web.answers import Change, save
    from web.extensions import db
    from web.models import Response, User

    def run() -> None:
        response = db.session.get(Response, setup.response_id)
        user = db.session.get(User, setup.users["amina"].id)
        save(response, catalog.questionnaire(response.version),
             [Change("p15_a.compliance", "partial", 0),
              Change("p15_a.measures_summary", "Penal Code, sections 118 to 121.", 0)], user, "save")
        db.session.commit()

    db_call(run)


def open_in_outline(page: Page, *path: str) -> None:
    """Open the outline down to the last id of ``path`` and show its form."""
    for item in path[:-1]:
        toggle = page.locator(f".outline-toggle[data-node='{item}']")
        if toggle.get_attribute("aria-expanded") != "true":
            toggle.click()
        expect(page.locator(f"li[data-id='{item}'] > ul > li").first).to_be_visible()
    page.locator(f"a[data-item='{path[-1]}']").click()
    expect(page.locator("[data-item-panel] h2#item-title")).to_contain_text(path[-1])


@pytest.mark.browser
def test_edit_in_the_outline_publish_and_move(kenya: Setup, page: Page, browser: Any) -> None:
    _answer_first_provision(kenya)
    server = kenya.server
    log_in(page, server, add_user("secretariat_admin"))
    page.goto(server("/admin/questionnaires"))
    row = page.locator("tr", has=page.get_by_text("UNCAC self-assessment checklist")).first
    row.get_by_role("button", name="Edit as a new draft").click()
    expect(page.locator("[data-outline-root] a[data-item='chiii']")).to_be_visible()

    # the compliance question of 15.a is the template's: the form says so, the Arabic label changes
    open_in_outline(page, "chiii", "art15", "p15_a", "p15_a.compliance")
    panel = page.locator("[data-item-panel]")
    expect(panel.locator("#template-notice")).to_contain_text("used by 126 provisions")
    arabic = panel.locator("#text-label-ar")
    expect(arabic).to_have_value(OLD_LABEL)
    expect(arabic).to_have_attribute("dir", "rtl")
    arabic.fill(NEW_LABEL)
    panel.get_by_role("button", name="Save the change").click()
    expect(panel.locator("[data-item-check]")).to_contain_text("The change is saved in the draft.", timeout=20_000)

    # a show_if found by searching, checked by the engine while it is typed
    # (the steps: a block of the mandatory kinds only, all of which ask for compliance)
    page.get_by_label("Search by id or text, in any language").fill("p15_a.steps")
    expect(page.locator("[data-outline-status]")).to_have_text("Items found: 1", timeout=20_000)
    page.locator("a[data-item='p15_a.steps']").click()
    expect(panel.locator("h2#item-title")).to_contain_text("p15_a.steps")
    show_if = panel.get_by_label("Show only if (condition)")
    show_if.fill("${complience} = 'no'")
    expect(panel.locator("[data-item-check]")).to_contain_text("C401", timeout=20_000)
    expect(panel.locator("[data-item-check]")).to_contain_text("compliance")  # "did you mean"
    show_if.fill("${compliance} = 'no'")
    expect(panel.locator("[data-item-check]")).to_contain_text("No problem found in this item.", timeout=20_000)
    panel.get_by_role("button", name="Save the change").click()
    expect(panel.locator("[data-item-check]")).to_contain_text("The change is saved in the draft.", timeout=20_000)

    # publish: the version number suggested, notes required
    page.get_by_role("link", name="Review and publish").click()
    expect(page.locator("#changes")).to_contain_text("compliance")
    expect(page.locator("#version")).to_have_value("2027.2")
    page.get_by_label("Publication notes: what changed and why").fill("The compliance question asks about full "
                                                                       "compliance; steps only when it is not met.")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".notice-success")).to_contain_text("2027.2")

    # the focal point reads the notes, moves the answers and finds them under the new label
    focal = browser.new_context(locale="ar")
    other = focal.new_page()
    log_in(other, server, kenya.users["amina"])
    other.goto(server(f"/responses/{kenya.response_id}?lang=en"))
    expect(other.locator(".publication-notes")).to_contain_text("steps only when it is not met")
    other.get_by_role("button", name=re.compile("Move the answers to version 2027.2")).click()
    other.goto(kenya.page_url("p15_a") + "?lang=ar")
    assert other.locator("html").get_attribute("dir") == "rtl"
    expect(other.locator("[id='q-p15_a.compliance'] legend")).to_contain_text(NEW_LABEL)
    expect(other.locator("[id='q-p15_a.compliance'] input[value=partial]")).to_be_checked()
    expect(other.locator("[id='p15_a.measures_summary']")).to_have_value("Penal Code, sections 118 to 121.")
    expect(other.locator("[id='q-p15_a.steps']")).to_be_hidden()  # shown only when the answer is 'no'
    focal.close()

    def version_of_response() -> str:
        from web.extensions import db
        from web.models import Response

        return db.session.get(Response, kenya.response_id).version.version

    assert db_call(version_of_response) == "2027.2"


@pytest.mark.browser
def test_the_yaml_text_loads_as_json_into_the_text_editor(live_server: Any, page: Page) -> None:
    from tests.conftest import csrf_token  # noqa: F401  (the draft is made through the page)

    log_in(page, live_server, add_user("secretariat_admin"))
    page.goto(live_server("/admin/questionnaires"))
    row = page.locator("tr", has=page.get_by_text("Technical assistance")).first
    row.get_by_role("button", name="Edit as a new draft").click()
    page.get_by_role("link", name="YAML text").click()
    expect(page.locator(".CodeMirror")).to_be_visible()
    source = page.evaluate("() => document.querySelector('.CodeMirror').CodeMirror.getValue()")
    assert source.startswith("#") and "technical_assistance" in source
    page.evaluate("(t) => document.querySelector('.CodeMirror').CodeMirror.setValue(t)",
                  source.replace("type: long_text", "type: lng_text", 1))
    expect(page.locator("[data-diagnostics]")).to_contain_text("S206", timeout=15_000)
