"""The landing page, per role: a State's responses and progress, or every State's progress."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func
from werkzeug.wrappers import Response as WerkzeugResponse

from .. import access, catalog, deadlines
from ..access import login_required
from ..extensions import db
from ..i18n import current_language
from ..models import Response
from ..models.states import REGIONAL_GROUPS
from ..templating import request_formats
from . import queue
from .queue import STATUSES, Row

bp = Blueprint("dashboard", __name__)

#: Sort keys of the secretariat's table, mapped to how rows sort in a language (never to SQL).
SORTS: dict[str, Callable[[Row, str], Any]] = {
    "state": lambda row, lang: row.state.name(lang).casefold(),
    "group": lambda row, lang: (REGIONAL_GROUPS.index(row.state.group), row.state.name(lang).casefold()),
    "status": lambda row, lang: (STATUSES.index(row.status), row.state.name(lang).casefold()),
    "progress": lambda row, lang: (row.percent, row.state.name(lang).casefold()),
    "updated": lambda row, _lang: (row.updated is None, row.updated.timestamp() if row.updated else 0),
    # (no column: what awaits review, the one waiting longest first, as the list above the table)
    "submitted": lambda row, _lang: (row.submitted is None, row.submitted.timestamp() if row.submitted else 0,
                                     row.state.code),
}


@bp.get("/")
@login_required
def index() -> str | WerkzeugResponse:
    if current_user.is_secretariat:
        return secretariat()
    if current_user.role in access.STATE_USERS:
        return redirect(url_for("states.view", code=current_user.state.code))
    lang = current_language()
    # each State's links are these with its code (three letters, never escaped): built once, not 386 times
    downloads = {kind: url_for("profiles.download", code=CODE_MARK, kind=kind, lang=lang)
                 for kind in ("summary", "full")}
    # in the reader's alphabetical order (the database's order is none: PostgreSQL gave another one)
    states = sorted(db.session.scalars(access.states(current_user)), key=lambda s: s.name(lang).casefold())
    return render_template("dashboard/reader.html", states=states, downloads=downloads, code_mark=CODE_MARK)


CODE_MARK = "__CODE__"


def secretariat() -> str:
    """The work queue: counts by status, what awaits review (oldest first), every State's standing,
    filtered by status, UN regional group and questionnaire."""
    # the States' questionnaires (providers' responses are listed on their own page, counted here)
    versions = [v for v in catalog.current_versions() if not catalog.questionnaire(v).with_role("provider_activities")]
    providers_awaiting = db.session.scalar(access.responses(current_user).with_only_columns(func.count()).where(
        Response.state_id.is_(None), Response.status == "submitted")) or 0
    if not versions:
        return render_template("dashboard/secretariat.html", version=None, versions=[],
                               providers_awaiting=providers_awaiting)
    ids = [v.questionnaire_id for v in versions]
    responses = queue.response_counts(current_user)
    filters = queue.valid_filters(request.args, ids, queue.default_questionnaire(ids, responses))
    sort = request.args.get("sort", "state")
    if filters is None or sort not in SORTS:
        abort(400)
    descending = request.args.get("dir") == "desc"
    all_rows = queue.rows(current_user, filters.questionnaire)
    lang, sort_key = current_language(), SORTS[sort]
    shown = sorted((row for row in all_rows if filters.keeps(row)), key=lambda row: sort_key(row, lang),
                   reverse=descending)
    page = queue.page_of(request.args.get("page"), len(shown))
    if page is None:
        abort(404)  # no such page (as Flask-SQLAlchemy's paginate answers)
    rows = page.of(shown)  # sorted over every row, drawn a page at a time
    found = deadlines.open_round(filters.questionnaire)
    late = deadlines.overdue(states=[row.state for row in all_rows])  # the States read already
    fmt = request_formats()
    return render_template(
        "dashboard/secretariat.html", versions=versions, version=versions[ids.index(filters.questionnaire)],
        filters=filters, rows=rows, page=page, counts=queue.counts(all_rows, filters),
        awaiting=queue.awaiting(all_rows, filters), awaiting_by_questionnaire=queue.awaiting_counts(current_user),
        statuses=queue.STATUSES, groups=REGIONAL_GROUPS, sort=sort, descending=descending,
        days_since=queue.days_since, providers_awaiting=providers_awaiting,
        dues={row.state.code: deadlines.due(found, row.state.id) for row in rows} if found is not None else {},
        listed=queue.LISTED, late=late[:queue.LISTED], late_total=len(late),
        # the page's own formats: the same texts as the globals, each read once per request
        when=fmt.when, format_percent=fmt.percent, status_label=fmt.status_label, group_label=fmt.group_label)


def late_page(late: list[deadlines.Late], number: str | None) -> tuple[list[deadlines.Late], queue.Page]:
    """A page of the States past their deadline (404 when there is no such page)."""
    page = queue.page_of(number, len(late))
    if page is None:
        abort(404)
    return page.of(late), page


@bp.get("/overdue")
@login_required
def overdue() -> str:
    """Every State past its deadline in an open round, the longest overdue first, 50 to a page (the
    work queue lists the first ``queue.LISTED``)."""
    if not current_user.is_secretariat:
        abort(403)
    late = deadlines.overdue()
    shown, page = late_page(late, request.args.get("page"))
    fmt = request_formats()
    return render_template("dashboard/overdue.html", late=shown, total=len(late), page=page,
                           when=fmt.when, format_percent=fmt.percent, status_label=fmt.status_label)
