"""Reminders before and after a deadline, computed by a periodic job (``checklist mail reminders``).

For each open round, each State not done and each of its active focal points and contributors,
the latest reminder step reached (``REMINDER_DAYS_BEFORE`` days before the due date, or
``REMINDER_DAYS_AFTER`` days after it) is written to the outbox once: its key names the round,
the State, the due date, the step and the person, so a second run (or a second worker) writes
nothing, and a new due date (an extension) starts its own steps. A round opened late does not send
the steps already passed: only the latest.
"""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import select

from .. import catalog, deadlines
from ..db import db
from ..models import User
from ..models.users import STATE_ROLES
from .events import state_people
from .outbox import add


def _days(setting: str) -> set[int]:
    raw = str(current_app.config.get(setting) or "")
    try:
        return {int(part) for part in raw.replace(" ", ",").split(",") if part.strip()}
    except ValueError:
        raise ValueError(f"{setting}={raw!r}: give whole numbers of days separated by commas") from None


def steps() -> list[int]:
    """Days left at each step: positive before the due date, 0 on it, negative after."""
    return sorted({d for d in _days("REMINDER_DAYS_BEFORE") if d >= 0} |
                  {-d for d in _days("REMINDER_DAYS_AFTER") if d > 0})


def step_reached(days_left: int, offsets: list[int]) -> int | None:
    """The latest step reached with ``days_left`` to go (None: none yet)."""
    reached = [step for step in offsets if step >= days_left]
    return min(reached) if reached else None


def run(day: date | None = None) -> int:
    """Write the reminders due on ``day`` (default today, UTC); the number written."""
    day = day or deadlines.today()
    offsets = steps()
    written = 0
    for found in deadlines.open_rounds():
        if found.opens_on > day:
            continue
        latest = deadlines.responses_of(found)
        version_id = _version_id(found.questionnaire_id)
        for state_id in _states_with_people():
            response = latest.get(state_id)
            if deadlines.is_done(response):
                continue
            due = deadlines.due(found, state_id)
            left = due.days_left(day)
            step = step_reached(left, offsets)
            if step is None:
                continue
            params = {"round": found.id, "state_id": state_id, "due": due.on.isoformat(), "days": left,
                      "response": response.id if response else None,
                      "version": response.version_id if response else version_id}
            for person in state_people(state_id):
                key = f"reminder:{found.id}:{state_id}:{due.on.isoformat()}:{step}:{person.id}"
                written += add(person, "reminder", params, key=key) is not None
    db.session.commit()
    return written


def _states_with_people() -> list[int]:
    return sorted({sid for sid in db.session.scalars(select(User.state_id).where(
        User.role.in_(STATE_ROLES), User.active.is_(True))) if sid is not None})


def _version_id(questionnaire_id: str) -> int | None:
    return next((v.id for v in catalog.current_versions() if v.questionnaire_id == questionnaire_id), None)
