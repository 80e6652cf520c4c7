"""Problems found by the engine, as messages in the user's language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from babel.dates import format_date
from flask_babel import lazy_gettext as _l

import engine
from engine.types import Problem

from ..content import text
from ..i18n import current_language

MESSAGES = {
    "required": _l("Answer this question."),
    "invalid": _l("This answer is not valid."),
    "invalid_characters": _l("The answer contains characters that cannot be stored."),
    "number": _l("Enter a number, for example 12 or 3.5."),
    "integer": _l("Enter a whole number."),
    "date": _l("Enter a real date."),
    "choice": _l("Select one of the options shown."),
    "min": _l("Enter a number of at least %(min)s."),
    "max": _l("Enter a number of at most %(max)s."),
    "min_date": _l("Enter a date on or after %(min)s."),
    "max_date": _l("Enter a date on or before %(max)s."),
    "min_length": _l("Use at least %(min)s characters."),
    "max_length": _l("Use at most %(max)s characters (there are %(length)s)."),
    "pattern": _l("The answer is not in the expected form."),
    "url": _l("Enter a web address starting with http:// or https://."),
    "email": _l("Enter an e-mail address such as name@example.org."),
    "min_selected": _l("Select at least %(min)s options."),
    "max_selected": _l("Select at most %(max)s options."),
    "min_rows": _l("Add at least %(min)s rows."),
    "max_rows": _l("Add at most %(max)s rows."),
    "constraint": _l("This answer does not meet the rules of this question."),
    "not_allowed": _l("You cannot change this answer."),
    "max_files": _l("Attach at most %(max)s files."),
    "file_size": _l("%(name)s is larger than the limit of this question."),
    "file_type": _l("%(name)s is not of a kind this question accepts (%(allowed)s)."),
    "file_reference": _l("A file of this answer could not be read; upload it again."),
    "file_name": _l("The file name %(name)s cannot be used: give a name without folders."),
    "not_assigned": _l("Not saved: this answer is outside the chapters and articles assigned to you. "
                       "Ask your focal point to change it, or to assign it to you."),
}


def message(q: engine.Questionnaire, problem: Problem) -> str:
    if problem.message:
        return text(q, problem.message).text
    template = MESSAGES.get(problem.code, MESSAGES["invalid"])
    params = {key: _param(value) for key, value in problem.params.items()}
    try:
        return str(template) % params if params else str(template)
    except (KeyError, TypeError, ValueError):
        return str(MESSAGES["invalid"])


def _param(value: Any) -> Any:
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        try:
            return format_date(dt.date.fromisoformat(value), format="long", locale=current_language())
        except ValueError:
            return value
    return value


def messages_for(q: engine.Questionnaire, question: engine.Question, problems: tuple[Problem, ...],
                 ) -> tuple[list[str], dict[tuple[int, str], list[str]]]:
    """Messages for the question itself, and for table cells by (row, column)."""
    own: list[str] = []
    cells: dict[tuple[int, str], list[str]] = {}
    for problem in problems:
        if problem.row is not None and problem.column is not None:
            cells.setdefault((problem.row, problem.column), []).append(cell_message(q, question, problem))
        else:
            own.append(message(q, problem))
    return own, cells


def cell_message(q: engine.Questionnaire, question: engine.Question, problem: Problem) -> str:
    """A table cell's problem naming its column and row, then the rule: "Year, row 2: Enter a whole
    number." (read out of context, in the error summary or by a screen reader)."""
    column = next((c for c in question.columns if c.id == problem.column), None)
    name = text(q, column.label).text if column is not None else str(problem.column)
    return str(_l("%(column)s, row %(row)d: %(message)s", column=name, row=(problem.row or 0) + 1,
                  message=message(q, problem)))
