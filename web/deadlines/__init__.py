"""Deadlines: when each State's answers to a questionnaire are due, and who is late.

The secretariat opens a reporting round for a questionnaire (every version of it) with a due date
for all States, and may give one State its own date (``StateDeadline``). A response is *done* for
the round once it was submitted (submitted or accepted, or accepted once and amended since); a
State that is not done after its due date is overdue, whether it started or not. Days are counted
in UTC dates: a submission on the due date is on time.

The one place that decides which round a response answers is :func:`round_of`: the review cycle the
response was started in (``Response.round_id``, see ``web.cycles``), else the open round of its
questionnaire.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import Flask
from sqlalchemy import Select, select
from sqlalchemy.orm import defer, lazyload

from ..db import db
from ..models import ReportingRound, Response, State, StateDeadline
from ..models.base import utcnow

DONE = frozenset({"submitted", "accepted"})


class DeadlineError(ValueError):
    """A round or a deadline that cannot be set as asked (the message says why)."""


@dataclass(frozen=True)
class Due:
    """A State's due date in a round."""

    round: ReportingRound
    state_id: int
    on: date
    extended: bool  # the State has a date of its own

    def days_left(self, day: date | None = None) -> int:
        """Days until the due date: 0 on the day, negative once it has passed."""
        return (self.on - (day or today())).days


@dataclass(frozen=True)
class Late:
    """A row of the secretariat's list of overdue States."""

    state: State
    due: Due
    response: Standing | None  # None: not started

    @property
    def days_overdue(self) -> int:
        return -self.due.days_left()


def today() -> date:
    return utcnow().date()


def is_done(response: Response | Standing | None) -> bool:
    return response is not None and (response.status in DONE or response.accepted_at is not None)


# -- rounds ---------------------------------------------------------------------------------------
def open_rounds() -> list[ReportingRound]:
    return list(db.session.scalars(select(ReportingRound).where(ReportingRound.closed_at.is_(None))
                                   .order_by(ReportingRound.due_on)))


def open_round(questionnaire_id: str) -> ReportingRound | None:
    return db.session.scalars(select(ReportingRound).where(
        ReportingRound.questionnaire_id == questionnaire_id, ReportingRound.closed_at.is_(None))).first()


def round_of(response: Response) -> ReportingRound | None:
    """The round a response answers: the cycle it was started in, else the open round of its questionnaire."""
    if response.round_id is not None:
        return db.session.get(ReportingRound, response.round_id)
    return open_round(response.version.questionnaire_id)


def open_new(questionnaire_id: str, name: str, due_on: date, opens_on: date | None,
             user_id: int | None) -> ReportingRound:
    if open_round(questionnaire_id) is not None:
        raise DeadlineError("open")
    start = opens_on or today()
    if due_on < start:
        raise DeadlineError("before_opening")
    found = ReportingRound(questionnaire_id=questionnaire_id, name=name.strip()[:200], opens_on=start, due_on=due_on,
                           created_by_id=user_id)
    db.session.add(found)
    db.session.flush()
    return found


def set_state_deadline(found: ReportingRound, state: State, due_on: date | None, note: str,
                       user_id: int | None) -> None:
    """Give ``state`` its own due date in the round (``None``: back to the round's date)."""
    current = next((d for d in found.extensions if d.state_id == state.id), None)
    if due_on is None:
        if current is not None:
            found.extensions.remove(current)
        return
    if due_on < found.opens_on:
        raise DeadlineError("before_opening")
    if current is None:
        found.extensions.append(StateDeadline(state_id=state.id, state=state, due_on=due_on, note=note[:2000],
                                              set_by_id=user_id, set_at=utcnow()))
    else:
        current.due_on, current.note, current.set_by_id, current.set_at = due_on, note[:2000], user_id, utcnow()


# -- due dates --------------------------------------------------------------------------------------
def due(found: ReportingRound, state_id: int) -> Due:
    own = next((d for d in found.extensions if d.state_id == state_id), None)
    return Due(found, state_id, own.due_on if own else found.due_on, own is not None)


def due_for_responses(responses: Iterable[Response]) -> dict[int, Due]:
    """The due date of each response (by id) that answers an open round."""
    rounds = {r.questionnaire_id: r for r in open_rounds()}
    out = {}
    for response in responses:
        found = rounds.get(response.version.questionnaire_id)
        if found is not None and response.state_id is not None:  # rounds set States' due dates
            out[response.id] = due(found, response.state_id)
    return out


def due_for_state(state_id: int, questionnaire_ids: Iterable[str]) -> dict[str, Due]:
    """A State's due dates in the open rounds of ``questionnaire_ids`` (started or not)."""
    wanted = set(questionnaire_ids)
    return {r.questionnaire_id: due(r, state_id) for r in open_rounds() if r.questionnaire_id in wanted}


def overdue(day: date | None = None, states: Iterable[State] | None = None) -> list[Late]:
    """Every State past its due date in an open round and not done, the longest overdue first
    (``states``: the States to look at, when the caller has them read already; else every State)."""
    day = day or today()
    rows: list[Late] = []
    rounds = [found for found in open_rounds() if found.due_on < day or found.extensions]
    if not rounds:  # no round past its date (nor a State's own date, earlier or later): nobody is late
        return rows
    if states is None:
        states = db.session.scalars(select(State).order_by(State.code).options(defer(State.formal_names)))
    states = list(states)
    for found in rounds:
        latest = standings_of(found)
        own = {d.state_id: d.due_on for d in found.extensions}  # (as ``due`` reads them, once per round)
        for state in states:
            when = Due(found, state.id, own.get(state.id, found.due_on), state.id in own)
            if when.on < day and not is_done(latest.get(state.id)):
                rows.append(Late(state, when, latest.get(state.id)))
    rows.sort(key=lambda late: (late.due.on, late.state.code))
    return rows


def responses_of(found: ReportingRound) -> dict[int, Response]:
    """Each State's response that answers the round: in a review cycle only responses of the cycle
    count (an earlier cycle's accepted response does not answer this one)."""
    return latest_responses(found.questionnaire_id, _cycle_of(found))


def _cycle_of(found: ReportingRound) -> int | None:
    return found.id if found.version_id is not None else None


def _latest_query(questionnaire_id: str, round_id: int | None) -> Select[Any]:
    from ..models import QuestionnaireVersion

    query = select(Response).join(QuestionnaireVersion).where(QuestionnaireVersion.questionnaire_id == questionnaire_id)
    if round_id is not None:
        query = query.where(Response.round_id == round_id)
    return query.order_by(Response.created_at)


@dataclass(frozen=True)
class Standing:
    """What a list of late States shows of the response that answers the round (and ``is_done``
    reads), read as plain columns rather than as ORM objects."""

    id: int
    state_id: int | None
    status: str
    percent: int
    accepted_at: datetime | None


def standings_of(found: ReportingRound) -> dict[int, Standing]:
    """:func:`responses_of` as :class:`Standing`s."""
    query = _latest_query(found.questionnaire_id, _cycle_of(found)).with_only_columns(
        Response.id, Response.state_id, Response.status, Response.percent, Response.accepted_at)
    out: dict[int, Standing] = {}
    for values in db.session.execute(query):
        standing = Standing(*values)
        if standing.state_id is not None:  # due dates are States'
            out[standing.state_id] = standing  # the newest last: it wins
    return out


def latest_responses(questionnaire_id: str, round_id: int | None = None) -> dict[int, Response]:
    """Each State's newest response to any version of the questionnaire."""
    found: dict[int, Response] = {}
    query = _latest_query(questionnaire_id, round_id).options(lazyload(Response.version))  # not each YAML again
    for response in db.session.scalars(query):
        if response.state_id is not None:  # due dates are States'
            found[response.state_id] = response
    return found


# -- pages and template helpers ---------------------------------------------------------------------
def init_app(app: Flask) -> None:
    from .views import bp

    app.register_blueprint(bp)
    app.jinja_env.globals.update(response_dues=due_for_responses, is_done=is_done)


def state_dues(questionnaire_id: str) -> dict[str, Due]:
    """Every State's due date (by code) in the open round of the questionnaire, for the secretariat's table."""
    found = open_round(questionnaire_id)
    if found is None:
        return {}
    return {state.code: due(found, state.id) for state in db.session.scalars(select(State))}
