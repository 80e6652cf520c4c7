"""Pages: each person's notification preferences; the delivery log the secretariat reads."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, or_, select
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import BooleanField, RadioField, SelectChoice

from .. import bounds
from ..access import SECRETARIAT, login_required, require_roles
from ..db import db
from ..models import MailPreference, OutboxMessage, User
from ..models.base import utcnow
from ..models.mail import MESSAGE_STATUSES
from . import digest, kinds, outbox

bp = Blueprint("mail", __name__)
PAGE = 100

KIND_LABELS = {
    "invitation": _l("Invitation"), "password_reset": _l("Password reset"), "reminder": _l("Reminder"),
    "submitted": _l("Submission received (secretariat)"), "received": _l("Submission received (State)"),
    "returned": _l("Returned with comments"), "accepted": _l("Accepted"), "published": _l("Profile published"),
    "comment": _l("New comment"), "assignment": _l("Assignment"), "digest": _l("Daily summary"),
}
STATUS_LABELS = {
    "pending": _l("Waiting to be sent"), "sending": _l("Being sent"), "sent": _l("Sent"),
    "failed": _l("Failed"), "held": _l("Held for the daily summary"), "digested": _l("Sent in a daily summary"),
    "dropped": _l("Not sent: nobody to send it to"),
}


class PreferencesForm(FlaskForm):
    delivery = RadioField(_l("How to send my notifications"), default="each", choices=[
        SelectChoice("each", _l("One message per event")),
        SelectChoice("digest", _l("One summary a day"))])
    reminders = BooleanField(kinds.OPTIONAL[kinds.REMINDERS])
    reviews = BooleanField(kinds.OPTIONAL[kinds.REVIEWS])
    comments = BooleanField(kinds.OPTIONAL[kinds.COMMENTS])
    assignments = BooleanField(kinds.OPTIONAL[kinds.ASSIGNMENTS])


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def preferences() -> str | WerkzeugResponse | tuple[str, int]:
    user: User = current_user._get_current_object()
    found = outbox.preferences(user)
    form = PreferencesForm()
    if request.method == "GET":
        form.delivery.data = "digest" if found.digest else "each"
        for category in kinds.OPTIONAL:
            getattr(form, category).data = bool(getattr(found, category))
        return render_template("mail/preferences.html", form=form)
    if not form.validate_on_submit():
        return render_template("mail/preferences.html", form=form), 400
    row = db.session.get(MailPreference, user.id)
    if row is None:
        row = MailPreference(user_id=user.id)
        db.session.add(row)
    row.digest = form.delivery.data == "digest"
    for category in kinds.OPTIONAL:
        setattr(row, category, bool(getattr(form, category).data))
    row.updated_at = utcnow()
    if not row.digest:
        digest.release(user)
    db.session.commit()
    flash(_("Your choices are saved."), "success")
    return redirect(url_for("mail.preferences"))


@bp.get("/admin/mail")
@require_roles(*SECRETARIAT)
def log() -> str:
    status = request.args.get("status", "")
    if status and status not in MESSAGE_STATUSES:
        abort(400)
    search = (request.args.get("q") or "").strip().lower()[:254]
    page = max(1, bounds.db_int(request.args.get("page")) or 1)
    query = select(OutboxMessage)
    if status:
        query = query.where(OutboxMessage.status == status)
    if search:
        query = query.where(or_(OutboxMessage.address.contains(search, autoescape=True),
                                func.lower(OutboxMessage.subject).contains(search, autoescape=True)))
    rows = db.session.scalars(query.order_by(OutboxMessage.id.desc()).offset((page - 1) * PAGE).limit(PAGE + 1)).all()
    counts = dict(db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    return render_template("mail/log.html", rows=rows[:PAGE], more=len(rows) > PAGE, page=page, status=status,
                           search=search, counts=counts, statuses=MESSAGE_STATUSES, kind_labels=KIND_LABELS,
                           status_labels=STATUS_LABELS, configured=outbox.configured())


@bp.post("/admin/mail/<int:message_id>/resend")
@require_roles("secretariat_admin")
def resend(message_id: int) -> WerkzeugResponse:
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    if message.status not in ("failed", "dropped"):
        abort(409)
    outbox.resend(message)
    db.session.commit()
    flash(_("The message to %(address)s will be sent again.", address=message.address), "success")
    return redirect(url_for("mail.log", status=request.form.get("status") or None))
