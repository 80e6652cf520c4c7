"""A read-only JSON API for coordination platforms (``/api/v1``), described by an OpenAPI document
(``/api/openapi.json``), and the secretariat's page issuing and revoking its tokens.

A request carries ``Authorization: Bearer <token>``; only the token's SHA-256 is stored
(``ApiToken``). Scopes: ``needs`` (needs matched to offers, and their counts by article) and
``profiles`` (metadata of published profiles). The data are those a provider of assistance may
see: the needs of States that consented to share them (``web.access.consented``), the profiles
published within consent (``web.access.published``). Lists are paged (``page``, ``per_page``).
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as WerkzeugResponse

from .. import access, consent
from ..access import require_roles
from ..assistance import matching
from ..db import db
from ..models import ApiToken, QuestionnaireVersion
from ..models import Response as ResponseRow
from ..models.base import utcnow
from ..models.states import REGIONAL_GROUPS
from .openapi import DOCUMENT

bp = Blueprint("api", __name__)
SCOPES = ("needs", "profiles")
MAX_PER_PAGE = 200


class ApiError(HTTPException):
    def __init__(self, status: int, error: str, message: str):
        super().__init__(message)
        self.code, self.error, self.message = status, error, message

    def get_response(self, environ: Any = None, scope: Any = None) -> Response:  # type: ignore[override]
        response = jsonify(error=self.error, message=self.message)
        response.status_code = self.code or 400
        if self.code == 401:
            response.headers["WWW-Authenticate"] = "Bearer"
        return response


@bp.errorhandler(ApiError)
def _error(exc: ApiError) -> Response:
    return exc.get_response()


def hashed(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(name: str, scopes: list[str], user_id: int | None) -> tuple[ApiToken, str]:
    """A new token (the caller commits); the plain token is returned once, never stored."""
    if not scopes or not set(scopes) <= set(SCOPES):
        raise ValueError("scopes")
    token = secrets.token_urlsafe(32)
    row = ApiToken(name=name.strip()[:200], token_hash=hashed(token), scopes=sorted(set(scopes)),
                   created_by_id=user_id)
    db.session.add(row)
    return row, token


def _token(scope: str) -> ApiToken:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer ") or len(header) > 200:
        raise ApiError(401, "unauthorized", "Send the token as 'Authorization: Bearer <token>'.")
    found = db.session.scalars(select(ApiToken).where(ApiToken.token_hash == hashed(header[7:].strip()))).first()
    if found is None or found.revoked_at is not None:
        raise ApiError(401, "unauthorized", "The token is unknown or revoked.")
    if scope not in found.scopes:
        raise ApiError(403, "forbidden", f"The token's scopes do not include '{scope}'.")
    return found


def _page() -> tuple[int, int]:
    try:
        page = int(request.args.get("page", 1))
        per_page = int(request.args.get("per_page", 50))
    except ValueError:
        raise ApiError(400, "bad_request", "page and per_page are whole numbers.") from None
    if not 1 <= page <= 100_000 or not 1 <= per_page <= MAX_PER_PAGE:
        raise ApiError(400, "bad_request", f"page from 1, per_page from 1 to {MAX_PER_PAGE}.")
    return page, per_page


def _filters() -> matching.Filters:
    group, priority = request.args.get("group", ""), request.args.get("priority", "")
    category = request.args.get("category", "")
    if (group and group not in REGIONAL_GROUPS) or (priority and priority not in matching.PRIORITIES) \
            or len(category) > 32:
        raise ApiError(400, "bad_request", "Unknown group, priority or category.")
    return matching.Filters(group, category, priority)


def _paged(items: list[dict[str, Any]], endpoint: str) -> Response:
    page, per_page = _page()
    start = (page - 1) * per_page
    more = start + per_page < len(items)
    args: dict[str, Any] = {k: v for k, v in request.args.items() if k not in ("page", "per_page")}
    args.update(page=page + 1, per_page=per_page)
    following = url_for(endpoint, **args) if more else None
    return jsonify(items=items[start:start + per_page], page=page, per_page=per_page, total=len(items),
                   next=following)


def _shared() -> Any:
    return access.consented("assistance")


def _used(token: ApiToken) -> None:
    token.last_used_at = utcnow()
    db.session.commit()


@bp.get("/api/v1/needs")
def needs() -> Response:
    token = _token("needs")
    filters = _filters()
    _page()
    found = matching.match(_shared(), filters)
    items = [{"state": n.state, "regional_group": found.states[n.state].group, "article": n.article,
              "category": n.category, "priority": n.priority, "provisions": sorted(n.provisions),
              "providers": sorted(n.providers.values()), "gap": n.gap, "overlap": n.overlap} for n in found.needs]
    _used(token)
    return _paged(items, "api.needs")


@bp.get("/api/v1/summary")
def summary() -> Response:
    token = _token("needs")
    found = matching.match(_shared(), _filters())
    articles = [{"article": key, "needs": n, "gaps": g, "overlaps": o} for key, n, g, o in found.by("article")]
    _used(token)
    return jsonify(needs=len(found.needs), gaps=found.gaps, overlaps=found.overlaps,
                   states=len({n.state for n in found.needs}), articles=articles)


@bp.get("/api/v1/profiles")
def profiles() -> Response:
    token = _token("profiles")
    _page()
    rows = db.session.scalars(access.published().join(
        QuestionnaireVersion, QuestionnaireVersion.id == ResponseRow.version_id).order_by(ResponseRow.id)).all()
    items = []
    for row in sorted(rows, key=lambda r: (r.of_state.code, r.version.questionnaire_id)):
        chapters = consent.shared_chapters(row)
        state = row.of_state
        items.append({"state": state.code, "name": dict(state.names), "questionnaire":
                      row.version.questionnaire_id, "version": row.version.version, "revision": row.revision,
                      "accepted_at": row.accepted_at.isoformat() if row.accepted_at else None,
                      "chapters": sorted(chapters) if chapters is not None else None,
                      "url": url_for("profiles.download", code=state.code)})
    _used(token)
    return _paged(items, "api.profiles")


@bp.get("/api/openapi.json")
def openapi() -> Response:
    return jsonify(DOCUMENT)


# -- the secretariat's page: issue, scope, revoke -------------------------------------------------
@bp.route("/admin/api-tokens", methods=["GET", "POST"])
@require_roles(*access.SECRETARIAT)
def tokens() -> str | WerkzeugResponse:
    from flask_login import current_user

    shown = None
    if request.method == "POST":
        name = (request.form.get("name") or "").strip()
        scopes = request.form.getlist("scope")
        if not name or len(name) > 200 or not scopes or not set(scopes) <= set(SCOPES):
            flash(_("Give the token a name and at least one scope."), "error")
        else:
            _row, shown = issue(name, scopes, current_user.id)
            db.session.commit()
    rows = db.session.scalars(select(ApiToken).order_by(ApiToken.created_at.desc())).all()
    return render_template("api/tokens.html", tokens=rows, shown=shown, scopes=SCOPES)


@bp.post("/admin/api-tokens/<int:token_id>/revoke")
@require_roles(*access.SECRETARIAT)
def revoke(token_id: int) -> WerkzeugResponse:
    row = db.session.get(ApiToken, token_id) or abort(404)
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        db.session.commit()
        flash(_("The token is revoked."), "success")
    return redirect(url_for("api.tokens"))
