"""The database models, one module per concept. Import them from here."""

from __future__ import annotations

from .assistance import ApiToken, AssistanceItem, AssistanceSource
from .base import Base
from .deadlines import ReportingRound, StateDeadline
from .files import StoredFile
from .mail import AccountToken, MailPreference, OutboxMessage
from .questionnaires import QuestionnaireVersion, TranslationReview
from .repository import RepositoryContribution, RepositoryEntry, RepositorySource
from .responses import (
    Answer,
    AnswerRevision,
    EvaluationItem,
    EvaluationState,
    EvaluationTotal,
    FigureAggregate,
    Response,
)
from .reviews import CountryReview, ReviewingState
from .states import State
from .users import ROLES, Assignment, LoginSession, User
from .workflow import Activity, Comment, Snapshot

__all__ = ["ROLES", "AccountToken", "Activity", "Answer", "AnswerRevision", "ApiToken", "Assignment",
           "AssistanceItem", "AssistanceSource", "Base", "Comment",
           "CountryReview", "EvaluationItem", "EvaluationState", "EvaluationTotal", "FigureAggregate",
           "LoginSession", "MailPreference", "OutboxMessage", "QuestionnaireVersion", "ReportingRound",
           "RepositoryContribution", "RepositoryEntry", "RepositorySource", "Response", "ReviewingState", "Snapshot",
           "State", "StateDeadline", "StoredFile", "TranslationReview", "User"]
