"""The secretariat's work queue: every State's standing on one questionnaire, counted by status,
what awaits review (the oldest submission first), and the filters the dashboard offers.

Rows are read once per request (the States the user may see, and their responses to every version of
the chosen questionnaire: a response moved to a newer version still counts); counts and lists are
derived from them in Python, never from request values put into SQL.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.orm import defer

from .. import access
from ..extensions import db
from ..models import QuestionnaireVersion, Response, State
from ..models.base import utcnow
from ..models.states import REGIONAL_GROUPS

T = TypeVar("T")

#: A State's standing, in the order of the work: not started, at work, to review, done.
STATUSES = ("not_started", "draft", "returned", "submitted", "accepted")
#: The status filter: one status, every State that began ("started", the default), or every State.
STATUS_FILTERS = ("started", "all", *STATUSES)
DEFAULT_STATUS = "started"


@dataclass(frozen=True)
class Filters:
    """What the dashboard shows, read from the query string (unknown values are refused by the view)."""

    questionnaire: str  # a questionnaire id
    status: str = DEFAULT_STATUS
    group: str = ""  # a code of REGIONAL_GROUPS, or "" for every group

    def keeps(self, row: Row) -> bool:
        return self.in_group(row) and (self.status == "all" or row.status == self.status
                                       or (self.status == "started" and row.status != "not_started"))

    def in_group(self, row: Row) -> bool:
        return not self.group or row.state.group == self.group

    def args(self, **changes: str) -> dict[str, str]:
        """The query string of these filters with ``changes`` (for links that change one filter)."""
        values = {"q": self.questionnaire, "status": self.status, "group": self.group, **changes}
        return {key: value for key, value in values.items() if value}


@dataclass(frozen=True)
class ResponseFacts:
    """What the work queue shows of a response (and ``deadlines.is_done`` reads), read as plain
    columns: a table of 193 States need not build 193 ORM objects."""

    id: int
    state_id: int | None
    status: str
    percent: int
    problems: int
    updated_at: datetime | None
    submitted_at: datetime | None
    accepted_at: datetime | None


@dataclass(frozen=True)
class Row:
    state: State
    response: ResponseFacts | None

    @property
    def status(self) -> str:
        return self.response.status if self.response else "not_started"

    @property
    def percent(self) -> int:
        return self.response.percent if self.response else 0

    @property
    def problems(self) -> int:
        return self.response.problems if self.response else 0

    @property
    def updated(self) -> datetime | None:
        return self.response.updated_at if self.response else None

    @property
    def submitted(self) -> datetime | None:
        return self.response.submitted_at if self.response else None


def valid_filters(args: Mapping[str, str], questionnaires: list[str], default: str) -> Filters | None:
    """The filters of a query string, or None if one names something unknown."""
    chosen = args.get("q") or default
    status = args.get("status") or DEFAULT_STATUS
    group = args.get("group") or ""
    if chosen not in questionnaires or status not in STATUS_FILTERS or (group and group not in REGIONAL_GROUPS):
        return None
    return Filters(chosen, status, group)


def response_counts(user: Any) -> Counter[str]:
    """Responses per questionnaire id (to open the dashboard on the questionnaire States work on)."""
    rows = db.session.execute(access.responses(user).join(QuestionnaireVersion)
                              .with_only_columns(QuestionnaireVersion.questionnaire_id, Response.status))
    return Counter(qid for qid, _status in rows)


def awaiting_counts(user: Any) -> Counter[str]:
    """Submissions awaiting review per questionnaire id."""
    rows = db.session.execute(access.responses(user).join(QuestionnaireVersion)
                              .where(Response.status == "submitted")
                              .with_only_columns(QuestionnaireVersion.questionnaire_id))
    return Counter(qid for (qid,) in rows)


def default_questionnaire(questionnaires: list[str], responses: Counter[str]) -> str:
    """The questionnaire with the most responses (the first one listed when none has any)."""
    return max(questionnaires, key=lambda qid: (responses.get(qid, 0), -questionnaires.index(qid)))


def rows(user: Any, questionnaire_id: str) -> list[Row]:
    """Every State the user may see, with its response to the questionnaire (the newest version's)."""
    found: dict[int, ResponseFacts] = {}
    query = (access.responses(user).join(QuestionnaireVersion)
             .where(QuestionnaireVersion.questionnaire_id == questionnaire_id).order_by(Response.version_id)
             .with_only_columns(Response.id, Response.state_id, Response.status, Response.percent, Response.problems,
                                Response.updated_at, Response.submitted_at, Response.accepted_at))
    for (response_id, state_id, status, percent, problems, updated_at, submitted_at,
         accepted_at) in db.session.execute(query):
        response = ResponseFacts(response_id, state_id, status, percent, problems, updated_at, submitted_at,
                                 accepted_at)
        if response.state_id is not None:  # States' responses (providers' have no row here)
            found[response.state_id] = response  # the newest version last: it wins
    states = db.session.scalars(access.states(user).order_by(State.code).options(defer(State.formal_names)))
    return [Row(state, found.get(state.id)) for state in states]


def counts(all_rows: list[Row], filters: Filters) -> dict[str, int]:
    """How many States of the chosen group stand at each status, and the totals of the filters."""
    in_group = [row for row in all_rows if filters.in_group(row)]
    by_status = Counter(row.status for row in in_group)
    return {"all": len(in_group), "started": len(in_group) - by_status["not_started"],
            **{status: by_status[status] for status in STATUSES}}


def awaiting(all_rows: list[Row], filters: Filters) -> list[Row]:
    """Submissions awaiting review in the chosen group, the one waiting longest first."""
    waiting = [row for row in all_rows if row.status == "submitted" and filters.in_group(row)]
    return sorted(waiting, key=lambda row: (row.submitted is None, row.submitted.timestamp() if row.submitted else 0,
                                          row.state.code))


def days_since(moment: datetime) -> int:
    """Whole days from ``moment`` to now (how long a submission has waited)."""
    return max(0, (utcnow() - moment).days)


#: Rows of the States' table per page (sorting and counts are over every row; only drawing is paged).
PER_PAGE = 50
#: Rows of the work queue's lists of what awaits review and who is late (the others a link away).
LISTED = 10


@dataclass(frozen=True)
class Page:
    """A page of the States' table: ``number`` counts from 1."""

    number: int
    total: int  # rows over every page
    per_page: int = PER_PAGE

    @property
    def count(self) -> int:
        """How many pages (one, empty, when no row matches)."""
        return max(1, -(-self.total // self.per_page))

    @property
    def first(self) -> int:
        """The position of the page's first row over every row, from 1 (0 when there is none)."""
        return min(self.total, (self.number - 1) * self.per_page + 1)

    @property
    def last(self) -> int:
        return min(self.total, self.number * self.per_page)

    def of(self, rows: list[T]) -> list[T]:
        return rows[(self.number - 1) * self.per_page:self.number * self.per_page]


def page_of(value: str | None, total: int, per_page: int = PER_PAGE) -> Page | None:
    """The page asked for (the first when none is), or None when there is no such page: not a whole
    number from 1, or past the last page (the view answers 404, as Flask-SQLAlchemy's ``paginate``
    and Django's ``ListView`` do)."""
    if value is None or value == "":
        return Page(1, total, per_page)
    if not value.isascii() or not value.isdigit() or len(value) > 6:
        return None
    found = Page(int(value), total, per_page)
    return found if 1 <= found.number <= found.count else None
