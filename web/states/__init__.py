"""A State's page: its responses to each questionnaire, and starting a new one."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from .. import access, catalog, cycles
from ..access import login_required
from ..extensions import db
from ..models import QuestionnaireVersion, Response

bp = Blueprint("states", __name__, url_prefix="/states")


@bp.get("/<code>")
@login_required
def view(code: str) -> str:
    if access.public_view(current_user):
        abort(404)
    state = access.state(current_user, code)
    responses = db.session.scalars(access.responses(current_user).where(Response.state_id == state.id)
                                   .order_by(Response.created_at.desc())).all()
    startable = [v for v in catalog.current_versions() if not cycles.started(v.questionnaire_id, responses)]
    return render_template("states/view.html", state=state, responses=responses, startable=startable,
                           cycle_names=cycles.names(),
                           can_start=access.can_start(current_user, state))


@bp.post("/<code>/start/<int:version_id>")
@login_required
def start(code: str, version_id: int) -> WerkzeugResponse:
    state = access.state(current_user, code)
    if not access.can_start(current_user, state):
        abort(403)
    version = db.session.get(QuestionnaireVersion, version_id)
    if version is None or version.status != "published":
        abort(404)
    existing, new = cycles.start(state, version, current_user)  # in the open cycle, answers carried forward
    if new:
        db.session.commit()
        flash(_("The self-assessment is started. Your answers are saved as you go."), "success")
    return redirect(url_for("states.view", code=state.code))
