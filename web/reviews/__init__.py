"""Country reviews in a cycle: reviewing States, their experts, threads per answer, the report.

For each State under review the secretariat assigns two reviewing States (``checklist reviews
assign`` or ``/reviews``). The accounts of those States flagged as governmental experts
(``User.expert``) read the **submitted snapshot** of that State in the cycle, never its drafts and
never a third State's, and comment per answer; the comments are the response's own threads
(``Comment``), so the State under review answers them and the secretariat follows them where it
always does, and every step is in the response's activity log. The reviewers and the secretariat
draft the country review report's executive summary; the secretariat finalises it. A timeline
(self-assessment due, desk review, direct dialogue or country visit, draft report, final report)
gives each step a date and a status.

Who may read, comment and draft is decided in ``web.access`` (its country reviews section).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from flask import Flask
from sqlalchemy import select

from .. import access
from ..db import db
from ..deadlines import due, is_done, today
from ..models import Comment, CountryReview, ReportingRound, Response, ReviewingState, Snapshot, State, User
from ..models.base import utcnow
from ..models.reviews import REPORT_PARTS, STAGES

REVIEWERS_PER_STATE = 2


class ReviewError(ValueError):
    """An assignment or a step that cannot be made (``code``; ``detail`` names the values)."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(code)
        self.code = code
        self.detail = detail


# -- assigning ----------------------------------------------------------------------------------------
def find_state(code: str) -> State:
    found = db.session.scalars(select(State).where(State.code == code.strip().upper())).first()
    if found is None:
        raise ReviewError("unknown_state", code.strip().upper())
    return found


def cycle_named(name: str) -> ReportingRound:
    found = db.session.scalars(select(ReportingRound).where(ReportingRound.name == name.strip())
                               .order_by(ReportingRound.id.desc())).first()
    if found is None:
        raise ReviewError("unknown_cycle", name.strip())
    return found


def assign(cycle: ReportingRound, state: State, reviewers: Iterable[State], user: User | None) -> CountryReview:
    """Make ``reviewers`` (two other States) the reviewing States of ``state`` in ``cycle``."""
    chosen = list(dict.fromkeys(reviewers))
    if len(chosen) != REVIEWERS_PER_STATE:
        raise ReviewError("two_reviewers", ", ".join(s.code for s in chosen))
    if state in chosen:
        raise ReviewError("self_review", state.code)
    # Hold the cycle's row (db.lock) so the "not closed" rule still holds when the assignment commits,
    # and two assignments in the cycle never both create the review of one State.
    db.lock(cycle, "closed_at")
    if cycle.closed_at is not None:
        raise ReviewError("closed", cycle.name)
    review = db.session.scalars(select(CountryReview).where(CountryReview.round_id == cycle.id,
                                                            CountryReview.state_id == state.id)).first()
    if review is None:
        review = CountryReview(round_id=cycle.id, state_id=state.id, created_by_id=user.id if user else None)
        db.session.add(review)
    kept = {r.state_id: r for r in review.reviewers}  # a State kept keeps its row (one per review and State)
    review.reviewers = [kept.get(s.id) or ReviewingState(state_id=s.id, state=s) for s in chosen]
    db.session.flush()
    response = response_of(review)
    if response is not None:
        _log(response, user, "reviewers_assigned", reviewers=[s.code for s in chosen])
    return review


def _log(response: Response, user: User | None, action: str, **details: object) -> None:
    from ..workflow import log

    log(response, user, action, **details)


# -- what the reviewers read ----------------------------------------------------------------------------
def response_of(review: CountryReview) -> Response | None:
    """The State's response in the review's cycle."""
    return db.session.scalars(select(Response).where(Response.state_id == review.state_id,
                                                     Response.round_id == review.round_id)
                              .order_by(Response.id.desc())).first()


def submitted_snapshot(review: CountryReview) -> Snapshot | None:
    """The latest submission of the State in the cycle: what reviewers read (never a draft)."""
    from ..workflow import latest_snapshot

    response = response_of(review)
    return latest_snapshot(response) if response is not None else None


def threads(review: CountryReview, response: Response) -> tuple[list[Comment], dict[int, list[Comment]]]:
    """The threads opened in ``review`` on the State's response, with their replies (never the
    secretariat's threads with the State outside the review, written on its drafts)."""
    rows = db.session.scalars(select(Comment).where(Comment.response_id == response.id,
                                                    Comment.review_id == review.id)
                              .order_by(Comment.created_at, Comment.id)).all()
    replies: dict[int, list[Comment]] = {}
    for c in rows:
        if c.parent_id:
            replies.setdefault(c.parent_id, []).append(c)
    return [c for c in rows if c.parent_id is None], replies


def comment(review: CountryReview, user: User, body: str, question_id: str | None,
            parent: Comment | None) -> Comment:
    """A new thread (experts, secretariat) or a reply (anyone in the review), logged."""
    response = response_of(review)
    if response is None:
        raise ReviewError("not_started")
    if parent is not None and (parent.response_id != response.id or parent.review_id != review.id):
        raise ReviewError("other_response")
    if parent is None and not access.can_open_thread(user, review):
        raise ReviewError("forbidden")
    body = body.strip()
    if not body or len(body) > 5000:
        raise ReviewError("length")
    found = Comment(response_id=response.id, question_id=parent.question_id if parent else question_id,
                    author_id=user.id, body=body, parent_id=parent.id if parent else None, review_id=review.id)
    db.session.add(found)
    db.session.flush()
    _log(response, user, "commented", question=found.question_id, comment=found.id, review=review.id)
    return found


# -- the report -------------------------------------------------------------------------------------------
def hold_draft(review: CountryReview) -> None:
    """Hold the review's row until the transaction ends and refuse if its report is final.

    Every change of a review's report or timeline begins here (``db.lock``: ``SELECT ... FOR UPDATE``
    on PostgreSQL, the write transaction on SQLite), so a save, a finalisation and a timeline change
    of one review never interleave: whoever comes second waits, then reads what the first committed
    (the status, the step, the parts) and is refused once the report is final.
    """
    db.lock(review, "report_status", "stage", *REPORT_PARTS)
    if review.report_status != "draft":
        raise ReviewError("final")


def save_report(review: CountryReview, user: User, parts: dict[str, str]) -> None:
    hold_draft(review)
    changed = []
    for part in REPORT_PARTS:
        if part in parts:
            value = parts[part].strip()[:20000]
            if value != getattr(review, part):
                setattr(review, part, value)
                changed.append(part)
    response = response_of(review)
    if changed and response is not None:
        _log(response, user, "report_saved", review=review.id, parts=changed)


def finalise(review: CountryReview, user: User) -> None:
    hold_draft(review)
    review.report_status = "final"
    review.finalised_at = utcnow()
    review.finalised_by_id = user.id
    review.stage = "done"
    response = response_of(review)
    if response is not None:
        _log(response, user, "report_finalised", review=review.id)


def set_stage(review: CountryReview, stage: str, user: User) -> None:
    if stage not in STAGES or stage == "done":
        raise ReviewError("unknown_stage", stage)
    review.stage = stage
    response = response_of(review)
    if response is not None:
        _log(response, user, "stage", review=review.id, stage=stage)


# -- the timeline ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    code: str  # one of STAGES but "done"
    on: date | None
    status: str  # done, current, late, planned


def timeline(review: CountryReview, day: date | None = None) -> list[Step]:
    """The five steps with their dates and status: done before the step reached; the step reached
    is current, or late once its date has passed; later steps are planned."""
    return _steps(review, response_of(review), day or today())


def _steps(review: CountryReview, response: Response | None, day: date) -> list[Step]:
    dates = {"self_assessment": due(review.round, review.state_id).on, "desk_review": review.desk_review_on,
             "dialogue": review.dialogue_on, "draft_report": review.draft_report_on,
             "final_report": review.final_report_on}
    reached = STAGES.index(review.stage)
    if reached == 0 and is_done(response):
        reached = 1  # the self-assessment is in: the desk review begins
    steps = []
    for index, code in enumerate(STAGES[:-1]):
        on = dates[code]
        if index < reached:
            status = "done"
        elif index == reached:
            status = "late" if on is not None and on < day else "current"
        else:
            status = "planned"
        steps.append(Step(code, on, status))
    return steps


def timelines(reviews: Sequence[CountryReview], day: date | None = None) -> dict[int, list[Step]]:
    """Each review's timeline by review id, the States' responses read in one query (a list of
    reviews used to read one per review)."""
    if not reviews:
        return {}
    pairs = {(r.state_id, r.round_id) for r in reviews}
    newest: dict[tuple[int | None, int | None], Response] = {}
    query = select(Response).where(Response.round_id.in_({round_id for _state, round_id in pairs}),
                                   Response.state_id.in_({state for state, _round in pairs})).order_by(Response.id)
    for found in db.session.scalars(query):
        newest[(found.state_id, found.round_id)] = found  # the last one read is the newest, as response_of
    return {r.id: _steps(r, newest.get((r.state_id, r.round_id)), day or today()) for r in reviews}


def current_step(review: CountryReview) -> Step | None:
    return next((s for s in timeline(review) if s.status in ("current", "late")), None)


def init_app(app: Flask) -> None:
    from .views import bp, step_label, step_status

    app.register_blueprint(bp)
    app.jinja_env.globals.update(review_step_label=step_label, review_step_status=step_status,
                                 my_reviews=access.reviews, review_timelines=timelines,
                                 reviews_of_state=reviews_of_state)


def reviews_of_state(user: User, state: State) -> list[CountryReview]:
    """The reviews the user may see in which ``state`` is reviewed or reviews (a State's page)."""
    return [r for r in access.reviews(user) if r.state_id == state.id or state.id in access.reviewing_state_ids(r)]
