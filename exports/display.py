"""Answers as words, in one place: one small class per question type, registered once, used by the
web pages, the PDF profiles and the data exports alike.

:func:`show` turns an engine value into a :class:`engine.Localized` (the words, the language they
are in, and whether that is another language than the reader's: a choice label shown through the
questionnaire's fallback, or an answer written in another language); :func:`words` gives the text
alone. Numbers are grouped from five digits up, so that years read as years ("2003", never
"2,003") and large counts stay readable ("25,000"); dates are long dates of the reader's locale;
the items of a list are separated by the semicolon of the reader's language.

Also here: :func:`provision_number`, how a provision is cited ("46 (9) (b)").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from babel.dates import format_date
from babel.numbers import format_decimal

import engine
from engine import Localized
from engine.model import Question

#: Comma and semicolon between the items of a list, per language (others: the English ones).
PUNCTUATION = {"en": (", ", "; "), "ar": ("\u060c ", "\u061b "), "zh": ("\uff0c", "\uff1b")}
#: The locale whose long dates a language uses: UN English writes "5 December 2026" (day first).
DATE_LOCALES = {"en": "en_GB"}
#: Numbers from this size up are written with a thousands separator.
GROUP_FROM = 10_000


def punctuation(lang: str) -> tuple[str, str]:
    """The comma and the semicolon that separate list items in ``lang``."""
    return PUNCTUATION.get(lang, PUNCTUATION["en"])


def long_date(day: dt.date | dt.datetime, lang: str) -> str:
    """``day`` in the long form of ``lang``: "5 December 2026", "5 décembre 2026", "2026年12月5日"."""
    if isinstance(day, dt.datetime):
        day = day.date()
    return format_date(day, format="long", locale=DATE_LOCALES.get(lang, lang))


def provision_number(provision_id: str) -> str:
    """'46.9.b' -> '46 (9) (b)': how paragraphs are cited (no-break spaces: a number never splits)."""
    head, *rest = provision_id.split(".")
    return head + "".join(f"\u00a0({part})" for part in rest)


@dataclass(frozen=True)
class Words:
    """Interface words the display needs, in the reader's language (the web app translates them)."""

    yes: str = "Yes"
    no: str = "No"
    truncated: str = "[truncated: the full text is in the JSON export]"


ENGLISH = Words()


@dataclass(frozen=True)
class Reader:
    """For whom a value is shown: the questionnaire, the language and its interface words, and the
    language the answer was written in (for texts; None: the reader's)."""

    q: engine.Questionnaire
    lang: str
    words: Words = ENGLISH
    written: str | None = None

    def content(self, text: engine.Text) -> Localized:
        return self.q.text(text, self.lang)

    def fixed(self, text: str) -> Localized:
        return Localized(text, self.lang, False)


class Shown:
    """How one question type is put into words; subclasses are registered in :data:`DISPLAYS`."""

    name: ClassVar[str]

    def show(self, reader: Reader, question: Question, value: Any) -> Localized:
        written = reader.written or reader.lang
        return Localized(str(value), written, written != reader.lang)


class SingleChoice(Shown):
    name = "single_choice"

    def show(self, reader: Reader, question: Question, value: Any) -> Localized:
        choice = question.choices.get(value) if question.choices else None
        return reader.content(choice.label) if choice else reader.fixed(str(value))


class MultipleChoice(Shown):
    name = "multiple_choice"

    def show(self, reader: Reader, question: Question, value: Any) -> Localized:
        labels = [SINGLE.show(reader, question, code) for code in value]
        langs = {label.lang for label in labels}
        lang = langs.pop() if len(langs) == 1 else reader.lang
        return Localized(punctuation(reader.lang)[1].join(label.text for label in labels), lang, lang != reader.lang)


class YesNo(Shown):
    name = "yes_no"

    def show(self, reader: Reader, question: Question, value: Any) -> Localized:
        return reader.fixed(reader.words.yes if value else reader.words.no)


class Number(Shown):
    name = "number"

    def show(self, reader: Reader, question: Question, value: Any) -> Localized:
        number = Decimal(str(value))
        return reader.fixed(format_decimal(number, locale=reader.lang, group_separator=abs(number) >= GROUP_FROM))


class Date(Shown):
    name = "date"

    def show(self, reader: Reader, question: Question, value: Any) -> Localized:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        return reader.fixed(long_date(day, reader.lang))


class Link(Shown):
    """Addresses and e-mail addresses are shown as written, in no language."""

    name = "url"

    def show(self, reader: Reader, question: Question, value: Any) -> Localized:
        return Localized(str(value), reader.lang, False)


class Email(Link):
    name = "email"


class Table(Shown):
    """A table as lines of 'column: value' (renderers that draw tables show cells one by one)."""

    name = "table"

    def show(self, reader: Reader, question: Question, value: Any) -> Localized:
        semicolon = punctuation(reader.lang)[1]
        lines = [semicolon.join(f"{reader.content(col.label).text}: {show(reader, col, row[col.id]).text}"
                                for col in question.columns if row.get(col.id) not in (None, "", (), []))
                 for row in value]
        written = reader.written or reader.lang
        return Localized("\n".join(lines), written, written != reader.lang)


class Files(Shown):
    """Evidence files by their names (the files themselves are in the web app's store)."""

    name = "file"

    def show(self, reader: Reader, question: Question, value: Any) -> Localized:
        return Localized(punctuation(reader.lang)[1].join(item["name"] for item in value), reader.lang, False)


SINGLE = SingleChoice()
#: Question type -> how its values are put into words (texts, long texts and notes: as written).
DISPLAYS: Mapping[str, Shown] = {
    **{name: Shown() for name in ("text", "long_text", "note")},
    **{display.name: display for display in (SINGLE, MultipleChoice(), YesNo(), Number(), Date(), Link(), Email(),
                                             Table(), Files())},
}


def show(reader: Reader, question: Question, value: Any) -> Localized:
    """An engine value as words for ``reader`` (an empty text for no value)."""
    if value is None:
        return reader.fixed("")
    return DISPLAYS[question.type].show(reader, question, value)


def words(q: engine.Questionnaire, question: Question, value: Any, lang: str, words: Words = ENGLISH) -> str:
    """An engine value as words in ``lang``: choice labels, localized numbers and dates, tables."""
    return show(Reader(q, lang, words), question, value).text
