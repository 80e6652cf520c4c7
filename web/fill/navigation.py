"""Finding one's way through a response: the side navigation, its filters and search, "n of N",
"next unanswered" and "next with problems".

Everything is plain links and a GET form, so it works without JavaScript. Statuses and figures come
from ``web.progress`` (one definition of progress); this module only groups and filters pages:
sections (chapters) > articles > pages (provisions).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select

import engine

from ..db import db
from ..models import Comment, Response
from ..progress import UNCOUNTED, Figure, Tracker
from .navtexts import Entry, nav_texts
from .pages import Page

#: The status filter's choices (``comments``: pages with an open review comment).
FILTERS = {
    "not_started": _l("Not started"), "in_progress": _l("In progress"), "complete": _l("Complete"),
    "has_errors": _l("With problems"), "comments": _l("With open comments"),
}
#: Longest search text read from a request.
MAX_FIND = 100
#: Stands for the page id in ``Navigation.link``.
SLOT = "page_id_slot"


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


@dataclass(slots=True)
class Item:
    """A page in the navigation: its entry (titles, cached), status and open comments."""

    entry: Entry
    status: str
    comments: int = 0


@dataclass
class _Group:
    """A heading of the navigation: its title (escaped, cached), its figure (complete pages out of
    counted ones), and whether it holds the current page."""

    id: str
    title_html: str
    complete: int = 0
    counted: int = 0
    current: bool = False

    @property
    def figure(self) -> Figure:
        return Figure(self.complete, self.counted)

    def count(self, status: str) -> None:
        if status not in UNCOUNTED:
            self.counted += 1
            self.complete += status == "complete"


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
    link: str = ""  # a page's link with the filters kept, ``SLOT`` in place of its id (not escaped)


#: Built once (every page runs it): SQLAlchemy then keeps its cache key with it.
_OPEN_COMMENTS = select(Comment.question_id, func.count()).where(
    Comment.response_id == bindparam("response_id"), Comment.status == "open", Comment.parent_id.is_(None),
    Comment.question_id.is_not(None)).group_by(Comment.question_id)


def open_comments(response: Response, layout: Any) -> dict[str, int]:
    """Open review comments (threads, not replies) per page. Counted by the database rather than read
    with the page's own comments in one query (``web.fill._open_comments``): nothing bounds a
    response's open threads (the secretariat's and every country review's experts open them, up to
    5,000 characters each), so reading them all on every render could cost more than this count."""
    rows = db.session.execute(_OPEN_COMMENTS, {"response_id": response.id}).all()
    out: dict[str, int] = {}
    for qid, count in rows:
        page = layout.of_question.get(qid)
        if page is not None:
            out[page.id] = out.get(page.id, 0) + count
    return out


def build(q: engine.Questionnaire, tracker: Tracker, response: Response, current: Page | None,
          filters: Filters, scoped: bool) -> Navigation:
    """The navigation for one response, as seen by one person, with ``current`` marked.

    What does not depend on the answers comes from ``web.fill.navtexts`` (kept per
    version and language); here, per request, only what does: each page's status and open comments,
    which pages are shown (in the layout and the person's scope, applicable, through the filters),
    the headings they fall under, the figures and the current page."""
    cached = nav_texts(q)
    comments = open_comments(response, tracker.pages)
    statuses = tracker.statuses  # the pages of the layout (a review cycle's chapters: fewer)
    in_scope = None if len(tracker.in_scope) == len(tracker.pages.list) else {p.id for p in tracker.in_scope}
    here = current.id if current is not None else None
    filtering = filters.active
    number = as_reference(filters.find) if filters.find else None
    sections: list[Section] = []
    by_group: dict[str, Article] = {}
    chapters_in_scope: set[str] = set()
    matches = position = count = 0
    for entry in cached.entries:
        page_id = entry.page_id
        status = statuses.get(page_id)
        if status is None or (in_scope is not None and page_id not in in_scope):
            continue
        chapters_in_scope.add(entry.section_id)
        if status == "not_applicable":
            continue
        count += 1
        if page_id == here:
            position = count
        section = sections[-1] if sections and sections[-1].id == entry.section_id else None
        if section is None:
            section = Section(entry.section_id, entry.section_html)
            sections.append(section)
        section.count(status)  # the chapter's figure: every page in scope, whatever the filters
        article = by_group.get(entry.group)
        if article is None:
            article = by_group[entry.group] = Article(entry.article_id, entry.article_html)
            section.articles.append(article)
        item = Item(entry, status, comments.get(page_id, 0))
        if filtering and not _passes(item, filters, number):
            continue
        matches += 1
        article.items.append(item)
        article.count(status)
        if page_id == here:
            article.current = section.current = True
    for section in sections:
        section.articles = [a for a in section.articles if a.items]
    sections = [s for s in sections if s.articles]
    # One link worked out, then reused: the navigation lists every page (page ids are identifiers,
    # [a-z0-9_-], so they need no quoting in a link).
    values: dict[str, Any] = {"response_id": response.id, "page_id": SLOT, **filters.args()}
    link = url_for("fill.page", **values)
    return Navigation(
        sections, filters, tracker.figure(), scoped, tracker.figure(tracker.pages.list), position, count,
        tracker.next_to_do(current, ("not_started", "in_progress")), tracker.next_to_do(current, ("has_errors",)),
        matches, list(cached.levels), [c for c in cached.chapters if c[0] in chapters_in_scope],
        here, link)


def _passes(item: Item, filters: Filters, number: str | None) -> bool:
    """Whether a page passes the filters (``number``: the searched text read as a reference, once)."""
    entry = item.entry
    if filters.status == "comments":
        if not item.comments:
            return False
    elif filters.status and item.status != filters.status:
        return False
    if filters.level and entry.level != filters.level:
        return False
    if filters.chapter and entry.section_id != filters.chapter:
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
