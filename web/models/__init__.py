"""The database models, one module per concept. Import them from here."""

from __future__ import annotations

from .base import Base
from .questionnaires import QuestionnaireVersion
from .responses import Answer, AnswerRevision, Response
from .states import State
from .users import ROLES, Assignment, User

__all__ = ["ROLES", "Answer", "AnswerRevision", "Assignment", "Base", "QuestionnaireVersion", "Response",
           "State", "User"]
