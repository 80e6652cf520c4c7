"""Cross-reference checks, and freezing the drafts into the immutable model.

Conditions are parsed, type-checked against the questions they read, checked for references to
later questions and for cycles, then compiled. Provision references are checked against the
framework, and every text against the declared languages (missing translations are warnings,
grouped per language).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from .errors import N_, Collector, Diagnostic, suggest
from .expr import ExprError, RefInfo, TypeChecker, compile_condition, parse
from .expr import nodes as n
from .expr.functions import FUNCTIONS
from .model import Choice, ChoiceList, Condition, Constraint, Group, Index, Question, Questionnaire, Where
from .parse import Document, Draft, RawCondition
from .roles import find_blocks
from .source import SCALAR
from .text import EMPTY
from .types import TYPES

OTHER_SUFFIX = "_other"


class Checker:
    def __init__(self, doc: Document, collector: Collector):
        self.doc = doc
        self.c = collector
        self.order: dict[str, int] = {}
        self.infos: dict[str, RefInfo] = {}
        self.dependents: dict[str, set[str]] = defaultdict(set)
        self.parent: dict[str, str | None] = {}
        self._parse_cache: dict[str, n.Node | ExprError] = {}

    # -- entry point -------------------------------------------------------------------------
    def run(self, source: str, content_hash: str) -> Questionnaire:
        self.plan()
        sections = tuple(self.build_group(draft, None) for draft in self.doc.sections)
        self.check_provisions()
        self.check_translations()
        return self.freeze(sections, source, content_hash)

    def plan(self) -> None:
        """Document order, parents and answer types of every item, implied 'other' questions included."""
        stack: list[tuple[Draft, str | None]] = [(draft, None) for draft in self.doc.sections]
        while stack:
            draft, parent = stack.pop()
            self.parent[draft.id] = parent
            stack.extend((child, draft.id) for child in draft.children)
        position = 0
        for draft in self.doc.order:
            self.order[draft.id] = position
            position += 1
            if draft.kind != "question":
                continue
            choices: ChoiceList | None = draft.fields.get("choices")
            kind = TYPES.get(draft.fields["type"])
            value_type = kind.value_type if kind else "none"
            self.infos[draft.id] = RefInfo(draft.id, value_type, choices.codes if choices else None)
            if choices is not None and choices.other_codes:
                other_id = draft.id + OTHER_SUFFIX
                self.order[other_id] = position
                position += 1
                self.infos[other_id] = RefInfo(other_id, "text")

    # -- conditions ------------------------------------------------------------------------------
    def condition(self, raw: RawCondition, owner: str, this: RefInfo | None = None,
                  local: dict[str, RefInfo] | None = None) -> Condition | None:
        cached = self._parse_cache.get(raw.text)
        if cached is None:
            try:
                cached = parse(raw.text)
            except ExprError as exc:
                cached = exc
            self._parse_cache[raw.text] = cached
        if isinstance(cached, ExprError):
            self.report(cached, raw)
            return None
        tree = cached

        def rename(name: str) -> str:
            if local is not None and name in local:
                return name
            return raw.scope.get(name, name)

        def resolve(name: str) -> RefInfo | None:
            if local is not None:
                return local.get(name)
            return self.infos.get(rename(name))

        def near(name: str) -> str:
            pool = set(local) if local is not None else set(self.infos) | set(raw.scope)
            return suggest(name, pool)

        checker = TypeChecker(resolve, near, this)
        try:
            checker.check_condition(tree)
            if local is None:
                self.check_order(checker.refs, raw, owner)
        except ExprError as exc:
            self.report(exc, raw)
            return None
        refs = frozenset(rename(ref.name) for ref, _ in checker.refs)
        if local is None:
            for ref in refs:
                self.dependents[ref].add(owner)
        where = Where(raw.node.line, raw.node.column, raw.path)
        return Condition(raw.text, refs, compile_condition(tree, rename), where, tree,
                         {} if local is not None else raw.scope)

    def check_order(self, refs: list[tuple[n.Ref, RefInfo]], raw: RawCondition, owner: str) -> None:
        """Conditions may only read earlier answers; an item never depends on itself or its content."""
        if raw.key == "constraint":
            return
        mine = self.order.get(owner, -1)
        for ref, info in refs:
            if info.id == owner:
                raise ExprError("C405", ref.offset, chain=N_("{owner} -> {owner} ({key} reads its own answer)"),
                                owner=owner, key=raw.key)
            if self.is_inside(info.id, owner):
                raise ExprError("C405", ref.offset,
                                chain=N_("{owner} -> {inner} -> {owner} ({inner} is inside {owner})"),
                                owner=owner, inner=info.id)
            theirs = self.order.get(info.id, -1)
            if theirs > mine:
                where = self.doc.ids.get(info.id)
                line = where.where.line if where else 0
                raise ExprError("C402", ref.offset, ref=ref.name, line=line, key=raw.key)

    def is_inside(self, item: str, container: str) -> bool:
        current = self.parent.get(item)
        while current:
            if current == container:
                return True
            current = self.parent.get(current)
        return False

    def report(self, exc: ExprError, raw: RawCondition) -> None:
        node = raw.node
        line, column = node.line, node.column
        single_line = "\n" not in raw.text and node.kind == SCALAR
        if single_line and (node.plain or raw.text == node.value):
            column += exc.offset + (0 if node.plain else 1)
        args = dict(exc.args_)
        if exc.code == "C406":
            args.setdefault("allowed", ", ".join(sorted(FUNCTIONS)))
        self.c.add(exc.code, line, column, raw.path, **args)

    # -- building the tree ----------------------------------------------------------------------
    def build_group(self, draft: Draft, parent: str | None) -> Group:
        self.parent[draft.id] = parent
        show_if = self.cond(draft, "show_if")
        items: list[Group | Question] = []
        for child in draft.children:
            if child.kind == "question":
                items.extend(self.build_question(child, draft.id))
            else:
                items.append(self.build_group(child, draft.id))
        f = draft.fields
        return Group(draft.id, f["title"], tuple(items), f["description"], show_if, f["provisions"],
                     f["template"], draft.kind, draft.where)

    def cond(self, draft: Draft, key: str) -> Condition | None:
        raw = draft.conditions.get(key)
        return self.condition(raw, draft.id) if raw is not None else None

    def build_question(self, draft: Draft, parent: str) -> list[Question]:
        self.parent[draft.id] = parent
        f = dict(draft.fields)
        info = self.infos[draft.id]
        required: Any = f.pop("required", False)
        if "required" in draft.conditions:
            required = self.cond(draft, "required") or False
        constraints = []
        for raw, message in draft.constraints:
            rule = self.condition(raw, draft.id, this=info)
            if rule is not None:
                constraints.append(Constraint(rule, message))
        columns = tuple(column for col in draft.columns for column in self.build_column(col))
        other_label = f.pop("other_label", EMPTY)
        question = Question(id=draft.id, required=required, show_if=self.cond(draft, "show_if"),
                            constraints=tuple(constraints), columns=columns, where=draft.where, **f)
        out = [question]
        choices = question.choices
        if choices is not None and choices.other_codes:
            out.append(self.other_question(question, choices, other_label))
        return out

    def build_column(self, draft: Draft) -> list[Question]:
        """A table column, and its implied 'please specify' column if it has an 'other' choice."""
        f = dict(draft.fields)
        other_label = f.pop("other_label", EMPTY)
        required = f.pop("required", False)
        local = {col.id: _column_info(col) for col in self._siblings(draft)}
        this = local.get(draft.id)
        constraints = []
        for raw, message in draft.constraints:
            rule = self.condition(raw, draft.id, this=this, local=local)
            if rule is not None:
                constraints.append(Constraint(rule, message))
        column = Question(id=draft.id, required=required, constraints=tuple(constraints), where=draft.where, **f)
        choices = column.choices
        if choices is None or not choices.other_codes:
            return [column]
        other = Question(id=draft.id + OTHER_SUFFIX, type="text", label=other_label or _other_label(choices),
                         other_of=draft.id, max_length=1000, local_id=draft.id + OTHER_SUFFIX, where=draft.where)
        return [column, other]

    def _siblings(self, column: Draft) -> list[Draft]:
        for draft in self.doc.order:
            if column in draft.columns:
                return draft.columns
        return [column]

    def other_question(self, question: Question, choices: ChoiceList, label: Any) -> Question:
        """The implied 'please specify' text shown when an 'other' choice is selected."""
        other_id = question.id + OTHER_SUFFIX
        self.parent[other_id] = self.parent[question.id]
        codes = tuple(sorted(choices.other_codes))
        select = FUNCTIONS["selected"].impl
        qid = question.id

        def shown(values: Any, this: Any) -> bool:
            return bool(select(values.get(qid), *codes))

        self.dependents[qid].add(other_id)
        source = f"any_selected(${{{qid}}}, {', '.join(repr(c) for c in codes)})"
        show_if = Condition(source, frozenset({qid}), shown, question.where, parse(source))
        return Question(id=other_id, type="text", label=label or _other_label(choices), required=True,
                        show_if=show_if, provisions=question.provisions, other_of=qid,
                        max_length=1000, template=question.template,
                        local_id=question.local_id + OTHER_SUFFIX, where=question.where)

    # -- framework and translations ---------------------------------------------------------------
    def check_provisions(self) -> None:
        framework = self.doc.framework
        refs = self.doc.provision_refs
        if framework is None:
            if refs:
                where = refs[0][1]
                self.c.add("R301", where.line, where.column, where.path)
            return
        known = set(framework.provisions) | set(framework.articles)
        covered = set()
        for ref, where in refs:
            if ref in known:
                covered.add(ref)
            else:
                self.c.add("R300", where.line, where.column, where.path, id=ref, suggestion=suggest(ref, known))
        missing = [pid for pid in framework.provisions if pid not in covered
                   and framework.provisions[pid].article not in covered]
        if missing and covered:
            where = self.doc.framework_where
            shown = ", ".join(missing[:10]) + (", ..." if len(missing) > 10 else "")
            self.c.add("R302", where.line, where.column, where.path, count=len(missing), ids=shown)

    def check_translations(self) -> None:
        missing: dict[str, list[Any]] = defaultdict(list)
        languages = self.doc.meta.get("languages", ())
        for slot in self.doc.texts:
            if not slot.text:
                continue
            for lang in languages:
                if lang not in slot.text:
                    missing[lang].append(slot.where)
        for lang in languages:
            places = missing.get(lang)
            if not places:
                continue
            first = places[0]
            details = tuple(Diagnostic("T500", {"count": 1, "lang": lang, "first": w.path}, self.c.source,
                                       w.line, w.column, w.path) for w in places)
            group = Diagnostic("T500", {"count": len(places), "lang": lang, "first": first.path},
                               self.c.source, first.line, first.column, first.path, details)
            self.c.items.append(group)

    # -- the frozen model ---------------------------------------------------------------------------
    def freeze(self, sections: tuple[Group, ...], source: str, content_hash: str) -> Questionnaire:
        items: dict[str, Group | Question] = {}
        questions: list[Question] = []
        provisions: dict[str, tuple[str, ...]] = {}

        def visit(node: Group | Question, inherited: tuple[str, ...]) -> None:
            own = inherited + tuple(p for p in node.provisions if p not in inherited)
            items[node.id] = node
            provisions[node.id] = own
            if isinstance(node, Question):
                questions.append(node)
            else:
                for child in node.items:
                    visit(child, own)

        for section in sections:
            visit(section, ())
        order = {item_id: position for position, item_id in enumerate(items)}
        blocks, block_of = find_blocks(sections, self.doc.framework, self.c.add)
        index = Index(Index.freeze(items), tuple(questions), Index.freeze(dict(self.parent)),
                      Index.freeze(order), Index.freeze(provisions),
                      Index.freeze({k: frozenset(v) for k, v in self.dependents.items()}),
                      blocks, Index.freeze(block_of))
        meta = self.doc.meta
        return Questionnaire(
            id=meta.get("id", ""), version=meta.get("version", ""), title=meta.get("title", EMPTY),
            languages=meta.get("languages", ()), default_language=meta.get("default_language", "en"),
            fallback=meta.get("fallback", ()), sections=sections,
            choice_lists=Index.freeze(dict(self.doc.choice_lists)), framework=self.doc.framework,
            description=meta.get("description", EMPTY), source=source, content_hash=content_hash,
            index=index)


def _column_info(column: Draft) -> RefInfo:
    kind = TYPES.get(column.fields["type"])
    choices = column.fields.get("choices")
    return RefInfo(column.id, kind.value_type if kind else "none", choices.codes if choices else None)


def _other_label(choices: ChoiceList) -> Any:
    other: Choice | None = next((c for c in choices.choices if c.other), None)
    return other.label if other else EMPTY
