"""Finding one's way through 284 pages, one progress figure, checking before submitting, messages
that agree, and phones (issue 12, points 1-5), in English and Arabic, in Chromium.

Answers are stored through ``web.answers.save`` (as a page would) so that each test starts from the
state it needs: some provisions complete, one with a problem, or the whole checklist answered
(``tests/exports/filled.py``).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import Setup, autosaved, db_call, in_language, log_in, question
from tests.conftest import add_user

pytestmark = pytest.mark.browser

LANGS = ("en", "ar")
ARABIC = re.compile(r"[\u0600-\u06ff]")


# -- helpers ------------------------------------------------------------------------------------------
def store(setup: Setup, values: dict[str, Any]) -> None:
    """Save ``values`` (stored JSON) into the response as Amina, through the app's save."""
    def run() -> None:
        from web import catalog
        from web.answers import Change, save, stored
        from web.extensions import db
        from web.models import Response

        response = db.session.get(Response, setup.response_id)
        q = catalog.questionnaire(response.version)
        rows = stored(response)
        changes = [Change(qid, value, rows[qid].version if qid in rows else 0) for qid, value in values.items()]
        result = save(response, q, changes, setup.users["amina"], source="import", language="en")
        assert not result.conflicts and not result.refused, result  # hidden questions are ignored
        db.session.commit()
    db_call(run)


def answers_for(pages: list[str] | None = None) -> dict[str, Any]:
    """The filled checklist's answers (stored JSON) of some pages (all without ``pages``)."""
    from tests import shipped
    from tests.exports.filled import raw_filled
    from web.fill.pages import pages as layout

    q = shipped.checklist()
    raw, _languages = raw_filled(q)
    if pages is None:
        return raw
    wanted = {qid for page_id in pages for qid in layout(q).by_id[page_id].question_ids}
    return {qid: value for qid, value in raw.items() if qid in wanted}


def figure(text: str) -> tuple[int, int]:
    """The first "a of b" figure in ``text`` (Western or Arabic-Indic digits)."""
    digits = text.translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")).replace(",", "").replace("٬", "")
    found = re.findall(r"\d+", digits)
    assert len(found) >= 2, text
    return int(found[0]), int(found[1])


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"the page scrolls sideways: {width[0]} px wide in {width[1]} px"


def axe_violations(page: Page) -> list[str]:
    """Every axe violation (any impact) of WCAG 2.1 A/AA and best practices."""
    options = {"resultTypes": ["violations"],
               "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa",
                                                     "best-practice"]}}
    results = Axe().run(page, options=options)
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
            for v in results.response["violations"]]


# -- 1. navigation ------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_side_navigation_marks_the_page_filters_and_searches(kenya: Setup, page: Page, lang: str) -> None:
    store(kenya, answers_for(["p5_1"]))
    log_in(page, kenya.server, kenya.users["amina"])
    page.goto(kenya.page_url("p5_2"))
    in_language(page, lang)
    nav = page.locator("nav.side-nav")
    current = nav.locator("a[aria-current=page]")
    expect(current).to_have_count(1)
    assert "/pages/p5_2" in (current.get_attribute("href") or "")
    expect(current).to_be_visible()  # its chapter and article are open; the others closed
    assert nav.locator("details[open]").count() == 2
    done = nav.locator("a[href*='/pages/p5_1']")
    expect(done.locator(".status-complete")).to_have_count(1)
    expect(current.locator(".status-not_started")).to_have_count(1)
    # "n of N": p5_2 is the 6th page (4 of the general part, then 5.1)
    position = page.locator(".page-position").inner_text()
    assert figure(position) == (6, 284), position
    if lang == "ar":
        assert ARABIC.search(position) and ARABIC.search(nav.inner_text())

    # search by article number: only the pages of article 15, links keep the search
    nav.locator(".side-nav-filters summary").click()
    nav.locator("#nav-find").fill("15")
    nav.locator(".side-nav-filters button[type=submit]").click()
    links = nav.locator(".side-nav-page a")
    expect(links.first).to_be_visible()
    hrefs = links.evaluate_all("els => els.map(a => a.getAttribute('href'))")
    assert hrefs and all(re.search(r"/pages/(p15_|art15_)", h) and "find=15" in h for h in hrefs), hrefs
    # by a word of an article's title in the interface language
    title = page.evaluate("""() => [...document.querySelectorAll('.side-nav summary span:first-child')]
                                     .map(s => s.textContent).find(t => /15/.test(t))""")
    word = max(re.split(r"[\s.,()]+", title), key=len)
    nav.locator("#nav-find").fill(word)
    nav.locator(".side-nav-filters button[type=submit]").click()
    expect(nav.locator(".side-nav-page a[href*='/pages/p15_']").first).to_be_visible()

    # by status: the one complete page; then by level and chapter
    page.goto(kenya.page_url("p5_2") + "?status=complete")
    hrefs = nav.locator(".side-nav-page a").evaluate_all("els => els.map(a => a.getAttribute('href'))")
    assert len(hrefs) == 1 and "/pages/p5_1" in hrefs[0], hrefs
    page.goto(kenya.page_url("p5_2") + "?level=optional&chapter=chiv")
    statuses = nav.locator(".side-nav-page").count()
    assert statuses > 0
    texts = nav.locator(".side-nav-sections > li > details > summary .side-nav-section").all_inner_texts()
    assert len(texts) == 1, texts


@pytest.mark.parametrize("lang", LANGS)
def test_next_unanswered_next_with_problems_and_resume_without_javascript(
        kenya: Setup, browser: Browser, browser_context_args: dict[str, Any], lang: str) -> None:
    store(kenya, {"p6_3.compliance": "partial",  # a year out of range
                  "p6_3.measures": [{"instrument": "Civil Service Act", "year": 12}]})
    store(kenya, {"p6_2.compliance": "yes"})  # in progress
    store(kenya, answers_for(["p5_1", "p5_2", "p5_3"]))  # edited last
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, kenya.server, kenya.users["amina"])
        page.goto(kenya.page_url("p5_1"))
        in_language(page, lang)
        page.locator(".page-position a").nth(1).click()  # next unanswered
        assert page.url.endswith("/pages/p5_4"), page.url
        page.locator(".page-position a").last.click()  # next with problems
        assert page.url.endswith("/pages/p6_3"), page.url
        expect(page.locator(".error-summary")).to_be_visible()
        # resume: the last page edited (5.3) is complete, so the next incomplete one after it
        page.goto(kenya.server(f"/responses/{kenya.response_id}/resume"))
        assert page.url.endswith("/pages/p5_4"), page.url
        # the side navigation's links and filters work without JavaScript
        page.locator("nav.side-nav summary").first.click()
        page.goto(kenya.page_url("p5_4") + "?status=has_errors")
        links = page.locator("nav.side-nav .side-nav-page a")
        expect(links).to_have_count(1)
        links.first.click()
        assert "/pages/p6_3" in page.url
    finally:
        context.close()


# -- 2. one progress figure ---------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_one_progress_figure_everywhere_and_it_does_not_fall_when_a_follow_up_appears(
        kenya: Setup, page: Page, lang: str) -> None:
    store(kenya, answers_for(["p5_1", "p5_2", "p5_3", "p5_4"]))
    log_in(page, kenya.server, kenya.users["amina"])
    page.goto(kenya.server(f"/responses/{kenya.response_id}"))
    in_language(page, lang)
    contents = figure(page.locator(".summary-list").inner_text().split("\n", 2)[-1])
    page.goto(kenya.page_url("p6_1"))
    side = figure(page.locator(".side-nav-figure").inner_text())
    page.goto(kenya.server(f"/responses/{kenya.response_id}/check"))
    check = figure(page.locator(".check-figure").inner_text())
    assert contents == side == check == (4, 219), (contents, side, check)
    page.goto(kenya.server("/states/KEN"))
    percent = page.locator("td.num").first.inner_text()
    assert figure(percent.replace("%", " 0").replace("٪", " 0"))[0] == 4 * 100 // 219, percent  # 1 %

    # a follow-up appears: the figure stays (nothing was complete on that page before)
    page.goto(kenya.page_url("p6_1"))
    with autosaved(page):
        question(page, "p6_1.compliance").locator("input[value=partial]").check()
    expect(question(page, "p6_1.measures")).to_be_visible()
    page.reload()
    assert figure(page.locator(".side-nav-figure").inner_text()) == (4, 219)


def test_a_contributor_sees_the_progress_of_what_is_assigned(kenya: Setup, page: Page) -> None:
    store(kenya, answers_for(["p15_a", "p5_1"]))
    chapter_three = add_user("contributor", "KEN", assign="chapter:III")
    log_in(page, kenya.server, chapter_three)
    page.goto(kenya.server(f"/responses/{kenya.response_id}"))
    rows = page.locator(".summary-list > div")
    assigned = figure(rows.filter(has_text="Assigned to you").inner_text().split("\n", 1)[-1])
    whole = figure(rows.filter(has_text="Progress").inner_text().split("\n", 1)[-1])
    assert whole == (2, 219)
    assert assigned[0] == 1 and 50 < assigned[1] < 219, assigned
    page.goto(kenya.page_url("p15_a"))
    assert "Assigned to you" in page.locator(".side-nav-figure").inner_text()
    assert figure(page.locator(".side-nav-figure").inner_text()) == assigned
    sections = page.locator(".side-nav-section").all_inner_texts()
    assert len(sections) == 1, sections  # only chapter III


# -- 3. check your answers, submit, confirmation ------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_check_page_lists_what_is_left_then_the_answers_and_submits(kenya: Setup, page: Page, lang: str) -> None:
    values = answers_for()
    left_out = [qid for qid in values if qid.startswith("p5_2.")]
    store(kenya, {qid: value for qid, value in values.items() if qid not in left_out})
    log_in(page, kenya.server, kenya.users["amina"])
    page.goto(kenya.server(f"/responses/{kenya.response_id}"))
    in_language(page, lang)
    # reloading (a GET of) the submit address leads to the check page, not 405
    reply = page.goto(kenya.server(f"/responses/{kenya.response_id}/submit"))
    assert reply is not None and reply.ok
    assert page.url.endswith("/check")
    lines = page.locator(".check-list > li")
    expect(lines).to_have_count(1)
    expect(lines.locator("a")).to_have_attribute("href", re.compile(r"/pages/p5_2$"))
    expect(page.locator("form[action$='/submit']")).to_have_count(0)
    lines.locator("a").click()
    assert page.url.endswith("/pages/p5_2")

    store(kenya, {qid: values[qid] for qid in left_out})
    page.goto(kenya.server(f"/responses/{kenya.response_id}/check"))
    assert figure(page.locator(".check-figure").inner_text()) == (218, 218)
    change = page.locator("a.change-link[href$='/pages/p5_2']")
    expect(change).to_have_count(1)
    assert page.locator(".check-answers dd").count() > 1000
    if lang == "ar":
        assert ARABIC.search(page.locator("h1").inner_text())
    page.locator("form[action$='/submit'] button").click()
    assert re.search(r"/submitted/1$", page.url), page.url
    confirmation = page.locator("main")
    expect(confirmation.locator("h1")).to_be_visible()
    expect(confirmation.locator("a[href$='/snapshots/1']")).to_have_count(1)
    expect(confirmation.locator("a[href*='/states/KEN/profile.pdf']")).to_have_count(1)
    confirmation.locator("a[href$='/snapshots/1']").click()
    assert page.url.endswith("/snapshots/1")


# -- 4. messages that agree ---------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_required_marker_in_the_browser_is_the_servers(kenya: Setup, page: Page, lang: str) -> None:
    log_in(page, kenya.server, kenya.users["amina"])
    page.goto(kenya.page_url("p5_1"))
    in_language(page, lang)
    with autosaved(page):
        question(page, "p5_1.compliance").locator("input[value=partial]").check()
    optional = """() => Object.fromEntries([...document.querySelectorAll('.question:not([hidden])')]
        .filter(q => q.querySelector('[data-optional]'))
        .map(q => [q.dataset.qid, !q.querySelector('[data-optional]').hidden]))"""
    in_browser = page.evaluate(optional)
    page.reload()
    from_server = page.evaluate(optional)
    assert in_browser == from_server
    assert in_browser["p5_1.measures"] is False  # a required follow-up does not say "(optional)"


@pytest.mark.parametrize("lang", LANGS)
def test_one_status_per_save_cell_errors_counters_and_comments(kenya: Setup, page: Page, lang: str) -> None:
    def comment() -> None:
        from web.extensions import db
        from web.models import Comment
        db.session.add(Comment(response_id=kenya.response_id, question_id="p5_1.compliance",
                               body="Please cite the 2018 policy."))
        db.session.commit()
    db_call(comment)
    log_in(page, kenya.server, kenya.users["amina"])
    page.goto(kenya.page_url("p5_1"))
    in_language(page, lang)
    # the reviewer's comment beside its answer
    expect(question(page, "p5_1.compliance").locator(".review-comment")).to_contain_text("2018 policy")
    with autosaved(page):
        question(page, "p5_1.compliance").locator("input[value=partial]").check()
    # a character counter under a long text
    page.locator("textarea[name='p5_1.measures_summary']").fill("Hello")
    counter = page.locator("[id='p5_1.measures_summary-count']")
    expect(counter).to_contain_text("5")
    expect(counter).to_contain_text("20")
    # a cell error names its column and row; one status for the save
    page.locator("[name='p5_1.measures-0-instrument']").fill("Anti-Corruption Act")
    page.locator("[name='p5_1.measures-0-year']").fill("12")
    page.get_by_role("button", name=re.compile("^(Save|حفظ)$")).click()
    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    column = page.locator("[data-table='p5_1.measures'] th[data-column=year]").inner_text().strip()
    cell_error = page.locator(".cell-error .error-message").first.inner_text()
    assert column in cell_error and re.search(r"[1١]", cell_error), cell_error
    assert column in summary.inner_text()
    expect(page.locator(".notice-success")).to_have_count(0)  # not also "Your answers are saved."
    expect(page.locator("[data-restore]")).to_be_hidden()  # nothing is unsent
    heading = summary.locator("h2").inner_text()
    if lang == "en":
        assert heading == "Your answers are saved, but some need checking"
    else:
        assert ARABIC.search(heading)


def test_conflict_page_shows_two_labelled_values(kenya: Setup, browser: Browser,
                                                browser_context_args: dict[str, Any]) -> None:
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, kenya.server, kenya.users["amina"])
        page.goto(kenya.page_url("p5_1"))
        store(kenya, {"p5_1.compliance": "no"})  # a colleague answers meanwhile
        page.locator("[id='q-p5_1.compliance'] input[value=yes]").check()
        page.get_by_role("button", name="Save", exact=True).click()
        labels = page.locator(".conflict label").all_inner_texts()
        assert any(re.fullmatch(r"\s*Your value\s*:\s*Yes\s*", t) for t in labels), labels
        assert any(re.fullmatch(r"\s*Saved by \S+\s*:\s*No\s*", t) for t in labels), labels
    finally:
        context.close()


# -- 5. phones ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("width", (320, 390))
def test_phone_cards_no_sideways_scroll_focus_never_under_the_save_bar(kenya: Setup, page: Page, lang: str,
                                                                       width: int) -> None:
    store(kenya, {"p5_1.compliance": "partial"})
    page.set_viewport_size({"width": width, "height": 700})
    log_in(page, kenya.server, kenya.users["amina"])
    page.goto(kenya.page_url("p5_1"))
    in_language(page, lang)
    no_sideways_scroll(page)
    row = page.locator("[data-table='p5_1.measures'] tr[data-row]").first
    assert row.evaluate("tr => getComputedStyle(tr).display") == "block"  # a card, not a table row
    cell = row.locator("td[data-column=year]")
    label = cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert label.strip('"') == page.locator("[data-table='p5_1.measures'] th[data-column=year]").inner_text().strip()
    # tab through the page: the focused element is never under the sticky save bar
    page.locator("h1").click()
    covered = []
    for _ in range(45):
        page.keyboard.press("Tab")
        found = page.evaluate("""() => {
            const el = document.activeElement, bar = document.querySelector('[data-save-bar]');
            if (!el || !bar || bar.contains(el) || el === document.body) return null;
            const r = el.getBoundingClientRect(), b = bar.getBoundingClientRect();
            const overlaps = r.top < b.bottom - 1 && r.bottom > b.top + 1;
            const fits = r.height < b.top - 16;  // else its top must be on screen, above the bar
            const covered = fits ? overlaps : r.top < 0 || (r.top > b.top && r.top < b.bottom);
            return covered ? (el.name || el.id || el.tagName) : null; }""")
        if found:
            covered.append(found)
    assert covered == []
    no_sideways_scroll(page)
    for path in (f"/responses/{kenya.response_id}", f"/responses/{kenya.response_id}/check"):
        page.goto(kenya.server(path))
        no_sideways_scroll(page)


# -- accessibility ------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_axe_finds_nothing_on_fill_pages_and_the_check_page(kenya: Setup, page: Page, lang: str) -> None:
    store(kenya, {"p5_1.compliance": "partial"})
    log_in(page, kenya.server, kenya.users["amina"])
    page.goto(kenya.page_url("p5_1"))
    in_language(page, lang)
    report = {}
    report["provision page"] = axe_violations(page)
    page.goto(kenya.page_url("p5_1") + "?status=not_started&find=5")
    report["provision page, filtered"] = axe_violations(page)
    page.goto(kenya.server(f"/responses/{kenya.response_id}/check"))
    report["check page, incomplete"] = axe_violations(page)
    page.goto(kenya.server(f"/responses/{kenya.response_id}"))
    report["contents"] = axe_violations(page)
    assert not any(report.values()), report


def test_axe_finds_nothing_on_the_complete_check_page(kenya: Setup, page: Page) -> None:
    store(kenya, answers_for())
    log_in(page, kenya.server, kenya.users["amina"])
    for lang in LANGS:
        page.goto(kenya.server(f"/responses/{kenya.response_id}/check"))
        in_language(page, lang)
        expect(page.locator("a.change-link").first).to_be_visible()
        assert axe_violations(page) == [], lang


def test_no_sideways_scroll_at_320_px_in_any_language(kenya: Setup, page: Page) -> None:
    store(kenya, {"p5_1.compliance": "partial", "p5_1.ta_needed": True, "p5_1.ta_received": True})
    page.set_viewport_size({"width": 320, "height": 640})
    log_in(page, kenya.server, kenya.users["amina"])
    for lang in ("en", "fr", "es", "ru", "zh", "ar"):
        page.goto(kenya.page_url("p5_1"))
        in_language(page, lang)
        for path in ("/pages/p5_1", "/pages/p5_1?status=not_started", "", "/check"):
            page.goto(kenya.server(f"/responses/{kenya.response_id}{path}"))
            page.locator("details").evaluate_all("all => all.forEach(d => d.open = true)")
            no_sideways_scroll(page)
