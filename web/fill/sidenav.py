"""The side navigation's list of pages as HTML: chapters > articles > pages, each page a link with
its status (``fill/_side_nav.html`` writes the rest: the heading, the figure, the filters).

It lists every page of the questionnaire (269 for the UNCAC checklist) on every page of answers and
on the contents, so it is written here with plain string joins rather than by a Jinja loop, which
took a fifth of a page's time (attribute lookups, escaping, a translation and two numbers per
heading). The markup is the one the template wrote: the same elements, attributes, text and
spacing between inline elements. Every text is escaped; a translated phrase is taken as Jinja takes
it (markup, its values escaped).
"""

from __future__ import annotations

from flask_babel import get_locale, get_translations
from markupsafe import Markup, escape

from ..progress import Figure
from ..templating import whole_number
from .navigation import Article, Item, Navigation, Section


def pages_html(nav: Navigation) -> Markup:
    """``<ul class="side-nav-sections">`` with the sections, articles and pages ``nav`` shows."""
    return _Writer(nav).html()


class _Writer:
    def __init__(self, nav: Navigation):
        self.nav = nav
        self.catalog = get_translations()
        self.locale = get_locale()
        self.phrase = self.catalog.ugettext("%(done)s of %(total)s")  # a translation: markup, as Jinja takes it
        self.counts: dict[Figure, str] = {}
        self.opened = nav.filters.active  # a search or a filter shows every heading unfolded
        self.out: list[str] = []
        self.statuses: dict[str, tuple[Markup, Markup]] = {}  # status -> (code, label), escaped once

    def html(self) -> Markup:
        self.out.append('<ul class="side-nav-sections">\n')
        for section in self.nav.sections:
            self.section(section)
        self.out.append("</ul>")
        return Markup("".join(self.out))  # noqa: S704 - every text is escaped on the way in

    def count(self, figure: Figure) -> str:
        """"3 of 12", as the reader's language writes it (the same few recur: kept for the call)."""
        found = self.counts.get(figure)
        if found is None:  # CLDR's digits and separators: nothing to escape in them
            found = self.counts[figure] = self.phrase % {"done": whole_number(figure.complete, self.locale),
                                                         "total": whole_number(figure.total, self.locale)}
        return found

    def section(self, section: Section) -> None:
        self.out.append(f'<li><details{" open" if section.current or self.opened else ""}>\n'
                        f'<summary><span class="side-nav-section">{escape(section.title)}</span>\n'
                        f'<span class="side-nav-count">{self.count(section.figure)}</span></summary>\n<ul>\n')
        for article in section.articles:
            self.article(article)
        self.out.append("</ul>\n</details></li>\n")

    def article(self, article: Article) -> None:
        if article.title:  # pages directly in a chapter have no heading of their own
            self.out.append(f'<li><details{" open" if article.current or self.opened else ""}>\n'
                            f"<summary><span>{escape(article.title)}</span> "
                            f'<span class="side-nav-count">{self.count(article.figure)}</span></summary>\n<ul>\n')
        else:
            self.out.append("<li>\n<ul>\n")
        for item in article.items:
            self.out.append(self.item(item))
        self.out.append("</ul>\n</details></li>\n" if article.title else "</ul>\n</li>\n")

    def item(self, item: Item) -> str:
        status, label = self.statuses.get(item.status) or self.statuses.setdefault(
            item.status, (escape(item.status), escape(item.label)))
        comments = ""
        if item.comments:
            phrase = self.catalog.ungettext("%(num)d open comment", "%(num)d open comments", item.comments)
            comments = (f'\n<span class="status status-comments">'
                        f'{Markup(phrase) % {"num": item.comments}}</span>')  # noqa: S704 - a translation
        here = ' aria-current="page"' if item.page.id == self.nav.current else ""
        return (f'<li class="side-nav-page status-line-{status}">\n<a href="{escape(item.url)}"{here}>\n'
                f'<span class="side-nav-page-title">{escape(item.title)}</span>\n'
                f'<span class="status status-{status}">{label}</span>{comments}\n</a>\n</li>\n')
