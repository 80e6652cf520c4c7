"""Keeping a response's completeness figures (shown in listings) in step with its answers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import engine
from engine.evaluate import Progress

from .models import Response


def refresh(response: Response, q: engine.Questionnaire, answers: Mapping[str, Any],
            evaluation: engine.Evaluation | None = None) -> engine.Evaluation:
    """Store the engine's completeness of ``answers`` on ``response``; returns the evaluation."""
    evaluation = evaluation or engine.evaluate(q, answers)
    total = counted_total(response, q, answers, evaluation)
    response.percent = total.percent if (total.required or total.questions) else 0
    response.answered = total.answered
    response.required_total = total.required
    response.required_answered = total.required_answered
    response.problems = total.errors
    return evaluation


def counted_total(response: Response, q: engine.Questionnaire, answers: Mapping[str, Any],
                  evaluation: engine.Evaluation) -> Progress:
    """The figures that count (review cycles, ``web.cycles``): only the chapters in scope, and an
    unconfirmed carried-over answer counts as not done."""
    from .cycles import scope_of, unconfirmed

    pending = unconfirmed(response) if response.id else {}
    if pending:
        evaluation = engine.evaluate(q, {qid: v for qid, v in answers.items() if qid not in pending})
    scope = scope_of(response)
    return evaluation.total if scope is None else evaluation.progress_of(scope.question_ids(q))
