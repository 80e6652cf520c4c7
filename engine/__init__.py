"""The questionnaire engine: pure Python, no web framework, database or PDF library.

One entry point shows the pipeline::

    loaded = engine.load(text, source="checklist.yaml")   # or engine.load_file(path)
    loaded.questionnaire, loaded.warnings

:func:`load` reads the YAML keeping positions (:mod:`.source`), parses it into drafts
(:mod:`.parse`), checks every cross-reference and freezes the model (:mod:`.check`, :mod:`.model`).
It returns the questionnaire with its warnings, or raises :class:`QuestionnaireError` carrying
**all** the diagnostics found. Evaluating answers is separate: :func:`evaluate`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .check import Checker
from .errors import CATALOGUE, N_, Collector, Diagnostic, QuestionnaireError
from .evaluate import Evaluation, evaluate
from .model import ChoiceList, Framework, Group, Question, Questionnaire
from .parse import Parser
from .source import MAX_BYTES, read
from .text import RTL_LANGUAGES, UN_LANGUAGES, Localized, Text
from .types import TYPES, InvalidAnswer, Problem, answers_from_json

__all__ = [
    "CATALOGUE", "TYPES", "RTL_LANGUAGES", "UN_LANGUAGES", "ChoiceList", "Diagnostic", "Evaluation",
    "Framework", "Group", "InvalidAnswer", "Loaded", "Localized", "Problem", "Question",
    "Questionnaire", "QuestionnaireError", "Text", "answers_from_json", "evaluate", "load", "load_file",
]


@dataclass(frozen=True, slots=True)
class Loaded:
    questionnaire: Questionnaire
    warnings: tuple[Diagnostic, ...]


def load(text: str | bytes, source: str = "<string>", max_bytes: int = MAX_BYTES) -> Loaded:
    """Load a questionnaire from YAML text; raise :class:`QuestionnaireError` on any error."""
    collector = Collector(source)
    root = read(text, collector, max_bytes)
    if root is None:
        if not collector.items:  # an empty file
            collector.add("S202", 1, 1, key=N_("the file"), expected=N_("a mapping of keys"), found=N_("nothing"),
                          example=N_("start with 'id: my_questionnaire'"))
        raise QuestionnaireError(collector.sorted())
    document = Parser(collector).run(root)
    raw = text.encode("utf-8") if isinstance(text, str) else text
    questionnaire = Checker(document, collector).run(source, hashlib.sha256(raw).hexdigest())
    diagnostics = collector.sorted()
    if collector.has_errors:
        raise QuestionnaireError(diagnostics)
    return Loaded(questionnaire, tuple(diagnostics))


def load_file(path: str | Path, max_bytes: int = MAX_BYTES) -> Loaded:
    """Read and load a questionnaire file (the file name is used in diagnostics)."""
    path = Path(path)
    size = path.stat().st_size
    if size > max_bytes:  # refuse before reading a huge file into memory
        collector = Collector(str(path))
        collector.add("Y102", 1, 1, size=size, limit=max_bytes)
        raise QuestionnaireError(collector.items)
    return load(path.read_bytes(), source=str(path), max_bytes=max_bytes)
