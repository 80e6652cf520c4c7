"""A whole country review in a real browser: the secretariat assigns two reviewing States, the
experts of both comment on Kenya's submitted answers, Kenya answers in the thread, the reviewers
draft the report and the secretariat finalises it; everything is in the response's history."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from tests.browser.conftest import LiveServer, db_call, log_in
from tests.conftest import add_user
from tests.web.test_cycles import cli, expert, submitted


def person(browser: Browser, args: dict[str, Any], server: LiveServer, user: Any) -> Page:
    page = browser.new_context(**args).new_page()
    log_in(page, server, user)
    return page


def comment_on(page: Page, question_id: str, body: str) -> None:
    answer = page.locator(f"[id='q-{question_id}']")
    answer.locator("textarea[name=body]").last.fill(body)
    answer.get_by_role("button", name="Add the comment").click()
    expect(page.locator(".notice, .flash, [role=status]").first).to_be_visible()


def test_a_whole_review(live_server: LiveServer, page: Page, browser: Browser,
                        browser_context_args: dict[str, Any]) -> None:
    from web import cycles
    from web.extensions import db
    from web.models import Activity, Comment, CountryReview, QuestionnaireVersion, State, User

    assert cli(live_server.app, "cycles", "open", "--name", "2026-II", "--chapters", "II,V").exit_code == 0
    focal = add_user("focal_point", "KEN", email="focal@ken.test")
    french, mexican = expert("FRA"), expert("MEX")
    secretariat_user = add_user("secretariat_reviewer", email="reviewer@unodc.test")

    def start() -> int:
        kenya = db.session.scalars(select(State).where(State.code == "KEN")).one()
        version = db.session.scalars(select(QuestionnaireVersion)
                                     .where(QuestionnaireVersion.questionnaire_id == "uncac_checklist")).one()
        response, _new = cycles.start(kenya, version, db.session.get(User, focal.id))
        db.session.commit()
        return response.id

    rid = db_call(start)
    submitted(rid, {"p5_1.compliance": "partial", "p51.compliance": "yes", "p15_a.compliance": "no"})

    # the secretariat assigns France and Mexico in the browser
    log_in(page, live_server, secretariat_user)
    page.goto(live_server("/reviews/"))
    page.get_by_label("State under review (ISO code, e.g. KEN)").fill("KEN")
    page.get_by_label("Two reviewing States (ISO codes, e.g. FRA,MEX)").fill("FRA,MEX")
    page.get_by_role("button", name="Assign").click()
    expect(page.locator("h1")).to_have_text("Review of Kenya")
    review_url = page.url

    # the two reviewing States' experts comment on the submitted answers (chapter III is not in scope)
    france = person(browser, browser_context_args, live_server, french)
    france.goto(review_url)
    expect(france.locator("[id='q-p15_a.compliance']")).to_have_count(0)
    comment_on(france, "p5_1.compliance", "Which body coordinates the anti-corruption policy?")
    france.get_by_label("Successes and good practices").fill("An anti-corruption policy adopted in 2025.")
    france.get_by_role("button", name="Save the report").click()
    expect(france.get_by_text("The report is saved.")).to_be_visible()
    mexico = person(browser, browser_context_args, live_server, mexican)
    mexico.goto(review_url)
    comment_on(mexico, "p51.compliance", "Please cite the asset recovery law.")
    mexico.get_by_label("Recommendations").fill("Set out the coordinating body's powers in law.")
    mexico.get_by_role("button", name="Save the report").click()

    # Kenya answers in the thread
    kenya = person(browser, browser_context_args, live_server, focal)
    kenya.goto(live_server("/states/KEN"))
    kenya.get_by_role("link", name="Review of Kenya").click()
    thread = kenya.locator("[id='q-p5_1.compliance'] article.comment")
    expect(thread).to_contain_text("Which body coordinates")
    thread.locator("textarea").fill("The Ethics and Anti-Corruption Commission.")
    thread.get_by_role("button", name="Send the reply").click()
    france.reload()
    expect(france.locator("[id='q-p5_1.compliance'] .comment-reply")).to_contain_text("Ethics and Anti-Corruption")

    # the secretariat sets the timeline and finalises the report
    page.goto(review_url)
    page.locator("details summary").click()
    page.get_by_label("Desk review").fill("2027-01-15")
    page.get_by_label("Direct dialogue or country visit").fill("2027-03-01")
    page.get_by_role("button", name="Save the timeline").click()
    expect(page.get_by_text("The timeline is saved.")).to_be_visible()
    expect(page.locator("#report ~ form textarea#recommendations")).to_have_value(
        "Set out the coordinating body's powers in law.")
    page.get_by_role("button", name="Finalise the report").click()
    expect(page.get_by_text("The report is final.")).to_be_visible()
    expect(page.locator(".timeline-done")).to_have_count(5)
    france.reload()
    expect(france.get_by_role("button", name="Save the report")).to_have_count(0)  # final: no more drafting
    page.goto(live_server(f"/responses/{rid}/activity"))
    expect(page.locator("main")).to_contain_text("Review report finalised")

    def check() -> None:
        review = db.session.scalars(select(CountryReview)).one()
        assert review.reviewer_codes == ["FRA", "MEX"] and review.report_status == "final"
        assert review.successes.startswith("An anti-corruption policy") and review.dialogue_on is not None
        threads = db.session.scalars(select(Comment).where(Comment.response_id == rid)).all()
        assert sorted((c.question_id, c.parent_id is None) for c in threads) == [
            ("p51.compliance", True), ("p5_1.compliance", False), ("p5_1.compliance", True)]
        actions = db.session.scalars(select(Activity.action).where(Activity.response_id == rid)).all()
        assert actions.count("commented") == 3 and "reviewers_assigned" in actions
        assert actions.count("report_saved") == 2 and "report_finalised" in actions

    db_call(check)
