"""Forms of the administration pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from ..i18n import LANGUAGE_NAMES
from ..models import ROLES

ROLE_LABELS = {
    "secretariat_admin": _l("Secretariat administrator"),
    "secretariat_reviewer": _l("Secretariat reviewer"),
    "focal_point": _l("State focal point"),
    "contributor": _l("State contributor"),
    "reader": _l("Reader (delegate or donor)"),
}


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))


class UserForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Role"), choices=[SelectChoice(r, ROLE_LABELS[r]) for r in ROLES])
    state = StringField(_l("State (ISO code, e.g. KEN)"),
                        validators=[Optional(), Regexp(r"^[A-Za-z]{3}$", message=_l("Give a three-letter code."))])
    active = BooleanField(_l("Active"), default=True)
    expert = BooleanField(_l("Governmental expert (reviews other States in the cycles their State is assigned to)"),
                          default=False)
    assignments = StringField(
        _l("Assignment (contributors only, e.g. 'chapter:III article:15'; empty for everything)"),
        validators=[Optional(), Length(max=500),
                    Regexp(r"^\s*((chapter|article):[A-Za-z0-9]{1,8}\s*)*$",
                           message=_l("Write entries such as chapter:III or article:15, separated by spaces."))])
    language = SelectField(_l("Language of e-mails and pages"), default="", choices=[
        SelectChoice("", _l("Not chosen yet (English)")),
        *[SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()]])
