"""One password policy for every way a password is set (the login page's change form, the
administrators' pages, the ``checklist users`` commands), and a login check that costs the same
whether or not the address has an account."""

from __future__ import annotations

import secrets

from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from ..models import User

MAX_LENGTH = 200
_dummies: dict[str, str] = {}
#: The stored "hash" of an account whose owner has not chosen a password yet (an invitation is out):
#: no password matches it.
UNUSABLE = "!"


def unusable() -> str:
    return UNUSABLE + secrets.token_hex(16)


def usable(user: User) -> bool:
    """Has the account a password (not only an invitation)?"""
    return not (user.password_hash or UNUSABLE).startswith(UNUSABLE)


def problem(password: str, email: str = "") -> str | None:
    """Why ``password`` is not acceptable (a message for the user), or None."""
    minimum = int(current_app.config["PASSWORD_MIN_LENGTH"])
    if len(password.strip()) < minimum:
        return _("Use at least %(n)d characters (spaces at the ends do not count).", n=minimum)
    if len(password) > MAX_LENGTH:
        return _("Use at most %(n)d characters.", n=MAX_LENGTH)
    if email and password.strip().lower() == email.strip().lower():
        return _("Do not use your e-mail address as your password.")
    return None


def verify(user: User | None, password: str) -> bool:
    """The password of an active account? Without an account (or an inactive one, or one still
    waiting for its owner's first password) a password hash is checked all the same, so the
    answer takes as long either way."""
    if user is not None and user.active and usable(user):
        return user.check_password(password)
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    if method not in _dummies:
        _dummies[method] = generate_password_hash("no account has this password", method=method)
    check_password_hash(_dummies[method], password)
    return False
