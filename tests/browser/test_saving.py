"""Nothing lost, nothing silently overwritten: conflicts between colleagues, a dropped connection, an
ended session, the same autosave sent twice."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect
from sqlalchemy import select

from tests.browser.conftest import Setup, autosaved, db_call, log_in, question, wait_saved
from tests.browser.test_fill_page import MEASURES, SUMMARY, Q, revisions, stored

pytestmark = pytest.mark.browser

NAME = "focal_name"  # a text question of the first page


def test_two_colleagues_edit_the_same_answer(kenya: Setup, two_contexts: tuple[BrowserContext, BrowserContext],
                                             browser: Browser, browser_context_args: dict[str, Any]) -> None:
    amina = two_contexts[0].new_page()
    brian = two_contexts[1].new_page()
    log_in(amina, kenya.server, kenya.users["amina"])
    log_in(brian, kenya.server, kenya.users["brian"])
    amina.goto(kenya.page_url())
    brian.goto(kenya.page_url())  # both saw no answer

    with autosaved(amina):
        question(amina, Q).get_by_label("Yes", exact=True).check()
    wait_saved(amina)
    question(brian, Q).get_by_label("No", exact=True).check()
    panel = question(brian, Q).locator(".conflict-panel")
    expect(panel).to_be_visible(timeout=15_000)
    expect(brian.locator("[data-save-state]")).to_contain_text("a colleague changed this answer")
    expect(panel.locator(".choice-box").nth(0)).to_contain_text("No")   # mine
    expect(panel.locator(".choice-box").nth(1)).to_contain_text("Yes")  # theirs
    expect(panel.locator(".choice-box").nth(1)).to_contain_text(kenya.users["amina"].name)
    assert stored(kenya.response_id)[Q] == "yes", "nothing was overwritten"

    panel.get_by_role("button", name="Keep my value").click()
    wait_saved(brian)
    assert stored(kenya.response_id)[Q] == "no"
    history = revisions(kenya.response_id, Q)
    assert [(r.new_value, r.source) for r in history] == [("yes", "autosave"), ("no", "conflict"), ("no", "autosave")]
    assert history[-1].old_value == "yes"

    # the same without JavaScript: the conflict page shows both values and lets Brian choose
    amina.reload()  # Amina now builds on Brian's answer
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    try:
        plain = context.new_page()
        log_in(plain, kenya.server, kenya.users["brian"])
        plain.goto(kenya.page_url())  # sees "No", version 2
        with autosaved(amina):  # Amina saves in between
            question(amina, Q).get_by_label("Yes, in part").check()
        question(plain, Q).get_by_label("Yes", exact=True).check()
        plain.get_by_role("button", name="Save", exact=True).click()
        expect(plain.locator("h1")).to_have_text("Someone else changed these answers")
        box = plain.locator(f"[id='conflict-{Q}']")
        expect(box.locator(".choice-box").nth(0)).to_contain_text("Yes")
        expect(box.locator(".choice-box").nth(1)).to_contain_text("Yes, in part")
        assert stored(kenya.response_id)[Q] == "partial"
        box.get_by_label("Saved by").check()  # keep Amina's value
        plain.get_by_role("button", name="Keep the chosen values").click()
        expect(plain.locator(".notice-success")).to_contain_text("Both values are kept in the history")
        assert stored(kenya.response_id)[Q] == "partial"
        expect(question(plain, Q).get_by_label("Yes, in part")).to_be_checked()
        # once more, and this time Brian keeps his own value
        with autosaved(amina):
            question(amina, Q).get_by_label("No", exact=True).check()
        question(plain, Q).get_by_label("Yes", exact=True).check()
        plain.get_by_role("button", name="Save", exact=True).click()
        plain.locator(f"[id='conflict-{Q}']").get_by_label("Your value").check()
        plain.get_by_role("button", name="Keep the chosen values").click()
        expect(plain.locator(".notice-success")).to_be_visible()
        expect(question(plain, Q).get_by_label("Yes", exact=True)).to_be_checked()
    finally:
        context.close()
    assert stored(kenya.response_id)[Q] == "yes"
    history = [(r.new_value, r.source) for r in revisions(kenya.response_id, Q)]
    assert ("yes", "conflict") in history and ("yes", "resolve") in history
    assert {value for value, source in history if source != "conflict"} == {"yes", "no", "partial"}


def _local_copy(page: Page, setup: Setup, user: Any) -> dict[str, Any]:
    raw = page.evaluate("k => localStorage.getItem(k)", f"checklist:u{user.id}:r{setup.response_id}")
    return json.loads(raw) if raw else {}


def test_offline_during_autosave_then_reconnect(kenya: Setup, page: Page) -> None:
    log_in(page, kenya.server, kenya.users["amina"])
    page.goto(kenya.server(f"/responses/{kenya.response_id}/pages/focal_point"))
    page.context.set_offline(True)
    page.locator(f"[name='{NAME}']").fill("Amina Offline")
    expect(page.locator("[data-save-state]")).to_contain_text("Not saved", timeout=15_000)
    assert _local_copy(page, kenya, kenya.users["amina"])[NAME]["value"] == "Amina Offline"
    assert NAME not in stored(kenya.response_id)
    page.context.set_offline(False)
    wait_saved(page, timeout=40_000)
    assert stored(kenya.response_id)[NAME] == "Amina Offline"
    assert _local_copy(page, kenya, kenya.users["amina"]) == {}


def test_expired_session_keeps_the_change_and_offers_it_back(kenya: Setup, page: Page) -> None:
    from web.extensions import db
    from web.models import User

    user = kenya.users["amina"]
    log_in(page, kenya.server, user)
    page.goto(kenya.page_url())
    question(page, Q).get_by_label("Yes, in part").check()
    wait_saved(page)

    def log_out_everywhere() -> None:
        account = db.session.get(User, user.id)
        account.auth_version += 1
        db.session.commit()

    db_call(log_out_everywhere)
    question(page, SUMMARY).locator("textarea").fill("Written while the session had ended.")
    page.locator(f"[name='{MEASURES}-0-instrument']").fill("Act kept in the browser")
    question(page, MEASURES).get_by_role("button", name="Add a row").click()
    page.locator(f"[name='{MEASURES}-1-instrument']").fill("Second act")
    page.locator(f"[name='{MEASURES}-1-year']").fill("2010")
    state = page.locator("[data-save-state]")
    expect(state).to_contain_text("your session has ended", timeout=15_000)
    assert _local_copy(page, kenya, user)[SUMMARY]["value"] == "Written while the session had ended."
    assert _local_copy(page, kenya, user)[MEASURES]["value"] == [
        {"instrument": "Act kept in the browser"}, {"instrument": "Second act", "year": "2010"}]
    assert SUMMARY not in stored(kenya.response_id) and MEASURES not in stored(kenya.response_id)

    state.get_by_role("link").click()
    page.locator("#email").fill(user.email)
    from tests.conftest import PASSWORD

    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(kenya.page_url())
    banner = page.locator("[data-restore]")
    expect(banner).to_be_visible()
    expect(question(page, SUMMARY).locator("textarea")).to_have_value("")
    banner.get_by_role("button", name="Restore them").click()
    expect(question(page, SUMMARY).locator("textarea")).to_have_value("Written while the session had ended.")
    expect(page.locator(f"[name='{MEASURES}-1-instrument']")).to_have_value("Second act")  # the rows are back
    expect(page.locator(f"[name='{MEASURES}-1-year']")).to_have_value("2010")
    wait_saved(page)
    assert stored(kenya.response_id)[SUMMARY] == "Written while the session had ended."
    assert stored(kenya.response_id)[MEASURES] == [{"instrument": "Act kept in the browser"},
                                                   {"instrument": "Second act", "year": 2010}]
    page.reload()
    expect(page.locator(f"[name='{MEASURES}-1-instrument']")).to_have_value("Second act")
    assert _local_copy(page, kenya, user) == {}


def test_the_same_autosave_sent_twice_makes_one_change(kenya: Setup, page: Page) -> None:
    sent: list[dict[str, Any]] = []

    def lose_the_first_reply(route: Route) -> None:
        sent.append(json.loads(route.request.post_data or "{}"))
        reply = route.fetch()  # the server saves
        if len(sent) == 1:
            route.abort("connectionreset")  # ...but the browser never hears of it and sends again
        else:
            route.fulfill(response=reply)

    log_in(page, kenya.server, kenya.users["amina"])
    page.goto(kenya.server(f"/responses/{kenya.response_id}/pages/focal_point"))
    page.route("**/autosave", lose_the_first_reply)
    page.locator(f"[name='{NAME}']").fill("Amina Wanjiru")
    expect(page.locator("[data-save-state]")).to_contain_text("Not saved", timeout=15_000)
    wait_saved(page, timeout=20_000)
    assert len(sent) == 2
    assert sent[0]["changes"] == sent[1]["changes"]  # same key, same base version
    history = revisions(kenya.response_id, NAME)
    assert [(r.new_value, r.version) for r in history] == [("Amina Wanjiru", 1)]
    assert stored(kenya.response_id)[NAME] == "Amina Wanjiru"
    from web.extensions import db
    from web.models import Answer

    assert db_call(lambda: db.session.scalars(select(Answer.version).where(Answer.question_id == NAME)).one()) == 1


def test_a_change_made_before_the_script_ran_is_saved(kenya: Setup, page: Page) -> None:
    """A quick user (or a slow connection) answers before the page's script has started: no input
    event reached it, yet the change is autosaved once the script runs."""
    held: list[Route] = []
    log_in(page, kenya.server, kenya.users["amina"])
    page.route("**/static/fill/main.js", lambda route: held.append(route))
    page.goto(kenya.page_url(), wait_until="commit")
    question(page, Q).get_by_label("Yes", exact=True).check()
    while not held:  # the script is asked for, and held back
        page.wait_for_timeout(50)
    assert Q not in stored(kenya.response_id)
    with autosaved(page):
        held[0].continue_()
    wait_saved(page)
    assert stored(kenya.response_id)[Q] == "yes"
