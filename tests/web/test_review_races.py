"""Changes of a country review's report racing its finalisation, over real connections (SQLite and
PostgreSQL).

Saving the report, finalising it and setting the timeline all begin by holding the review's row
(``web.reviews.hold_draft``: SELECT ... FOR UPDATE on PostgreSQL, the write transaction on SQLite)
and reading its status under it. The invariants checked after every race: the report was finalised
once, by one person, and nothing was saved into it after that; the loser is told the report is final
and stored nothing.

The interleavings are explicit, as in tests/web/test_races.py: one request is held at a known
point while the other runs; where the database makes the second wait for the first (the fix at
work), the test lets the first go on after a short wait instead of dead-locking. On SQLite a POST's
write transaction (BEGIN IMMEDIATE) already made the second request wait, so the races were
PostgreSQL's: without the row lock, the first three tests fail there.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import add_user, context, csrf_token
from tests.web.test_cycles import cli, expert, open_cycle, review_id, start
from tests.web.test_races import client_of, held, in_thread

REFUSED = "The report was made final: it can no longer be changed."


@pytest.fixture
def review(app: Flask) -> dict[str, Any]:
    open_cycle(app)
    cli(app, "reviews", "assign", "--state", "KEN", "--reviewers", "FRA,MEX", "--cycle", "2026-II")
    kenya = client_of(app, add_user("focal_point", "KEN"))
    rid = start(kenya)
    found = review_id()
    france = client_of(app, expert("FRA"))
    winner = add_user("secretariat_reviewer")
    first, second = client_of(app, winner), client_of(app, add_user("secretariat_admin"))
    return {"id": found, "response": rid, "france": france, "first": first, "second": second, "winner": winner.id,
            "tokens": {name: csrf_token(c, f"/reviews/{found}") for name, c in
                       (("france", france), ("first", first), ("second", second))}}


def post(review: dict[str, Any], who: str, what: str, **data: str) -> Any:
    client: FlaskClient = review[who]
    return client.post(f"/reviews/{review['id']}/{what}", data={"csrf_token": review["tokens"][who], **data})


def told(review: dict[str, Any], who: str) -> str:
    """The review's page as ``who`` sees it next (with the messages of their last request)."""
    page: str = review[who].get(f"/reviews/{review['id']}").get_data(as_text=True)
    return page


def stored(review: dict[str, Any]) -> tuple[Any, list[tuple[str, Any]]]:
    """The review as committed, and the response's report activity in order."""
    from web.extensions import db
    from web.models import Activity, CountryReview

    with context():
        found = db.session.get(CountryReview, review["id"])
        rows = db.session.scalars(select(Activity).where(
            Activity.response_id == review["response"], Activity.action.in_(("report_saved", "report_finalised")))
            .order_by(Activity.id)).all()
        facts = {"status": found.report_status, "stage": found.stage, "successes": found.successes,
                 "by": found.finalised_by_id, "dialogue_on": found.dialogue_on}
        return facts, [(row.action, row.user_id) for row in rows]


def test_a_save_begun_before_a_finalisation_is_refused_after_it(app: Flask, review: dict[str, Any],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The save has read the review (a draft, so the expert may write) when the finalisation commits;
    then it would write into a final report."""
    import web.reviews.views

    assert post(review, "france", "report", successes="Before.").status_code == 302
    with held(monkeypatch, web.reviews.views, "save_report") as (reached, go):
        saver, saved = in_thread(lambda: post(review, "france", "report", successes="Too late."))
        assert reached.wait(30)
        finaliser, finalised = in_thread(lambda: post(review, "first", "finalise"))
        finaliser.join(2)  # PostgreSQL: the finalisation does not wait; SQLite: it waits for the save's transaction
        go.set()
        saver.join(30)
        finaliser.join(30)
    assert "error" not in saved and "error" not in finalised, (saved, finalised)
    assert saved["value"].status_code == finalised["value"].status_code == 302
    facts, actions = stored(review)
    assert facts["status"] == "final" and facts["stage"] == "done"
    assert [a for a, _user in actions].count("report_finalised") == 1
    assert actions[-1][0] == "report_finalised", actions  # nothing saved into the final report
    if facts["successes"] == "Too late.":  # the save won: it committed before the finalisation began
        assert [a for a, _user in actions] == ["report_saved", "report_saved", "report_finalised"]
    else:  # the finalisation won: the save is refused, clearly, and stored nothing
        assert facts["successes"] == "Before."
        assert REFUSED in told(review, "france")


def test_two_finalisations_finalise_once(app: Flask, review: dict[str, Any],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The first finalisation has set the report final but not committed when a second arrives: the
    second waits for it and is refused."""
    import web.reviews

    with held(monkeypatch, web.reviews, "response_of") as (reached, go):  # called by finalise before its log
        first, one = in_thread(lambda: post(review, "first", "finalise"))
        assert reached.wait(30)
        monkeypatch.undo()  # only the first finalisation is held
        second, two = in_thread(lambda: post(review, "second", "finalise"))
        second.join(2)  # must wait for the first (row lock / write transaction)
        go.set()
        first.join(30)
        second.join(30)
    assert "error" not in one and "error" not in two, (one, two)
    assert one["value"].status_code == two["value"].status_code == 302
    facts, actions = stored(review)
    winner = review["winner"]
    assert facts["status"] == "final" and facts["by"] == winner
    assert actions == [("report_finalised", winner)]
    assert "The report is final." in told(review, "first")
    assert REFUSED in told(review, "second")


def test_a_timeline_change_during_a_finalisation_is_refused(app: Flask, review: dict[str, Any],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A timeline change must not move a final report's step back from "done"."""
    import web.reviews

    with held(monkeypatch, web.reviews, "response_of") as (reached, go):
        first, one = in_thread(lambda: post(review, "first", "finalise"))
        assert reached.wait(30)
        monkeypatch.undo()
        second, two = in_thread(lambda: post(review, "second", "timeline", stage="dialogue",
                                             dialogue_on="2027-03-01"))
        second.join(2)
        go.set()
        first.join(30)
        second.join(30)
    assert "error" not in one and "error" not in two, (one, two)
    facts, _actions = stored(review)
    assert facts["status"] == "final" and facts["stage"] == "done" and facts["dialogue_on"] is None
    assert REFUSED in told(review, "second")


def test_changes_after_the_finalisation_are_refused_and_say_why(app: Flask, review: dict[str, Any]) -> None:
    assert post(review, "first", "finalise").status_code == 302
    for who, what, data in (("france", "report", {"successes": "late"}), ("second", "finalise", {}),
                            ("second", "timeline", {"stage": "dialogue"})):
        reply = post(review, who, what, **data)
        assert reply.status_code == 302 and reply.headers["Location"] == f"/reviews/{review['id']}"
        assert REFUSED in told(review, who)
    facts, actions = stored(review)
    assert facts["stage"] == "done" and facts["successes"] == "" and len(actions) == 1
