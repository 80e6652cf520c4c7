"""The landing page, per role: a State's responses and progress, or every State's progress."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from .. import access, catalog
from ..access import login_required
from ..extensions import db
from ..i18n import current_language
from ..models import Response, State

bp = Blueprint("dashboard", __name__)

#: Sort keys of the secretariat's table, mapped to how rows sort (never to SQL).
SORTS = {
    "state": lambda row: row["name"].casefold(),
    "region": lambda row: (row["region"], row["name"].casefold()),
    "status": lambda row: (row["status_order"], row["name"].casefold()),
    "progress": lambda row: (row["percent"], row["name"].casefold()),
    "updated": lambda row: (row["updated"] is None, row["updated"] or 0),
}
STATUS_ORDER = {"not_started": 0, "draft": 1, "returned": 2, "submitted": 3, "accepted": 4}


@bp.get("/")
@login_required
def index() -> str | WerkzeugResponse:
    if current_user.is_secretariat:
        return secretariat()
    if current_user.role in access.STATE_USERS:
        return redirect(url_for("states.view", code=current_user.state.code))
    return render_template("dashboard/reader.html", states=db.session.scalars(access.states(current_user)).all())


def secretariat() -> str:
    versions = catalog.current_versions()
    chosen = request.args.get("q")
    version = next((v for v in versions if v.questionnaire_id == chosen), versions[0] if versions else None)
    sort = request.args.get("sort", "state")
    if sort not in SORTS:
        abort(400)
    descending = request.args.get("dir") == "desc"
    rows = _progress_rows(version) if version else []
    rows.sort(key=SORTS[sort], reverse=descending)
    return render_template("dashboard/secretariat.html", versions=versions, version=version, rows=rows,
                           sort=sort, descending=descending)


def _progress_rows(version: object) -> list[dict[str, object]]:
    lang = current_language()
    responses = {r.state_id: r for r in db.session.scalars(
        access.responses(current_user).where(Response.version_id == version.id))}  # type: ignore[attr-defined]
    rows = []
    for state in db.session.scalars(access.states(current_user).order_by(State.code)):
        resp = responses.get(state.id)
        status = resp.status if resp else "not_started"
        rows.append({"code": state.code, "name": state.name(lang), "region": state.region, "status": status,
                     "status_order": STATUS_ORDER[status], "percent": resp.percent if resp else 0,
                     "problems": resp.problems if resp else 0, "updated": resp.updated_at if resp else None,
                     "response": resp})
    return rows
