"""engine/ is pure: no web framework, database, PDF or i18n library, no outer layer, no eval."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "engine"
FORBIDDEN = {"flask", "flask_babel", "flask_wtf", "flask_login", "wtforms", "sqlalchemy", "alembic",
             "weasyprint", "babel", "marshmallow", "web", "exports", "jinja2", "werkzeug"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_engine_sources_import_nothing_forbidden() -> None:
    files = sorted(ENGINE.rglob("*.py"))
    assert len(files) > 10
    for path in files:
        bad = imported_modules(path) & FORBIDDEN
        assert not bad, f"{path.relative_to(ENGINE.parent)} imports {bad}"


def test_importing_the_engine_loads_nothing_forbidden() -> None:
    code = ("import sys, engine, engine.schema, engine.stats; "
            "print(','.join(sorted({m.split('.')[0] for m in sys.modules})))")
    loaded = set(subprocess.check_output([sys.executable, "-c", code], text=True).strip().split(","))
    assert not loaded & FORBIDDEN, loaded & FORBIDDEN


def test_no_eval_or_exec_in_engine() -> None:
    for path in ENGINE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in ("eval", "exec", "compile", "__import__"), path
            if isinstance(node, ast.Attribute):
                assert node.attr not in ("load", "full_load", "unsafe_load") or not (
                    isinstance(node.value, ast.Name) and node.value.id == "yaml"), path
