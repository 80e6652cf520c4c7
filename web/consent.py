"""What a State lets be shared of its self-assessment: the State's choice, not the secretariat's.

Each response carries a consent level set by the State's focal point (``Response.consent``):

=============  ================================================================================
``none``       nothing leaves the State and the secretariat (the default)
``aggregate``  the response counts in figures across States, without the State's name
``assistance`` and its technical-assistance needs, named, reach providers, the matching view,
               the coordination pack and the API
``profile``    and the secretariat may publish its country profile, data and measures, optionally
               of some chapters only (``Response.consent_chapters``)
=============  ================================================================================

The secretariat sees everything whatever the level (it reviews). Every other reader's query goes
through ``web.access``, which reads the level here; publishing is refused beyond it, lowering it
withdraws a published profile, and every change is written to the response's activity log.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement

from .models import Response, User
from .models.responses import CONSENT_LEVELS

LEVELS = CONSENT_LEVELS


class ConsentError(ValueError):
    """An unknown level, or chapters given with a level that is not ``profile``."""


def rank(level: str) -> int:
    return LEVELS.index(level)


def at_least(level: str) -> tuple[str, ...]:
    """The levels that allow what ``level`` allows."""
    return LEVELS[rank(level):]


def allows(response: Response, level: str, chapter: str | None = None) -> bool:
    """Does the State's consent on ``response`` cover ``level`` (and, for a profile, ``chapter``)?"""
    if rank(response.consent or "none") < rank(level):
        return False
    if level == "profile" and chapter is not None and response.consent_chapters is not None:
        return chapter in response.consent_chapters
    return True


def covers(level: str) -> ColumnElement[bool]:
    """SQL: the response's consent covers ``level``."""
    return Response.consent.in_(at_least(level))


def shared_chapters(response: Response) -> frozenset[str] | None:
    """Chapters a published profile may show (None: every chapter; empty: none)."""
    if response.consent != "profile":
        return frozenset()
    return None if response.consent_chapters is None else frozenset(response.consent_chapters)


def may_set(user: User, response: Response) -> bool:
    """Only the State's focal point decides what the State shares."""
    return user.role == "focal_point" and response.state_id is not None and user.state_id == response.state_id


def set_consent(response: Response, user: User, level: str, chapters: Iterable[str] | None = None) -> bool:
    """Record the State's choice (in the activity log); withdraw a profile published beyond it.
    Returns False when nothing changed."""
    from . import workflow

    if level not in LEVELS:
        raise ConsentError(level)
    chosen = sorted(set(chapters)) if chapters is not None else None
    if chosen is not None and level != "profile":
        raise ConsentError("chapters")
    if chosen == []:
        raise ConsentError("chapters")
    workflow.lock(response)
    if (response.consent, response.consent_chapters) == (level, chosen):
        return False
    old, old_chapters = response.consent, response.consent_chapters
    response.consent, response.consent_chapters = level, chosen
    workflow.log(response, user, "consent", old=old, new=level, old_chapters=old_chapters, chapters=chosen)
    if response.published and level != "profile":
        response.published = False
        workflow.log(response, user, "unpublished", reason="consent")
    return True
