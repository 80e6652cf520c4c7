"""What a reviewer sees, in English and Arabic (issue 12, points 6-8): the work queue, answers as text
(never greyed-out controls), language names and dates in the reader's language, Arabic at a size and
line height suited to the script, history naming the provision with word-level changes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PAGE, LiveServer, db_call, in_language, log_in
from tests.conftest import add_user, start_response

pytestmark = pytest.mark.browser

SUMMARY_1 = ("The Anti-Corruption and Economic Crimes Act of 2003 sets up the Ethics and Anti-Corruption "
             "Commission, which prevents corruption in the public service.")
SUMMARY_2 = ("The Anti-Corruption and Economic Crimes Act of 2003, as amended in 2019, sets up the Ethics and "
             "Anti-Corruption Commission, which prevents and investigates corruption in the public service.")


def submitted_kenya(server: LiveServer) -> int:
    """Kenya's checklist with answers to article 5 (1) written in English (the summary changed once),
    submitted three days ago."""
    from web import catalog
    from web.answers import Change, save, stored
    from web.extensions import db
    from web.models import Comment, Response, Snapshot, User

    focal = add_user("focal_point", "KEN")
    response_id = start_response("KEN").id

    def fill() -> None:
        response = db.session.get(Response, response_id)
        user = db.session.get(User, focal.id)
        q = catalog.questionnaire(response.version)
        first = save(response, q, [
            Change(f"{PAGE}.compliance", "partial", 0),
            Change(f"{PAGE}.measures", [{"instrument": "Anti-Corruption and Economic Crimes Act", "reference": "s. 46",
                                        "year": 2003}], 0),
            Change(f"{PAGE}.measures_summary", SUMMARY_1, 0)], user, source="save", language="en")
        save(response, q, [Change(f"{PAGE}.measures_summary", SUMMARY_2, first.saved[f"{PAGE}.measures_summary"])],
             user, source="save", language="en")
        response.status = "submitted"
        response.submitted_at = datetime.now(UTC) - timedelta(days=3)
        frozen = {qid: {"value": row.value, "version": row.version, "language": row.language}
                  for qid, row in stored(response).items()}
        db.session.add(Snapshot(response_id=response.id, number=1, revision=1, version_id=response.version_id,
                                content_hash=response.version.content_hash, answers=frozen,
                                summary={"not_applicable": []}, answers_hash="0" * 64, created_by_id=user.id))
        db.session.add(Comment(response_id=response.id, question_id=f"{PAGE}.compliance", author_id=user.id,
                               body="Which law covers the private sector?"))
        db.session.commit()

    db_call(fill)
    return response_id


def style(page: Page, selector: str) -> dict[str, float]:
    return page.locator(selector).first.evaluate(
        "el => { const s = getComputedStyle(el); "
        "return {size: parseFloat(s.fontSize), line: parseFloat(s.lineHeight)}; }")


EXPECTED: dict[str, dict[str, Any]] = {
    "en": {"kenya": "Kenya", "group": "African States", "partial": "Yes, in part", "english": "English",
           "place": "Article 5\u00a0(1) · summary of the measures", "waiting": "3 days"},
    "ar": {"kenya": "كينيا", "group": "الدول الأفريقية", "partial": "نعم، جزئياً", "english": "الإنجليزية",
           "place": "المادة 5\u00a0(1) · ملخص التدابير", "waiting": "3 أيام"},
}


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_reviewer_finds_the_submission_and_reads_it(live_server: LiveServer, page: Page, lang: str) -> None:
    words = EXPECTED[lang]
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    response_id = submitted_kenya(live_server)
    log_in(page, live_server, add_user("secretariat_reviewer"))
    in_language(page, lang)
    # the work queue: awaiting review, with how long it waited, in UN names and regional groups
    awaiting = page.locator("#awaiting tbody tr")
    expect(awaiting).to_have_count(1)
    expect(awaiting.first).to_contain_text(words["kenya"])
    expect(awaiting.first).to_contain_text(words["group"])
    expect(awaiting.first).to_contain_text(words["waiting"])
    expect(page.locator("[data-status='submitted'] .count-number")).to_have_text("1")
    # filtering by another regional group empties the queue; no JavaScript needed (a GET form)
    page.locator("#filter-group").select_option("eastern_european")
    page.locator("form.filters button[type=submit]").click()
    expect(page.locator("#awaiting")).to_have_count(0)
    expect(page.locator("[data-status='all'] .count-number")).to_have_text("23")

    # the answers, as text
    awaiting_link = live_server(f"/responses/{response_id}/pages/{PAGE}")
    page.goto(awaiting_link)
    main = page.locator("main")
    expect(main.locator(".answer-text").first).to_have_text(words["partial"])
    controls = page.evaluate("""() => [...document.querySelectorAll(
        'main [disabled], main input:not([type=hidden]), main select, main textarea')]
        .filter(e => !e.closest('.side-nav')).length""")  # the side navigation's search form aside
    assert controls == 0
    expect(page.locator(f"[id='q-{PAGE}.measures']")).to_be_visible()  # follow-ups of the answer stay shown
    assert errors == []
    expect(main.locator(".answer-read td").first).to_have_text("Anti-Corruption and Economic Crimes Act")
    if lang == "ar":  # an answer written in English: the note names English in Arabic
        expect(main.locator(".written-in").first).to_contain_text(words["english"])
        assert "English" not in main.locator(".written-in").first.inner_text()
        expect(main.locator(f"[id='q-{PAGE}.measures_summary'] .answer-text")).to_have_attribute("lang", "en")
        body, answer = style(page, "main p.hint, main .notice"), style(page, ".answer-text")
        assert body["size"] >= 17.9 and body["line"] / body["size"] >= 1.75, body
        assert answer["line"] / answer["size"] >= 1.75
    else:
        expect(main.locator(".written-in")).to_have_count(0)  # written in the reader's language
        body = style(page, "main .notice")
        assert body["size"] == 16 and body["line"] / body["size"] == pytest.approx(1.5)

    # history: the provision and the role, the change word by word, dates in words
    page.goto(live_server(f"/responses/{response_id}/history/{PAGE}.measures_summary"))
    expect(page.locator(".question-place")).to_have_text(words["place"])
    expect(page.locator(".word-diff ins").first).to_have_text(re.compile(r"as amended in 2019"))
    expect(page.locator(".word-diff del")).to_have_text(["2003"])  # "2003" became "2003,"
    expect(page.locator(".word-diff ins").nth(1)).to_have_text("and investigates")
    first_cell = page.locator("table.history tbody tr td").first.inner_text()
    assert not re.search(r"\d{1,2}/\d{1,2}/\d{2,4}", first_cell), first_cell
    page.goto(live_server(f"/responses/{response_id}/activity"))
    expect(page.locator("main table").last).to_contain_text(words["place"])


REFUSED = {"en": "Not saved: this answer is outside the chapters and articles assigned to you.",
           "ar": "لم يُحفظ: هذه الإجابة خارج الفصول والمواد المسندة إليك."}
OUTSIDE = {"en": "These answers are outside the chapters and articles assigned to you",
           "ar": "هذه الإجابات خارج الفصول والمواد المسندة إليك"}


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_change_outside_the_assignment_is_refused_and_said(live_server: LiveServer, page: Page,
                                                             lang: str) -> None:
    """A contributor's page stays open while the focal point moves their assignment elsewhere: the
    change is refused, next to the answer, and nothing is stored (it used to say "saved")."""
    from web.extensions import db
    from web.models import Answer, Assignment

    response_id = start_response("KEN").id
    contributor = add_user("contributor", "KEN", assign="chapter:III")
    log_in(page, live_server, contributor)
    in_language(page, lang)
    page.goto(live_server(f"/responses/{response_id}/pages/{PAGE}"))
    expect(page.locator("main .notice").first).to_contain_text(OUTSIDE[lang])  # chapter II: read only
    expect(page.locator("main .answer-empty").first).to_be_visible()
    page.goto(live_server(f"/responses/{response_id}/pages/p15_a"))

    def reassign() -> None:
        row = db.session.query(Assignment).filter_by(user_id=contributor.id).one()
        row.ref = "IV"
        db.session.commit()

    db_call(reassign)
    with page.expect_response(lambda r: r.url.endswith("/autosave")) as reply:
        page.locator("[id='q-p15_a.compliance'] input[value=yes]").check()
    assert reply.value.json()["refused"]
    expect(page.locator("[id='q-p15_a.compliance'] .error-message")).to_contain_text(REFUSED[lang])
    expect(page.locator("[data-save-state]")).not_to_contain_text("Saved")
    # without JavaScript's autosave, the page's own Save says the same
    page.locator("button[name=_go][value=stay]").click()
    expect(page.locator(".error-summary")).to_contain_text(REFUSED[lang])
    assert page.locator(".notice-success").count() == 0
    assert db_call(lambda: db.session.query(Answer).filter_by(response_id=response_id).count()) == 0
