"""Counts and translation coverage of a loaded questionnaire (``checklist stats``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .model import Group, Question, Questionnaire
from .text import Text


@dataclass(frozen=True, slots=True)
class Stats:
    sections: int
    groups: int
    questions: int
    by_type: dict[str, int]
    conditions: int
    templates_used: dict[str, int]
    provisions: int  # in the framework
    provisions_covered: int
    articles: int
    articles_covered: int
    texts: int  # distinct texts
    translated: dict[str, int] = field(default_factory=dict)  # language -> texts it has
    levels: dict[str, int] = field(default_factory=dict)  # level of obligation -> provisions, in level order
    roles: dict[str, int] = field(default_factory=dict)  # role -> questions that have it

    def coverage(self, lang: str) -> float:
        return 100.0 * self.translated.get(lang, 0) / self.texts if self.texts else 100.0


def compute(q: Questionnaire) -> Stats:
    groups = [item for item in q.index.items.values() if isinstance(item, Group) and item.kind == "group"]
    questions = q.questions
    conditions = 0
    for item in q.index.items.values():
        conditions += item.show_if is not None
        if isinstance(item, Question):
            conditions += not isinstance(item.required, bool) + len(item.constraints)
    texts = _texts(q)
    translated = {lang: sum(1 for t in texts if lang in t) for lang in q.languages}
    covered = {ref for refs in q.index.provisions.values() for ref in refs}
    framework = q.framework
    provisions = framework.provisions if framework else {}
    articles = framework.articles if framework else {}
    prov_covered = {p for p in provisions if p in covered or provisions[p].article in covered}
    art_covered = {a for a in articles if a in covered or any(p in covered for p in articles[a].provisions)}
    return Stats(
        sections=len(q.sections), groups=len(groups), questions=len(questions),
        by_type=dict(Counter(question.type for question in questions)), conditions=conditions,
        templates_used=dict(Counter(g.template for g in groups if g.template)),
        provisions=len(provisions), provisions_covered=len(prov_covered),
        articles=len(articles), articles_covered=len(art_covered),
        texts=len(texts), translated=translated,
        levels={level.code: sum(1 for p in provisions.values() if p.level == level.code)
                for level in (framework.levels if framework else ())},
        roles=dict(sorted(Counter(question.role for question in questions if question.role).items())),
    )


def _texts(q: Questionnaire) -> list[Text]:
    """Every distinct piece of text in the questionnaire (template texts count once)."""
    seen: dict[int, Text] = {}

    def add(text: Text) -> None:
        if text:
            seen.setdefault(id(text), text)

    add(q.title)
    add(q.description)
    for choice_list in q.choice_lists.values():
        for choice in choice_list.choices:
            add(choice.label)
    if q.framework:
        add(q.framework.title)
        for level in q.framework.levels:
            add(level.label)
        for chapter in q.framework.chapters:
            add(chapter.title)
        for article in q.framework.articles.values():
            add(article.title)
            add(article.guidance)
        for provision in q.framework.provisions.values():
            add(provision.summary)
            add(provision.title)
    for item in q.index.items.values():
        if isinstance(item, Group):
            add(item.title)
            add(item.description)
        else:
            for text in (item.label, item.hint, item.guidance, item.required_message,
                         item.pattern_message, item.placeholder):
                add(text)
            for constraint in item.constraints:
                add(constraint.message)
            for column in item.columns:
                add(column.label)
                add(column.hint)
            if item.choices is not None and not item.choices.name.startswith("framework."):
                for choice in item.choices.choices:
                    add(choice.label)
    return list(seen.values())
