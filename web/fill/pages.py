"""How a questionnaire is cut into pages: one clear question area per page.

A group that holds questions is a page (a provision, the focal point, ...); consecutive questions
directly inside a section or a group that also holds groups form a page of their own. Pages keep
document order, so conditions only ever read answers on the same or earlier pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import engine
from engine.model import Group, Question


@dataclass(frozen=True)
class Page:
    id: str
    section: Group
    group: Group  # the group the page shows (for run pages: the container)
    questions: tuple[Question, ...]
    trail: tuple[Group, ...]  # the groups above it, outermost first (section first)
    index: int

    @property
    def question_ids(self) -> tuple[str, ...]:
        return tuple(q.id for q in self.questions)

    @property
    def article(self) -> Group | None:
        """The innermost group above the page that maps to the framework (an article), if any."""
        return next((g for g in reversed(self.trail) if g.provisions and g.kind == "group"), None)


class Pages:
    def __init__(self, q: engine.Questionnaire):
        self.list: list[Page] = []
        self.by_id: dict[str, Page] = {}
        self.of_question: dict[str, Page] = {}
        for section in q.sections:
            self._walk(section, section, ())

    def _walk(self, group: Group, section: Group, trail: tuple[Group, ...]) -> None:
        runs: list[list[Question]] = []
        current: list[Question] = []
        for item in group.items:
            if isinstance(item, Question):
                current.append(item)
                continue
            if current:
                self._add(group, section, trail, current, len(runs))
                runs.append(current)
                current = []
            self._walk(item, section, trail + (group,))
        if current:
            self._add(group, section, trail, current, len(runs))

    def _add(self, group: Group, section: Group, trail: tuple[Group, ...], questions: list[Question],
             run: int) -> None:
        page_id = group.id if run == 0 else f"{group.id}-{run + 1}"
        page = Page(page_id, section, group, tuple(questions), trail, len(self.list))
        self.list.append(page)
        self.by_id[page_id] = page
        for question in questions:
            self.of_question[question.id] = page

    def neighbours(self, page: Page) -> tuple[Page | None, Page | None]:
        before = self.list[page.index - 1] if page.index > 0 else None
        after = self.list[page.index + 1] if page.index + 1 < len(self.list) else None
        return before, after

    def subset(self, keep: Callable[[Page], bool]) -> Pages:
        """The pages ``keep`` accepts, in the same order (e.g. the chapters of a review cycle)."""
        out = Pages.__new__(Pages)
        out.list, out.by_id, out.of_question = [], {}, {}
        for page in self.list:
            if keep(page):
                page = replace(page, index=len(out.list))
                out.list.append(page)
                out.by_id[page.id] = page
                out.of_question.update(dict.fromkeys(page.question_ids, page))
        return out

    def in_section(self, section: Group) -> list[Page]:
        return [page for page in self.list if page.section.id == section.id]


def pages(q: engine.Questionnaire) -> Pages:
    cached: Pages | None = q.index.cache.get("pages")
    if cached is None:
        cached = q.index.cache["pages"] = Pages(q)
    return cached
