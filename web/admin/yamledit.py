"""Editing one item of a definition's YAML source, keeping everything else as written.

The outline editor's form changes one section, group, question or template use at a time. The
item's mapping is found in the source (PyYAML's composer gives its exact span); only that span is
read with ruamel.yaml's round-trip loader, changed key by key, and written back, so comments,
key order, quoting and layout stay as they were, in the item (for the keys not changed) and in the
rest of the file (byte for byte). A question of a template use is edited in the template itself.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

import engine

try:
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

#: Where a new key goes among the ones already written (the language's usual order).
ORDER = ("use", "id", "type", "role", "choices", "show_if", "required", "title", "label", "description", "hint",
         "guidance", "required_message", "other_label", "placeholder", "provisions", "constraints", "with", "items")
TEXT_KEYS = ("label", "hint", "guidance", "required_message", "other_label", "placeholder", "title", "description")


class EditError(Exception):
    """The edit cannot be made (the item is not found, or the source is not readable)."""


@dataclass(frozen=True)
class Place:
    """Where an item is written: in the sections, or in a template (``template``, ``local_id``)."""

    item_id: str
    template: str | None
    local_id: str
    uses: int  # template uses that share it (0 outside templates)


def place_of(q: engine.Questionnaire, item_id: str) -> Place:
    """Where the item ``item_id`` of the loaded model is written in the source."""
    item = q.index.items.get(item_id)
    if item is None:
        raise EditError(f"no item '{item_id}'")
    for ancestor in reversed(q.ancestors(item_id)):
        if ancestor.template:  # the nearest template use around it
            local = item_id[len(ancestor.id) + 1:]
            included = _included_from(item)
            if included is None:
                uses = sum(1 for group in q.index.items.values()
                           if isinstance(group, engine.Group) and group.template == ancestor.template)
                return Place(item_id, ancestor.template, local, uses)
            return Place(item_id, included, local, _uses_of_included(q, included))
    return Place(item_id, None, item_id.rsplit(".", 1)[-1], 0)


def _included_from(item: engine.Question | engine.Group) -> str | None:
    """The template an item was written in when an ``include:`` brought it into a template use
    (its place in the source is then 'templates.<name>.items[...]')."""
    path = item.where.path
    return path.split(".")[1] if path.startswith("templates.") else None


def _uses_of_included(q: engine.Questionnaire, name: str) -> int:
    """How many template uses hold the items of the included template ``name``."""
    prefix = f"templates.{name}."
    holders = set()
    for question in q.questions:
        if question.where.path.startswith(prefix):
            holder = next((g for g in reversed(q.ancestors(question.id)) if g.template), None)
            if holder is not None:
                holders.add(holder.id)
    return len(holders)


def _pairs(node: Any) -> dict[str, Any]:
    return {k.value: v for k, v in node.value} if isinstance(node, yaml.MappingNode) else {}


def _items(node: Any, descend_uses: bool) -> Iterator[Any]:
    """Every item mapping under a list of items, depth first (not into template uses' own items
    unless asked)."""
    for item in node.value if isinstance(node, yaml.SequenceNode) else []:
        yield item
        keys = _pairs(item)
        if "items" in keys and ("use" not in keys or descend_uses):
            yield from _items(keys["items"], descend_uses)


def find(source: str, place: Place) -> Any:
    """The composed mapping node of the item (PyYAML, with start and end marks)."""
    try:
        root = yaml.compose(source, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise EditError(f"the source is not valid YAML: {exc}") from None
    top = _pairs(root)
    if place.template is not None:
        template = _pairs(top.get("templates")).get(place.template)
        candidates = _items(_pairs(template).get("items"), descend_uses=False)
        wanted = place.local_id
    else:
        candidates = (item for section in (top["sections"].value if "sections" in top else [])
                      for item in [section, *_items(_pairs(section).get("items"), descend_uses=True)])
        wanted = place.local_id
    for node in candidates:
        id_node = _pairs(node).get("id")
        if isinstance(id_node, yaml.ScalarNode) and id_node.value == wanted:
            return node
    raise EditError(f"'{place.item_id}' is not written in the source")


def _ruamel() -> YAML:
    rt = YAML()
    rt.preserve_quotes = True
    rt.width = 4096
    rt.indent(mapping=2, sequence=4, offset=2)
    return rt


def edit(source: str, place: Place, changes: Mapping[str, Any], default_language: str) -> str:
    """``source`` with the item's keys set as in ``changes`` (None or empty removes a key)."""
    node = find(source, place)
    start, end = node.start_mark.index, node.end_mark.index
    while True:  # leave the comments and blank lines after the item where they are
        cut = source.rfind("\n", start, end - 1)
        last = source[cut + 1:end].strip()
        if cut < 0 or (last and not last.startswith("#")):
            break
        end = cut + 1
    column = node.start_mark.column
    block = textwrap.dedent(" " * column + source[start:end])
    rt = _ruamel()
    data = rt.load(block)
    if not isinstance(data, CommentedMap):
        raise EditError("the item is not a mapping")
    for key, value in changes.items():
        _set(data, key, value, default_language)
    buffer = io.StringIO()
    rt.dump(data, buffer)
    lines = buffer.getvalue().rstrip("\n").split("\n")
    if node.flow_style and len(lines) == 1:
        text = lines[0]
    else:
        text = "\n".join([lines[0], *[(" " * column + line) if line else line for line in lines[1:]]])
    trailing = source[start:end][len(source[start:end].rstrip()):]
    return source[:start] + text + trailing + source[end:]


def _set(data: CommentedMap, key: str, value: Any, default: str) -> None:
    if key in TEXT_KEYS:
        value = _text(data.get(key), value or {}, default)
    elif key == "required":
        value = None if value in (None, "", "false", False) else True if value in ("true", True) else value
    elif key == "provisions" and value is not None:
        value = _flow_list(value) if value else None
    elif key == "constraints":
        value = _constraints(data.get(key), value or [], default)
    if value is None or value == "":
        if key in data:
            del data[key]
        return
    if key in data:
        if _same(data[key], value):
            return
        data[key] = value
        return
    position = len(data)
    rank = ORDER.index(key) if key in ORDER else len(ORDER)
    for index, existing in enumerate(data):
        if (ORDER.index(existing) if existing in ORDER else len(ORDER)) > rank:
            position = index
            break
    data.insert(position, key, value)


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, str) and isinstance(new, str):
        return str(old) == new
    return bool(old == new)


def _text(old: Any, new: Mapping[str, str], default: str) -> Any:
    """A text with its languages set: the written form kept where nothing changed."""
    wanted = {lang: value.strip() for lang, value in new.items() if value and value.strip()}
    if not wanted:
        return None
    if isinstance(old, str):
        if set(wanted) == {default} and str(old) == wanted[default]:
            return old
        old = CommentedMap([(default, old)])
    if not isinstance(old, CommentedMap):
        old = CommentedMap()
    out = old
    for lang in list(out):
        if lang not in wanted:
            del out[lang]
        elif str(out[lang]) != wanted[lang]:
            out[lang] = wanted[lang]
    for lang, value in wanted.items():
        if lang not in out:
            out[lang] = value
    return out


def _constraints(old: Any, new: list[Mapping[str, Any]], default: str) -> Any:
    if not new:
        return None
    old_list = list(old) if isinstance(old, CommentedSeq) else []
    out = CommentedSeq()
    for index, constraint in enumerate(new):
        previous = old_list[index] if index < len(old_list) and isinstance(old_list[index], CommentedMap) \
            else CommentedMap()
        _set(previous, "rule", constraint.get("rule") or None, default)
        message = _text(previous.get("message"), constraint.get("message") or {}, default)
        if message is None:
            previous.pop("message", None)
        else:
            previous["message"] = message
        out.append(previous)
    if old_list and len(old_list) == len(out) and all(a is b for a, b in zip(old_list, out, strict=True)):
        return old
    return out


def _flow_list(values: list[str]) -> CommentedSeq:
    seq = CommentedSeq(values)
    seq.fa.set_flow_style()
    return seq
