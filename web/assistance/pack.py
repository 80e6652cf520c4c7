"""The country coordination pack: a PDF per State, in the six languages, from the profiles' renderer
(``exports.profile``, kind ``coordination``) and their job queue and cache (``web.profiles``).

It shows the State's needs (from its own submitted responses), who covers each (offers it reported
received, and offers to it in responses of others that share their assistance data), and its
focal points for assistance. Who may download it: the secretariat, the State's own users, and
providers when the State consented to share its needs (``assistance`` or more). The content does
not depend on who asks, so one file per State and language serves everyone allowed.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select
from werkzeug.wrappers import Response as WerkzeugResponse

import engine
from exports.profile import Contact, Coordination, CoordinationNeed

from .. import access, catalog, consent
from ..access import login_required
from ..db import db
from ..i18n import LANGUAGE_NAMES, current_language
from ..jobs import views
from ..models import QuestionnaireVersion, Response, State, User
from . import matching

bp = Blueprint("pack", __name__, url_prefix="/assistance")
KIND = "coordination"


def coordination(state: State) -> Coordination:
    scope = select(Response).where(Response.status != "draft", or_(Response.state_id == state.id,
                                                                     consent.covers("assistance")))
    found = matching.match(scope)
    needs = tuple(CoordinationNeed(n.article, n.category, n.priority, tuple(sorted(n.providers.values())))
                  for n in found.needs if n.state == state.code)
    people = db.session.scalars(select(User).where(User.state_id == state.id, User.ta_focal_point.is_(True),
                                                   User.active.is_(True)).order_by(User.name, User.email))
    contacts = tuple(Contact(p.name or p.email, p.position, p.organization, p.email, p.phone) for p in people)
    return Coordination(needs, contacts, _labels({n.category for n in needs if n.category}))


def _labels(codes: set[str]) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """The kinds of assistance in every language: code -> ((lang, label), ...)."""
    out: dict[str, dict[str, str]] = {}
    for version in catalog.current_versions():
        q = catalog.questionnaire(version)
        for question in q.with_role("assistance_kinds"):
            for choice in question.choices.choices if question.choices else ():
                if choice.code in codes and choice.code not in out:
                    out[choice.code] = {lang: q.text(choice.label, lang).text for lang in engine.UN_LANGUAGES}
    return tuple(sorted((code, tuple(sorted(labels.items()))) for code, labels in out.items()))


def pack_response(user: User, state: State) -> Response | None:
    """The State's checklist response the pack is built on, if ``user`` may have the pack."""
    from ..profiles import QUESTIONNAIRE

    query = (select(Response).join(QuestionnaireVersion, Response.version_id == QuestionnaireVersion.id)
             .where(QuestionnaireVersion.questionnaire_id == QUESTIONNAIRE, Response.state_id == state.id,
                    Response.status != "draft"))
    if not (user.is_secretariat or (user.role in access.STATE_USERS and user.state_id == state.id)):
        if user.role != "provider":
            return None
        shared = access.consented("assistance").where(Response.state_id == state.id)
        if db.session.scalars(shared).first() is None:
            return None
    return db.session.scalars(query.order_by(Response.version_id.desc())).first()


@bp.get("/states/<code>/pack.pdf")
@login_required
def download(code: str) -> WerkzeugResponse | tuple[Any, ...]:
    from ..profiles import locate
    from ..profiles.tasks import request_render

    lang = request.args.get("lang") or current_language()
    if lang not in engine.UN_LANGUAGES:
        abort(400)
    state = db.session.scalars(select(State).where(State.code == code.upper())).first()
    response = pack_response(current_user, state) if state is not None else None
    if state is None or response is None:
        abort(404)
    wanted = locate(response, lang, KIND)
    return views.download(
        wanted.path, "pack.download", {"code": state.code, "lang": lang},
        name=f"{state.code}-coordination-pack-{lang}.pdf",
        request_job=lambda retry: request_render(wanted, retry=retry),
        what=lambda: " · ".join((state.name(current_language()), _("Country coordination pack"), LANGUAGE_NAMES[lang])),
        message=lambda _code: _("The pack could not be prepared. The team has been told; please try again later."),
        label=f"pack {state.code} {lang}")
