"""Texts of a questionnaire for translators, and writing translations back into the YAML source.

:func:`texts` lists every translatable text with a stable key (its path in the document) and its
place; :func:`apply` writes new translations into the source text, changing only the language
entries concerned, so the file keeps its layout, comments and the other languages as written.
The web app turns these into PO files for translators and back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import yaml

from .spec import NODES

try:
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader


@dataclass(frozen=True)
class TextEntry:
    key: str  # path in the document, e.g. "sections[1].items[0].label"
    values: dict[str, str]
    line: int
    column: int
    node: Any  # the composed YAML node (positions in the source)


def texts(source: str, default_language: str) -> list[TextEntry]:
    """Every text of a questionnaire source (which must load without errors)."""
    root = yaml.compose(source, Loader=_Loader)
    out: list[TextEntry] = []
    _walk(root, "questionnaire", "", out, default_language)
    return out


def _pairs(node: Any) -> dict[str, Any]:
    return {key.value: value for key, value in node.value} if isinstance(node, yaml.MappingNode) else {}


def _walk(node: Any, kind: str, path: str, out: list[TextEntry], default: str) -> None:
    spec = NODES.get(kind, {})
    for name, value in _pairs(node).items():
        key = spec.get(name)
        if key is None:
            continue
        here = f"{path}.{name}" if path else name
        if key.kind == "text":
            out.append(_entry(here, value, default))
        elif key.kind.startswith("list:") or key.kind == "items":
            child = key.kind[5:] if key.kind.startswith("list:") else None
            for index, item in enumerate(value.value if isinstance(value, yaml.SequenceNode) else []):
                _walk(item, child or _item_kind(item), f"{here}[{index}]", out, default)
        elif key.kind.startswith("node:"):
            _walk(value, key.kind[5:], here, out, default)
        elif key.kind == "choice_lists":
            for list_name, choices in _pairs(value).items():
                for index, item in enumerate(choices.value if isinstance(choices, yaml.SequenceNode) else []):
                    _walk(item, "choice", f"{here}.{list_name}[{index}]", out, default)
        elif key.kind.startswith("map:"):
            for item_name, item in _pairs(value).items():
                _walk(item, key.kind[4:], f"{here}.{item_name}", out, default)
        elif key.kind == "choices" and isinstance(value, yaml.SequenceNode):
            for index, item in enumerate(value.value):
                _walk(item, "choice", f"{here}[{index}]", out, default)


def _item_kind(node: Any) -> str:
    keys = _pairs(node)
    if "use" in keys:
        return "use"
    if "include" in keys:
        return "include"
    if "type" in keys:
        return "question"
    return "group"


def _entry(key: str, node: Any, default: str) -> TextEntry:
    if isinstance(node, yaml.ScalarNode):
        values = {default: node.value}
    else:
        values = {k: v.value for k, v in _pairs(node).items() if isinstance(v, yaml.ScalarNode)}
    return TextEntry(key, values, node.start_mark.line + 1, node.start_mark.column + 1, node)


def apply(source: str, default_language: str, updates: dict[str, dict[str, str]]) -> str:
    """``source`` with the given ``{key: {language: text}}`` written in, nothing else changed."""
    entries = {entry.key: entry for entry in texts(source, default_language)}
    edits: list[tuple[int, int, str]] = []
    for key, values in updates.items():
        entry = entries.get(key)
        if entry is None:
            raise KeyError(key)
        edits.extend(_edits(source, entry, values, default_language))
    for start, end, replacement in sorted(edits, key=lambda e: e[0], reverse=True):
        source = source[:start] + replacement + source[end:]
    return source


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _edits(source: str, entry: TextEntry, values: dict[str, str], default: str) -> list[tuple[int, int, str]]:
    node = entry.node
    if isinstance(node, yaml.ScalarNode):  # a plain string becomes a {language: text} map
        merged = {default: node.value, **values}
        text = "{" + ", ".join(f"{lang}: {_quoted(value)}" for lang, value in merged.items()) + "}"
        return [_span(source, node, text)]
    pairs = {key.value: (key, value) for key, value in node.value}
    edits = []
    missing = []
    for lang, value in values.items():
        if lang in pairs:
            edits.append(_span(source, pairs[lang][1], _quoted(value)))
        else:
            missing.append((lang, value))
    if not missing:
        return edits
    if node.flow_style:
        closing = node.end_mark.index - 1  # the '}'
        addition = "".join(f", {lang}: {_quoted(value)}" for lang, value in missing)
        edits.append((closing, closing, addition))
    else:
        last_key, last_value = node.value[-1]
        indent = " " * last_key.start_mark.column
        end = last_value.end_mark.index
        if source[end - 1:end] == "\n":  # block scalars end after their line break
            insertion = "".join(f"{indent}{lang}: {_quoted(value)}\n" for lang, value in missing)
        else:
            insertion = "".join(f"\n{indent}{lang}: {_quoted(value)}" for lang, value in missing)
        edits.append((end, end, insertion))
    return edits


def _span(source: str, node: Any, text: str) -> tuple[int, int, str]:
    start, end = node.start_mark.index, node.end_mark.index
    original = source[start:end]
    trailing = original[len(original.rstrip("\n")):]
    return start, end, text + trailing
