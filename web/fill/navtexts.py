"""The side navigation's texts: what it shows of a questionnaire version whatever the answers,
worked out once and kept (issue 16: the navigation lists every page, 269 for the UNCAC checklist,
on every page of answers, and used to work out and escape every title on each of them).

**What is kept**: for every page of the version, in document order, its titles (its own, its
chapter's, its article's) as escaped HTML, its id as escaped HTML (for its link), what
the filters read (level, search text, references) and the key that groups it under its chapter and
article; and the titles of the chapters and of the framework's levels (the filters' choices).

**Where, and why it is safe to keep**: in ``q.index.cache`` under ``navigation:<language>``. The
questionnaire object is one version's content (``web.catalog`` loads one per content hash and never
changes it), so the cache lives and dies with that version; the language is in the key, and every
text kept is that version's text in that language (``web.content`` reads the questionnaire and
that language's catalog, for titles made from a provision number, and nothing else). They
cover *every* page of the version: a layout (a review cycle's chapters) or a person's scope
only leaves pages out, and that is decided per request, as is everything that depends on a response
or a person: statuses, open comments, the current page, the filters, the links' response id
(``web.fill.navigation`` groups and filters, ``web.fill.sidenav`` writes the HTML).
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import escape

import engine

from ..content import group_title, text
from ..i18n import current_language
from .pages import pages


@dataclass(frozen=True, slots=True)
class Entry:
    """What the navigation shows of a page whatever the answers, in one language (cached)."""

    page_id: str
    section_id: str
    article_id: str
    level: str  # the framework level's code, for the filter
    search: str  # what the search reads, case-folded
    refs: tuple[str, ...]  # the provisions (and article) it answers: "15", "15.a"
    group: str  # its chapter and article ("<chapter id>/<article id>"): pages with the same one are listed together
    id_html: str  # the page id, escaped (for its link)
    title_html: str  # the titles, escaped
    section_html: str
    article_html: str  # empty: a page directly in a chapter, without an article heading


@dataclass(frozen=True)
class NavTexts:
    """Every page's entry in document order, and the filters' choices, in one language (cached)."""

    entries: tuple[Entry, ...]
    chapters: tuple[tuple[str, str], ...]  # (id, title) of every chapter
    levels: tuple[tuple[str, str], ...]  # (code, label) of the framework's levels of obligation


def nav_texts(q: engine.Questionnaire) -> NavTexts:
    """The navigation's texts of ``q`` in the interface language (worked out on first use, then kept)."""
    key = f"navigation:{current_language()}"
    found: NavTexts | None = q.index.cache.get(key)
    if found is None:
        found = q.index.cache[key] = _nav_texts(q)
    return found


def _nav_texts(q: engine.Questionnaire) -> NavTexts:
    framework = q.framework
    entries = []
    articles: dict[str, str] = {}
    sections: dict[str, str] = {}
    for page in pages(q).list:
        group = page.article
        if group is not None and group.id not in articles:
            articles[group.id] = group_title(q, group).text
        article_title = articles[group.id] if group is not None else ""
        if page.section.id not in sections:
            sections[page.section.id] = text(q, page.section.title).text
        section_title = sections[page.section.id]
        refs = page.group.provisions
        level = ""
        if framework is not None and len(refs) == 1 and refs[0] in framework.provisions:
            level = framework.provisions[refs[0]].level
        title = group_title(q, page.group).text
        article_id = group.id if group is not None else ""
        entries.append(Entry(
            page_id=page.id, section_id=page.section.id, article_id=article_id, level=level,
            search=f"{title} {article_title}".casefold(),
            refs=refs + (group.provisions if group is not None else ()), group=f"{page.section.id}/{article_id}",
            id_html=str(escape(page.id)), title_html=str(escape(title)), section_html=str(escape(section_title)),
            article_html=str(escape(article_title))))
    chapters = tuple((s.id, text(q, s.title).text) for s in q.sections)
    levels = tuple((lv.code, text(q, lv.label).text) for lv in framework.levels) if framework is not None else ()
    return NavTexts(tuple(entries), chapters, levels)
