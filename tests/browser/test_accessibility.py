"""An axe-core scan of the main pages (axe-core as bundled by axe-playwright-python): no serious or
critical violation of WCAG 2.1 A/AA or axe's best practices."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.conftest import PAGE, Setup, autosaved, db_call, log_in, question
from tests.conftest import add_user

pytestmark = pytest.mark.browser

OPTIONS = {"resultTypes": ["violations"],
           "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}


def serious(page: Page, context: Any = None, impacts: tuple[str, ...] | None = None) -> list[str]:
    results = Axe().run(page, context=context, options=OPTIONS)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] in (impacts or ("serious", "critical")):
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
            found.append(f"{violation['id']} ({violation['impact']}, {len(violation['nodes'])} nodes): "
                         f"{violation['help']} at {targets}")
    return found


def check(page: Page, what: str, report: dict[str, list[str]], every: bool = False) -> None:
    """Scan the page; ``every``: report violations of any impact (minor and moderate too)."""
    page.wait_for_load_state()
    found = serious(page, impacts=("minor", "moderate", "serious", "critical") if every else None)
    if found:
        report[f"{what} ({page.url})"] = found


def test_main_pages_have_no_serious_violations(kenya: Setup, page: Page) -> None:
    report: dict[str, list[str]] = {}
    server = kenya.server
    page.goto(server("/login"))
    check(page, "login", report)
    page.locator("main form button[type=submit]").click()  # the error summary
    expect(page.locator(".error-summary")).to_be_visible()
    check(page, "login with errors", report)

    log_in(page, server, kenya.users["amina"])
    check(page, "focal point's home", report)
    page.goto(server(f"/responses/{kenya.response_id}"))
    check(page, "table of contents", report)

    page.goto(kenya.page_url())
    with autosaved(page):
        question(page, f"{PAGE}.compliance").get_by_label("Yes, in part").check()
    page.locator(f"[name='{PAGE}.measures-0-year']").fill("12")  # out of range: an error next to the cell
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator(".cell-error .error-message").first).to_be_visible()
    check(page, "provision page with an error (en)", report)
    page.goto(server(f"/responses/{kenya.response_id}/pages/status"))
    check(page, "a page with dates and a dropdown", report)

    page.goto(kenya.page_url())
    page.locator(".language-switcher button[lang=ar]").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    check(page, "provision page (ar)", report)
    page.goto(server(f"/responses/{kenya.response_id}"))
    check(page, "table of contents (ar)", report)
    page.locator(".language-switcher button[lang=en]").click()

    page.goto(server(f"/responses/{kenya.response_id}/print"))
    check(page, "print view with answers", report)
    assert not report, "\n".join(f"{page_}: {item}" for page_, items in report.items() for item in items)


def _version(questionnaire: str) -> int:
    from sqlalchemy import select

    from web.extensions import db
    from web.models import QuestionnaireVersion

    return db.session.scalars(select(QuestionnaireVersion.id).where(
        QuestionnaireVersion.questionnaire_id == questionnaire)).first()


def test_blank_print_view(live_server: Any, page: Page) -> None:
    """The whole blank technical-assistance questionnaire; the checklist's (42,000 elements, a minute of
    axe) through its first pages: the same template."""
    report: dict[str, list[str]] = {}
    log_in(page, live_server, add_user("focal_point", "KEN"))
    page.goto(live_server(f"/questionnaires/{db_call(lambda: _version('technical_assistance'))}/print"))
    expect(page.locator(".print-question").first).to_be_visible()
    check(page, "blank print view", report)
    page.goto(live_server(f"/questionnaires/{db_call(lambda: _version('uncac_checklist'))}/print"))
    assert page.locator(".print-page").count() > 200
    found = serious(page, {"include": [[".site-header"], ["h1"], *[[f".print-page:nth-of-type({i})"]
                                                                     for i in range(1, 25)]]})
    if found:
        report["blank checklist"] = found
    assert not report, "\n".join(f"{page_}: {item}" for page_, items in report.items() for item in items)


def test_secretariat_dashboard_and_review_pages_have_no_violation(live_server: Any, page: Page) -> None:
    """The work queue and every review page, in English and Arabic: no violation of any impact."""
    from tests.browser.conftest import in_language
    from tests.browser.test_reading import submitted_kenya

    report: dict[str, list[str]] = {}
    rid = submitted_kenya(live_server)
    log_in(page, live_server, add_user("secretariat_admin"))
    for lang in ("en", "ar"):
        in_language(page, lang)
        page.goto(live_server("/"))
        expect(page.locator("#awaiting")).to_be_visible()
        check(page, f"work queue ({lang})", report, every=True)
        page.goto(live_server("/?status=not_started&group=african"))
        check(page, f"work queue, filtered ({lang})", report, every=True)
        expect(page.locator("nav.pagination a[aria-current='page']")).to_have_text("1")
        page.locator("nav.pagination a[rel='next']").click()  # the second page of 50, filters kept
        expect(page.locator("#progress-range")).to_contain_text("53")
        check(page, f"work queue, filtered, page 2 ({lang})", report, every=True)
        for path in (f"/responses/{rid}", f"/responses/{rid}/pages/{PAGE}", f"/responses/{rid}/activity",
                     f"/responses/{rid}/history/{PAGE}.measures_summary", f"/responses/{rid}/comments",
                     f"/responses/{rid}/snapshots/1"):
            page.goto(live_server(path))
            check(page, f"review ({lang})", report, every=True)
    in_language(page, "en")
    assert not report, "\n".join(f"{page_}: {item}" for page_, items in report.items() for item in items)


def test_questionnaire_editor(live_server: Any, page: Page) -> None:
    """The outline with an item's form open, the YAML text in CodeMirror, the publishing page, the
    preview and the translations: no violation of any impact."""
    report: dict[str, list[str]] = {}
    log_in(page, live_server, add_user("secretariat_admin"))
    page.goto(live_server("/admin/questionnaires"))
    check(page, "questionnaires", report, every=True)
    page.locator("tr", has=page.get_by_text("UNCAC self-assessment checklist")).first.get_by_role(
        "button", name="Edit as a new draft").click()
    page.locator(".outline-toggle[data-node='chiii']").click()
    expect(page.locator("li[data-id='chiii'] > ul > li").first).to_be_visible()
    page.locator(".outline-toggle[data-node='art15']").click()
    page.locator(".outline-toggle[data-node='p15_a']").click()
    page.locator("a[data-item='p15_a.compliance']").click()
    expect(page.locator("#template-notice")).to_be_visible()
    check(page, "outline editor with a question's form", report, every=True)
    editor = page.url.split("#")[0]
    page.goto(editor + "/text")
    expect(page.locator(".CodeMirror")).to_be_visible()
    expect(page.locator(".CodeMirror-linenumber").first).to_be_visible()
    check(page, "YAML text", report, every=True)
    page.goto(editor + "/publish")
    check(page, "publishing page", report, every=True)
    page.goto(editor + "/preview")
    check(page, "preview", report, every=True)
    page.goto(editor.replace("/drafts/", "/") + "/translations")
    expect(page.locator("h1")).to_be_visible()
    check(page, "translations", report, every=True)
    assert not report, "\n".join(f"{page_}: {item}" for page_, items in report.items() for item in items)
