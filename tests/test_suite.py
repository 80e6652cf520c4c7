"""How `make test` splits the suite: its PostgreSQL pass runs only the tests that use the database."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def collected(*args: str) -> list[str]:
    result = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                             *args], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode in (0, 5), result.stdout + result.stderr
    return [line for line in result.stdout.splitlines() if "::" in line]


def test_the_database_pass_keeps_only_tests_that_use_the_database() -> None:
    files = ["tests/engine/test_roles.py", "tests/web/test_demo.py", "tests/web/test_humanize.py",
             "tests/exports/test_pdf_safety.py", "tests/web/test_profiles.py"]
    everything = collected(*files)
    database = collected("--database-only", *files)
    assert any(test.startswith("tests/engine/") for test in everything)
    assert database == ["tests/web/test_demo.py::test_demo_answers_reach_the_provisions_by_role"]
    assert len(everything) > 20 and any("test_profiles.py" in test for test in everything)
