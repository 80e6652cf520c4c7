"""The questionnaire tools of the `checklist` command, run as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.engine.conftest import items

CHECKLIST = str(Path(sys.executable).parent / "checklist")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CHECKLIST, *args], capture_output=True, text=True, timeout=60)


def test_validate_prints_one_line_per_diagnostic(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(items("""
        - {id: q1, type: text, lable: {en: Q, fr: Q}, label: {en: Q, fr: Q}}
        - {id: q2, type: text, label: {en: Q, fr: Q}, show_if: "${q9} = 'x'"}
    """))
    result = run("validate", str(path))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 6  # each diagnostic, then the line of the file and a caret under the column
    assert lines[0].startswith(f"{path}:") and " S200 unknown key 'lable'" in lines[0]
    assert lines[0].endswith("(did you mean 'label'?)")
    line, column = (int(part) for part in lines[0][len(str(path)) + 1:].split(":")[:2])
    source = path.read_text().splitlines()[line - 1]
    assert lines[1] == f" {line} | {source}" and lines[2] == f" {' ' * len(str(line))} | {' ' * (column - 1)}^"
    assert source[column - 1:].startswith("lable")
    assert " C401 " in lines[3] and lines[4].endswith("show_if: \"${q9} = 'x'\"}") and lines[5].endswith("^")
    assert "Traceback" not in result.stderr and "2 error(s)" in result.stderr


def test_validate_exit_codes_and_strict(tmp_path: Path) -> None:
    path = tmp_path / "warn.yaml"
    path.write_text(items("- {id: q1, type: text, label: English only}"))
    assert run("validate", str(path)).returncode == 0
    strict = run("validate", "--strict", "-v", str(path))
    assert strict.returncode == 1 and "T500" in strict.stdout and "English only" in strict.stdout
    assert strict.stdout.count("T500") == 2  # the grouped line and its one detail


def test_validate_json(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("id: [\n")
    result = run("validate", "--json", str(path))
    (diag,) = json.loads(result.stdout)
    assert diag["code"] == "Y100" and diag["line"] >= 1 and "Traceback" not in result.stderr


def test_validate_missing_file() -> None:
    result = run("validate", "/nonexistent/q.yaml")
    assert result.returncode == 1 and "Traceback" not in result.stderr


def test_stats(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text(items("- {id: q1, type: text, label: {en: Q, fr: Q}}\n- {id: q2, type: text, label: Q}"))
    result = run("stats", str(path))
    assert result.returncode == 0
    assert "questions 2" in result.stdout
    assert "(10 texts): en 100.0 %, fr 90.0 %" in result.stdout  # 9 of 10 texts have French
