"""Which questions an exported file holds (a chapter, an article, a contributor's assignment, or all),
under the headings of the web form's pages, with the stored answers and their versions; and the
file itself in each format."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _

import engine
from engine.model import Question
from exports.office import Block, Copy, Words, excel, word

from .. import catalog
from ..answers import stored
from ..content import group_title
from ..fill.pages import pages
from ..models import Response, User

FORMATS = ("docx", "xlsx", "json")
MEDIA = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "json": "application/json"}


class ScopeError(ValueError):
    pass


def in_scope(q: engine.Questionnaire, chapter: str | None = None, article: str | None = None,
             assignee: User | None = None) -> Callable[[str], bool]:
    """Whether a question belongs to the chosen chapter, article or contributor's assignment."""
    framework = q.framework
    if (chapter or article) and framework is None:
        raise ScopeError("no framework")
    if chapter and chapter not in {c.id for c in framework.chapters}:  # type: ignore[union-attr]
        raise ScopeError(f"no chapter {chapter}")
    if article and article not in framework.articles:  # type: ignore[union-attr]
        raise ScopeError(f"no article {article}")

    def articles_of(qid: str) -> set[Any]:
        return {framework.article_of(ref) for ref in q.provisions_of(qid)} - {None}  # type: ignore[union-attr]

    def check(qid: str) -> bool:
        if chapter and not any(a.chapter == chapter for a in articles_of(qid)):
            return False
        if article and not any(a.id == article for a in articles_of(qid)):
            return False
        if assignee is not None and assignee.assignments:
            from ..access import can_answer_question

            return can_answer_question(assignee, q, qid)
        return True

    return check


def words(lang: str, owner: str, q: engine.Questionnaire) -> Words:
    """The words of a copy; ``owner`` is the State's (or provider's) name in ``lang``."""
    with force_locale(lang):
        return Words(
            title=_("%(state)s: %(title)s", state=owner, title=q.text(q.title, lang).text),
            instructions=_("Answer in the boxes and tables below; tick an option by replacing ☐ with ☒ (or an x). "
                           "Add rows to tables as needed. Do not change the headings or the hidden markers: the "
                           "file is read back by the application, which shows every change before saving it."),
            yes=_("Yes"), no=_("No"), answer=_("Answer"), question=_("Question"), section=_("Section"),
            choices=_("Choices"), files=_("Files (attach them in the application)"), row=_("Row"))


def build(response: Response, lang: str, scope: Callable[[str], bool], scope_name: str) -> Copy:
    q = catalog.questionnaire(response.version)
    rows = stored(response)
    blocks = []
    for page in pages(q).list:
        questions = tuple(question for question in page.questions
                          if question.type != "note" and scope(question.id))
        if questions:
            blocks.append(Block(group_title(q, page.group, lang).text, questions,
                                group_title(q, page.section, lang).text))
    meta = {"response": str(response.id), "state": response.owner_code, "questionnaire": q.id,
            "version": q.version, "lang": lang, "scope": scope_name}
    return Copy(q, lang, tuple(blocks), {qid: row.value for qid, row in rows.items()},
                {qid: row.version for qid, row in rows.items()}, meta, words(lang, response.owner_name(lang), q))


def questions_of(copy: Copy) -> list[Question]:
    return [question for block in copy.blocks for question in block.questions]


def write(copy: Copy, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "docx":
        word.write(copy, out)
    elif fmt == "xlsx":
        excel.write(copy, out)
    else:
        out.write(json.dumps(own_json(copy), ensure_ascii=False, indent=1).encode("utf-8"))
    return out.getvalue()


def own_json(copy: Copy) -> dict[str, Any]:
    """The app's own JSON of a response (the data export's format), for the chosen questions."""
    import datetime as dt

    from exports import schemas

    answers = [{"question": question.id, "value": copy.values[question.id],
                "version": copy.versions.get(question.id, 0), "label": copy.label(question)}
               for question in questions_of(copy) if copy.values.get(question.id) is not None]
    entry = {"state": copy.meta["state"], "questionnaire": copy.q.id, "version": copy.q.version,
             "answers": answers, "not_applicable": [], "source": "live"}
    document = {"format": schemas.FORMAT, "format_version": schemas.FORMAT_VERSION,
                "exported_at": dt.datetime.now(dt.UTC), "language": copy.lang, "responses": [entry]}
    loaded: dict[str, Any] = json.loads(schemas.dumps(document))
    return loaded
