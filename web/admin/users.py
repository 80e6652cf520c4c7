"""Creating and changing accounts: the rules, shared by the admin pages and the CLI."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import ROLES, Assignment, State, User
from ..models.users import STATE_ROLES


class AccountError(ValueError):
    pass


def set_account(user: User, *, email: str, role: str, state_code: str | None, name: str = "",
                active: bool = True, assignments: str = "", password: str | None = None,
                language: str | None = None, expert: bool | None = None) -> User:
    email = email.strip().lower()
    if role not in ROLES:
        raise AccountError(_("Unknown role %(role)s.", role=role))
    clash = db.session.scalars(select(User).where(User.email == email, User.id != user.id)).first()
    if clash is not None:
        raise AccountError(_("An account with this e-mail address already exists."))
    state = None
    if role in STATE_ROLES:
        if not state_code:
            raise AccountError(_("Focal points and contributors need a State."))
        state = db.session.scalars(select(State).where(State.code == state_code.upper())).first()
        if state is None:
            raise AccountError(_("Unknown State %(code)s; load the States first.", code=state_code))
    user.email, user.name, user.role, user.active = email, name.strip(), role, active
    user.state = state
    user.state_id = state.id if state else None
    if expert is not None or role not in STATE_ROLES:  # governmental experts are accounts of a State
        user.expert = bool(expert) and role in STATE_ROLES
    if language is not None:
        user.language = language or None
    if password:
        set_password(user, password)
    elif user.id is None:  # no password yet: the owner chooses one from the invitation (web.auth.links)
        from ..auth.passwords import unusable

        user.password_hash = unusable()
    # -- e-mail: a contributor told of chapters or articles newly assigned (web.mail.events) --
    existing = user.id is not None
    before = {(a.scope, a.ref) for a in user.assignments} if existing else set()
    user.assignments = _assignments(assignments) if role == "contributor" else []
    if user.id is None:
        db.session.add(user)
    db.session.flush()
    from ..mail.events import assignment_given

    if existing:
        assignment_given(user, before)
    return user


def set_contact(user: User, *, organization: str = "", ta_focal_point: bool = False, position: str = "",
                phone: str = "") -> None:
    """Contact details; only a State's users can be its focal points for technical assistance, and a
    provider account names the organization it speaks for."""
    if ta_focal_point and user.role not in STATE_ROLES:
        raise AccountError(_("Only a State's focal points and contributors can be focal points for technical "
                             "assistance."))
    if user.role == "provider" and not organization.strip():
        raise AccountError(_("A provider account needs the name of its organization."))
    user.organization, user.ta_focal_point = organization.strip(), ta_focal_point
    user.position, user.phone = position.strip(), phone.strip()


def set_password(user: User, password: str, reason: str = "reset") -> None:
    """A new password by the policy (``web.auth.passwords``); every open session of the user ends."""
    from ..auth import passwords, sessions

    found = passwords.problem(password, user.email or "")
    if found:
        raise AccountError(found)
    user.set_password(password)
    if user.id is not None:
        user.auth_version += 1
        sessions.end_all(user, reason)


def _assignments(text: str) -> list[Assignment]:
    out = []
    for entry in text.split():
        scope, _sep, ref = entry.partition(":")
        if scope in ("chapter", "article") and ref:
            out.append(Assignment(scope=scope, ref=ref))
    return out


def apply_account(user: User, form: Any, new: bool) -> User:
    """The admin form: a new account gets an invitation to choose its password (never typed here)."""
    found = set_account(user, email=form.email.data, role=form.role.data, state_code=form.state.data,
                        name=form.name.data or "", active=bool(form.active.data),
                        assignments=form.assignments.data or "", language=form.language.data or "",
                        expert=bool(form.expert.data))
    set_contact(found, organization=form.organization.data or "", ta_focal_point=bool(form.ta_focal_point.data),
                position=form.position.data or "", phone=form.phone.data or "")
    if new:
        invite(found)
    return found


def invite(user: User) -> None:
    """Send the account a link to choose its password: an invitation while it has none, else a
    reset link (written to the outbox; the caller commits)."""
    from ..auth.passwords import usable
    from ..mail import add

    add(user, "password_reset" if usable(user) else "invitation")
