"""Setting one's password from a link: the invitation of a new account, and a reset by e-mail.

Asking for a reset never says whether the address has an account: the page, the status and the
work done are the same either way (one row written to the outbox; the account is looked up by the
job that sends, and an address without one gets nothing). Requests are limited per address typed
and per client. Opening the link shows a form and changes nothing (mail scanners open links);
posting the form sets the password by the one policy, ends every session of the account, uses up
the link and logs the person in.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from ..extensions import db, limiter
from ..models import User
from . import _log_in, bp, configured, email_key, passwords, tokens


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])


class NewPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(_l("New password again"), validators=[
        DataRequired(), EqualTo("password", message=_l("The two new passwords are not the same."))])


@bp.route("/account/reset", methods=["GET", "POST"])
@limiter.limit(configured("RESET_RATE_LIMIT_ADDRESS"), methods=["POST"])
@limiter.limit(configured("RESET_RATE_LIMIT_ACCOUNT"), methods=["POST"], key_func=email_key("reset"))
def forgot_password() -> str | WerkzeugResponse:
    from .. import mail

    form = ResetRequestForm()
    if form.validate_on_submit():
        mail.add(None, "password_reset", address=(form.email.data or "").strip().lower())
        db.session.commit()
        return redirect(url_for("auth.reset_sent"))
    return render_template("auth/forgot.html", form=form)


@bp.get("/account/reset/sent")
def reset_sent() -> str:
    return render_template("auth/reset_sent.html")


@bp.route("/account/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str) -> str | WerkzeugResponse | tuple[str, int]:
    found = tokens.find(token)
    if found is None:
        return render_template("auth/link_invalid.html"), 410
    user = db.session.get(User, found.user_id)
    assert user is not None
    form = NewPasswordForm()
    if request.method == "POST" and form.validate_on_submit():
        problem = passwords.problem(form.password.data or "", user.email)
        if problem is not None:
            form.password.errors = [problem]
        else:
            try:
                tokens.use(found, form.password.data or "")
            except LookupError:
                db.session.rollback()
                return render_template("auth/link_invalid.html"), 410
            if current_user.is_authenticated:
                from . import sessions

                sessions.end("link")
            _log_in(user)
            db.session.commit()
            flash(_("Your password is set. You are logged in."), "success")
            return redirect(url_for("dashboard.index"))
        return render_template("auth/set_password.html", form=form, user=user, purpose=found.purpose), 400
    return render_template("auth/set_password.html", form=form, user=user, purpose=found.purpose), (
        400 if request.method == "POST" else 200)
