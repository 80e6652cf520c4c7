"""The shipped questionnaires, each loaded once per test run (the checklist takes most of a second),
shared by the engine, questionnaire, export and web tests."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import engine

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "questionnaires"
CHECKLIST = FOLDER / "uncac_checklist.yaml"
TECHNICAL_ASSISTANCE = FOLDER / "technical_assistance.yaml"


@cache
def loaded(path: Path = CHECKLIST) -> engine.Loaded:
    """A shipped file, loaded (the model is immutable: sharing it between tests is safe)."""
    return engine.load_file(path)


def checklist() -> engine.Questionnaire:
    return loaded(CHECKLIST).questionnaire


@cache
def checklist_text() -> str:
    return CHECKLIST.read_text(encoding="utf-8")
