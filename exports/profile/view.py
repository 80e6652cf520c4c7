"""From a response to what a profile shows: chapters, articles and provisions with their status,
the laws cited, challenges and technical assistance by category, and the annexes.

A pure function of :class:`~.model.ProfileData` and a language. Only answers the engine counts
(visible and not empty) appear: answers to questions hidden by later answers are left out. What a
question is comes from its role (``compliance``, ``measures``, ``steps``...), read through
:mod:`exports.provisions`, which also says what a provision counts as in the figures; any other
answered question still appears, under its provision, its article or in the general information,
so that nothing answered is lost.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from babel import Locale
from markupsafe import Markup

import engine
from engine import Localized
from engine.model import Group, Question

from .. import display
from ..display import provision_number
from ..provisions import BUCKETS, Layout, ProvisionFacts, choices_of, layouts, provision_facts
from . import chart
from .labels import Labels
from .model import ProfileData

STATUSES = ("yes", "partial", "no")
TEXT_TYPES = frozenset({"text", "long_text", "table", "url"})
PRIORITIES = ("high", "medium", "low")
#: Roles of a provision block that the profile lays out itself (with the question of the status);
#: questions with other roles, or none, are listed under the provision as they are.
LAID_OUT = frozenset({"measures", "summary", "examples", "steps", "challenges", "challenges_detail",
                      "assistance_needed", "assistance_kinds", "assistance_priority", "assistance_detail",
                      "assistance_received", "assistance_received_list"})
#: A label and its value: "Date: 5 December 2026", "Date : 5 décembre 2026", "日期：2026年12月5日".
COLONS = {"fr": "\u00a0: ", "zh": "\uff1a", "ar": ": "}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


# -- small values ------------------------------------------------------------------------------
# Texts are engine.Localized: the text, its language, and ``is_fallback`` for a text in another
# language than the profile's (an answer shown as written, a label through the questionnaire's
# fallback), which the profile shows with a small language tag.


@dataclass(frozen=True)
class Value:
    """A displayed answer: ``text`` (one line), ``long`` (paragraphs), ``link`` or ``table``."""

    kind: str
    text: Localized | None = None
    href: str | None = None
    headers: tuple[Localized, ...] = ()
    rows: tuple[tuple[Value | None, ...], ...] = ()


@dataclass(frozen=True)
class Entry:
    label: Localized
    value: Value


@dataclass
class Counts:
    """Provisions per bucket (:data:`exports.provisions.BUCKETS`)."""

    yes: int = 0
    partial: int = 0
    no: int = 0
    no_gap: int = 0
    not_answered: int = 0

    def add(self, bucket: str | None) -> None:
        if bucket is not None:
            setattr(self, bucket, getattr(self, bucket) + 1)

    def __iadd__(self, other: Counts) -> Counts:
        for bucket in BUCKETS:
            setattr(self, bucket, getattr(self, bucket) + getattr(other, bucket))
        return self

    @property
    def total(self) -> int:
        return sum(self.as_tuple())

    def of(self, buckets: Iterable[str]) -> tuple[int, ...]:
        return tuple(getattr(self, bucket) for bucket in buckets)

    def as_tuple(self) -> tuple[int, ...]:
        return self.of(BUCKETS)


# -- the profile's parts ---------------------------------------------------------------------
@dataclass(frozen=True)
class Measure:
    instrument: Localized
    reference: Localized | None = None
    year: str = ""
    link: str | None = None  # a safe http(s) address to link to
    written: str = ""  # the address as written, shown as text when it is not a safe one
    extra: tuple[Entry, ...] = ()


@dataclass(frozen=True)
class Step:
    step: Localized
    authority: Localized | None = None
    timeframe: Localized | None = None


@dataclass(frozen=True)
class Received:
    description: Localized
    provider: Localized | None = None


def ltr_number(number: str) -> Markup:
    """A provision number in a right-to-left profile: '46 (9) (b)' kept one left-to-right unit, in
    the Latin font (``.pn`` in profile.css). The element isolates it (``<bdi dir="ltr">``; the
    characters LRI and PDI alone also order it, but not the text a reader copies out of the PDF:
    WeasyPrint gives each glyph of a font one Unicode value, the first it drew, and in Arabic text
    the same font's glyph ')' stands for a mirrored '(', so numbers in that font came out as
    '5 )1(')."""
    return Markup('<bdi class="pn" dir="ltr">%s</bdi>') % number


@dataclass
class ProvisionView:
    id: str
    number: str  # "46 (9) (b)"
    article: str
    chapter: str
    level: str
    level_label: Localized
    summary: Localized
    order: int
    status: str | None = None  # yes, partial or no, as answered
    status_label: Localized | None = None
    bucket: str | None = "not_answered"  # what it counts as (exports.provisions.BUCKETS)
    complete: bool = True
    measures: list[Measure] = field(default_factory=list)
    measures_lang: Localized | None = None  # the language tag of the measures table
    measures_summary: Localized | None = None
    examples: Localized | None = None
    steps: list[Step] = field(default_factory=list)
    steps_lang: Localized | None = None
    challenges: list[str] = field(default_factory=list)
    challenges_other: Localized | None = None
    challenges_detail: Localized | None = None
    ta_needed: bool | None = None
    ta_categories: list[str] = field(default_factory=list)
    ta_other: Localized | None = None
    ta_priority: str | None = None
    ta_priority_label: Localized | None = None
    ta_detail: Localized | None = None
    received: list[Received] = field(default_factory=list)
    received_lang: Localized | None = None
    other: list[Entry] = field(default_factory=list)

    @property
    def has_text(self) -> bool:
        return bool(self.measures_summary or self.examples or self.steps or self.other)


@dataclass
class ArticleView:
    id: str
    chapter: str
    title: Localized
    provisions: list[ProvisionView] = field(default_factory=list)
    practices: list[Localized] = field(default_factory=list)
    other: list[Entry] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)

    @property
    def anchor(self) -> str:
        return "art-" + _slug(self.id)

    @property
    def answered(self) -> bool:
        """Whether anything of the article is answered (the full profile shows only those)."""
        return bool(self.practices or self.other or any(v.status or v.has_text or v.measures for v in self.provisions))


@dataclass
class ChapterView:
    id: str
    title: Localized
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

    label: Localized
    counts: Counts
    bar: Markup = Markup("")
    anchor: str = ""


@dataclass
class CategoryRow:
    code: str
    label: Localized
    provisions: list[ProvisionView] = field(default_factory=list)
    priorities: dict[str, int] = field(default_factory=dict)
    specified: list[tuple[Localized, list[ProvisionView]]] = field(default_factory=list)  # "other, please specify"


@dataclass
class LawRow:
    instrument: Localized
    references: list[Localized] = field(default_factory=list)
    years: list[str] = field(default_factory=list)
    link: str | None = None
    written: str = ""
    provisions: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Change:
    """A provision whose status changed since the previous submission."""

    provision: ProvisionView
    before: Localized
    now: Localized


@dataclass
class Changes:
    """What changed since the previous submission (:class:`~.model.Previous`)."""

    number: int
    as_of: str
    statuses: list[Change] = field(default_factory=list)
    newly_answered: list[ProvisionView] = field(default_factory=list)
    needs_added: list[ProvisionView] = field(default_factory=list)
    needs_removed: list[ProvisionView] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.statuses or self.newly_answered or self.needs_added or self.needs_removed)


@dataclass
class GeneralGroup:
    title: Localized
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
    questionnaire_title: Localized
    status_label: str
    as_of: str  # the long date of the answers, also the document's date
    mark: str | None  # draft, not_accepted or None (ProfileData.mark)
    organization: str
    symbol: str
    language_name: str
    general: list[GeneralGroup]
    chapters: list[ChapterView]
    chapter_rows: list[CountRow]
    level_rows: list[CountRow]
    total: CountRow
    buckets: tuple[str, ...]  # the buckets the figures show (exports.provisions.BUCKETS)
    status_names: tuple[Localized, ...]  # their names
    legend: list[tuple[Markup, Localized]]
    practices: list[tuple[ArticleView, Localized]]
    challenges: list[CategoryRow]
    challenge_details: list[ProvisionView]
    ta_categories: list[CategoryRow]
    ta_provisions: list[ProvisionView]
    received: list[tuple[ProvisionView, Received]]
    laws: list[LawRow]
    unanswered: list[tuple[ArticleView, list[ProvisionView]]]
    incomplete: list[ProvisionView]
    foreign: dict[str, int]  # language code -> answers written in it (other than the profile's)
    language_names: dict[str, str]
    changes: Changes | None  # since the previous submission (None: there is none)
    top_needs: list[CategoryRow]  # the kinds of assistance most asked for (the summary's)

    #: How many of the changed statuses and provision numbers the one-page summary lists.
    SHORT_LIST = 6

    def short(self, items: list[Any]) -> list[Any]:
        return items[: self.SHORT_LIST]

    def more(self, items: list[Any]) -> str:
        """"and 12 more" after a shortened list (empty when nothing was left out)."""
        hidden = len(items) - self.SHORT_LIST
        return self.labels.fmt("and_more", count=hidden) if hidden > 0 else ""

    @property
    def is_full(self) -> bool:
        return self.kind == "full"

    def cells(self, counts: Counts) -> tuple[int, ...]:
        """The counts of the buckets shown, in order."""
        return counts.of(self.buckets)

    @property
    def kind_title(self) -> str:
        if self.kind == "coordination":
            return self.labels.profile_coordination
        return self.labels.profile_full if self.is_full else self.labels.profile_summary

    @property
    def unanswered_count(self) -> int:
        return sum(len(views) for _, views in self.unanswered)

    @property
    def mark_text(self) -> str:
        return self.labels[f"mark_{self.mark}"] if self.mark else ""

    @property
    def colon(self) -> str:
        return COLONS.get(self.lang, ": ")

    @property
    def middot(self) -> str:
        return "\u3000" if self.lang == "zh" else " \u00b7 "

    @property
    def comma(self) -> str:
        return display.punctuation(self.lang)[0]

    @property
    def semicolon(self) -> str:
        return display.punctuation(self.lang)[1]

    def numbers(self, items: Iterable[ProvisionView | str]) -> Markup:
        """Provision numbers as a list in the profile's language: '5 (1), 7 (2)'; in a right-to-left
        profile the list runs from the right with the Arabic comma between numbers, each number a
        left-to-right isolate (:func:`ltr_number`) so that its parentheses stay with it."""
        numbers = [item if isinstance(item, str) else item.number for item in items]
        if self.rtl:  # a right-to-left mark first: the text layout takes its direction from it
            return Markup("\u200f") + Markup.escape(self.comma).join(numbers)
        return Markup.escape("\u3001" if self.lang == "zh" else self.comma).join(numbers)

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
        self.reader = display.Reader(self.q, lang, display.Words(labels.yes, labels.no))
        self.evaluation = engine.evaluate(self.q, data.answers)
        self.values = self.evaluation.values
        self.foreign: dict[str, int] = {}
        self.used: set[str] = set()
        self.group_ids: dict[str, str] = {}  # provision id -> its group
        framework = self.q.framework
        no_gaps = framework is not None and any(not level.gaps for level in framework.levels)
        #: The buckets the figures show (no_gap only where some level has no gaps).
        self.buckets = tuple(bucket for bucket in BUCKETS if bucket != "no_gap" or no_gaps)
        self.chapter_sections: set[str] = set()  # sections holding provisions

    # texts
    def content(self, text: engine.Text) -> Localized:
        return self.q.text(text, self.lang)

    def fixed(self, text: str) -> Localized:
        return Localized(text, self.lang, False)

    def answer_text(self, qid: str, text: str) -> Localized:
        written = self.data.answer_languages.get(qid) or self.lang
        return Localized(text, written, written != self.lang)

    def note_language(self, qid: str) -> Localized | None:
        """The language tag of a table answer (one per table)."""
        written = self.data.answer_languages.get(qid)
        if written and written != self.lang:
            return Localized(written, written, True)
        return None

    def count_foreign(self, qid: str, question: Question) -> None:
        written = self.data.answer_languages.get(qid)
        if question.type in TEXT_TYPES and written and written != self.lang:
            self.foreign[written] = self.foreign.get(written, 0) + 1

    def choice(self, question: Question, code: str) -> Localized:
        return display.SINGLE.show(self.reader, question, code)

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
        if kind == "url":
            href = safe_link(str(raw))
            return Value("link" if href else "text", text=Localized(str(raw), "en", False), href=href)
        reader = self.reader
        written = self.data.answer_languages.get(qid)
        if written:
            reader = display.Reader(self.q, self.lang, reader.words, written)
        return Value("long" if kind == "long_text" else "text", text=display.show(reader, question, raw))

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
        for layout, facts in zip(layouts(self.q), provision_facts(self.q, self.evaluation), strict=True):
            pid = layout.provision
            provision = framework.provisions[pid]
            level = framework.level(provision.level)
            number = provision_number(pid)
            if self.lang in engine.RTL_LANGUAGES:
                number = ltr_number(number)
            view = ProvisionView(
                id=pid, number=number, article=provision.article, chapter=provision.chapter,
                level=provision.level,
                level_label=self.content(level.label) if level else Localized(provision.level, "en", False),
                summary=self.content(provision.summary), order=order.get(layout.block.id, 0),
                bucket=facts.bucket)
            if facts.applicable:
                self.fill(view, layout, facts)
            found[pid] = view
            self.group_ids[pid] = layout.block.id
        return found

    def fill(self, view: ProvisionView, layout: Layout, facts: ProvisionFacts) -> None:
        roles, others = layout.roles, layout.others

        def answer(role: str, ids: Mapping[str, str] = roles) -> Any:
            qid = ids.get(role)
            if qid is None:
                return None
            self.used.add(qid)
            value = self.values.get(qid)
            if value is not None:
                self.count_foreign(qid, self.q.question(qid))
            return value

        def text(role: str, ids: Mapping[str, str] = roles) -> Localized | None:
            value = answer(role, ids)
            return self.answer_text(ids[role], str(value)) if value is not None else None

        if (role := facts.status_role) is not None:
            answer(role)
            view.status = facts.status
            view.status_label = self.status_label(self.q.question(roles[role]), facts.values[role])
        progress = self.evaluation.provisions.get(view.id)
        view.complete = progress is None or progress.required_answered >= progress.required
        if rows := answer("measures"):
            qid = roles["measures"]
            view.measures = [self.measure(qid, self.q.question(qid), row) for row in rows]
            view.measures_lang = self.note_language(qid)
        view.measures_summary = text("summary")
        view.examples = text("examples")
        if rows := answer("steps"):
            qid = roles["steps"]
            if isinstance(rows, str):  # steps written as a text, not a table
                view.steps = [Step(self.answer_text(qid, rows))]
            else:
                view.steps = [Step(self.answer_text(qid, row.get("step", "")), self.opt(qid, row.get("authority")),
                                   self.opt(qid, row.get("timeframe"))) for row in rows]
            view.steps_lang = self.note_language(qid)
        view.challenges = list(answer("challenges") or ())
        view.challenges_other = text("challenges", others)
        view.challenges_detail = text("challenges_detail")
        view.ta_needed = answer("assistance_needed")
        view.ta_categories = list(answer("assistance_kinds") or ())
        view.ta_other = text("assistance_kinds", others)
        if (priority := answer("assistance_priority")) is not None:
            view.ta_priority = priority
            view.ta_priority_label = self.choice(self.q.question(roles["assistance_priority"]), priority)
        view.ta_detail = text("assistance_detail")
        answer("assistance_received")
        if rows := answer("assistance_received_list"):
            qid = roles["assistance_received_list"]
            view.received = [Received(self.answer_text(qid, row.get("description", "")),
                                      self.opt(qid, row.get("provider"))) for row in rows]
            view.received_lang = self.note_language(qid)
        laid_out = {roles[role] for role in LAID_OUT if role in roles} | set(others.values())
        if facts.status_role is not None:
            laid_out.add(roles[facts.status_role])
        group = self.q.item(layout.block.id)
        assert isinstance(group, Group)
        view.other = self.entries(q for q in group.questions if q.id not in laid_out)

    def status_label(self, question: Question, value: Any) -> Localized:
        """The words of a status answer: the choice's label, or yes or no."""
        if isinstance(value, bool):
            return self.fixed(self.labels.yes if value else self.labels.no)
        return self.choice(question, value)

    def opt(self, qid: str, raw: Any) -> Localized | None:
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
            if self.data.shared is not None and chapter.id not in self.data.shared:
                continue
            title = self.content(chapter.title)
            heading = self.labels.fmt("chapter_title", number=chapter.id, title=title.text)
            chapter_view = ChapterView(chapter.id, Localized(heading, title.lang, title.is_fallback))
            for article_id in chapter.articles:
                article = framework.articles[article_id]
                article_view = ArticleView(article.id, chapter.id, self.content(article.title))
                for pid in article.provisions:
                    if pid in provisions:
                        view = provisions[pid]
                        article_view.provisions.append(view)
                        article_view.counts.add(view.bucket)
                        chapter_view.counts.add(view.bucket)
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
            if question.role == "good_practices":
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

    def _general_group(self, group: Group, out: list[GeneralGroup], short_only: bool, title: Localized) -> None:
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
        if data.chapters:  # a review cycle's profile: only its chapters
            provisions = {pid: view for pid, view in provisions.items() if view.chapter in data.chapters}
        self.chapter_sections = {self.q.section_of(gid).id for gid in self.group_ids.values()}
        chapters = self.chapters(provisions)
        self.article_answers(chapters)
        general = self.general(short_only=self.kind == "summary")
        rtl = lang in engine.RTL_LANGUAGES
        ordered = [view for chapter in chapters for article in chapter.articles for view in article.provisions]
        total = Counts()
        for chapter in chapters:
            total += chapter.counts
        names = self.bucket_names
        if self.kind == "summary":  # no column of zeros
            self.buckets = tuple(bucket for bucket in self.buckets if getattr(total, bucket))
        status_names = tuple(names[bucket] for bucket in self.buckets)
        chapter_rows = [CountRow(c.title, c.counts, self.bar(c.counts, c.title.text), c.anchor) for c in chapters]
        ta_categories = self.categories(ordered, "assistance_kinds", "ta_categories", "ta_other")
        return Profile(
            data=data, lang=lang, kind=self.kind, rtl=rtl, labels=labels, state_name=data.state_name(lang),
            region_name=str(self.locale.territories.get(data.region, data.region)),
            questionnaire_title=self.content(self.q.title),
            status_label=labels.get(f"status_{data.status}", data.status),
            as_of=display.long_date(data.as_of, lang) if data.as_of else "",
            mark=data.mark, organization=data.cover.organization_in(lang),
            symbol=data.cover.symbol_of(data.state_code, (data.as_of or datetime.now(UTC)).year, self.kind, lang,
                                        data.snapshot_number),
            language_name=self.locale.get_display_name(lang) or lang,
            general=general, chapters=chapters, chapter_rows=chapter_rows, level_rows=self.level_rows(ordered, rtl),
            total=CountRow(self.fixed(labels.total), total, self.bar(total, labels.total)), buckets=self.buckets,
            status_names=status_names,
            legend=[(chart.swatch(chart.COLOURS[bucket], name.text), name)
                    for bucket, name in zip(self.buckets, status_names, strict=True)],
            practices=[(article, text) for chapter in chapters for article in chapter.articles
                       for text in article.practices],
            challenges=self.categories(ordered, "challenges", "challenges", "challenges_other"),
            challenge_details=[v for v in ordered if v.challenges or v.challenges_detail],
            ta_categories=ta_categories,
            ta_provisions=[v for v in ordered if v.ta_needed],
            received=[(v, item) for v in ordered for item in v.received],
            laws=self.laws(ordered),
            unanswered=[(article, missing) for chapter in chapters for article in chapter.articles
                        if (missing := [v for v in article.provisions if v.bucket == "not_answered"])],
            incomplete=[v for v in ordered if v.status is not None and not v.complete],
            foreign=dict(sorted(self.foreign.items())),
            language_names={code: str(self.locale.languages.get(code, code)) for code in self.foreign},
            changes=self.changes(ordered, names),
            top_needs=sorted(ta_categories, key=lambda row: (-len(row.provisions), -row.priorities["high"]))[:5],
        )

    @functools.cached_property
    def bucket_names(self) -> dict[str, Localized]:
        """The names of the buckets: the compliance question's own words where there is one (worked
        out once: every bar's alternative text reads them)."""
        question = next(iter(self.q.with_role("compliance")), None)
        names = {"yes": self.fixed(self.labels.yes), "partial": self.fixed(self.labels.partial),
                 "no": self.fixed(self.labels.no), "no_gap": self.fixed(self.labels.no_gap),
                 "not_answered": self.fixed(self.labels.not_answered)}
        if question is not None:
            names.update({code: self.choice(question, code) for code in STATUSES})
        return names

    def bar(self, counts: Counts, label: str) -> Markup:
        """The bar of ``counts``, its alternative text the label and the figures in words."""
        names = self.bucket_names
        comma = display.punctuation(self.lang)[0]
        figures = zip(self.buckets, counts.of(self.buckets), strict=True)
        words = comma.join(f"{names[bucket].text} {count}" for bucket, count in figures)
        return chart.stacked_bar(counts.of(self.buckets), self.lang in engine.RTL_LANGUAGES,
                                 colours=[chart.COLOURS[bucket] for bucket in self.buckets],
                                 title=label + COLONS.get(self.lang, ": ") + words)

    def changes(self, ordered: list[ProvisionView], names: Mapping[str, Localized]) -> Changes | None:
        """What changed since the previous submission, provision by provision."""
        previous = self.data.previous
        if previous is None:
            return None
        evaluation = engine.evaluate(previous.questionnaire, previous.answers)
        before = {facts.provision: facts for facts in provision_facts(previous.questionnaire, evaluation)}
        changes = Changes(previous.number, display.long_date(previous.as_of, self.lang))
        for view in ordered:
            old = before.get(view.id)
            old_bucket = old.bucket if old is not None and old.applicable else "not_answered"
            if view.bucket is None or old_bucket is None or old_bucket == view.bucket:
                pass
            elif old_bucket == "not_answered":
                changes.newly_answered.append(view)
            elif view.bucket != "not_answered":
                changes.statuses.append(Change(view, names[old_bucket], names[view.bucket]))
            needed_before = bool(old is not None and old.applicable and old.values.get("assistance_needed"))
            if view.ta_needed and not needed_before:
                changes.needs_added.append(view)
            elif needed_before and not view.ta_needed:
                changes.needs_removed.append(view)
        return changes

    def level_rows(self, ordered: list[ProvisionView], rtl: bool) -> list[CountRow]:
        framework = self.q.framework
        assert framework is not None
        rows = []
        for level in framework.levels:
            counts = Counts()
            for view in ordered:
                if view.level == level.code:
                    counts.add(view.bucket)
            if counts.total:
                label = self.content(level.label)
                rows.append(CountRow(label, counts, self.bar(counts, label.text)))
        return rows

    def categories(self, ordered: list[ProvisionView], role: str, attribute: str, other: str) -> list[CategoryRow]:
        """Provisions by the choices of ``role`` (challenges, kinds of assistance), from the views'
        ``attribute``, with what was specified for an "other" choice under ``other``."""
        choices = choices_of(self.q, role)
        other_codes = {choice.code for choice in choices if choice.other}
        rows = {choice.code: CategoryRow(choice.code, self.content(choice.label),
                                         priorities=dict.fromkeys(PRIORITIES, 0))
                for choice in choices}
        for view in ordered:
            for code in getattr(view, attribute):
                row = rows.get(code)
                if row is None:
                    continue
                row.provisions.append(view)
                if view.ta_priority in row.priorities and attribute == "ta_categories":
                    row.priorities[view.ta_priority] += 1
                specified = getattr(view, other)
                if specified and code in other_codes:
                    same = next((entry for entry in row.specified
                                 if entry[0].text.strip().casefold() == specified.text.strip().casefold()), None)
                    if same is None:
                        row.specified.append((specified, [view]))
                    else:
                        same[1].append(view)
        return [row for row in rows.values() if row.provisions]

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
