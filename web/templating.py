"""Template helpers: translated labels of codes, localized formats, links."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from babel import Locale, numbers
from flask import Flask
from flask_babel import format_date, format_datetime, format_percent, get_locale, gettext
from flask_babel import lazy_gettext as _l
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

import engine

from .i18n import catalog, current_language

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
    "imported": _l("Answers imported"), "consent": _l("What may be shared changed"),
    "carried": _l("Answers carried over from the previous cycle"), "confirmed": _l("Carried-over answers confirmed"),
    "reviewers_assigned": _l("Reviewing States assigned"), "report_saved": _l("Review report saved"),
    "report_finalised": _l("Review report finalised"), "stage": _l("Review step reached"),
    "file_uploaded": _l("File attached"), "file_removed": _l("File removed"),
    "file_downloaded": _l("File downloaded"), "exported": _l("Copy downloaded"),
    "import_uploaded": _l("Copy uploaded for review"),
}
#: What a State lets be shared (``web.consent``).
CONSENT_LABELS = {
    "none": _l("Nothing: the answers stay with the State and the secretariat"),
    "aggregate": _l("Aggregate figures only, without naming the State"),
    "assistance": _l("Aggregate figures and the State's technical-assistance needs, for providers of assistance"),
    "profile": _l("All of the above and the country profile, published by the secretariat"),
}


def consent_label(code: str) -> str:
    return str(CONSENT_LABELS.get(code, code))


CHANGES = {
    "added": _l("Question added"), "removed": _l("Question removed"), "moved": _l("Moved"),
    "reworded": _l("Reworded"), "retyped": _l("Type changed"), "codes_removed": _l("Choice codes removed"),
    "codes_added": _l("Choice codes added"), "relabelled": _l("Choice labels changed"),
    "translated": _l("Translations added or changed"), "condition_changed": _l("Condition changed"),
    "required_changed": _l("Required changed"), "group_added": _l("Group added"),
    "group_removed": _l("Group removed"), "columns_added": _l("Table columns added"),
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


def when(value: dt.date | dt.datetime | None, time: bool = True, empty: str = "–") -> str:
    """A date, or a moment, as the reader's locale writes it in words: the long date ("5 December
    2026", "5 ديسمبر 2026", "2026年12月5日"), with the short time for a moment (unless ``time`` is
    false), joined as the locale
    joins them. The one way web pages show dates (never the all-digits short form, "12/5/26")."""
    if value is None:
        return empty
    date_pattern, moment_pattern = _patterns(current_language())
    if not isinstance(value, dt.datetime) or not time:
        return str(format_date(value, date_pattern))
    return str(format_datetime(value, moment_pattern))


@lru_cache(maxsize=16)
def _patterns(lang: str) -> tuple[str, str]:
    """The long date pattern of ``lang``, and the long date with the short time, joined as ``lang`` joins them."""
    locale = Locale.parse(lang)
    date_pattern = locale.date_formats["long"].pattern
    moment = str(locale.datetime_formats["medium"]).replace("{1}", date_pattern).replace(
        "{0}", locale.time_formats["short"].pattern)
    return date_pattern, moment


def language_name(code: str | None, lang: str | None = None) -> str:
    """A language's name in the reader's language ("English" is "الإنجليزية" to an Arabic reader),
    from CLDR; the code itself when CLDR does not know it."""
    if not code:
        return ""
    return str(Locale.parse(lang or current_language()).languages.get(code, code))


@pass_eval_context
def template_gettext(eval_ctx: EvalContext, string: str, **variables: Any) -> str:
    """``_()`` and ``gettext()`` in templates, as Jinja's i18n extension does them with Flask-Babel
    ("newstyle": always a format string, Markup when autoescaping), but without the derived template
    context Jinja builds for each call of a context function in a loop (a copy of every variable):
    that made the ~150 calls of a page of answers a tenth of its time. The catalog is looked up at
    each call (not kept with the evaluation context: a macro module imported without context keeps
    its own across requests, in whatever language it was first used): ``web.i18n.catalog`` keeps it
    per request and locale."""
    found = catalog().ugettext(string)
    return (Markup(found) if eval_ctx.autoescape else found) % variables  # noqa: S704 - as Jinja's i18n


@pass_eval_context
def template_ngettext(eval_ctx: EvalContext, singular: str, plural: str, num: int, **variables: Any) -> str:
    """``ngettext()`` in templates (see :func:`template_gettext`)."""
    variables.setdefault("num", num)
    found = catalog().ungettext(singular, plural, num)
    return (Markup(found) if eval_ctx.autoescape else found) % variables  # noqa: S704 - as Jinja's i18n


def format_decimal(number: Any, format: str | None = None) -> str:
    """A number as the reader's locale writes it (Flask-Babel's ``format_decimal``); whole numbers,
    the counts of the side navigation, are formatted once per locale and kept."""
    locale = get_locale()
    if type(number) is int and format is None:
        return whole_number(number, locale)
    return str(numbers.format_decimal(number, format=format, locale=locale))


@lru_cache(maxsize=4096)
def whole_number(number: int, locale: Locale | None) -> str:
    """``number`` as ``locale`` writes it (CLDR), kept: a few hundred counts recur on every page."""
    return str(numbers.format_decimal(number, locale=locale))


def diagnostic_text(diagnostic: engine.Diagnostic) -> str:
    """A questionnaire diagnostic (message and hint) in the user's language."""
    return diagnostic.text(gettext)


def init_app(app: Flask) -> None:
    from . import content
    from .fill.humanize import condition_text
    from .fill.sidenav import pages_html
    from .reference import GROUP_HEADING, group_label

    app.jinja_env.add_extension("jinja2.ext.do")
    # in place of the callables Flask-Babel installed (same catalogs, same results; see template_gettext)
    app.jinja_env.globals.update(_=template_gettext, gettext=template_gettext, ngettext=template_ngettext)
    app.jinja_env.globals.update(
        text=content.text, group_title=content.group_title, place_heading=content.place_heading,
        provision_summary=content.summary,
        answer_text=content.display, condition_text=condition_text,
        status_label=status_label, version_status_label=version_status_label,
        revision_source_label=revision_source_label, activity_label=activity_label, change_label=change_label,
        consent_label=consent_label,
        diagnostic_text=diagnostic_text, group_label=group_label, group_heading=lambda: gettext(GROUP_HEADING),
        format_date=format_date, format_datetime=format_datetime, when=when, language_name=language_name,
        format_decimal=format_decimal, format_percent=format_percent, side_nav_pages=pages_html,
    )


from collections.abc import Callable  # noqa: E402 (kept with the code below that uses it)


class RequestFormats:
    """The formats of :func:`when`, ``format_percent``, :func:`status_label` and
    ``group_label`` for a page that shows many values (a table of 193 States): the locale, time
    zone and patterns are read once, each distinct value is formatted once, each label translated
    once. The output is the same as theirs; get one with :func:`request_formats`."""

    def __init__(self) -> None:
        from flask_babel import get_locale, get_timezone

        self.locale = get_locale()
        self.tzinfo = get_timezone()
        self.date_pattern, self.moment_pattern = _patterns(current_language())
        self._moments: dict[tuple[dt.date | dt.datetime, bool], str] = {}
        self._percents: dict[float, str] = {}
        self._labels: dict[tuple[str, str], str] = {}

    def when(self, value: dt.date | dt.datetime | None, time: bool = True, empty: str = "–") -> str:
        if value is None:
            return empty
        found = self._moments.get((value, time))
        if found is None:
            from babel import dates
            from flask_babel import to_user_timezone

            if not isinstance(value, dt.datetime) or not time:
                day = to_user_timezone(value) if isinstance(value, dt.datetime) else value  # as format_date rebases
                found = dates.format_date(day, self.date_pattern, locale=self.locale)
            else:
                found = dates.format_datetime(value, self.moment_pattern, tzinfo=self.tzinfo, locale=self.locale)
            self._moments[(value, time)] = found
        return found

    def percent(self, number: float) -> str:
        found = self._percents.get(number)
        if found is None:
            from babel import numbers

            found = self._percents[number] = numbers.format_percent(number, locale=self.locale)
        return found

    def status_label(self, code: str) -> str:
        return self._label("status", code, status_label)

    def group_label(self, code: str) -> str:
        return self._label("group", code, _group_label)

    def _label(self, kind: str, code: str, label: Callable[[str], str]) -> str:
        found = self._labels.get((kind, code))
        if found is None:
            found = self._labels[(kind, code)] = label(code)
        return found


def _group_label(code: str) -> str:
    from .reference import group_label

    return group_label(code)


def request_formats() -> RequestFormats:
    """The request's :class:`RequestFormats` (one per request)."""
    from flask import g

    found: RequestFormats | None = g.get("_request_formats")
    if found is None:
        found = g._request_formats = RequestFormats()
    return found
