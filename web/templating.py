"""Template helpers: translated labels of codes, localized formats, links."""

from __future__ import annotations

from babel import Locale
from flask import Flask
from flask_babel import format_date, format_datetime, format_decimal, format_percent, gettext
from flask_babel import lazy_gettext as _l

import engine

from .i18n import current_language

STATUS_LABELS = {
    "not_started": _l("Not started"),
    "draft": _l("Draft"),
    "in_progress": _l("In progress"),
    "complete": _l("Complete"),
    "has_errors": _l("Has errors"),
    "not_applicable": _l("Not applicable"),
    "optional": _l("Optional"),
    "to_confirm": _l("Carried over: confirm or update"),
    "submitted": _l("Submitted"),
    "returned": _l("Returned with comments"),
    "accepted": _l("Accepted"),
}
VERSION_STATUS_LABELS = {"draft": _l("Draft"), "published": _l("Published"), "retired": _l("Retired")}
REVISION_SOURCES = {
    "save": _l("Saved"), "autosave": _l("Saved automatically"),
    "conflict": _l("Refused: changed meanwhile by someone else"),
    "resolve": _l("Chosen after a conflict"), "import": _l("Imported"), "migration": _l("Moved to a new version"),
    "carried": _l("Carried over from the previous cycle"),
}
ACTIVITIES = {
    "created": _l("Started"), "submitted": _l("Submitted"), "returned": _l("Returned with comments"),
    "accepted": _l("Accepted"), "amended": _l("Reopened for amendment"), "published": _l("Profile published"),
    "unpublished": _l("Profile withdrawn"), "commented": _l("Comment added"), "resolved": _l("Comment resolved"),
    "reopened": _l("Comment reopened"), "migrated": _l("Moved to a new questionnaire version"),
    "imported": _l("Answers imported"),
    "carried": _l("Answers carried over from the previous cycle"), "confirmed": _l("Carried-over answers confirmed"),
    "reviewers_assigned": _l("Reviewing States assigned"), "report_saved": _l("Review report saved"),
    "report_finalised": _l("Review report finalised"), "stage": _l("Review step reached"),
}


CHANGES = {
    "added": _l("Question added"), "removed": _l("Question removed"), "moved": _l("Moved"),
    "reworded": _l("Reworded"), "retyped": _l("Type changed"), "codes_removed": _l("Choice codes removed"),
    "codes_added": _l("Choice codes added"), "relabelled": _l("Choice labels changed"),
    "translated": _l("Translations added or changed"), "condition_changed": _l("Condition changed"),
    "required_changed": _l("Required changed"), "group_added": _l("Group added"),
    "group_removed": _l("Group removed"),
}


def change_label(code: str) -> str:
    return str(CHANGES.get(code, code))


def revision_source_label(code: str) -> str:
    return str(REVISION_SOURCES.get(code, code))


def activity_label(code: str) -> str:
    return str(ACTIVITIES.get(code, code))


def status_label(code: str) -> str:
    return str(STATUS_LABELS.get(code, code))


def version_status_label(code: str) -> str:
    return str(VERSION_STATUS_LABELS.get(code, code))


def region_name(code: str, lang: str | None = None) -> str:
    """A UN M49 region's name in ``lang`` (default: the current language), from CLDR."""
    return str(Locale.parse(lang or current_language()).territories.get(code, code))


def diagnostic_text(diagnostic: engine.Diagnostic) -> str:
    """A questionnaire diagnostic (message and hint) in the user's language."""
    return diagnostic.text(gettext)


def init_app(app: Flask) -> None:
    from . import content
    from .fill.humanize import condition_text

    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(
        text=content.text, group_title=content.group_title, provision_summary=content.summary,
        answer_text=content.display, condition_text=condition_text,
        status_label=status_label, version_status_label=version_status_label, region_name=region_name,
        revision_source_label=revision_source_label, activity_label=activity_label, change_label=change_label,
        diagnostic_text=diagnostic_text,
        format_date=format_date, format_datetime=format_datetime,
        format_decimal=format_decimal, format_percent=format_percent,
    )
