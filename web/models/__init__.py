"""The database models, one module per concept. Import them from here."""

from __future__ import annotations

from .base import Base
from .deadlines import ReportingRound, StateDeadline
from .mail import AccountToken, MailPreference, OutboxMessage
from .questionnaires import QuestionnaireVersion, TranslationReview
from .repository import RepositoryEntry, RepositorySource
from .responses import Answer, AnswerRevision, Response
from .reviews import CountryReview, ReviewingState
from .states import State
from .users import ROLES, Assignment, LoginSession, User
from .workflow import Activity, Comment, Snapshot

__all__ = ["ROLES", "AccountToken", "Activity", "Answer", "AnswerRevision", "Assignment", "Base", "Comment",
           "CountryReview", "LoginSession", "MailPreference", "OutboxMessage", "QuestionnaireVersion",
           "ReportingRound", "RepositoryEntry", "RepositorySource", "Response", "ReviewingState", "Snapshot", "State",
           "StateDeadline", "TranslationReview", "User"]
