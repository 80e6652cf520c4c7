"""Providers of technical assistance (international organizations, donors) answering the provider
questionnaires for their organization: their responses, and starting one.

A provider questionnaire is one with a table of role ``provider_activities``. A provider's response
belongs to its organization (``Response.organization``), not to a State; ``web.access`` scopes it.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response as WerkzeugResponse

from .. import access, catalog
from ..access import login_required
from ..extensions import db
from ..models import QuestionnaireVersion, Response

bp = Blueprint("providers", __name__, url_prefix="/providers")


def questionnaires() -> list[QuestionnaireVersion]:
    """The current versions of the provider questionnaires."""
    return [v for v in catalog.current_versions() if catalog.questionnaire(v).with_role("provider_activities")]


def start(organization: str, version: QuestionnaireVersion) -> tuple[Response, bool]:
    """The organization's response to ``version`` (started if needed); returns it and whether it is new."""
    from ..progress import refresh

    ours = select(Response).where(Response.organization == organization, Response.version_id == version.id,
                                  Response.round_id.is_(None))
    existing = db.session.scalars(ours).first()
    if existing is not None:
        return existing, False
    response = Response(state_id=None, organization=organization, version_id=version.id, status="draft")
    try:
        with db.session.begin_nested():
            db.session.add(response)
    except IntegrityError:  # started at the same moment by another request (a double click): that one
        return db.session.scalars(ours).one(), False
    refresh(response, catalog.questionnaire(version), {})
    return response, True


@bp.get("/")
@login_required
def index() -> str:
    """A provider's responses (its organization's); for the secretariat, every provider's."""
    if not (current_user.is_secretariat or current_user.role == "provider"):
        abort(404)
    responses = db.session.scalars(access.responses(current_user).where(Response.state_id.is_(None))
                                   .order_by(Response.organization, Response.created_at.desc())).all()
    started = {r.version.questionnaire_id for r in responses}
    startable = [v for v in questionnaires() if v.questionnaire_id not in started]
    return render_template("providers/index.html", responses=responses, startable=startable,
                           can_start=access.can_start_for_organization(current_user))


@bp.post("/start/<int:version_id>")
@login_required
def start_response(version_id: int) -> WerkzeugResponse:
    if not access.can_start_for_organization(current_user):
        abort(403)
    version = db.session.get(QuestionnaireVersion, version_id)
    if version is None or version.status != "published" or version not in questionnaires():
        abort(404)
    response, new = start(current_user.organization, version)
    if new:
        db.session.commit()
        flash(_("The questionnaire is started. Your answers are saved as you go."), "success")
    return redirect(url_for("fill.overview", response_id=response.id))
