"""Check your answers before submitting: what is left to do, one line per page, grouped by chapter
and article; when nothing is left, every answer with a "Change" link. Submitting starts here.

Statuses and the figure come from ``web.progress``; problems are put into words by
``web.fill.messages``; answers by ``exports.display`` (the same words as the PDF).
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

import engine
from exports import display as shown

from .. import progress
from ..content import place_heading, text, words
from ..fill.messages import cell_message, message
from ..fill.pages import Page, Pages
from ..i18n import current_language


@dataclass
class Line:
    """One page: what it lacks (when incomplete) or its answers (when complete)."""

    page: Page
    title: str  # HTML (:func:`web.content.place_heading`)
    status: str
    missing: list[str] = field(default_factory=list)  # labels of the missing answers
    problems: list[str] = field(default_factory=list)
    answers: list[tuple[str, str]] = field(default_factory=list)  # (question, answer) in words


@dataclass
class Group:
    title: str  # HTML, as Line.title
    lines: list[Line] = field(default_factory=list)


@dataclass
class Chapter:
    id: str
    title: str
    groups: list[Group] = field(default_factory=list)


@dataclass
class Check:
    figure: progress.Figure
    complete: bool
    chapters: list[Chapter]  # what is left when incomplete, else every answer
    to_do: int  # pages left


def build(q: engine.Questionnaire, evaluation: engine.Evaluation, layout: Pages | None = None,
          pending: AbstractSet[str] = frozenset()) -> Check:
    """``layout``: the pages of the response (a review cycle's chapters); ``pending``: carried-over
    answers not yet confirmed."""
    tracker = progress.Tracker(q, evaluation, layout=layout, pending=pending)
    complete = evaluation.is_complete
    issues = evaluation.issues(include_missing=True) if not complete else {}
    chapters: list[Chapter] = []
    to_do = 0
    lang, yes_no = current_language(), words()  # once, not per answer
    headings: dict[str, str] = {}
    for page in tracker.pages.list:
        status = tracker.status(page)
        if status == "not_applicable" or (not complete and status in ("complete", "optional")):
            continue
        line = Line(page, place_heading(q, page.group), status)
        if complete:
            line.answers = [(text(q, question.label).text,
                             shown.words(q, question, evaluation.values[question.id], lang, yes_no))
                            for question in page.questions if question.id in evaluation.values]
            if not line.answers:
                continue
        else:
            to_do += 1
            for qid in page.question_ids:
                for problem in issues.get(qid, ()):
                    if problem.code == "required" and problem.row is None:
                        line.missing.append(text(q, q.question(qid).label).text)
                    elif problem.row is not None and problem.column is not None:  # column, row and rule
                        line.problems.append(cell_message(q, q.question(qid), problem))
                    else:
                        line.problems.append(f"{text(q, q.question(qid).label).text}: {message(q, problem)}")
        _place(chapters, q, page, headings).lines.append(line)
    return Check(tracker.figure(), complete, chapters, to_do)


def _place(chapters: list[Chapter], q: engine.Questionnaire, page: Page, headings: dict[str, str]) -> Group:
    """The chapter and article group of ``page`` (made when it is the first of them)."""
    if not chapters or chapters[-1].id != page.section.id:
        chapters.append(Chapter(page.section.id, text(q, page.section.title).text))
    chapter = chapters[-1]
    article = page.article
    heading = ""
    if article is not None:
        if article.id not in headings:
            headings[article.id] = place_heading(q, article)
        heading = headings[article.id]
    if not chapter.groups or chapter.groups[-1].title != heading:
        chapter.groups.append(Group(heading))
    return chapter.groups[-1]
