"""From a response to what a profile shows: chapters, articles and provisions with their status,
the laws cited, challenges and technical assistance by category, and the annexes.

A pure function of :class:`~.model.ProfileData` and a language. Only answers the engine counts
(visible and not empty) appear: answers to questions hidden by later answers are left out. The
checklist's per-provision pattern is recognised by the local ids of its questions (``compliance``,
``measures``, ``steps``...); any other answered question still appears, under its article or in
the general information, so that nothing answered is lost.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal
from markupsafe import Markup

import engine
from engine.model import Group, Question

from . import chart
from .labels import Labels
from .model import ProfileData

STATUSES = ("yes", "partial", "no")
TEXT_TYPES = frozenset({"text", "long_text", "table", "url"})
PRIORITIES = ("high", "medium", "low")
#: Comma and semicolon between the items of a list, per profile language.
PUNCTUATION = {"en": (", ", "; "), "ar": ("\u060c ", "\u061b "), "zh": ("\uff0c", "\uff1b")}
#: Local ids of the checklist's per-provision pattern that the profile lays out itself.
PATTERN = frozenset({"compliance", "measures", "measures_summary", "examples", "steps", "challenges",
                     "challenges_other", "challenges_detail", "ta_needed", "ta_categories",
                     "ta_categories_other", "ta_priority", "ta_detail", "ta_received", "ta_received_list"})
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


# -- small values ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Txt:
    """A text with the language it is in; ``foreign`` marks an answer written in another language
    than the profile's (the profile shows it as written, with a small language tag)."""

    text: str
    lang: str
    foreign: bool = False

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text.strip())


@dataclass(frozen=True)
class Value:
    """A displayed answer: ``text`` (one line), ``long`` (paragraphs), ``link`` or ``table``."""

    kind: str
    text: Txt | None = None
    href: str | None = None
    headers: tuple[Txt, ...] = ()
    rows: tuple[tuple[Value | None, ...], ...] = ()


@dataclass(frozen=True)
class Entry:
    label: Txt
    value: Value


@dataclass
class Counts:
    yes: int = 0
    partial: int = 0
    no: int = 0
    unanswered: int = 0

    def add(self, status: str | None) -> None:
        name = status if status in STATUSES else "unanswered"
        setattr(self, name, getattr(self, name) + 1)

    @property
    def total(self) -> int:
        return self.yes + self.partial + self.no + self.unanswered

    def as_tuple(self) -> tuple[int, int, int, int]:
        return (self.yes, self.partial, self.no, self.unanswered)


# -- the profile's parts ---------------------------------------------------------------------
@dataclass(frozen=True)
class Measure:
    instrument: Txt
    reference: Txt | None = None
    year: str = ""
    link: str | None = None  # a safe http(s) address to link to
    written: str = ""  # the address as written, shown as text when it is not a safe one
    extra: tuple[Entry, ...] = ()


@dataclass(frozen=True)
class Step:
    step: Txt
    authority: Txt | None = None
    timeframe: Txt | None = None


@dataclass(frozen=True)
class Received:
    description: Txt
    provider: Txt | None = None


@dataclass
class ProvisionView:
    id: str
    number: str  # "46 (9) (b)"
    article: str
    chapter: str
    level: str
    level_label: Txt
    summary: Txt
    order: int
    status: str | None = None
    status_label: Txt | None = None
    complete: bool = True
    measures: list[Measure] = field(default_factory=list)
    measures_lang: Txt | None = None  # the language tag of the measures table
    measures_summary: Txt | None = None
    examples: Txt | None = None
    steps: list[Step] = field(default_factory=list)
    steps_lang: Txt | None = None
    challenges: list[str] = field(default_factory=list)
    challenges_other: Txt | None = None
    challenges_detail: Txt | None = None
    ta_needed: bool | None = None
    ta_categories: list[str] = field(default_factory=list)
    ta_other: Txt | None = None
    ta_priority: str | None = None
    ta_priority_label: Txt | None = None
    ta_detail: Txt | None = None
    received: list[Received] = field(default_factory=list)
    received_lang: Txt | None = None
    other: list[Entry] = field(default_factory=list)

    @property
    def has_text(self) -> bool:
        return bool(self.measures_summary or self.examples or self.steps or self.other)


@dataclass
class ArticleView:
    id: str
    chapter: str
    title: Txt
    provisions: list[ProvisionView] = field(default_factory=list)
    practices: list[Txt] = field(default_factory=list)
    other: list[Entry] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)

    @property
    def anchor(self) -> str:
        return "art-" + _slug(self.id)

    @property
    def answered(self) -> bool:
        """Whether anything of the article is answered (the full profile shows only those)."""
        return bool(self.practices or self.other or any(v.status for v in self.provisions))


@dataclass
class ChapterView:
    id: str
    title: Txt
    articles: list[ArticleView] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)

    @property
    def anchor(self) -> str:
        return "ch-" + _slug(self.id)

    @property
    def answered(self) -> list[ArticleView]:
        return [article for article in self.articles if article.answered]


@dataclass
class CountRow:
    """A row of a summary table: a label, the counts and the bar."""

    label: Txt
    counts: Counts
    bar: Markup = Markup("")
    anchor: str = ""


@dataclass
class CategoryRow:
    code: str
    label: Txt
    provisions: list[ProvisionView] = field(default_factory=list)
    priorities: dict[str, int] = field(default_factory=dict)
    specified: list[tuple[Txt, list[ProvisionView]]] = field(default_factory=list)  # "other, please specify"


@dataclass
class LawRow:
    instrument: Txt
    references: list[Txt] = field(default_factory=list)
    years: list[str] = field(default_factory=list)
    link: str | None = None
    written: str = ""
    provisions: list[str] = field(default_factory=list)


@dataclass
class GeneralGroup:
    title: Txt
    entries: list[Entry] = field(default_factory=list)


@dataclass
class Profile:
    """Everything the templates show, already in the profile's language."""

    data: ProfileData
    lang: str
    kind: str
    rtl: bool
    labels: Labels
    state_name: str
    region_name: str
    questionnaire_title: Txt
    status_label: str
    as_of: str
    general: list[GeneralGroup]
    chapters: list[ChapterView]
    chapter_rows: list[CountRow]
    level_rows: list[CountRow]
    total: CountRow
    status_names: tuple[Txt, Txt, Txt, Txt]
    legend: list[tuple[Markup, Txt]]
    practices: list[tuple[ArticleView, Txt]]
    challenges: list[CategoryRow]
    challenge_details: list[ProvisionView]
    ta_categories: list[CategoryRow]
    ta_provisions: list[ProvisionView]
    received: list[tuple[ProvisionView, Received]]
    providers: list[tuple[Txt, list[ProvisionView]]]  # assistance received, by donor or provider
    laws: list[LawRow]
    unanswered: list[tuple[ArticleView, list[ProvisionView]]]
    incomplete: list[ProvisionView]
    foreign: dict[str, int]  # language code -> answers written in it (other than the profile's)
    language_names: dict[str, str]

    @property
    def is_full(self) -> bool:
        return self.kind == "full"

    @property
    def comma(self) -> str:
        return PUNCTUATION.get(self.lang, PUNCTUATION["en"])[0]

    @property
    def semicolon(self) -> str:
        return PUNCTUATION.get(self.lang, PUNCTUATION["en"])[1]

    def numbers(self, items: Iterable[ProvisionView | str]) -> str:
        """Provision numbers as a list in the profile's language: '5 (1), 7 (2)'; in a right-to-left
        profile the list runs from the right with the Arabic comma between numbers, each number a
        left-to-right isolate (see :meth:`_Builder.provisions`) so that its parentheses stay with it."""
        numbers = [item if isinstance(item, str) else item.number for item in items]
        if self.rtl:  # a right-to-left mark first: the text layout takes its direction from it
            return "\u200f" + self.comma.join(numbers)
        return ("\u3001" if self.lang == "zh" else self.comma).join(numbers)

    @property
    def foreign_count(self) -> int:
        return sum(self.foreign.values())

    @property
    def foreign_note(self) -> str:
        """Which other languages answers were written in, and how many (empty if none)."""
        if not self.foreign:
            return ""
        entries = [self.labels.fmt("language_entry", language=self.language_names.get(code, code),
                                   code=code.upper(), count=count) for code, count in self.foreign.items()]
        return self.labels.fmt("foreign_answers", count=self.foreign_count, languages="; ".join(entries))


# -- building ------------------------------------------------------------------------------
class _Builder:
    def __init__(self, data: ProfileData, lang: str, kind: str, labels: Labels):
        self.data, self.lang, self.kind, self.labels = data, lang, kind, labels
        self.q = data.questionnaire
        self.locale = Locale.parse(lang)
        self.evaluation = engine.evaluate(self.q, data.answers)
        self.values = self.evaluation.values
        self.foreign: dict[str, int] = {}
        self.used: set[str] = set()
        self.group_ids: dict[str, str] = {}  # provision id -> its group
        self.chapter_sections: set[str] = set()  # sections holding provisions

    # texts
    def content(self, text: engine.Text) -> Txt:
        localized = self.q.text(text, self.lang)
        return Txt(localized.text, localized.lang)

    def fixed(self, text: str) -> Txt:
        return Txt(text, self.lang)

    def answer_text(self, qid: str, text: str) -> Txt:
        written = self.data.answer_languages.get(qid) or self.lang
        return Txt(text, written, written != self.lang)

    def note_language(self, qid: str) -> Txt | None:
        """The language tag of a table answer (one per table)."""
        written = self.data.answer_languages.get(qid)
        if written and written != self.lang:
            return Txt(written, written, True)
        return None

    def count_foreign(self, qid: str, question: Question) -> None:
        written = self.data.answer_languages.get(qid)
        if question.type in TEXT_TYPES and written and written != self.lang:
            self.foreign[written] = self.foreign.get(written, 0) + 1

    def choice(self, question: Question, code: str) -> Txt:
        option = question.choices.get(code) if question.choices else None
        return self.content(option.label) if option else Txt(code, self.lang)

    # values
    def value(self, qid: str, question: Question, raw: Any) -> Value | None:
        kind = question.type
        if kind == "table":
            columns = [column for column in question.columns if column.type != "email"]
            rows = tuple(tuple(self.cell(qid, column, row.get(column.id)) for column in columns) for row in raw)
            return Value("table", headers=tuple(self.content(column.label) for column in columns), rows=rows)
        if kind == "long_text":
            return Value("long", text=self.answer_text(qid, raw))
        return self.cell(qid, question, raw)

    def cell(self, qid: str, question: Question, raw: Any) -> Value | None:
        if raw is None or raw == "" or raw == () or raw == []:
            return None
        kind = question.type
        if kind == "single_choice":
            return Value("text", text=self.choice(question, raw))
        if kind == "multiple_choice":
            names = [self.choice(question, code).text for code in raw]
            separator = PUNCTUATION.get(self.lang, PUNCTUATION["en"])[1]
            return Value("text", text=Txt(separator.join(names), self.lang))
        if kind == "yes_no":
            return Value("text", text=self.fixed(self.labels.yes if raw else self.labels.no))
        if kind == "number":
            return Value("text", text=self.fixed(format_decimal(Decimal(str(raw)), locale=self.locale)))
        if kind == "date":
            day = raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw))
            return Value("text", text=self.fixed(format_date(day, format="long", locale=self.locale)))
        if kind == "url":
            href = safe_link(str(raw))
            return Value("link" if href else "text", text=Txt(str(raw), "en"), href=href)
        if kind == "long_text":
            return Value("long", text=self.answer_text(qid, str(raw)))
        return Value("text", text=self.answer_text(qid, str(raw)))

    def entries(self, questions: Iterable[Question]) -> list[Entry]:
        out = []
        for question in questions:
            raw = self.values.get(question.id)
            if raw is None or question.type in ("email", "note"):
                continue
            shown = self.value(question.id, question, raw)
            if shown is not None:
                self.count_foreign(question.id, question)
                out.append(Entry(self.content(question.label), shown))
            self.used.add(question.id)
        return out

    # the parts
    def provisions(self) -> dict[str, ProvisionView]:
        framework = self.q.framework
        assert framework is not None
        found: dict[str, ProvisionView] = {}
        order = self.q.index.order
        for item in self.q.index.items.values():
            if (not isinstance(item, Group) or len(item.provisions) != 1
                    or item.provisions[0] not in framework.provisions):
                continue
            questions = {q.local_id or q.id: q for q in item.items if isinstance(q, Question)}
            if "compliance" not in questions:
                continue
            pid = item.provisions[0]
            provision = framework.provisions[pid]
            level = framework.level(provision.level)
            number = provision_number(pid)
            if self.lang in engine.RTL_LANGUAGES:  # '46 (9) (b)' stays one left-to-right unit
                number = f"\u2066{number}\u2069"
            view = ProvisionView(
                id=pid, number=number, article=provision.article, chapter=provision.chapter,
                level=provision.level, level_label=self.content(level.label) if level else Txt(provision.level, "en"),
                summary=self.content(provision.summary), order=order.get(item.id, 0))
            if self.evaluation.is_visible(item.id):
                self.fill(view, questions)
            found[pid] = view
            self.group_ids[pid] = item.id
        return found

    def fill(self, view: ProvisionView, questions: Mapping[str, Question]) -> None:
        def answer(local: str) -> Any:
            question = questions.get(local)
            if question is None:
                return None
            self.used.add(question.id)
            value = self.values.get(question.id)
            if value is not None:
                self.count_foreign(question.id, question)
            return value

        def text(local: str) -> Txt | None:
            value = answer(local)
            return self.answer_text(questions[local].id, str(value)) if value is not None else None

        status = answer("compliance")
        if status is not None:
            view.status = status if status in STATUSES else None
            view.status_label = self.choice(questions["compliance"], status)
        progress = self.evaluation.provisions.get(view.id)
        view.complete = progress is None or progress.required_answered >= progress.required
        if rows := answer("measures"):
            qid = questions["measures"].id
            view.measures = [self.measure(qid, questions["measures"], row) for row in rows]
            view.measures_lang = self.note_language(qid)
        view.measures_summary = text("measures_summary")
        view.examples = text("examples")
        if rows := answer("steps"):
            qid = questions["steps"].id
            view.steps = [Step(self.answer_text(qid, row.get("step", "")), self.opt(qid, row.get("authority")),
                               self.opt(qid, row.get("timeframe"))) for row in rows]
            view.steps_lang = self.note_language(qid)
        view.challenges = list(answer("challenges") or ())
        view.challenges_other = text("challenges_other")
        view.challenges_detail = text("challenges_detail")
        view.ta_needed = answer("ta_needed")
        view.ta_categories = list(answer("ta_categories") or ())
        view.ta_other = text("ta_categories_other")
        if (priority := answer("ta_priority")) is not None:
            view.ta_priority = priority
            view.ta_priority_label = self.choice(questions["ta_priority"], priority)
        view.ta_detail = text("ta_detail")
        answer("ta_received")
        if rows := answer("ta_received_list"):
            qid = questions["ta_received_list"].id
            view.received = [Received(self.answer_text(qid, row.get("description", "")),
                                      self.opt(qid, row.get("provider"))) for row in rows]
            view.received_lang = self.note_language(qid)
        extra = [q for local, q in questions.items() if local not in PATTERN]
        view.other = self.entries(extra)

    def opt(self, qid: str, raw: Any) -> Txt | None:
        return self.answer_text(qid, str(raw)) if raw not in (None, "") else None

    def measure(self, qid: str, table: Question, row: Mapping[str, Any]) -> Measure:
        known = {"instrument", "reference", "year", "link"}
        year = row.get("year")
        extra = [Entry(self.content(column.label), shown) for column in table.columns
                 if column.id not in known and column.type != "email"
                 and (shown := self.cell(qid, column, row.get(column.id))) is not None]
        link = row.get("link")
        return Measure(
            instrument=self.answer_text(qid, str(row.get("instrument", ""))),
            reference=self.opt(qid, row.get("reference")),
            year=str(year) if year is not None else "",
            link=safe_link(str(link)) if link else None, written=str(link or ""), extra=tuple(extra))

    def chapters(self, provisions: Mapping[str, ProvisionView]) -> list[ChapterView]:
        framework = self.q.framework
        assert framework is not None
        chapters = []
        for chapter in framework.chapters:
            title = self.content(chapter.title)
            chapter_view = ChapterView(chapter.id, Txt(self.labels.fmt("chapter_title", number=chapter.id,
                                                                       title=title.text), title.lang))
            for article_id in chapter.articles:
                article = framework.articles[article_id]
                article_view = ArticleView(article.id, chapter.id, self.content(article.title))
                for pid in article.provisions:
                    if pid in provisions:
                        view = provisions[pid]
                        article_view.provisions.append(view)
                        article_view.counts.add(view.status)
                        chapter_view.counts.add(view.status)
                if article_view.provisions:
                    chapter_view.articles.append(article_view)
            if chapter_view.articles:
                chapters.append(chapter_view)
        return chapters

    def article_answers(self, chapters: list[ChapterView]) -> None:
        """Good practices and any other answered question mapped to an article."""
        framework = self.q.framework
        assert framework is not None
        articles = {article.id: article for chapter in chapters for article in chapter.articles}
        for question in self.q.questions:
            qid = question.id
            if qid in self.used or qid not in self.values or question.type in ("note", "email"):
                continue
            mapped = [framework.article_of(ref) for ref in self.q.provisions_of(qid)]
            target = next((articles[a.id] for a in mapped if a is not None and a.id in articles), None)
            if target is None or not self._in_chapter_section(qid):
                continue
            self.used.add(qid)
            if (question.local_id or qid) == "good_practices" and question.type in ("text", "long_text"):
                self.count_foreign(qid, question)
                target.practices.append(self.answer_text(qid, str(self.values[qid])))
            else:
                target.other.extend(self.entries([question]))

    def _in_chapter_section(self, qid: str) -> bool:
        return self.q.section_of(qid).id in self.chapter_sections

    def general(self, short_only: bool) -> list[GeneralGroup]:
        groups: list[GeneralGroup] = []
        for section in self.q.sections:
            if section.id in self.chapter_sections or not self.evaluation.is_visible(section.id):
                continue
            self._general_group(section, groups, short_only, self.content(section.title))
        return [group for group in groups if group.entries]

    def _general_group(self, group: Group, out: list[GeneralGroup], short_only: bool, title: Txt) -> None:
        current = GeneralGroup(title)
        out.append(current)
        for item in group.items:
            if isinstance(item, Group):
                if self.evaluation.is_visible(item.id):
                    self._general_group(item, out, short_only, self.content(item.title) if item.title
                                        else title)
                continue
            if short_only and item.type in ("long_text", "table"):
                self.used.add(item.id)
                continue
            current.entries.extend(self.entries([item]))

    # everything
    def build(self) -> Profile:
        data, labels, lang = self.data, self.labels, self.lang
        provisions = self.provisions()
        self.chapter_sections = {self.q.section_of(gid).id for gid in self.group_ids.values()}
        chapters = self.chapters(provisions)
        self.article_answers(chapters)
        general = self.general(short_only=self.kind == "summary")
        rtl = lang in engine.RTL_LANGUAGES
        ordered = [view for chapter in chapters for article in chapter.articles for view in article.provisions]
        status_names = self.status_names()
        chapter_rows = [CountRow(c.title, c.counts, chart.stacked_bar(c.counts.as_tuple(), rtl), c.anchor)
                        for c in chapters]
        total = Counts()
        for chapter in chapters:
            for name in ("yes", "partial", "no", "unanswered"):
                setattr(total, name, getattr(total, name) + getattr(chapter.counts, name))
        return Profile(
            data=data, lang=lang, kind=self.kind, rtl=rtl, labels=labels, state_name=data.state_name(lang),
            region_name=str(self.locale.territories.get(data.region, data.region)),
            questionnaire_title=self.content(self.q.title),
            status_label=labels.get(f"status_{data.status}", data.status),
            as_of=format_date(data.as_of, format="long", locale=self.locale) if data.as_of else "",
            general=general, chapters=chapters, chapter_rows=chapter_rows, level_rows=self.level_rows(ordered, rtl),
            total=CountRow(self.fixed(labels.total), total, chart.stacked_bar(total.as_tuple(), rtl)),
            status_names=status_names,
            legend=[(chart.swatch(index), name) for index, name in enumerate(status_names)],
            practices=[(article, text) for chapter in chapters for article in chapter.articles
                       for text in article.practices],
            challenges=self.categories(ordered, "challenges", "challenges_other"),
            challenge_details=[v for v in ordered if v.challenges or v.challenges_detail],
            ta_categories=self.categories(ordered, "ta_categories", "ta_other"),
            ta_provisions=[v for v in ordered if v.ta_needed],
            received=[(v, item) for v in ordered for item in v.received],
            providers=self.providers(ordered),
            laws=self.laws(ordered),
            unanswered=[(article, missing) for chapter in chapters for article in chapter.articles
                        if (missing := [v for v in article.provisions if v.status is None])],
            incomplete=[v for v in ordered if v.status is not None and not v.complete],
            foreign=dict(sorted(self.foreign.items())),
            language_names={code: str(self.locale.languages.get(code, code)) for code in self.foreign},
        )

    def status_names(self) -> tuple[Txt, Txt, Txt, Txt]:
        question = next((q for q in self.q.questions if (q.local_id or q.id) == "compliance" and q.choices), None)
        names = [self.choice(question, code) if question else self.fixed(code) for code in STATUSES]
        return (names[0], names[1], names[2], self.fixed(self.labels.not_answered))

    def level_rows(self, ordered: list[ProvisionView], rtl: bool) -> list[CountRow]:
        framework = self.q.framework
        assert framework is not None
        rows = []
        for level in framework.levels:
            counts = Counts()
            for view in ordered:
                if view.level == level.code:
                    counts.add(view.status)
            if counts.total:
                rows.append(CountRow(self.content(level.label), counts, chart.stacked_bar(counts.as_tuple(), rtl)))
        return rows

    def categories(self, ordered: list[ProvisionView], attribute: str, other: str) -> list[CategoryRow]:
        question = next((q for q in self.q.questions if (q.local_id or q.id) == attribute and q.choices), None)
        if question is None or question.choices is None:
            return []
        rows = {choice.code: CategoryRow(choice.code, self.content(choice.label),
                                         priorities=dict.fromkeys(PRIORITIES, 0))
                for choice in question.choices.choices}
        for view in ordered:
            for code in getattr(view, attribute):
                row = rows.get(code)
                if row is None:
                    continue
                row.provisions.append(view)
                if view.ta_priority in row.priorities and attribute == "ta_categories":
                    row.priorities[view.ta_priority] += 1
                specified = getattr(view, other)
                if specified and code in question.choices.other_codes:
                    same = next((entry for entry in row.specified
                                 if entry[0].text.strip().casefold() == specified.text.strip().casefold()), None)
                    if same is None:
                        row.specified.append((specified, [view]))
                    else:
                        same[1].append(view)
        return [row for row in rows.values() if row.provisions]

    def providers(self, ordered: list[ProvisionView]) -> list[tuple[Txt, list[ProvisionView]]]:
        found: dict[str, tuple[Txt, list[ProvisionView]]] = {}
        for view in ordered:
            for item in view.received:
                provider = item.provider or Txt("?", self.lang)
                key = " ".join(provider.text.split()).casefold()
                entry = found.setdefault(key, (provider, []))
                if view not in entry[1]:
                    entry[1].append(view)
        return sorted(found.values(), key=lambda entry: (-len(entry[1]), entry[0].text.casefold()))

    def laws(self, ordered: list[ProvisionView]) -> list[LawRow]:
        found: dict[tuple[str, str], LawRow] = {}
        for view in ordered:
            for measure in view.measures:
                name = " ".join(measure.instrument.text.split())
                if not name:
                    continue
                key = (name.casefold(), measure.written)
                row = found.get(key)
                if row is None:
                    row = found[key] = LawRow(measure.instrument, link=measure.link, written=measure.written)
                if measure.year and measure.year not in row.years:
                    row.years.append(measure.year)
                if measure.reference and measure.reference.text not in [r.text for r in row.references]:
                    row.references.append(measure.reference)
                if view.number not in row.provisions:
                    row.provisions.append(view.number)
        return sorted(found.values(), key=lambda row: (row.instrument.text.casefold(), row.written))


def build(data: ProfileData, lang: str, kind: str, labels: Labels) -> Profile:
    """What a profile of ``data`` shows in ``lang`` (``kind``: ``summary`` or ``full``)."""
    if data.questionnaire.framework is None:
        raise ValueError("a country profile needs a questionnaire with a framework")
    return _Builder(data, lang, kind, labels).build()


# -- helpers -------------------------------------------------------------------------------
def provision_number(provision_id: str) -> str:
    """'46.9.b' -> '46 (9) (b)': how paragraphs are cited (with no-break spaces: never split)."""
    head, *rest = provision_id.split(".")
    return head + "".join(f"\u00a0({part})" for part in rest)


def safe_link(url: str) -> str | None:
    """``url`` if it is a plain http(s) address a PDF may link to, else None (shown as text)."""
    url = url.strip()
    if not url or _CONTROL.search(url) or " " in url or len(url) > 2000:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme in ("http", "https") and parts.netloc else None


def _slug(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", value).strip("-") or "x"
