"""The side navigation's list of pages as HTML: chapters > articles > pages, each page a link with
its status (``fill/_side_nav.html`` writes the rest: the heading, the figure, the filters).

It lists every page of the questionnaire (269 for the UNCAC checklist) on every page of answers and
on the contents, so it is written here with plain string joins rather than by a Jinja loop, which
took a fifth of a page's time (attribute lookups, escaping, a translation and two numbers per
heading). The markup is the one the template wrote: the same elements, attributes, text and
spacing between inline elements. Every text is escaped; a translated phrase is taken as Jinja takes
it (markup, its values escaped).

The titles and page ids come escaped from ``web.fill.navtexts`` (kept per questionnaire
version and language); per request, each status and its label is escaped once, and the link once:
a page's link is that link with the page's id in it.
"""

from __future__ import annotations

from flask_babel import get_locale
from markupsafe import Markup, escape

from ..i18n import catalog
from ..progress import Figure
from ..templating import status_label, whole_number
from .navigation import SLOT, Article, Item, Navigation, Section


def pages_html(nav: Navigation) -> Markup:
    """``<ul class="side-nav-sections">`` with the sections, articles and pages ``nav`` shows."""
    return _Writer(nav).html()


class _Writer:
    def __init__(self, nav: Navigation):
        self.nav = nav
        self.catalog = catalog()
        self.locale = get_locale()
        self.phrase = self.catalog.ugettext("%(done)s of %(total)s")  # a translation: markup, as Jinja takes it
        self.counts: dict[Figure, str] = {}
        self.opened = nav.filters.active  # a search or a filter shows every heading unfolded
        self.out: list[str] = []
        self.statuses: dict[str, tuple[str, str]] = {}  # status -> (code, label), escaped once
        # a page's link: before its id, and after it (to the closing quote)
        self.link_start, link_end = str(escape(nav.link)).split(SLOT, 1)
        self.link_end = link_end + '"'
        self.link_end_here = link_end + '" aria-current="page"'

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
                        f'<summary><span class="side-nav-section">{section.title_html}</span>\n'
                        f'<span class="side-nav-count">{self.count(section.figure)}</span></summary>\n<ul>\n')
        for article in section.articles:
            self.article(article)
        self.out.append("</ul>\n</details></li>\n")

    def article(self, article: Article) -> None:
        if article.title_html:  # pages directly in a chapter have no heading of their own
            self.out.append(f'<li><details{" open" if article.current or self.opened else ""}>\n'
                            f"<summary><span>{article.title_html}</span> "
                            f'<span class="side-nav-count">{self.count(article.figure)}</span></summary>\n<ul>\n')
        else:
            self.out.append("<li>\n<ul>\n")
        for item in article.items:
            self.out.append(self.item(item))
        self.out.append("</ul>\n</details></li>\n" if article.title_html else "</ul>\n</li>\n")

    def item(self, item: Item) -> str:
        found = self.statuses.get(item.status)
        if found is None:
            found = self.statuses[item.status] = (str(escape(item.status)), str(escape(status_label(item.status))))
        status, label = found
        comments = ""
        if item.comments:
            phrase = self.catalog.ungettext("%(num)d open comment", "%(num)d open comments", item.comments)
            comments = (f'\n<span class="status status-comments">'
                        f'{Markup(phrase) % {"num": item.comments}}</span>')  # noqa: S704 - a translation
        entry = item.entry
        end = self.link_end_here if entry.page_id == self.nav.current else self.link_end
        return (f'<li class="side-nav-page status-line-{status}">\n<a href="{self.link_start}{entry.id_html}{end}>\n'
                f'<span class="side-nav-page-title">{entry.title_html}</span>\n'
                f'<span class="status status-{status}">{label}</span>{comments}\n</a>\n</li>\n')
