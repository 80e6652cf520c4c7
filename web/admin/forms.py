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
    "provider": _l("Provider of technical assistance (organization or donor)"),
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
    organization = StringField(_l("Institution or organization (providers: the organization they speak for)"),
                               validators=[Optional(), Length(max=200)])
    ta_focal_point = BooleanField(_l("Focal point for technical assistance (State users: listed in the "
                                     "directory of the State's contacts)"))
    position = StringField(_l("Position"), validators=[Optional(), Length(max=200)])
    phone = StringField(_l("Telephone"), validators=[
        Optional(), Length(max=50), Regexp(r"^[0-9+() .\-]*$", message=_l("Use digits, spaces and + ( ) - only."))])
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
