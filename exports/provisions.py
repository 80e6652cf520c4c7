"""What a State answered about each provision, read by role: the one place that knows the pattern.

A questionnaire says what its questions are with ``role:`` (:mod:`engine.roles`); the engine finds
the blocks at load time (one per provision, one per article, the questionnaire's own). This module
turns a questionnaire and an evaluation into one :class:`ProvisionFacts` per provision block, keyed
by role, never by question id, and decides once what the answers mean:

* the **status** of implementation, from the first status role the block has and the State
  answered: ``compliance`` (yes, partial, no), else ``adopted`` (yes, partial, no, or yes/no), else
  ``considered`` (yes/no);
* whether that status is a **gap** in implementation: a ``partial`` or ``no`` compliance, a
  ``partial``, ``no`` or false adoption, and, where the block asks whether adoption was
  ``considered`` (shall consider, shall endeavour), only a consideration answered false; never on a
  provision whose level says ``gaps: false`` (optional provisions, saving clauses);
* the **bucket** a provision counts in, in every figure: ``yes``, ``partial`` and ``no`` (gaps),
  ``no_gap`` (a partial or negative answer where no gap can exist) or ``not_answered``; a block
  without any status role (a saving clause, say), or one that other answers hide (44.7 for a State
  that requires no treaty for extradition), counts in none.

Country profiles, data exports, figures across States, the legislation repository and the web app
read provisions through here, so renaming a question in the YAML, or writing a new template per
kind of obligation with the same roles, changes nothing for them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import engine
from engine.model import Choice, Question
from engine.roles import Block

#: The roles that say where a State stands on a provision, in the order they are read.
STATUS_ROLES = ("compliance", "adopted", "considered")
#: What a provision counts as in figures, in the order figures show them.
BUCKETS = ("yes", "partial", "no", "no_gap", "not_answered")
#: The "please specify" text of an "other" choice: its id is the choice question's id with this suffix.
OTHER_SUFFIX = "_other"


@dataclass(frozen=True)
class Layout:
    """The questions of one provision block (fixed for a questionnaire): role -> question id, and
    role -> id of the "please specify" question of that role's "other" choice."""

    block: Block
    provision: str
    article: str
    chapter: str
    level: str
    gaps: bool  # whether a negative answer at this level is a gap
    others: Mapping[str, str] = field(default_factory=dict)

    @property
    def roles(self) -> Mapping[str, str]:
        return self.block.roles

    @property
    def assessed(self) -> bool:
        """Whether the block asks where the State stands (has a status role): a saving clause or an
        illustrative list may not, and then counts in no figure of compliance."""
        return any(role in self.block.roles for role in STATUS_ROLES)


@dataclass(frozen=True)
class ProvisionFacts:
    """What one State answered about one provision: applicable answers only, keyed by role."""

    provision: str
    article: str
    chapter: str
    level: str
    group_id: str  # the block's group
    applicable: bool  # the block is shown (its answers count)
    questions: Mapping[str, str]  # role -> question id
    values: Mapping[str, Any]  # role -> applicable engine value
    others: Mapping[str, Any] = field(default_factory=dict)  # role -> its "please specify" text
    gaps: bool = True  # a negative answer at this provision's level is a gap
    assessed: bool = True  # the block has a status role (see Layout.assessed)

    def get(self, role: str) -> Any:
        return self.values.get(role)

    def other(self, role: str) -> str:
        """The "other, please specify" text given with the choices of ``role`` ('' if none)."""
        return str(self.others.get(role) or "")

    @property
    def compliance(self) -> str | None:
        value = self.values.get("compliance")
        return value if isinstance(value, str) else None

    @property
    def status_role(self) -> str | None:
        """The role the status is read from: the first status role answered."""
        return next((role for role in STATUS_ROLES if self.values.get(role) is not None), None)

    @property
    def status(self) -> str | None:
        """``yes``, ``partial`` or ``no`` as answered, whatever the status role (None: unanswered)."""
        role = self.status_role
        if role is None:
            return None
        return status_of(self.values[role])

    @property
    def gap(self) -> bool:
        """Whether the answers show a gap in implementation (never at a level with ``gaps: false``).

        Where the block asks whether adoption was ``considered`` (a duty to consider or to
        endeavour), only not considering it is a gap: measures considered and not adopted fulfil
        that duty."""
        if not self.gaps:
            return False
        if "considered" in self.questions:
            return self.values.get("considered") is False
        return any(is_negative(role, self.values.get(role)) for role in STATUS_ROLES)

    @property
    def bucket(self) -> str | None:
        """What the provision counts as in figures (one of :data:`BUCKETS`; None: it counts in none,
        having no status role, or not applying: other answers hide it)."""
        if not self.assessed or not self.applicable:
            return None
        status = self.status
        if status is None:
            return "not_answered"
        if status == "yes" or self.gap:
            return status
        return "no_gap"

    @property
    def ta_needed(self) -> bool:
        return self.values.get("assistance_needed") is True

    @property
    def ta_categories(self) -> tuple[str, ...]:
        return tuple(self.values.get("assistance_kinds") or ()) if self.ta_needed else ()

    @property
    def ta_priority(self) -> str | None:
        return self.values.get("assistance_priority") if self.ta_needed else None


def status_of(value: Any) -> str | None:
    """A status answer as ``yes``, ``partial`` or ``no`` (a yes/no answer: yes or no)."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return value if value in ("yes", "partial", "no") else None


def is_negative(role: str, value: Any) -> bool:
    """Whether an answer to a status role says the provision is not (fully) given effect."""
    if role == "considered":
        return value is False
    if role in ("compliance", "adopted"):
        return status_of(value) in ("partial", "no")
    return False


# -- the blocks of a questionnaire ----------------------------------------------------------------
def layouts(q: engine.Questionnaire) -> tuple[Layout, ...]:
    """The blocks about one provision of the framework, in document order (cached on the questionnaire)."""
    cached = q.index.cache.get("exports.provision_layouts")
    if cached is None:
        cached = q.index.cache["exports.provision_layouts"] = tuple(_layouts(q))
    return cached


def _layouts(q: engine.Questionnaire) -> list[Layout]:
    framework = q.framework
    if framework is None:
        return []
    found = []
    for block in q.blocks:
        if block.provision is None:
            continue
        provision = framework.provisions[block.provision]
        level = framework.level(provision.level)
        found.append(Layout(block, provision.id, provision.article, provision.chapter, provision.level,
                            level.gaps if level is not None else True, MappingProxyType(_others(q, block))))
    return found


def _others(q: engine.Questionnaire, block: Block) -> dict[str, str]:
    out = {}
    for role, qid in block.roles.items():
        other = specify_question(q, qid)
        if other is not None:
            out[role] = other.id
    return out


def specify_question(q: engine.Questionnaire, question_id: str) -> Question | None:
    """The implied "please specify" question of a choice question with an "other" choice."""
    item = q.index.items.get(question_id + OTHER_SUFFIX)
    return item if isinstance(item, Question) and item.other_of == question_id else None


def provision_facts(q: engine.Questionnaire, evaluation: engine.Evaluation) -> tuple[ProvisionFacts, ...]:
    """One :class:`ProvisionFacts` per provision block of ``q``, from the applicable answers."""
    values = evaluation.values
    out = []
    for layout in layouts(q):
        roles = layout.roles
        out.append(ProvisionFacts(
            layout.provision, layout.article, layout.chapter, layout.level, layout.block.id,
            evaluation.is_visible(layout.block.id), roles,
            {role: values[qid] for role, qid in roles.items() if qid in values},
            {role: values[qid] for role, qid in layout.others.items() if qid in values}, layout.gaps,
            layout.assessed))
    return tuple(out)


# -- questions by role, across the questionnaire -------------------------------------------------------
def choices_of(q: engine.Questionnaire, role: str) -> tuple[Choice, ...]:
    """The choices of every question with ``role`` (e.g. the kinds of assistance), each code once, in
    document order: templates for different kinds of obligation may list different ones."""
    seen: dict[str, Choice] = {}
    for question in q.with_role(role):
        for choice in question.choices.choices if question.choices else ():
            seen.setdefault(choice.code, choice)
    return tuple(seen.values())


def answer_by_role(q: engine.Questionnaire, answers: Mapping[str, Any], role: str) -> Any:
    """The answer to the first question with ``role`` in the questionnaire (for roles asked once,
    e.g. the focal point's name), or None."""
    question = next(iter(q.with_role(role)), None)
    return answers.get(question.id) if question is not None else None
