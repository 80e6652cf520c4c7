"""Keeping a response's completeness figures (shown in listings) in step with its answers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import engine

from .models import Response


def refresh(response: Response, q: engine.Questionnaire, answers: Mapping[str, Any],
            evaluation: engine.Evaluation | None = None) -> engine.Evaluation:
    """Store the engine's completeness of ``answers`` on ``response``; returns the evaluation."""
    evaluation = evaluation or engine.evaluate(q, answers)
    total = evaluation.total
    response.percent = total.percent if (total.required or total.questions) else 0
    response.answered = total.answered
    response.required_total = total.required
    response.required_answered = total.required_answered
    response.problems = total.errors
    return evaluation
