"""The secretariat edits a label in Arabic in the browser editor, previews it right to left,
publishes; a focal point moves to the new version and sees the new label with the answers intact."""

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


@pytest.mark.browser
def test_edit_preview_publish_and_move(kenya: Setup, page: Page, browser: Any) -> None:
    _answer_first_provision(kenya)
    server = kenya.server
    admin = add_user("secretariat_admin")
    log_in(page, server, admin)
    page.goto(server("/admin/questionnaires"))
    row = page.locator("tr", has=page.get_by_text("UNCAC self-assessment checklist")).first
    row.get_by_role("button", name="Edit as a new draft").click()
    expect(page.locator(".CodeMirror")).to_be_visible()
    source = page.evaluate("() => document.querySelector('.CodeMirror').CodeMirror.getValue()")
    assert OLD_LABEL in source
    edited = source.replace('version: "2026.1"', 'version: "2026.2"', 1).replace(OLD_LABEL, NEW_LABEL, 1)
    page.evaluate("(text) => document.querySelector('.CodeMirror').CodeMirror.setValue(text)", edited)
    page.get_by_role("button", name="Save the draft").click()
    expect(page.locator(".notice-success")).to_contain_text("The draft is saved.")
    expect(page.locator("[data-diagnostics]")).to_contain_text("No problem found.")

    # the preview shows the new Arabic label, right to left, as a State would see it
    page.select_option("#preview-section", "chiii")
    page.select_option("#preview-lang", "ar")
    page.get_by_role("button", name=re.compile("Preview")).click()
    assert page.locator("html").get_attribute("dir") == "rtl"
    expect(page.locator("[id='q-p15_a.compliance'] legend").first).to_contain_text(NEW_LABEL)

    # review the changes and publish
    page.goto(page.url.split("/preview")[0] + "/publish")
    changes = page.locator("#changes")
    expect(changes).to_contain_text("compliance")
    page.get_by_label("Publication notes: what changed and why").fill("The Arabic compliance question is clearer.")
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator(".notice-success")).to_contain_text("2026.2")

    # the focal point moves the answers to the new version and finds them under the new label
    focal = browser.new_context(locale="ar")
    other = focal.new_page()
    log_in(other, server, kenya.users["amina"])
    other.goto(server(f"/responses/{kenya.response_id}?lang=en"))
    other.get_by_role("button", name=re.compile("Move the answers to version 2026.2")).click()
    other.goto(kenya.page_url("p15_a") + "?lang=ar")
    assert other.locator("html").get_attribute("dir") == "rtl"
    expect(other.locator("[id='q-p15_a.compliance'] legend")).to_contain_text(NEW_LABEL)
    expect(other.locator("[id='q-p15_a.compliance'] input[value=partial]")).to_be_checked()
    expect(other.locator("[id='p15_a.measures_summary']")).to_have_value("Penal Code, sections 118 to 121.")
    focal.close()

    def version_of_response() -> str:
        from web.extensions import db
        from web.models import Response

        return db.session.get(Response, kenya.response_id).version.version

    assert db_call(version_of_response) == "2026.2"
