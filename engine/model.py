"""The questionnaire model: immutable dataclasses, built by :mod:`engine.parse`.

Nothing here renders anything: WTForms fields, PDF HTML and CSV rows are adapters outside the
engine. Every item keeps where it was written (``line``, ``column``, ``path``) so later stages can
report problems precisely.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Union

from .text import EMPTY, Localized, Text

if TYPE_CHECKING:
    from .roles import Block

Compiled = Callable[[Mapping[str, Any], Any], Any]


@dataclass(frozen=True, slots=True)
class Where:
    """The place of something in the source file."""

    line: int = 0
    column: int = 0
    path: str = ""


@dataclass(frozen=True, slots=True)
class Condition:
    """A parsed, checked and compiled condition. ``refs`` are the question ids it reads."""

    source: str
    refs: frozenset[str]
    fn: Compiled = field(repr=False, compare=False)
    where: Where = Where()
    tree: Any = field(default=None, repr=False, compare=False)  # the parsed tree (engine.expr.nodes)
    scope: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)  # names -> ids

    def __call__(self, values: Mapping[str, Any], this: Any = None) -> Any:
        return self.fn(values, this)

    def as_json(self) -> Any:
        """The tree as plain data, references resolved to question ids (for the browser)."""
        from .expr.serialize import to_json

        scope = self.scope
        return to_json(self.tree, lambda name: scope.get(name, name))


@dataclass(frozen=True, slots=True)
class Constraint:
    rule: Condition
    message: Text = EMPTY


# -- the reference framework (e.g. the Convention's provisions) -------------------------------


@dataclass(frozen=True, slots=True)
class Level:
    code: str
    label: Text
    gaps: bool = True  # a negative answer on a provision of this level is a gap in implementation


@dataclass(frozen=True, slots=True)
class Provision:
    id: str
    article: str
    chapter: str
    level: str
    summary: Text
    title: Text = EMPTY
    where: Where = Where()


@dataclass(frozen=True, slots=True)
class Article:
    id: str
    chapter: str
    title: Text
    provisions: tuple[str, ...]
    see_also: tuple[str, ...] = ()
    where: Where = Where()
    guidance: Text = EMPTY  # how to answer for the article: what to cite, typical evidence


@dataclass(frozen=True, slots=True)
class Chapter:
    id: str
    title: Text
    articles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Framework:
    id: str
    title: Text
    levels: tuple[Level, ...]
    chapters: tuple[Chapter, ...]
    articles: Mapping[str, Article]
    provisions: Mapping[str, Provision]

    def level(self, code: str) -> Level | None:
        return next((level for level in self.levels if level.code == code), None)

    def related(self, article_id: str) -> tuple[Article, ...]:
        """The articles an article's ``see_also`` names, in the order written."""
        article = self.articles.get(article_id)
        return tuple(self.articles[other] for other in article.see_also) if article else ()

    def article_of(self, ref: str) -> Article | None:
        """The article a provision or article id belongs to."""
        if ref in self.articles:
            return self.articles[ref]
        provision = self.provisions.get(ref)
        return self.articles[provision.article] if provision else None


# -- choices ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Choice:
    code: str
    label: Text
    other: bool = False  # choosing it asks "please specify"


@dataclass(frozen=True, slots=True)
class ChoiceList:
    name: str
    choices: tuple[Choice, ...]

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(choice.code for choice in self.choices)

    def get(self, code: str) -> Choice | None:
        return next((choice for choice in self.choices if choice.code == code), None)

    @property
    def other_codes(self) -> frozenset[str]:
        return frozenset(choice.code for choice in self.choices if choice.other)


# -- the tree of sections, groups and questions ------------------------------------------------


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    type: str
    label: Text
    hint: Text = EMPTY
    guidance: Text = EMPTY
    required: bool | Condition = False
    required_message: Text = EMPTY
    show_if: Condition | None = None
    constraints: tuple[Constraint, ...] = ()
    provisions: tuple[str, ...] = ()
    role: str | None = None  # what the question is in its block (engine.roles)
    choices: ChoiceList | None = None
    other_of: str | None = None  # the choice question whose "other" this text specifies
    min: Decimal | str | None = None  # numbers: a Decimal; dates: 'YYYY-MM-DD'
    max: Decimal | str | None = None
    integer: bool = False
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    pattern_message: Text = EMPTY
    appearance: str | None = None
    placeholder: Text = EMPTY
    rows: int | None = None  # long text: height of the box
    columns: tuple[Question, ...] = ()
    min_rows: int | None = None
    max_rows: int | None = None
    accept: tuple[str, ...] = ()  # files: the kinds accepted (engine.types.FILE_KINDS); empty: any of them
    max_size: int | None = None  # files: bytes per file
    max_files: int | None = None
    template: str | None = None  # the template this question was instantiated from
    local_id: str = ""  # the id as written in its template (== id outside templates)
    where: Where = Where()

    kind = "question"

    @property
    def has_answer(self) -> bool:
        return self.type != "note"

    def column(self, column_id: str) -> Question | None:
        return next((col for col in self.columns if col.id == column_id), None)


@dataclass(frozen=True, slots=True)
class Group:
    id: str
    title: Text
    items: tuple[Item, ...]
    description: Text = EMPTY
    show_if: Condition | None = None
    provisions: tuple[str, ...] = ()
    template: str | None = None
    kind: str = "group"  # "section" for the top level
    where: Where = Where()

    def walk(self) -> Iterator[Item]:
        """Every item below this one, depth first, in document order."""
        for item in self.items:
            yield item
            if isinstance(item, Group):
                yield from item.walk()

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(item for item in self.walk() if isinstance(item, Question))


Item = Union[Group, Question]


@dataclass(frozen=True, slots=True)
class Questionnaire:
    id: str
    version: str
    title: Text
    languages: tuple[str, ...]
    default_language: str
    fallback: tuple[str, ...]
    sections: tuple[Group, ...]
    choice_lists: Mapping[str, ChoiceList]
    framework: Framework | None = None
    description: Text = EMPTY
    source: str = "<string>"
    content_hash: str = ""
    index: Index = field(default=None, repr=False, compare=False)  # type: ignore[assignment]

    # -- lookups
    def item(self, item_id: str) -> Item:
        return self.index.items[item_id]

    def question(self, question_id: str) -> Question:
        item = self.index.items[question_id]
        assert isinstance(item, Question), question_id
        return item

    @property
    def questions(self) -> tuple[Question, ...]:
        return self.index.questions

    def parent(self, item_id: str) -> Group | None:
        parent_id = self.index.parent.get(item_id)
        return self.index.items[parent_id] if parent_id else None  # type: ignore[return-value]

    def ancestors(self, item_id: str) -> tuple[Group, ...]:
        """The groups containing an item, outermost first."""
        chain: list[Group] = []
        current = self.index.parent.get(item_id)
        while current:
            chain.append(self.index.items[current])  # type: ignore[arg-type]
            current = self.index.parent.get(current)
        return tuple(reversed(chain))

    def section_of(self, item_id: str) -> Group:
        chain = self.ancestors(item_id)
        return chain[0] if chain else self.index.items[item_id]  # type: ignore[return-value]

    def provisions_of(self, item_id: str) -> tuple[str, ...]:
        """The provisions an item covers: its own and those of the groups around it."""
        return self.index.provisions.get(item_id, ())

    # -- roles (engine.roles)
    @property
    def blocks(self) -> tuple[Block, ...]:
        """The groups whose questions carry roles (e.g. one per provision), in document order."""
        return self.index.blocks

    def block(self, block_id: str) -> Block | None:
        return self.index.block_by_id.get(block_id)

    def block_of(self, question_id: str) -> Block | None:
        """The block a question with a role belongs to."""
        block_id = self.index.block_of.get(question_id)
        return self.index.block_by_id.get(block_id) if block_id is not None else None

    def role_of(self, question_id: str) -> str | None:
        item = self.index.items.get(question_id)
        return item.role if isinstance(item, Question) else None

    def with_role(self, role: str) -> tuple[Question, ...]:
        """Every question with ``role``, in document order."""
        return tuple(self.question(qid) for block in self.blocks if (qid := block.get(role)) is not None)

    def text(self, text: Text, lang: str) -> Localized:
        """``text`` in ``lang``, following the questionnaire's fallback rule."""
        return text.resolve(lang, self.fallback)


@dataclass(frozen=True, slots=True)
class Index:
    """Lookups derived from the tree once, at load time."""

    items: Mapping[str, Item]
    questions: tuple[Question, ...]
    parent: Mapping[str, str | None]
    order: Mapping[str, int]  # document position of every item
    provisions: Mapping[str, tuple[str, ...]]  # item id -> provisions covered (own + inherited)
    dependents: Mapping[str, frozenset[str]]  # question id -> items whose conditions read it
    blocks: tuple[Block, ...] = ()  # groups of questions with roles, in document order (engine.roles)
    block_of: Mapping[str, str] = field(default_factory=dict)  # question id -> its block's id
    cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)  # for evaluators

    @property
    def block_by_id(self) -> Mapping[str, Block]:
        found: Mapping[str, Block] | None = self.cache.get("engine.block_by_id")
        if found is None:
            found = self.cache["engine.block_by_id"] = MappingProxyType({b.id: b for b in self.blocks})
        return found

    @staticmethod
    def freeze(mapping: dict[str, Any]) -> Mapping[str, Any]:
        return MappingProxyType(mapping)
