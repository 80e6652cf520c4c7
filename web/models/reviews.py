"""Country reviews of a cycle: the reviewing States, the timeline and the review report.

Under the Implementation Review Mechanism each State under review is reviewed by two other States
Parties with the secretariat. A :class:`CountryReview` is that review in one cycle (a
``ReportingRound``): the reviewing States (:class:`ReviewingState`), the dates of its steps and the
step reached, and the skeleton of the country review report (executive summary) that the
reviewers and the secretariat draft and the secretariat finalises.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .deadlines import ReportingRound
from .states import State

#: The steps of a review, in order (``done``: the final report is out).
STAGES = ("self_assessment", "desk_review", "dialogue", "draft_report", "final_report", "done")
#: The parts of the report's executive summary, in order.
REPORT_PARTS = ("successes", "challenges", "recommendations", "assistance_needs")


class CountryReview(Base):
    __tablename__ = "country_reviews"
    __table_args__ = (
        UniqueConstraint("round_id", "state_id", name="one_per_state_and_round"),
        CheckConstraint("stage IN ('self_assessment', 'desk_review', 'dialogue', 'draft_report', 'final_report', "
                        "'done')", name="known_stage"),
        CheckConstraint("dialogue_kind IN ('dialogue', 'visit')", name="known_dialogue_kind"),
        CheckConstraint("report_status IN ('draft', 'final')", name="known_report_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("reporting_rounds.id", ondelete="CASCADE"), index=True)
    #: The State under review.
    state_id: Mapped[int] = mapped_column(ForeignKey("states.id"))
    #: The step reached (one of :data:`STAGES`); earlier steps are done.
    stage: Mapped[str] = mapped_column(String(16), default="self_assessment")
    desk_review_on: Mapped[date | None] = mapped_column(Date)
    #: ``dialogue`` (a joint meeting, e.g. in Vienna) or ``visit`` (a country visit).
    dialogue_kind: Mapped[str] = mapped_column(String(16), default="visit")
    dialogue_on: Mapped[date | None] = mapped_column(Date)
    draft_report_on: Mapped[date | None] = mapped_column(Date)
    final_report_on: Mapped[date | None] = mapped_column(Date)
    #: The executive summary of the country review report (plain text, as written).
    successes: Mapped[str] = mapped_column(Text, default="")
    challenges: Mapped[str] = mapped_column(Text, default="")
    recommendations: Mapped[str] = mapped_column(Text, default="")
    assistance_needs: Mapped[str] = mapped_column(Text, default="")
    #: ``draft`` while reviewers and the secretariat write; ``final`` once the secretariat finalised it.
    report_status: Mapped[str] = mapped_column(String(16), default="draft")
    finalised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finalised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    round: Mapped[ReportingRound] = relationship(lazy="joined")
    state: Mapped[State] = relationship(lazy="joined")
    reviewers: Mapped[list[ReviewingState]] = relationship(back_populates="review", cascade="all, delete-orphan",
                                                          lazy="selectin", order_by="ReviewingState.id")

    @property
    def reviewer_codes(self) -> list[str]:
        return [r.state.code for r in self.reviewers]


class ReviewingState(Base):
    """A State Party reviewing another in a cycle (two per review)."""

    __tablename__ = "reviewing_states"
    __table_args__ = (UniqueConstraint("review_id", "state_id", name="one_per_review"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("country_reviews.id", ondelete="CASCADE"), index=True)
    state_id: Mapped[int] = mapped_column(ForeignKey("states.id"), index=True)

    review: Mapped[CountryReview] = relationship(back_populates="reviewers")
    state: Mapped[State] = relationship(lazy="joined")
