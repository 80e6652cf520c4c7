"""A questionnaire as plain data, without where it was written: for telling whether two
definitions say the same thing.

Two files that differ only in comments, layout, quoting or key order load into the same
canonical form; so do a YAML file and the same questionnaire brought back from a spreadsheet.
Publishing uses it to refuse a version that changes nothing; the XLSForm converter's tests use it
to check that a round trip keeps the model. Positions (``where``), the source name, the content
hash and the derived indexes are left out; conditions are compared by their text.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .model import Condition, Questionnaire, Where
from .text import Text

_SKIPPED = frozenset({"where", "source", "content_hash", "index"})


def canonical(q: Questionnaire, *, version: bool = True) -> dict[str, Any]:
    """``q`` as nested dicts, lists and strings; ``version=False`` leaves the version out."""
    data: dict[str, Any] = _plain(q)
    if not version:
        data.pop("version", None)
    return data


def same_content(a: Questionnaire, b: Questionnaire) -> bool:
    """Whether two versions ask the same thing in the same words (the version number aside)."""
    return canonical(a, version=False) == canonical(b, version=False)


def differences(a: Questionnaire, b: Questionnaire, limit: int = 20) -> list[str]:
    """Paths where the canonical forms differ (for test failures and reports)."""
    out: list[str] = []
    _compare(canonical(a), canonical(b), "", out, limit)
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, Condition):
        return {"condition": value.source}
    if isinstance(value, Where):
        return None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                if f.name not in _SKIPPED}
    if isinstance(value, Text):
        return dict(sorted(value.items()))
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, (frozenset, set)):
        return sorted(_plain(v) for v in value)
    if isinstance(value, Decimal):
        return str(value.normalize()) if value == value.to_integral() else str(value)
    return value


def _compare(a: Any, b: Any, path: str, out: list[str], limit: int) -> None:
    if len(out) >= limit or a == b:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(dict.fromkeys([*a, *b])):
            _compare(a.get(key), b.get(key), f"{path}.{key}" if path else key, out, limit)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            _compare(x, y, f"{path}[{index}]", out, limit)
    else:
        out.append(f"{path}: {_short(a)} != {_short(b)}")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."
