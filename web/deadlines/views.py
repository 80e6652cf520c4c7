"""The secretariat's pages of reporting rounds and deadlines (``/admin/deadlines``)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from .. import catalog
from ..access import SECRETARIAT, require_roles
from ..cycles import CycleError, open_cycle
from ..db import db
from ..models import ReportingRound, State
from ..models.base import utcnow
from . import DeadlineError, open_new, set_state_deadline, state_dues, today

bp = Blueprint("deadlines", __name__, url_prefix="/admin/deadlines")

ERRORS = {
    "open": _l("This questionnaire already has an open round: close it first."),
    "before_opening": _l("The due date cannot be before the round opens."),
}


class RoundForm(FlaskForm):
    questionnaire = SelectField(_l("Questionnaire"), validators=[DataRequired()])
    name = StringField(_l("Name of the round"), validators=[DataRequired(), Length(max=200)])
    opens_on = DateField(_l("Opens on"), validators=[Optional()])
    due_on = DateField(_l("Due on (for every State)"), validators=[DataRequired()])
    chapters = StringField(_l("Chapters in scope, for a review cycle (e.g. II,V; empty: a round with a due date only)"),
                           validators=[Optional(), Length(max=100),
                                       Regexp(r"^[A-Za-z ,]*$", message=_l("Write chapter numbers such as II,V."))])


class DueForm(FlaskForm):
    name = StringField(_l("Name of the round"), validators=[DataRequired(), Length(max=200)])
    due_on = DateField(_l("Due on (for every State)"), validators=[DataRequired()])


class StateDueForm(FlaskForm):
    state = StringField(_l("State (ISO code, e.g. KEN)"),
                        validators=[DataRequired(), Regexp(r"^[A-Za-z]{3}$", message=_l("Give a three-letter code."))])
    due_on = DateField(_l("Due on (empty: the round's date)"), validators=[Optional()])
    note = TextAreaField(_l("Why (for the secretariat)"), validators=[Optional(), Length(max=2000)])


def _questionnaires() -> list[tuple[str, str]]:
    from ..i18n import current_language

    return [(v.questionnaire_id, v.title_in(current_language())) for v in catalog.current_versions()]


def _index(form: RoundForm, status: int = 200) -> tuple[str, int]:
    rounds = db.session.scalars(select(ReportingRound).order_by(ReportingRound.closed_at.is_not(None),
                                                                 ReportingRound.due_on.desc())).all()
    return render_template("deadlines/index.html", rounds=rounds, form=form, titles=dict(_questionnaires()),
                           today=today()), status


@bp.get("/")
@require_roles(*SECRETARIAT)
def index() -> tuple[str, int]:
    form = RoundForm()
    form.questionnaire.choices = _questionnaires()
    return _index(form)


@bp.post("/")
@require_roles(*SECRETARIAT)
def open_round() -> tuple[str, int] | WerkzeugResponse:
    form = RoundForm()
    form.questionnaire.choices = _questionnaires()
    if form.validate_on_submit():
        try:
            found = _open(form)
        except DeadlineError as exc:
            db.session.rollback()
            form.due_on.errors = [str(ERRORS[str(exc)])]
        except CycleError as exc:
            db.session.rollback()
            if exc.code in ERRORS:
                form.due_on.errors = [str(ERRORS[exc.code])]
            else:
                form.chapters.errors = [_("Unknown chapters: %(detail)s.", detail=exc.detail)]
        else:
            db.session.commit()
            flash(_("The round %(name)s is open.", name=found.name), "success")
            return redirect(url_for("deadlines.round_view", round_id=found.id))
    return _index(form, 400)


def _open(form: RoundForm) -> ReportingRound:
    """A round with a due date, or a review cycle when chapters are given (``web.cycles``)."""
    chapters = [c for c in (form.chapters.data or "").replace(" ", ",").split(",") if c]
    if chapters:
        return open_cycle(form.questionnaire.data or "", form.name.data or "", chapters, form.due_on.data,  # type: ignore[arg-type]
                          form.opens_on.data, current_user.id)
    return open_new(form.questionnaire.data or "", form.name.data or "", form.due_on.data,  # type: ignore[arg-type]
                    form.opens_on.data, current_user.id)


def _round(round_id: int) -> ReportingRound:
    return db.session.get(ReportingRound, round_id) or abort(404)


def _page(found: ReportingRound, form: DueForm | None = None, state_form: StateDueForm | None = None,
          status: int = 200) -> tuple[str, int]:
    form = form or DueForm(obj=found)
    return render_template("deadlines/round.html", round=found, form=form, state_form=state_form or StateDueForm(),
                           titles=dict(_questionnaires()), dues=state_dues(found.questionnaire_id)
                           if found.closed_at is None else {}, today=today()), status


@bp.route("/<int:round_id>", methods=["GET", "POST"])
@require_roles(*SECRETARIAT)
def round_view(round_id: int) -> tuple[str, int] | WerkzeugResponse:
    found = _round(round_id)
    if request.method == "GET":
        return _page(found)
    form = DueForm()
    db.lock(found, "closed_at")  # a close committed meanwhile is seen here, not overwritten after
    if found.closed_at is not None:
        abort(409)
    if form.validate_on_submit():
        if form.due_on.data < found.opens_on:
            form.due_on.errors = [str(ERRORS["before_opening"])]
        else:
            found.name, found.due_on = (form.name.data or "").strip(), form.due_on.data
            db.session.commit()
            flash(_("The round is saved."), "success")
            return redirect(url_for("deadlines.round_view", round_id=found.id))
    return _page(found, form=form, status=400)


@bp.post("/<int:round_id>/states")
@require_roles(*SECRETARIAT)
def state_deadline(round_id: int) -> tuple[str, int] | WerkzeugResponse:
    found = _round(round_id)
    db.lock(found, "closed_at")
    if found.closed_at is not None:
        abort(409)
    form = StateDueForm()
    if form.validate_on_submit():
        state = db.session.scalars(select(State).where(State.code == (form.state.data or "").upper())).first()
        if state is None:
            form.state.errors = [_("Unknown State %(code)s; load the States first.", code=form.state.data)]
        else:
            try:
                set_state_deadline(found, state, form.due_on.data, form.note.data or "", current_user.id)
            except DeadlineError as exc:
                form.due_on.errors = [str(ERRORS[str(exc)])]
            else:
                db.session.commit()
                flash(_("The deadline of %(state)s is saved.", state=state.code), "success")
                return redirect(url_for("deadlines.round_view", round_id=found.id))
    return _page(found, state_form=form, status=400)


@bp.post("/<int:round_id>/close")
@require_roles(*SECRETARIAT)
def close(round_id: int) -> WerkzeugResponse:
    found = _round(round_id)
    db.lock(found, "closed_at")
    if found.closed_at is None:
        found.closed_at = utcnow()
        db.session.commit()
        flash(_("The round %(name)s is closed: no more reminders.", name=found.name), "success")
    return redirect(url_for("deadlines.index"))
