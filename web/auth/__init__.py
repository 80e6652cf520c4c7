"""Logging in and out, changing one's password, and the language switcher.

Sessions are known to the server (``sessions``): logout and password changes end them there.
Password guessing is stopped per account (failed attempts per minute and hour, counted across
every worker when the limiter's storage is shared, e.g. Redis); the per-address limit is sized for
a training room behind one address. A login costs one password hash whether or not the address
has an account (``passwords.verify``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from .. import i18n
from ..access import login_required
from ..extensions import db, limiter, login_manager
from ..models import User
from ..models.base import utcnow
from ..security import safe_next
from . import passwords, sessions

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please log in to continue. Your saved answers are kept.")
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"


def unauthorized() -> WerkzeugResponse | tuple[WerkzeugResponse, int]:
    """Pages redirect to the login page; background requests (autosave) get 401, so the browser
    keeps its local copy and says the session has ended instead of following a redirect."""
    from flask import jsonify

    if request.is_json or request.accept_mimetypes.best == "application/json":
        return jsonify(error=_("Your session has ended. Log in again."), code=401), 401
    flash(str(login_manager.login_message), "info")
    return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))


def load_user(token: str) -> User | None:
    user_id, _sep, version = token.partition(".")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user, login = sessions.user_with_session(int(user_id))  # one query: the user and the server session
    if user is None or not user.active or user.auth_version != int(version) or not sessions.is_open(user, login):
        return None
    return user


login_manager.unauthorized_handler(unauthorized)  # Flask-Login's decorators are untyped: registered by call
login_manager.user_loader(load_user)


@bp.record_once
def _configure(state: Any) -> None:
    """The cookie may live as long as the longest session; the server decides when one ends."""
    app = state.app
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(seconds=app.config["SESSION_MAX_AGE"])


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


def configured(setting: str) -> Callable[[], str]:
    """A rate limit read from the app's configuration when a request comes (for ``limiter.limit``)."""
    return lambda: str(current_app.config[setting])


def email_key(prefix: str) -> Callable[[], str]:
    """Count a limit per account: the e-mail address posted in the form (for ``key_func``)."""
    return lambda: f"{prefix}:" + (request.form.get("email") or "").strip().lower()[:254]


def _failed(response: WerkzeugResponse) -> bool:
    """Only failed attempts count: a successful login redirects."""
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(configured("LOGIN_RATE_LIMIT_ADDRESS"), methods=["POST"], deduct_when=_failed)
@limiter.limit(configured("LOGIN_RATE_LIMIT_ACCOUNT"), methods=["POST"], key_func=email_key("login"),
               deduct_when=_failed)
def login() -> str | WerkzeugResponse:
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    if form.validate_on_submit():
        email = (form.email.data or "").strip().lower()
        user = db.session.scalars(select(User).where(User.email == email)).first()
        if passwords.verify(user, form.password.data or "") and user is not None:
            _log_in(user)
            user.last_login_at = utcnow()
            db.session.commit()
            return redirect(safe_next(request.args.get("next"), url_for("dashboard.index")))
        form.password.errors = [_("The e-mail address or the password is not correct.")]
    return render_template("auth/login.html", form=form)


def _log_in(user: User) -> None:
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    session.permanent = True
    sessions.begin(user)
    login_user(user)


@bp.post("/logout")
@login_required
def logout() -> WerkzeugResponse:
    sessions.end("logout")
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(_l("New password again"), validators=[
        DataRequired(), EqualTo("password", message=_l("The two new passwords are not the same."))])


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> str | WerkzeugResponse | tuple[str, int]:
    """Change one's own password: every other session of the account ends, this one starts anew."""
    form = PasswordChangeForm()
    if request.method == "GET":
        return render_template("auth/password.html", form=form)
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if not user.check_password(form.current.data or ""):
            form.current.errors = [_("This is not your current password.")]
        elif (problem := passwords.problem(form.password.data or "", user.email)) is not None:
            form.password.errors = [problem]
        else:
            user.set_password(form.password.data or "")
            user.auth_version += 1
            sessions.end_all(user, "password")
            _log_in(user)
            db.session.commit()
            flash(_("Your password is changed. Your other sessions have ended."), "success")
            return redirect(url_for("dashboard.index"))
    return render_template("auth/password.html", form=form), 400


@bp.post("/language")
def language() -> WerkzeugResponse:
    lang = i18n.valid(request.form.get("lang"))
    if lang:
        session["lang"] = lang
        if current_user.is_authenticated:
            current_user.language = lang
            db.session.commit()
    return redirect(safe_next(request.form.get("next"), url_for("dashboard.index")))


from . import links  # noqa: E402,F401  (setting a password from an e-mailed link: routes on this blueprint)
