"""Logging in and out, and the language switcher."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from .. import i18n
from ..extensions import db, limiter, login_manager
from ..models import User
from ..models.base import utcnow
from ..security import safe_next

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please log in to continue. Your saved answers are kept.")
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"


@login_manager.unauthorized_handler
def unauthorized() -> WerkzeugResponse | tuple[WerkzeugResponse, int]:
    """Pages redirect to the login page; background requests (autosave) get 401, so the browser
    keeps its local copy and says the session has ended instead of following a redirect."""
    from flask import jsonify

    if request.is_json or request.accept_mimetypes.best == "application/json":
        return jsonify(error=_("Your session has ended. Log in again."), code=401), 401
    flash(str(login_manager.login_message), "info")
    return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))


@login_manager.user_loader
def load_user(token: str) -> User | None:
    user_id, _sep, version = token.partition(".")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.auth_version != int(version):
        return None
    return user


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def _email_key() -> str:
    return "login:" + (request.form.get("email") or "").strip().lower()[:254]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_email_key)
def login() -> str | WerkzeugResponse:
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    if form.validate_on_submit():
        email = (form.email.data or "").strip().lower()
        user = db.session.scalars(select(User).where(User.email == email)).first()
        if user is not None and user.active and user.check_password(form.password.data or ""):
            session.clear()
            session.permanent = True
            login_user(user)
            user.last_login_at = utcnow()
            db.session.commit()
            return redirect(safe_next(request.args.get("next"), url_for("dashboard.index")))
        form.password.errors = [_("The e-mail address or the password is not correct.")]
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> WerkzeugResponse:
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/language")
def language() -> WerkzeugResponse:
    lang = i18n.valid(request.form.get("lang"))
    if lang:
        session["lang"] = lang
        if current_user.is_authenticated:
            current_user.language = lang
            db.session.commit()
    return redirect(safe_next(request.form.get("next"), url_for("dashboard.index")))
