"""Secretariat administration: accounts, roles, States, assignments, password resets."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

from .. import catalog
from ..access import require_roles
from ..auth.passwords import usable
from ..extensions import db
from ..models import QuestionnaireVersion, User
from .forms import UserForm, role_label
from .users import AccountError, apply_account, invite

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/users")
@require_roles("secretariat_admin")
def users() -> str:
    rows = db.session.scalars(select(User).order_by(User.role, User.email)).all()
    return render_template("admin/users.html", users=rows, form=UserForm(), role_label=role_label)


@bp.post("/users")
@require_roles("secretariat_admin")
def create_user() -> tuple[str, int] | WerkzeugResponse:
    form = UserForm()
    if form.validate_on_submit():
        try:
            user = apply_account(User(), form, new=True)
        except AccountError as exc:
            form.email.errors = [str(exc)]
        else:
            db.session.commit()
            flash(_("The account %(email)s was created. An invitation to choose a password is sent to it.",
                    email=user.email), "success")
            return redirect(url_for("admin.users"))
    rows = db.session.scalars(select(User).order_by(User.role, User.email)).all()
    return render_template("admin/users.html", users=rows, form=form, role_label=role_label), 400


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@require_roles("secretariat_admin")
def edit_user(user_id: int) -> tuple[str, int] | WerkzeugResponse:
    user = db.session.get(User, user_id) or abort(404)
    form = UserForm(obj=None if request.method == "POST" else _form_data(user))
    if request.method == "POST" and form.validate_on_submit():
        try:
            apply_account(user, form, new=False)
        except AccountError as exc:
            form.email.errors = [str(exc)]
        else:
            db.session.commit()
            flash(_("The account %(email)s was updated.", email=user.email), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user.html", user=user, form=form, has_password=usable(user),
                           role_label=role_label), (400 if request.method == "POST" else 200)


@bp.post("/users/<int:user_id>/link")
@require_roles("secretariat_admin")
def send_link(user_id: int) -> WerkzeugResponse:
    """E-mail the account a link to choose its password (the invitation again, or a reset link)."""
    user = db.session.get(User, user_id) or abort(404)
    if not user.active:
        abort(409)
    invite(user)
    db.session.commit()
    flash(_("A link to choose a password is sent to %(email)s.", email=user.email), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.get("/questionnaires")
@require_roles("secretariat_admin", "secretariat_reviewer")
def questionnaires() -> str:
    versions = db.session.scalars(select(QuestionnaireVersion).order_by(
        QuestionnaireVersion.questionnaire_id, QuestionnaireVersion.created_at.desc())).all()
    return render_template("admin/questionnaires.html", versions=versions, current=catalog.current_versions())


def _form_data(user: User) -> object:
    class Data:
        email = user.email
        name = user.name
        role = user.role
        state = user.state.code if user.state else ""
        active = user.active
        expert = user.expert
        assignments = " ".join(f"{a.scope}:{a.ref}" for a in user.assignments)
        language = user.language or ""
        organization = user.organization
        ta_focal_point = user.ta_focal_point
        position = user.position
        phone = user.phone

    return Data()


@bp.app_context_processor
def publication_helpers() -> dict[str, object]:
    """Publication notes for the States' pages (their dashboard and the history of a response)."""
    from ..versions import publication_news, published_version

    return {"publication_news": publication_news, "published_version": published_version}


from . import (  # noqa: E402,F401  (routes on this blueprint)
    bulk,  # noqa: E402,F401  (accounts from a CSV file)
    definitions,
    outline,
    spreadsheets,
    translations,
)
