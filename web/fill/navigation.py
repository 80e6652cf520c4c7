"""Finding one's way through a response: the side navigation, its filters and search, "n of N",
"next unanswered" and "next with problems".

Everything is plain links and a GET form, so it works without JavaScript. Statuses and figures come
from ``web.progress`` (one definition of progress); this module only groups and filters pages:
sections (chapters) > articles > pages (provisions).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

import engine

from ..content import group_title, text
from ..db import db
from ..i18n import current_language
from ..models import Comment, Response
from ..progress import STATUSES, Figure, Tracker
from ..templating import status_label
from .pages import Page, pages

#: The status filter's choices (``comments``: pages with an open review comment).
FILTERS = {
    "not_started": _l("Not started"), "in_progress": _l("In progress"), "complete": _l("Complete"),
    "has_errors": _l("With problems"), "comments": _l("With open comments"),
}
#: Longest search text read from a request.
MAX_FIND = 100
_SLOT = "page_id_slot"


@dataclass(frozen=True)
class Filters:
    status: str = ""
    level: str = ""
    chapter: str = ""
    find: str = ""

    @classmethod
    def read(cls, args: Mapping[str, str], q: engine.Questionnaire) -> Filters:
        status = args.get("status", "")
        level = args.get("level", "")
        chapter = args.get("chapter", "")
        framework = q.framework
        return cls(status if status in FILTERS else "",
                   level if framework is not None and framework.level(level) is not None else "",
                   chapter if any(s.id == chapter for s in q.sections) else "",
                   " ".join(args.get("find", "").split())[:MAX_FIND])

    @property
    def active(self) -> bool:
        return bool(self.status or self.level or self.chapter or self.find)

    def args(self) -> dict[str, str]:
        """The filters as query arguments, to keep them on the next page."""
        return {k: v for k, v in (("status", self.status), ("level", self.level), ("chapter", self.chapter),
                                  ("find", self.find)) if v}


@dataclass
class Item:
    """A page in the navigation: its title, status and open comments."""

    page: Page
    title: str
    status: str
    comments: int = 0
    url: str = ""  # the page's link, with the filters kept
    label: str = ""  # the status, as the reader reads it


@dataclass
class _Group:
    """A heading of the navigation: its figure, and whether it holds the current page."""

    id: str
    title: str
    figure: Figure = Figure(0, 0)
    current: bool = False


@dataclass
class Article(_Group):
    items: list[Item] = field(default_factory=list)


@dataclass
class Section(_Group):
    articles: list[Article] = field(default_factory=list)


@dataclass
class Navigation:
    sections: list[Section]
    filters: Filters
    figure: Figure  # over the pages in scope
    scoped: bool  # a person limited to some pages (their figure is of those)
    whole: Figure  # the whole response's figure
    position: int  # the current page's place among the pages in scope (1-based; 0 if none)
    count: int
    next_unanswered: Page | None
    next_problem: Page | None
    matches: int  # pages the filters let through
    levels: list[tuple[str, str]]
    chapters: list[tuple[str, str]]
    current: str | None = None  # the page shown, if any (its link is marked)


def open_comments(response: Response, layout: Any) -> dict[str, int]:
    """Open review comments (threads, not replies) per page."""
    rows = db.session.execute(select(Comment.question_id, func.count()).where(
        Comment.response_id == response.id, Comment.status == "open", Comment.parent_id.is_(None),
        Comment.question_id.is_not(None)).group_by(Comment.question_id)).all()
    out: dict[str, int] = {}
    for qid, count in rows:
        page = layout.of_question.get(qid)
        if page is not None:
            out[page.id] = out.get(page.id, 0) + count
    return out


@dataclass(frozen=True)
class Entry:
    """What the navigation shows of a page whatever the answers, in one language (cached)."""

    page: Page
    title: str
    section_title: str
    article_id: str
    article_title: str
    level: str  # the framework level's code, for the filter
    search: str  # what the search reads, case-folded
    refs: tuple[str, ...]  # the provisions (and article) it answers: "15", "15.a"


def entries(q: engine.Questionnaire, layout: Any) -> list[Entry]:
    """Every page's entry in the interface language (what does not depend on the answers is
    computed once per questionnaire and language, then given the layout's own pages)."""
    lang = current_language()
    key = f"navigation:{lang}"
    cached: dict[str, Entry] | None = q.index.cache.get(key)
    if cached is None:
        cached = q.index.cache[key] = _entries(q, pages(q))
    return [entry if (entry := cached[page.id]).page is page else replace(entry, page=page) for page in layout.list]


def _entries(q: engine.Questionnaire, layout: Any) -> dict[str, Entry]:
    framework = q.framework
    out = {}
    articles: dict[str, str] = {}
    for page in layout.list:
        group = page.article
        if group is not None and group.id not in articles:
            articles[group.id] = group_title(q, group).text
        article_title = articles[group.id] if group is not None else ""
        refs = page.group.provisions
        level = ""
        if framework is not None and len(refs) == 1 and refs[0] in framework.provisions:
            level = framework.provisions[refs[0]].level
        title = group_title(q, page.group).text
        out[page.id] = Entry(page, title, text(q, page.section.title).text, group.id if group is not None else "",
                             article_title, level, f"{title} {article_title}".casefold(),
                             refs + (group.provisions if group is not None else ()))
    return out


def build(q: engine.Questionnaire, tracker: Tracker, response: Response, current: Page | None,
          filters: Filters, scoped: bool) -> Navigation:
    """The navigation for one response, as seen by one person, with ``current`` marked."""
    framework = q.framework
    comments = open_comments(response, tracker.pages)
    in_scope = {page.id for page in tracker.in_scope}
    # One link and one label worked out, then reused: the navigation lists every page (page ids are
    # identifiers, [a-z0-9_-], so they need no quoting in a link).
    values: dict[str, Any] = {"response_id": response.id, "page_id": _SLOT, **filters.args()}
    link = url_for("fill.page", **values)
    labels = {code: status_label(code) for code in STATUSES}
    sections: list[Section] = []
    matches = 0
    by_article: dict[str, Article] = {}
    number = as_reference(filters.find) if filters.find else None
    for entry in entries(q, tracker.pages):
        page = entry.page
        status = tracker.status(page)
        if page.id not in in_scope or status == "not_applicable":
            continue
        section = sections[-1] if sections and sections[-1].id == page.section.id else None
        if section is None:
            section = Section(page.section.id, entry.section_title)
            sections.append(section)
        key = f"{page.section.id}/{entry.article_id}"
        article = by_article.get(key)
        if article is None:
            article = by_article[key] = Article(entry.article_id, entry.article_title)
            section.articles.append(article)
        item = Item(page, entry.title, status, comments.get(page.id, 0), link.replace(_SLOT, page.id, 1),
                    labels[status])
        if not _passes(entry, item, filters, number):
            continue
        matches += 1
        article.items.append(item)
        if current is not None and page.id == current.id:
            article.current = section.current = True
    for section in sections:
        section.articles = [a for a in section.articles if a.items]
        for article in section.articles:
            article.figure = tracker.figure(i.page for i in article.items)
        section.figure = tracker.figure(p for p in tracker.in_scope if p.section.id == section.id)
    sections = [s for s in sections if s.articles]
    ordered = [p for p in tracker.in_scope if tracker.status(p) != "not_applicable"]
    position = next((i + 1 for i, p in enumerate(ordered) if current is not None and p.id == current.id), 0)
    levels = [(lv.code, text(q, lv.label).text) for lv in framework.levels] if framework is not None else []
    chapters = [(s.id, text(q, s.title).text) for s in q.sections
                if any(p.section.id == s.id for p in tracker.pages.list if p.id in in_scope)]
    return Navigation(
        sections, filters, tracker.figure(), scoped, tracker.figure(tracker.pages.list), position, len(ordered),
        tracker.next_to_do(current, ("not_started", "in_progress")), tracker.next_to_do(current, ("has_errors",)),
        matches, levels, chapters, current.id if current is not None else None)


def _passes(entry: Entry, item: Item, filters: Filters, number: str | None) -> bool:
    """Whether a page passes the filters (``number``: the searched text read as a reference, once)."""
    if filters.status == "comments":
        if not item.comments:
            return False
    elif filters.status and item.status != filters.status:
        return False
    if filters.level and entry.level != filters.level:
        return False
    if filters.chapter and entry.page.section.id != filters.chapter:
        return False
    if not filters.find:
        return True
    if number is not None:  # "15", "15 (1) (a)", "44.15": that article or provision and what it holds
        return any(ref == number or ref.startswith(number + ".") for ref in entry.refs)
    return filters.find.casefold() in entry.search


_NUMBER = re.compile(r"\d+(?:\s*[.(]?\s*[0-9a-z]{1,3}\s*\)?)*", re.IGNORECASE)


def as_reference(find: str) -> str | None:
    """A searched article or provision number as a framework reference ("15 (1) (a)" -> "15.1.a")."""
    find = find.strip()
    if not _NUMBER.fullmatch(find):
        return None
    return ".".join(re.findall(r"[0-9a-z]+", find.casefold()))
