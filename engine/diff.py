"""What changed between two versions of a questionnaire, and which changes could strand answers.

:func:`diff` compares two loaded questionnaires item by item (answers are keyed by question id,
so ids are what matter): questions added, removed, moved (another group or position), reworded
(label, hint or guidance), retyped; choice codes added and removed and choice labels changed;
translations added or changed; conditions changed. Changes that would strand stored answers are
**critical**: a removed question, a changed type, a removed choice code. A rename is a removal
plus an addition, unless the caller maps the old id to the new one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Group, Question, Questionnaire
from .text import Text


@dataclass(frozen=True)
class Change:
    kind: str  # added removed moved reworded retyped codes_removed codes_added relabelled
    #          translated condition_changed required_changed group_added group_removed columns_added
    item: str
    detail: dict[str, object] = field(default_factory=dict)

    @property
    def critical(self) -> bool:
        return self.kind in ("removed", "retyped", "codes_removed")


@dataclass(frozen=True)
class Folded:
    """Changes of the same kind to one item, or to the same item of every use of a template."""

    kind: str
    item: str  # the item's id, or for a template's item its local id ('' for the template's group)
    template: str | None
    count: int
    critical: bool


#: Kinds reported per item even inside a template use (each use adds or removes its own items).
_UNFOLDED = ("added", "removed", "group_added", "group_removed")


@dataclass(frozen=True)
class Diff:
    old: Questionnaire
    new: Questionnaire
    changes: tuple[Change, ...]

    def of_kind(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]

    @property
    def critical(self) -> list[Change]:
        return [c for c in self.changes if c.critical]

    @property
    def is_empty(self) -> bool:
        return not self.changes

    def folded(self) -> list[Folded]:
        """The changes with the same change in every use of a template counted once (in the order
        first seen): a template of 200 uses reworded is one line, not 200."""
        counts: dict[tuple[str, str, str | None, bool], int] = {}
        for change in self.changes:
            template = change.detail.get("template")
            key: tuple[str, str, str | None, bool]
            if template and change.kind not in _UNFOLDED:
                key = (change.kind, str(change.detail.get("local_id") or ""), str(template), change.critical)
            else:
                key = (change.kind, change.item, None, change.critical)
            counts[key] = counts.get(key, 0) + 1
        return [Folded(kind, item, template, count, critical)
                for (kind, item, template, critical), count in counts.items()]


def diff(old: Questionnaire, new: Questionnaire) -> Diff:
    changes: list[Change] = []
    old_items, new_items = old.index.items, new.index.items
    for item_id, item in new_items.items():
        if item_id not in old_items:
            kind = "added" if isinstance(item, Question) else "group_added"
            changes.append(Change(kind, item_id, {"parent": new.index.parent.get(item_id)}))
    for item_id, item in old_items.items():
        if item_id not in new_items:
            kind = "removed" if isinstance(item, Question) else "group_removed"
            changes.append(Change(kind, item_id, {"parent": old.index.parent.get(item_id)}))
            continue
        changes.extend(_compare(old, new, item, new_items[item_id]))
    changes = [_with_template(old, new, change) for change in changes]
    order = {item_id: i for i, item_id in enumerate(new_items)}
    old_order = {item_id: i for i, item_id in enumerate(old_items)}
    changes.sort(key=lambda c: (order.get(c.item, old_order.get(c.item, 0)), c.kind))
    return Diff(old, new, tuple(changes))


def _compare(old: Questionnaire, new: Questionnaire, a: Group | Question, b: Group | Question) -> list[Change]:
    out: list[Change] = []
    item = a.id
    parent_a, parent_b = old.index.parent.get(item), new.index.parent.get(item)
    if parent_a != parent_b or _position(old, new, item) != _position(new, old, item):
        out.append(Change("moved", item, {"from": parent_a, "to": parent_b}))
    if isinstance(a, Question) and isinstance(b, Question):
        if a.type != b.type:
            out.append(Change("retyped", item, {"from": a.type, "to": b.type}))
        out.extend(_texts(item, (("label", a.label, b.label), ("hint", a.hint, b.hint),
                                 ("guidance", a.guidance, b.guidance)), old.default_language))
        out.extend(_choices(a, b, old.default_language))
        if _source(a.show_if) != _source(b.show_if):
            out.append(Change("condition_changed", item, {"from": _source(a.show_if), "to": _source(b.show_if)}))
        if _source(a.required) != _source(b.required):
            out.append(Change("required_changed", item, {"from": _source(a.required), "to": _source(b.required)}))
        out.extend(_columns(item, a, b))
    elif isinstance(a, Group) and isinstance(b, Group):
        out.extend(_texts(item, (("title", a.title, b.title), ("description", a.description, b.description)),
                          old.default_language))
        if _source(a.show_if) != _source(b.show_if):
            out.append(Change("condition_changed", item, {"from": _source(a.show_if), "to": _source(b.show_if)}))
    else:
        out.append(Change("retyped", item, {"from": type(a).__name__.lower(), "to": type(b).__name__.lower()}))
    return out


def _position(q: Questionnaire, other: Questionnaire, item_id: str) -> int:
    """Position among the siblings that both versions have (an insertion moves nothing else)."""
    parent = q.parent(item_id)
    siblings = parent.items if parent is not None else q.sections
    common = [s.id for s in siblings if s.id in other.index.items]
    return common.index(item_id) if item_id in common else -1


def _with_template(old: Questionnaire, new: Questionnaire, change: Change) -> Change:
    """Note the template and local id, so that one edit of a template reads as one change."""
    item = new.index.items.get(change.item) or old.index.items.get(change.item)
    template = getattr(item, "template", None)
    local = getattr(item, "local_id", "") if isinstance(item, Question) else ""
    if not template:
        return change
    return Change(change.kind, change.item, {**change.detail, "template": template, "local_id": local})


def _texts(item: str, pairs: tuple[tuple[str, Text, Text], ...], default: str) -> list[Change]:
    out = []
    for name, a, b in pairs:
        if a == b:
            continue
        if a.get(default) != b.get(default):
            out.append(Change("reworded", item, {"field": name, "from": a.get(default, ""), "to": b.get(default, "")}))
        added = sorted(set(b) - set(a))
        changed = sorted(lang for lang in set(a) & set(b) if lang != default and a[lang] != b[lang])
        if added or changed:
            out.append(Change("translated", item, {"field": name, "added": added, "changed": changed}))
    return out


def _choices(a: Question, b: Question, default: str) -> list[Change]:
    if a.choices is None or b.choices is None:
        return []
    old_codes, new_codes = a.choices.codes, b.choices.codes
    out = []
    if old_codes - new_codes:
        out.append(Change("codes_removed", a.id, {"codes": sorted(old_codes - new_codes)}))
    if new_codes - old_codes:
        out.append(Change("codes_added", a.id, {"codes": sorted(new_codes - old_codes)}))
    relabelled = sorted(code for code in old_codes & new_codes
                        if a.choices.get(code).label.get(default) != b.choices.get(code).label.get(default))  # type: ignore[union-attr]
    if relabelled:
        out.append(Change("relabelled", a.id, {"codes": relabelled}))
    return out


def _source(condition: object) -> str | None:
    if condition is None or condition is False:
        return None
    if condition is True:
        return "true"
    return getattr(condition, "source", None)


def _columns(item: str, a: Question, b: Question) -> list[Change]:
    """A table whose columns were removed or retyped strands the cells stored under them (critical:
    'retyped'); columns only added (or moved) leave every stored row valid."""
    before = {c.id: c.type for c in a.columns}
    after = {c.id: c.type for c in b.columns}
    if any(column not in after or after[column] != kind for column, kind in before.items()):
        return [Change("retyped", item, {"columns_from": list(before), "columns_to": list(after)})]
    added = [column for column in after if column not in before]
    return [Change("columns_added", item, {"columns": added})] if added else []
