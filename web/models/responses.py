"""A response to a questionnaire version, owned by a State or by a provider organization, its
answers, and every change ever made to them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Json, NullableJson, UTCDateTime, utcnow
from .questionnaires import QuestionnaireVersion
from .states import State

RESPONSE_STATUSES = ("draft", "submitted", "returned", "accepted")
#: What the State lets the secretariat share, from least to most (``web.consent`` says what each allows).
CONSENT_LEVELS = ("none", "aggregate", "assistance", "profile")
#: The statuses in which a response takes answers (saved, imported, moved to a newer version).
EDITABLE_STATUSES = frozenset({"draft", "returned"})
#: The four review transitions: step -> (the statuses it leaves from, the status it leads to). Who may
#: take each step is decided by ``web.access``; ``web.workflow`` takes it.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (EDITABLE_STATUSES, "submitted"),
    "return": (frozenset({"submitted"}), "returned"),
    "accept": (frozenset({"submitted"}), "accepted"),
    "amend": (frozenset({"accepted"}), "draft"),
}


OUTSIDE_CYCLES_STATE = "round_id IS NULL AND state_id IS NOT NULL"
OUTSIDE_CYCLES_ORGANIZATION = "round_id IS NULL AND organization IS NOT NULL"


class Response(Base):
    """One per State, or per provider organization, per questionnaire version (and per review cycle
    it answers). Exactly one owner is set: a State, or the organization of provider accounts (an
    international organization or a donor, tied to no State) answering a provider questionnaire."""

    __tablename__ = "responses"
    __table_args__ = (
        UniqueConstraint("state_id", "version_id", "round_id", name="one_per_state_version_and_round"),
        UniqueConstraint("organization", "version_id", "round_id", name="one_per_organization_version_and_round"),
        # the two above let NULLs differ: outside review cycles (round_id NULL) these make them unique
        Index("one_per_state_and_version_outside_cycles", "state_id", "version_id", unique=True,
              sqlite_where=text(OUTSIDE_CYCLES_STATE), postgresql_where=text(OUTSIDE_CYCLES_STATE)),
        Index("one_per_organization_and_version_outside_cycles", "organization", "version_id", unique=True,
              sqlite_where=text(OUTSIDE_CYCLES_ORGANIZATION), postgresql_where=text(OUTSIDE_CYCLES_ORGANIZATION)),
        CheckConstraint("(state_id IS NULL) <> (organization IS NULL)", name="one_owner"),
        CheckConstraint("status IN ('draft', 'submitted', 'returned', 'accepted')", name="known_status"),
        CheckConstraint("consent IN ('none', 'aggregate', 'assistance', 'profile')", name="known_consent"),
        CheckConstraint("published = false OR consent = 'profile'", name="published_within_consent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The State answering (None for a provider's response).
    state_id: Mapped[int | None] = mapped_column(ForeignKey("states.id"), index=True)
    #: The provider organization answering (``User.organization`` of its accounts; None for a State's).
    organization: Mapped[str | None] = mapped_column(String(200), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_versions.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    #: The reporting round or review cycle the response answers (none: started outside any cycle).
    round_id: Mapped[int | None] = mapped_column(ForeignKey("reporting_rounds.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Completeness as the engine computed it at the last save (for listings without evaluating).
    percent: Mapped[int] = mapped_column(Integer, default=0)
    answered: Mapped[int] = mapped_column(Integer, default=0)
    required_total: Mapped[int] = mapped_column(Integer, default=0)
    required_answered: Mapped[int] = mapped_column(Integer, default=0)
    problems: Mapped[int] = mapped_column(Integer, default=0)
    #: 1 for the first submission; each amendment after acceptance opens the next revision.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    #: Readers (delegates, donors) may see the profile of the accepted response.
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    #: What the State's focal point lets be shared, one of ``CONSENT_LEVELS`` (nothing by default).
    consent: Mapped[str] = mapped_column(String(16), default="none", server_default="none")
    #: With ``consent == "profile"``: the chapters of the framework the profile may show (None: all).
    consent_chapters: Mapped[list[str] | None] = mapped_column(NullableJson, nullable=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    state: Mapped[State | None] = relationship(lazy="joined")
    version: Mapped[QuestionnaireVersion] = relationship(lazy="joined")

    @property
    def of_state(self) -> State:
        """The State of a response known to be a State's (profiles, figures, a State's people):
        a provider's response reaching such code is a bug, not a case to handle."""
        if self.state is None:
            raise LookupError(f"response {self.id} belongs to the provider {self.organization!r}, not to a State")
        return self.state

    def owner_name(self, lang: str) -> str:
        """Who answers: the State's name in ``lang``, or the provider organization."""
        return self.state.name(lang) if self.state is not None else self.organization or ""

    @property
    def owner_code(self) -> str:
        """The State's code, or the organization's name, for file names and markers of copies."""
        return self.state.code if self.state is not None else self.organization or ""


class Answer(Base):
    """The current answer to one question. Rows are never deleted: clearing stores ``null``."""

    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("response_id", "question_id", name="one_per_question"),
        # the carried-over answers still to confirm (``web.cycles.carried_answers``, read with every
        # page of a response in a review cycle): found without reading the response's other answers
        Index("ix_answers_carried", "response_id", sqlite_where=text("carried_from IS NOT NULL"),
              postgresql_where=text("carried_from IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id"), index=True)
    #: The stable question id of the definition (``p15_a.compliance``).
    question_id: Mapped[str] = mapped_column(String(200))
    #: The answer as JSON (the engine's ``to_json`` form); ``null`` when cleared.
    value: Mapped[Any] = mapped_column(Json, nullable=True)
    #: The language a text answer was written in.
    language: Mapped[str | None] = mapped_column(String(8))
    #: Optimistic lock: a save must carry the version it was based on.
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The version an answer was carried over from at the start of a cycle (``2026.1``) until the
    #: State confirms or changes it; an unconfirmed answer counts as not done.
    carried_from: Mapped[str | None] = mapped_column(String(32))


class AnswerRevision(Base):
    """Append-only history: every change to every answer (who, when, old and new, which save)."""

    __tablename__ = "answer_revisions"
    __table_args__ = (UniqueConstraint("response_id", "question_id", "save_key", name="one_per_save"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id"), index=True)
    question_id: Mapped[str] = mapped_column(String(200))
    #: The answer version this revision produced.
    version: Mapped[int] = mapped_column(Integer)
    old_value: Mapped[Any] = mapped_column(Json, nullable=True)
    new_value: Mapped[Any] = mapped_column(Json, nullable=True)
    language: Mapped[str | None] = mapped_column(String(8))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: ``save``, ``autosave``, ``conflict``, ``import``, ``migration``.
    source: Mapped[str] = mapped_column(String(16))
    #: The client's key for this change: the same save sent twice is recorded once.
    save_key: Mapped[str | None] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(64))


class EvaluationState(Base):
    """That a response's evaluation is stored (``evaluation_items``, ``evaluation_totals``), and for
    which questionnaire version: kept up to date by every save of answers (``web.evaluations``)."""

    __tablename__ = "evaluation_states"

    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_versions.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EvaluationItem(Base):
    """Whether one section, group or question of a response is visible now (what its answers show)."""

    __tablename__ = "evaluation_items"

    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    visible: Mapped[bool] = mapped_column(Boolean)


#: Scopes of totals: a section or group, a provision of the framework, an article.
TOTAL_SCOPES = ("group", "provision", "article")


class EvaluationTotal(Base):
    """Completeness of one section, group, provision or article of a response: the engine's
    ``Progress`` counts over its visible questions (the source of progress per provision); of one
    page, what its status reads (``web.evaluations.page_totals``: ``questions`` counts its visible
    items, notes included)."""

    __tablename__ = "evaluation_totals"
    __table_args__ = (CheckConstraint("scope IN ('group', 'provision', 'article', 'page')", name="known_scope"),)

    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True)
    scope: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    questions: Mapped[int] = mapped_column(Integer, default=0)  # visible questions that take an answer
    answered: Mapped[int] = mapped_column(Integer, default=0)
    required: Mapped[int] = mapped_column(Integer, default=0)
    required_answered: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)  # visible answers that break a rule


class FigureAggregate(Base):
    """The figures across States of one questionnaire for one audience, counted ahead
    (``web.analysis.aggregates``): codes only, names are added in the reader's language."""

    __tablename__ = "figure_aggregates"
    __table_args__ = (CheckConstraint("audience IN ('all', 'published')", name="known_audience"),)

    questionnaire_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: ``all``: every State's latest response (the secretariat); ``published``: published ones.
    audience: Mapped[str] = mapped_column(String(16), primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_versions.id", ondelete="CASCADE"))
    #: What was counted (``aggregates.key``): the figures are stale when the responses' key differs.
    key: Mapped[str] = mapped_column(String(64))
    data: Mapped[Any] = mapped_column(Json)
    counted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
