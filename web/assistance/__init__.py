"""Technical assistance across States: needs matched to offers (gaps, overlaps), as a page with a
chart drawn on the server, and as CSV and XLSX; and the directory of focal points for assistance.

Who sees what (``web.access.assistance_responses``): the secretariat every submitted response; a
provider the needs and offers of responses whose State consented to share its needs
(``assistance`` or more); a State's users their own State's and those shared. Readers see the
aggregate figures of ``web.analysis`` only.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Blueprint, Flask, Response, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Select, select

from exports.data import csv_cell, write_xlsx

from .. import access, catalog
from ..access import login_required
from ..analysis import chart
from ..db import db
from ..i18n import current_language, is_rtl
from ..models import QuestionnaireVersion, State, User
from ..models import Response as ResponseRow
from ..models.states import REGIONAL_GROUPS
from ..reference import group_label
from . import index, matching

bp = Blueprint("assistance", __name__, url_prefix="/assistance")
VIEWERS = ("secretariat_admin", "secretariat_reviewer", "provider", "focal_point", "contributor")
BY = ("state", "article", "category")
COLUMNS = ("state_code", "state_name", "regional_group", "article", "category", "priority", "provisions",
           "providers", "gap", "overlap")


def init_app(app: Flask) -> None:
    from .pack import bp as pack_bp

    index.init_app()
    app.register_blueprint(bp)
    app.register_blueprint(pack_bp)


def _viewer() -> None:
    if current_user.role not in VIEWERS:
        abort(403)


def _scope() -> Select[ResponseRow]:
    return access.assistance_responses(current_user).where(ResponseRow.status != "draft")


def _filters() -> matching.Filters:
    group = request.args.get("group", "")
    priority = request.args.get("priority", "")
    category = request.args.get("category", "")[:32]
    if (group and group not in REGIONAL_GROUPS) or (priority and priority not in matching.PRIORITIES):
        abort(400)
    return matching.Filters(group, category, priority)


_LABELS: dict[tuple[str, tuple[str, ...]], dict[str, str]] = {}


def category_labels() -> dict[str, str]:
    """The kinds of assistance in the current language (the list shared by the questionnaires),
    kept per language and set of published versions (reading the definitions costs more than a page)."""
    lang = current_language()
    hashes = tuple(sorted(db.session.scalars(select(QuestionnaireVersion.content_hash).where(
        QuestionnaireVersion.status == "published"))))
    found = _LABELS.get((lang, hashes))
    if found is not None:
        return found
    labels: dict[str, str] = {}
    for version in catalog.current_versions():
        q = catalog.questionnaire(version)
        for question in q.with_role("assistance_kinds"):
            for choice in question.choices.choices if question.choices else ():
                labels.setdefault(choice.code, q.text(choice.label, lang).text)
    if len(_LABELS) > 64:
        _LABELS.clear()
    _LABELS[(lang, hashes)] = labels
    return labels


@bp.get("/")
@login_required
def index_page() -> str:
    _viewer()
    by = request.args.get("by", "state")
    if by not in BY:
        abort(400)
    filters = _filters()
    found = matching.match(_scope(), filters)
    code = request.args.get("state", "").strip().upper()[:3]
    lang = current_language()
    labels = category_labels()
    rows = found.by(by)

    def label(key: str) -> str:
        if by == "state":
            return found.states[key].name(lang) if key in found.states else key
        if by == "article":
            return _("Article %(number)s", number=key)
        return labels.get(key, key) if key else _("Kind not given")

    series = [chart.Series("covered", _("Covered by one provider"), "#00703c"),
              chart.Series("overlap", _("Covered by several providers"), "#b58500"),
              chart.Series("gap", _("Not covered (gap)"), "#b10e1e")]
    labelled = [(key, label(key), n, g, o) for key, n, g, o in rows]
    svg = chart.stacked([(name, [n - g - o, o, g]) for _key, name, n, g, o in labelled[:60]], series,
                        _("Needs by coverage. The table below gives the same figures."), "matching",
                        rtl=is_rtl()) if rows else None
    detail = [n for n in found.needs if n.state == code] if code else []
    return render_template("assistance/index.html", found=found, rows=labelled, by=by, svg=svg,
                           filters=filters, groups=[(g, group_label(g)) for g in REGIONAL_GROUPS],
                           categories=labels, priorities=matching.PRIORITIES, state_code=code, detail=detail,
                           providers=matching.providers_of(found.needs)[:20],
                           directory=_directory(code) if code else [])


def _rows(found: matching.Matching, lang: str) -> list[dict[str, Any]]:
    return [{"state_code": n.state, "state_name": found.states[n.state].name(lang) if n.state in found.states
             else n.state, "regional_group": found.states[n.state].group if n.state in found.states else "",
             "article": n.article, "category": n.category, "priority": n.priority,
             "provisions": ";".join(sorted(n.provisions)), "providers": ";".join(sorted(n.providers.values())),
             "gap": n.gap, "overlap": n.overlap} for n in found.needs]


@bp.get("/matching.<fmt>")
@login_required
def export(fmt: str) -> Response:
    _viewer()
    if fmt not in ("csv", "xlsx"):
        abort(404)
    rows = _rows(matching.match(_scope(), _filters()), current_language())
    name = "technical-assistance-needs-and-offers"
    if fmt == "xlsx":
        buffer = io.BytesIO()
        write_xlsx([("needs", COLUMNS, rows)], buffer)
        return Response(buffer.getvalue(), headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
                        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    text = io.StringIO()
    text.write("\ufeff")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([csv_cell(row[column]) for column in COLUMNS])
    return Response(text.getvalue().encode("utf-8"), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


# -- the directory of focal points ----------------------------------------------------------------
def directory_states(user: User) -> Select[State]:
    """States whose focal points for assistance ``user`` may see: every State for the secretariat,
    their own for a State's users, and for providers the States that share their needs."""
    if user.is_secretariat:
        return select(State)
    shared = select(State).where(State.id.in_(access.consented("assistance").with_only_columns(ResponseRow.state_id)))
    if user.role in access.STATE_USERS:
        return select(State).where((State.id == user.state_id) | State.id.in_(shared.with_only_columns(State.id)))
    return shared


def _directory(code: str = "") -> list[tuple[State, list[User]]]:
    states = directory_states(current_user)
    if code:
        states = states.where(State.code == code)
    people = db.session.scalars(select(User).where(
        User.ta_focal_point.is_(True), User.active.is_(True),
        User.state_id.in_(states.with_only_columns(State.id))).order_by(User.name, User.email)).all()
    by_state: dict[int, list[User]] = {}
    for person in people:
        by_state.setdefault(person.state_id or 0, []).append(person)
    lang = current_language()
    found = db.session.scalars(select(State).where(State.id.in_(by_state))).all()
    return [(s, by_state[s.id]) for s in sorted(found, key=lambda s: s.name(lang).casefold())]


@bp.get("/focal-points")
@login_required
def focal_points() -> str:
    _viewer()
    code = request.args.get("state", "").strip().upper()[:3]
    return render_template("assistance/focal_points.html", directory=_directory(code), state_code=code)
