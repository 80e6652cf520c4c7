"""Question roles: what a question *is*, declared in the questionnaire, read by every renderer.

A questionnaire that follows a pattern per provision (is it implemented? which laws? what
challenges? what assistance?) says so with ``role:`` on the questions of its templates. Profiles,
exports, figures, the legislation repository and the web app then find "the compliance question
of provision 15.a" through :meth:`engine.Questionnaire.block` and :attr:`Block.roles`, never by
guessing from question ids, so ids can be renamed freely in the YAML.

A **block** is the nearest group, around a question with a role, that declares its own
``provisions:`` (a template instance for one provision, or an article's group); questions with a
role outside any such group belong to the questionnaire's block (``id == ""``). In a block each
role is used at most once.

The vocabulary is fixed here, once: an unknown role is a load-time error (S218), and so is a role
on a question of the wrong type (S219) or used twice in one block (S220).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .model import Framework, Group, Question


@dataclass(frozen=True, slots=True)
class Role:
    name: str
    types: frozenset[str]  # question types the role may be given to
    doc: str
    codes: frozenset[str] = frozenset()  # choice roles: the only codes consumers understand


def _role(name: str, types: str, doc: str, codes: str = "") -> Role:
    return Role(name, frozenset(types.split()), doc, frozenset(codes.split()))


#: Codes of a status question: implemented, implemented in part, not implemented.
STATUS_CODES = frozenset({"yes", "partial", "no"})

_TEXTS = "text long_text"

ROLES: Mapping[str, Role] = {role.name: role for role in (
    # -- where the State stands
    _role("compliance", "single_choice", "whether the provision is implemented (codes yes, partial, no)",
          "yes partial no"),
    _role("considered", "yes_no", "a 'shall consider' or 'shall endeavour' provision: was adoption considered"),
    _role("adopted", "yes_no single_choice", "whether the measure has been adopted (codes yes, partial, no)",
          "yes partial no"),
    _role("items_applied", "multiple_choice", "which items of a list in the provision are applied"),
    _role("notified", "yes_no", "whether the laws were notified to the Secretary-General"),
    # -- the measures in place
    _role("measures", "table", "the laws, policies or other measures cited (a table)"),
    _role("summary", _TEXTS, "how the measures give effect to the provision"),
    _role("examples", _TEXTS, "examples of implementation, cases and statistics"),
    _role("steps", "table long_text", "the steps needed for full implementation"),
    # -- what stands in the way
    _role("challenges", "multiple_choice", "the challenges met (choices)"),
    _role("challenges_detail", _TEXTS, "a description of the challenges"),
    # -- technical assistance
    _role("assistance_needed", "yes_no", "whether technical assistance is needed"),
    _role("assistance_kinds", "multiple_choice", "the kinds of technical assistance needed"),
    _role("assistance_priority", "single_choice", "the priority of the assistance needed"),
    _role("assistance_detail", _TEXTS, "details of the assistance needed"),
    _role("assistance_received", "yes_no", "whether assistance is already received"),
    _role("assistance_received_list", "table", "the assistance received and its providers (a table)"),
    _role("assistance_activities", "table",
          "activities of assistance received or delivered (a table; columns read by id: direction "
          "received/delivered, provider, recipient, articles, categories, status, start_date, end_date, "
          "budget, currency)"),
    _role("assistance_articles", "multiple_choice", "the articles on which assistance is needed"),
    _role("provider_activities", "table",
          "a provider's activities, offered, planned or delivered (a table; columns read by id: country, "
          "articles, categories, status, start_date, end_date, budget, currency): the questionnaire is "
          "then answered by providers, and by States for the assistance they deliver"),
    # -- per article
    _role("good_practices", _TEXTS, "successes and good practices"),
    # -- the respondent
    _role("focal_point_name", "text", "the name of the national focal point"),
    _role("focal_point_position", "text", "the position of the national focal point"),
    _role("focal_point_institution", "text", "the institution of the national focal point"),
    _role("focal_point_email", "email text", "the e-mail address of the national focal point"),
    _role("focal_point_phone", "text", "the telephone number of the national focal point"),
)}


@dataclass(frozen=True, slots=True)
class Block:
    """A group whose questions follow a pattern: its role -> question id map.

    ``refs`` are the provisions (or articles) the group declares; ``provision`` is the one
    provision of the framework it is about, if it is about exactly one.
    """

    id: str  # the group's id ('' for questions with a role outside any group with provisions)
    refs: tuple[str, ...]
    roles: Mapping[str, str]
    provision: str | None = None
    article: str | None = None

    def get(self, role: str) -> str | None:
        """The id of the question with ``role`` in this block, if any."""
        return self.roles.get(role)


# -- finding the blocks (at load time, by engine.check) ---------------------------------------------
Report = Callable[..., None]  # Collector.add


def find_blocks(sections: tuple[Group, ...], framework: Framework | None,
                report: Report) -> tuple[tuple[Block, ...], dict[str, str]]:
    """The blocks of a questionnaire in document order, and question id -> block id; reports a
    role used twice in a block (S220) and choice codes a role does not know (S221)."""
    found: dict[str, dict[str, Question]] = {}
    refs: dict[str, tuple[str, ...]] = {"": ()}
    inner: set[str] = set()  # refs declared again by a group inside (an article's only provision)
    block_of: dict[str, str] = {}

    def visit(group: Group, block: str) -> set[str]:
        declared: set[str] = set()
        if group.provisions:
            block = group.id
            refs[block] = group.provisions
        for item in group.items:
            if isinstance(item, Group):
                declared |= visit(item, block)
            elif item.role is not None:
                _add(found.setdefault(block, {}), item, report)
                block_of[item.id] = block
        if group.provisions and declared & set(group.provisions):
            inner.add(group.id)
        return declared | set(group.provisions)

    for section in sections:
        visit(section, "")
    blocks = tuple(_block(block_id, refs[block_id], roles, framework, block_id in inner)
                   for block_id, roles in found.items())
    return blocks, block_of


def _add(roles: dict[str, Question], question: Question, report: Report) -> None:
    assert question.role is not None
    where = question.where
    first = roles.get(question.role)
    if first is not None:
        report("S220", where.line, where.column, f"{where.path}.role", role=question.role, first=first.local_id)
        return
    roles[question.role] = question
    known = ROLES[question.role].codes
    if known and question.choices is not None:
        for code in sorted(question.choices.codes - known):
            report("S221", where.line, where.column, f"{where.path}.choices", role=question.role,
                   allowed=", ".join(sorted(known)), code=code)


def _block(block_id: str, refs: tuple[str, ...], roles: dict[str, Question], framework: Framework | None,
           outer: bool) -> Block:
    """``outer``: a group inside declares the same ref (article 59 holding provision 59): the
    inner group is the provision's block, this one the article's."""
    provision = article = None
    if framework is not None and len(refs) == 1:
        if refs[0] in framework.provisions and not (outer and refs[0] in framework.articles):
            provision = refs[0]
            article = framework.provisions[provision].article
        elif refs[0] in framework.articles:
            article = refs[0]
    return Block(block_id, refs, MappingProxyType({role: q.id for role, q in roles.items()}), provision, article)
