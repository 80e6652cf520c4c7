"""Completing a provision page in Chromium: branching, repeating tables, autosave, Arabic, no JavaScript,
keyboard only."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from tests.browser.conftest import PAGE, Setup, db_call, log_in, question, wait_saved

pytestmark = pytest.mark.browser

Q = f"{PAGE}.compliance"
MEASURES = f"{PAGE}.measures"
SUMMARY = f"{PAGE}.measures_summary"
STEPS = f"{PAGE}.steps"
CHALLENGES = f"{PAGE}.challenges"


def stored(response_id: int) -> dict[str, Any]:
    from web.extensions import db
    from web.models import Answer

    def read() -> dict[str, Any]:
        rows = db.session.scalars(select(Answer).where(Answer.response_id == response_id))
        return {row.question_id: row.value for row in rows}

    return db_call(read)


def revisions(response_id: int, qid: str) -> list[Any]:
    from web.extensions import db
    from web.models import AnswerRevision

    def read() -> list[Any]:
        return list(db.session.scalars(select(AnswerRevision).where(
            AnswerRevision.response_id == response_id, AnswerRevision.question_id == qid)
            .order_by(AnswerRevision.id)))

    return db_call(read)


def cell(page: Page, row: int, column: str, qid: str = MEASURES) -> Any:
    return page.locator(f"[name='{qid}-{row}-{column}']")


def table_rows(page: Page, qid: str = MEASURES) -> list[str]:
    return page.locator(f"[id='q-{qid}'] tbody tr[data-row]").evaluate_all(
        "rows => rows.map(r => r.querySelector('input').value)")


def test_answer_in_part_fill_a_table_autosave_and_reload(kenya: Setup, page: Page) -> None:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if r.url.endswith("/autosave") else None)
    log_in(page, kenya.server, kenya.users["amina"])
    page.goto(kenya.page_url())
    for qid in (MEASURES, SUMMARY, STEPS, CHALLENGES):
        expect(question(page, qid)).to_be_hidden()

    question(page, Q).get_by_label("Yes, in part").check()
    # the follow-ups of "Yes, in part" appear at once, before anything reached the server
    for qid in (MEASURES, SUMMARY, STEPS, CHALLENGES):
        expect(question(page, qid)).to_be_visible(timeout=500)
    assert requests == []
    assert stored(kenya.response_id) == {}

    # a repeating table: fill a row, add two, remove one, move one up
    cell(page, 0, "instrument").fill("Anti-Corruption and Economic Crimes Act")
    cell(page, 0, "reference").fill("s. 12")
    cell(page, 0, "year").fill("2003")
    add = question(page, MEASURES).get_by_role("button", name="Add a row")
    add.click()
    expect(cell(page, 1, "instrument")).to_be_focused()
    cell(page, 1, "instrument").fill("Public Officer Ethics Act")
    cell(page, 1, "link").fill("https://kenyalaw.org/ethics")
    add.click()
    cell(page, 2, "instrument").fill("A law cited by mistake")
    assert table_rows(page) == ["Anti-Corruption and Economic Crimes Act", "Public Officer Ethics Act",
                                "A law cited by mistake"]
    question(page, MEASURES).locator("tr[data-row='2'] [data-row-action=remove]").click()
    expect(cell(page, 1, "instrument")).to_be_focused()  # focus stays in the table, not lost
    question(page, MEASURES).locator("tr[data-row='1'] [data-row-action=up]").click()
    assert table_rows(page) == ["Public Officer Ethics Act", "Anti-Corruption and Economic Crimes Act"]
    question(page, SUMMARY).locator("textarea").fill("Ethics codes apply to every public officer.")
    wait_saved(page)

    saved = stored(kenya.response_id)
    assert saved[Q] == "partial"
    assert saved[MEASURES] == [
        {"instrument": "Public Officer Ethics Act", "link": "https://kenyalaw.org/ethics"},
        {"instrument": "Anti-Corruption and Economic Crimes Act", "reference": "s. 12", "year": 2003}]
    assert saved[SUMMARY] == "Ethics codes apply to every public officer."

    page.reload()
    expect(question(page, Q).get_by_label("Yes, in part")).to_be_checked()
    expect(question(page, MEASURES)).to_be_visible()
    assert table_rows(page) == ["Public Officer Ethics Act", "Anti-Corruption and Economic Crimes Act"]
    expect(cell(page, 1, "year")).to_have_value("2003")
    expect(cell(page, 0, "link")).to_have_value("https://kenyalaw.org/ethics")
    expect(question(page, SUMMARY).locator("textarea")).to_have_value("Ethics codes apply to every public officer.")
    # "No" hides the measures again at once; the stored table is kept, not counted
    question(page, Q).get_by_label("No", exact=True).check()
    expect(question(page, MEASURES)).to_be_hidden(timeout=500)
    expect(question(page, STEPS)).to_be_visible()
    wait_saved(page)
    assert stored(kenya.response_id)[MEASURES][0]["instrument"] == "Public Officer Ethics Act"


def test_arabic_page_is_right_to_left_with_arabic_questionnaire_text(kenya: Setup, page: Page) -> None:
    log_in(page, kenya.server, kenya.users["amina"])
    page.goto(kenya.page_url())
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    page.locator(".language-switcher button[lang=ar]").click()
    page.wait_for_load_state()
    assert page.url == kenya.page_url(), "the switcher returns to the same page"
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    assert page.evaluate("getComputedStyle(document.querySelector('main')).direction") == "rtl"

    expect(question(page, Q).locator("legend")).to_contain_text("هل يمتثل بلدكم لهذا الحكم؟")
    question(page, Q).get_by_label("نعم، جزئياً").check()
    expect(question(page, MEASURES)).to_be_visible(timeout=500)
    # every visible question label and choice is Arabic (the questionnaire is fully translated)
    # (interface strings such as "(optional)" or Yes/No come from the catalogs, checked elsewhere)
    content = ".question:visible:is([data-type=single_choice], [data-type=multiple_choice])"
    texts = page.locator(".question:visible legend > span:first-child, "
                         ".question:visible label.label > span:first-child, "
                         f"{content} .radio label, {content} .checkbox label, "
                         ".question:visible thead th[data-column] > span:first-child, "
                         ".question:visible .hint").all_inner_texts()
    assert len(texts) > 15
    latin = [t for t in texts if re.search(r"[A-Za-z]", t) or not re.search(r"[\u0600-\u06ff]", t)]
    assert latin == []
    h1 = page.locator("h1").inner_text()
    assert re.search(r"[\u0600-\u06ff]", h1), h1
    # mirrored layout: the radio button stands to the right of its label
    option = question(page, Q).locator(".radio").first
    box_input = option.locator("input").bounding_box()
    box_label = option.locator("label").bounding_box()
    assert box_input and box_label and box_input["x"] > box_label["x"]
    # the choice is remembered for the user: the table of contents is Arabic too
    page.goto(kenya.server(f"/responses/{kenya.response_id}"))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert re.search(r"[\u0600-\u06ff]", page.locator(".toc").inner_text())


def test_without_javascript_saving_shows_the_follow_ups(kenya: Setup, browser: Browser,
                                                        browser_context_args: dict[str, Any]) -> None:
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, kenya.server, kenya.users["amina"])
        page.goto(kenya.page_url())
        question(page, Q).get_by_label("Yes, in part").check()
        expect(question(page, MEASURES)).to_be_hidden()  # nothing happens in the page without a script
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.locator(".notice-success")).to_contain_text("Your answers are saved.")
        expect(question(page, MEASURES)).to_be_visible()
        expect(question(page, STEPS)).to_be_visible()

        cell(page, 0, "instrument").fill("Anti-Corruption Act")
        question(page, MEASURES).get_by_role("button", name="Add a row").click()  # a form post
        expect(cell(page, 1, "instrument")).to_be_visible()
        assert cell(page, 0, "instrument").input_value() == "Anti-Corruption Act"
        cell(page, 1, "instrument").fill("Ethics Act")
        question(page, MEASURES).get_by_role("button", name="Add a row").click()
        cell(page, 2, "instrument").fill("Mistake")
        question(page, MEASURES).get_by_role("button", name="Remove row 3").click()
        expect(cell(page, 2, "instrument")).to_have_count(0)
        question(page, MEASURES).get_by_role("button", name="Move row 2 up").click()
        assert table_rows(page) == ["Ethics Act", "Anti-Corruption Act"]
        question(page, SUMMARY).locator("textarea").fill("Summary without a script.")
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.locator(".notice-success")).to_be_visible()
    finally:
        context.close()
    saved = stored(kenya.response_id)
    assert saved[Q] == "partial"
    assert saved[MEASURES] == [{"instrument": "Ethics Act"}, {"instrument": "Anti-Corruption Act"}]
    assert saved[SUMMARY] == "Summary without a script."


def _tab_to(page: Page, selector: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            outline = page.evaluate("() => { const s = getComputedStyle(document.activeElement);"
                                    " return s.outlineStyle + ' ' + s.boxShadow; }")
            assert not outline.startswith("none none"), f"no visible focus on {selector}"
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_keyboard_only(kenya: Setup, page: Page) -> None:
    log_in(page, kenya.server, kenya.users["amina"])
    page.goto(kenya.page_url())
    _tab_to(page, f"[name='{Q}']")
    page.keyboard.press("Space")  # "Yes"
    page.keyboard.press("ArrowDown")  # "Yes, in part"
    expect(question(page, Q).get_by_label("Yes, in part")).to_be_checked()
    expect(question(page, MEASURES)).to_be_visible(timeout=500)
    _tab_to(page, f"[name='{MEASURES}-0-instrument']")
    page.keyboard.type("Anti-Corruption Act")
    _tab_to(page, f"[id='q-{MEASURES}'] [data-add-row]")
    page.keyboard.press("Enter")
    expect(cell(page, 1, "instrument")).to_be_focused()
    page.keyboard.type("Ethics Act")
    _tab_to(page, f"[id='q-{MEASURES}'] tr[data-row='1'] [data-row-action=up]")
    page.keyboard.press("Enter")
    assert table_rows(page) == ["Ethics Act", "Anti-Corruption Act"]
    _tab_to(page, f"[name='{SUMMARY}']")
    page.keyboard.type("Typed without a mouse.")
    _tab_to(page, f"[name='{CHALLENGES}'][value=capacity]")
    page.keyboard.press("Space")
    _tab_to(page, "button[name=_go][value=stay]")
    page.keyboard.press("Enter")
    expect(page.locator(".notice-success")).to_contain_text("Your answers are saved.")
    saved = stored(kenya.response_id)
    assert saved[Q] == "partial"
    assert saved[MEASURES] == [{"instrument": "Ethics Act"}, {"instrument": "Anti-Corruption Act"}]
    assert saved[SUMMARY] == "Typed without a mouse."
    assert saved[CHALLENGES] == ["capacity"]
