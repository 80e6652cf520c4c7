"""Texts of a questionnaire for translators, and writing translations back into the YAML source.

:func:`texts` lists every translatable text with a stable key (its path in the document) and its
place; :func:`apply` writes new translations into the source text, changing only the language
entries concerned, so the file keeps its layout, comments and the other languages as written.
The web app turns these into PO files for translators and back. The text is read as every
questionnaire is, by :mod:`engine.source` (safely, with the place of every node).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from .errors import Collector, QuestionnaireError
from .source import MAP, SCALAR, SEQ, Node, read
from .spec import NODES


@dataclass(frozen=True)
class TextEntry:
    key: str  # path in the document, e.g. "sections[1].items[0].label"
    values: dict[str, str]
    line: int
    column: int
    node: Node  # the node read by engine.source (its place in the source)


def texts(source: str, default_language: str) -> list[TextEntry]:
    """Every text of a questionnaire source (which must load without errors)."""
    collector = Collector("<translations>")
    root = read(source.removeprefix("\ufeff"), collector)
    if root is None or collector.has_errors:
        raise QuestionnaireError(collector.sorted())
    out: list[TextEntry] = []
    _walk(root, "questionnaire", "", out, default_language)
    return out


def _pairs(node: Node | None) -> dict[str, Node]:
    return node.value if node is not None and node.kind == MAP else {}  # type: ignore[no-any-return]


def _items(node: Node | None) -> list[Node]:
    return node.value if node is not None and node.kind == SEQ else []  # type: ignore[no-any-return]


def _walk(node: Node, kind: str, path: str, out: list[TextEntry], default: str) -> None:
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
            for index, item in enumerate(_items(value)):
                _walk(item, child or _item_kind(item), f"{here}[{index}]", out, default)
        elif key.kind.startswith("node:"):
            _walk(value, key.kind[5:], here, out, default)
        elif key.kind == "choice_lists":
            for list_name, choices in _pairs(value).items():
                for index, item in enumerate(_items(choices)):
                    _walk(item, "choice", f"{here}.{list_name}[{index}]", out, default)
        elif key.kind.startswith("map:"):
            for item_name, item in _pairs(value).items():
                _walk(item, key.kind[4:], f"{here}.{item_name}", out, default)
        elif key.kind == "choices":
            for index, item in enumerate(_items(value)):
                _walk(item, "choice", f"{here}[{index}]", out, default)


def _item_kind(node: Node) -> str:
    keys = _pairs(node)
    if "use" in keys:
        return "use"
    if "include" in keys:
        return "include"
    if "type" in keys:
        return "question"
    return "group"


def _entry(key: str, node: Node, default: str) -> TextEntry:
    if node.kind == SCALAR:
        values = {default: node.value}
    else:
        values = {k: v.value for k, v in _pairs(node).items() if v.kind == SCALAR}
    return TextEntry(key, values, node.line, node.column, node)


def apply(source: str, default_language: str, updates: dict[str, dict[str, str]]) -> str:
    """``source`` with the given ``{key: {language: text}}`` written in, nothing else changed."""
    bom = "\ufeff" if source.startswith("\ufeff") else ""
    source = source.removeprefix(bom)
    entries = {entry.key: entry for entry in texts(source, default_language)}
    edits: list[tuple[int, int, str]] = []
    for key, values in updates.items():
        entry = entries.get(key)
        if entry is None:
            raise KeyError(key)
        edits.extend(_edits(source, entry, values, default_language))
    for start, end, replacement in sorted(edits, key=lambda e: e[0], reverse=True):
        source = source[:start] + replacement + source[end:]
    return bom + source


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _edits(source: str, entry: TextEntry, values: dict[str, str], default: str) -> list[tuple[int, int, str]]:
    node = entry.node
    if node.kind == SCALAR:  # a plain string becomes a {language: text} map
        merged = {default: node.value, **values}
        text = "{" + ", ".join(f"{lang}: {_quoted(value)}" for lang, value in merged.items()) + "}"
        return [_span(source, node, text)]
    pairs = _pairs(node)
    edits = []
    missing = []
    for lang, value in values.items():
        if lang in pairs:
            edits.append(_span(source, pairs[lang], _quoted(value)))
        else:
            missing.append((lang, value))
    if not missing:
        return edits
    if node.flow:
        closing = node.end - 1  # the '}'
        addition = "".join(f", {lang}: {_quoted(value)}" for lang, value in missing)
        edits.append((closing, closing, addition))
    else:
        last = list(pairs)[-1]
        assert node.keys is not None
        indent = " " * (node.keys[last].column - 1)
        end = pairs[last].end
        if source[end - 1:end] == "\n":  # block scalars end after their line break
            insertion = "".join(f"{indent}{lang}: {_quoted(value)}\n" for lang, value in missing)
        else:
            insertion = "".join(f"\n{indent}{lang}: {_quoted(value)}" for lang, value in missing)
        edits.append((end, end, insertion))
    return edits


def _span(source: str, node: Node, text: str) -> tuple[int, int, str]:
    start, end = node.start, node.end
    original = source[start:end]
    trailing = original[len(original.rstrip("\n")):]
    return start, end, text + trailing
