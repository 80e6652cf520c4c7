"""The JSON Schema of the questionnaire language, generated from :mod:`engine.spec`.

Editors (VS Code's YAML extension and others) use it for completion, hover help and checks while
typing. ``checklist schema`` writes it to ``questionnaires/questionnaire.schema.json``; a test
checks that the shipped file is up to date.
"""

from __future__ import annotations

import json
from typing import Any

from .roles import ROLES
from .spec import NODES, Key
from .types import COMMON_KEYS, TYPES

SCHEMA_ID = "https://uncac-checklist.example/questionnaire.schema.json"
_SCALAR = {"type": ["string", "number", "boolean"]}


def _text() -> dict[str, Any]:
    return {"$ref": "#/$defs/text"}


def _kind(key: Key) -> dict[str, Any]:
    kind = key.kind
    if kind == "id":
        return {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,63}$"}
    if kind == "string":
        return {"type": ["string", "number"]}
    if kind == "text":
        return _text()
    if kind == "bool":
        return {"type": "boolean"}
    if kind == "int":
        return {"type": "integer", "minimum": 0}
    if kind == "bound":
        return {"type": ["number", "string"]}
    if kind == "role":
        return {"enum": sorted(ROLES)}
    if kind == "condition":
        return {"type": "string", "minLength": 1, "maxLength": 1000}
    if kind == "required":
        return {"type": ["boolean", "string"]}
    if kind in ("strings", "provisions"):
        return {"type": "array", "items": {"type": ["string", "number"]}}
    if kind == "scalars":
        return {"type": "object", "additionalProperties": _SCALAR}
    if kind == "choices":
        return {"oneOf": [
            {"type": "string"},
            {"type": "array", "items": {"$ref": "#/$defs/choice"}},
            {"type": "object", "properties": {"framework": {"enum": ["articles", "provisions"]}},
             "required": ["framework"], "additionalProperties": False},
        ]}
    if kind == "choice_lists":
        return {"type": "object", "additionalProperties": {"type": "array", "items": {"$ref": "#/$defs/choice"}}}
    if kind == "items":
        return {"type": "array", "items": {"$ref": "#/$defs/item"}}
    container, _, node = kind.partition(":")
    if container == "list":
        return {"type": "array", "items": {"$ref": f"#/$defs/{node}"}}
    if container == "map":
        return {"type": "object", "additionalProperties": {"$ref": f"#/$defs/{node}"}}
    if container == "node":
        return {"$ref": f"#/$defs/{node}"}
    raise ValueError(f"unknown key kind {kind!r}")


def _object(keys: dict[str, Key], title: str) -> dict[str, Any]:
    return {
        "type": "object",
        "title": title,
        "properties": {name: {**_kind(key), "description": key.doc} for name, key in keys.items()},
        "required": [name for name, key in keys.items() if key.required],
        "additionalProperties": False,
    }


def _question(node: str) -> dict[str, Any]:
    """A question: common keys plus, per type, the keys that type accepts."""
    base = NODES[node]
    variants = []
    for name, kind in sorted(TYPES.items()):
        if node == "column" and not kind.in_tables:
            continue
        keys = {k: v for k, v in base.items() if k in COMMON_KEYS or k in kind.keys}
        schema = _object(keys, f"{name} question")
        schema["properties"]["type"] = {"const": name, "description": base["type"].doc}
        variants.append({"if": {"properties": {"type": {"const": name}}, "required": ["type"]},
                         "then": schema})
    types = sorted(t for t, k in TYPES.items() if node != "column" or k.in_tables)
    return {
        "type": "object",
        "title": node,
        "properties": {**{name: {**_kind(key), "description": key.doc} for name, key in base.items()},
                       "type": {"enum": types, "description": base["type"].doc}},
        "required": ["id", "type", "label"],
        "allOf": variants,
    }


def build_schema() -> dict[str, Any]:
    defs: dict[str, Any] = {
        "text": {
            "description": "Text in the default language, or a {language: text} mapping.",
            "oneOf": [
                {"type": "string", "minLength": 1},
                {"type": "object", "minProperties": 1,
                 "propertyNames": {"pattern": "^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$"},
                 "additionalProperties": {"type": "string", "minLength": 1}},
            ],
        },
        "item": {
            "description": "A question (has 'type'), a group (has 'items'), a template use (has 'use') or "
                           "a template's items written in place (has 'include').",
            "if": {"required": ["use"]},
            "then": {"$ref": "#/$defs/use"},
            "else": {"if": {"required": ["include"]}, "then": {"$ref": "#/$defs/include"},
                     "else": {"if": {"required": ["type"]}, "then": {"$ref": "#/$defs/question"},
                              "else": {"$ref": "#/$defs/group"}}},
        },
    }
    for node, keys in NODES.items():
        if node in ("question", "column"):
            defs[node] = _question(node)
        elif node != "questionnaire":
            defs[node] = _object(keys, node)
    top = _object(NODES["questionnaire"], "Questionnaire definition")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **top,
            "$defs": defs}


def schema_text() -> str:
    return json.dumps(build_schema(), indent=2, ensure_ascii=False) + "\n"
