"""``checklist cycles ...`` and ``checklist reviews ...``: review cycles and reviewing States."""

from __future__ import annotations

from datetime import date, timedelta

import click
from flask.cli import with_appcontext

ERRORS = {
    "unknown_version": "no published version {detail}",
    "unknown_chapters": "unknown chapters: {detail}",
    "open": "this questionnaire already has an open round or cycle: close it first",
    "before_opening": "the due date is before the opening date",
    "unknown_state": "unknown State {detail} (load the States first: checklist states load)",
    "unknown_cycle": "no cycle named {detail} (see checklist cycles list)",
    "two_reviewers": "give exactly two reviewing States (got: {detail})",
    "self_review": "a State cannot review itself ({detail})",
    "closed": "the cycle {detail} is closed",
}


def _fail(code: str, detail: str) -> click.ClickException:
    return click.ClickException(ERRORS.get(code, code).format(detail=detail))


@click.group("cycles")
def cycles_group() -> None:
    """Review cycles: chapters in scope, questionnaire version, dates."""


@cycles_group.command("open")
@click.option("--name", required=True, help="e.g. 2026-II")
@click.option("--chapters", required=True, help="Chapters in scope, e.g. II,V")
@click.option("--questionnaire", "questionnaire_id", default="uncac_checklist", show_default=True)
@click.option("--version", default=None, help="Questionnaire version (default: the live one).")
@click.option("--opens", "opens_on", type=click.DateTime(["%Y-%m-%d"]), help="Default: today.")
@click.option("--due", "due_on", type=click.DateTime(["%Y-%m-%d"]), help="Self-assessments due (default: in 90 days).")
@with_appcontext
def cycles_open(name: str, chapters: str, questionnaire_id: str, version: str | None, opens_on: object,
                due_on: object) -> None:
    """Open a review cycle."""
    from ..db import db
    from . import CycleError, open_cycle, version_of

    start = opens_on.date() if opens_on else date.today()  # type: ignore[attr-defined]
    until = due_on.date() if due_on else start + timedelta(days=90)  # type: ignore[attr-defined]
    try:
        found = open_cycle(questionnaire_id, name, chapters.split(","), until, start, None, version)
    except CycleError as exc:
        raise _fail(exc.code, exc.detail) from None
    db.session.commit()
    target = version_of(found)
    click.echo(f"opened cycle {found.name}: {questionnaire_id} {target.version if target else ''}, chapters "
               f"{', '.join(found.chapters) or 'all'}, {found.opens_on} to {found.due_on}")


@cycles_group.command("list")
@with_appcontext
def cycles_list() -> None:
    """List the cycles and reporting rounds, open first."""
    from sqlalchemy import select

    from ..db import db
    from ..models import CountryReview, ReportingRound
    from . import version_of

    for found in db.session.scalars(select(ReportingRound).order_by(ReportingRound.closed_at.is_not(None),
                                                                   ReportingRound.opens_on.desc())):
        target = version_of(found)
        reviews = db.session.scalars(select(CountryReview).where(CountryReview.round_id == found.id)).all()
        state = "closed" if found.closed_at else "open"
        click.echo(f"{found.name:16} {state:6} {found.questionnaire_id} {target.version if target else '-':8} "
                   f"chapters {','.join(found.chapters) or 'all':10} {found.opens_on} .. {found.due_on}  "
                   f"{len(reviews)} review(s)")
        for review in reviews:
            click.echo(f"    {review.state.code} reviewed by {', '.join(review.reviewer_codes)} ({review.stage})")


@click.group("reviews")
def reviews_group() -> None:
    """Country reviews: reviewing States."""


@reviews_group.command("assign")
@click.option("--state", "state_code", required=True, help="The State under review, e.g. KEN")
@click.option("--reviewers", required=True, help="Two reviewing States, e.g. FRA,MEX")
@click.option("--cycle", "cycle_name", required=True, help="The cycle's name, e.g. 2026-II")
@with_appcontext
def reviews_assign(state_code: str, reviewers: str, cycle_name: str) -> None:
    """Assign the two reviewing States of a State in a cycle (replacing earlier ones)."""
    from ..db import db
    from ..reviews import ReviewError, assign, cycle_named, find_state

    try:
        review = assign(cycle_named(cycle_name), find_state(state_code),
                        [find_state(code) for code in reviewers.split(",") if code.strip()], None)
    except ReviewError as exc:
        raise _fail(exc.code, exc.detail) from None
    db.session.commit()
    click.echo(f"{review.state.code} is reviewed by {' and '.join(review.reviewer_codes)} in {review.round.name}")
