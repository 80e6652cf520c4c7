"""What a country profile is made from: plain data that the caller (the web app, the CLI, a test)
fills. Nothing here knows about Flask or the database; the questionnaire and the answers are the
engine's own model and values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import engine

from ..provisions import answer_by_role

#: ``coordination``: the country coordination pack (needs, who covers them, contacts).
KINDS = ("summary", "full", "coordination")
RESPONSE_STATUSES = ("draft", "submitted", "returned", "accepted")
#: The placeholders a document symbol may use (see :class:`Cover`).
SYMBOL_FIELDS = ("state", "year", "kind", "lang", "number")


@dataclass(frozen=True)
class Cover:
    """What the deployment puts on every cover: the organization's name (one text, or one per
    language) and a document symbol pattern such as ``CAC/COSP/SA/{state}/{year}`` (placeholders:
    :data:`SYMBOL_FIELDS`; empty: no symbol). No logo: a deployment adds none through this."""

    organization: Mapping[str, str] = field(default_factory=dict)  # {language: name}, "en" the fallback
    symbol: str = ""

    def __post_init__(self) -> None:
        try:
            self.symbol.format(**dict.fromkeys(SYMBOL_FIELDS, "x"))
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"PROFILE_SYMBOL {self.symbol!r}: {exc!s} is not a placeholder it may use; "
                             f"use {', '.join('{' + name + '}' for name in SYMBOL_FIELDS)}") from None

    @staticmethod
    def of(organization: str | Mapping[str, str] | None, symbol: str | None) -> Cover:
        """From the settings: a name for every language, or ``{language: name}``."""
        names = {"en": organization} if isinstance(organization, str) else dict(organization or {})
        return Cover({lang: str(name).strip() for lang, name in names.items() if str(name).strip()},
                     (symbol or "").strip())

    def organization_in(self, lang: str) -> str:
        return self.organization.get(lang) or self.organization.get("en") or next(iter(self.organization.values()), "")

    def symbol_of(self, state: str, year: int | str, kind: str, lang: str, number: int | None) -> str:
        return self.symbol.format(state=state, year=year, kind=kind, lang=lang.upper(), number=number or 0)


@dataclass(frozen=True)
class FocalPoint:
    """The national focal point shown on the cover (no e-mail or telephone: profiles are shared)."""

    name: str = ""
    position: str = ""
    institution: str = ""

    @staticmethod
    def of(q: engine.Questionnaire, answers: Mapping[str, Any]) -> FocalPoint | None:
        """The focal point from the answers to the questions with the ``focal_point_*`` roles (None
        without a name)."""
        name, position, institution = (str(answer_by_role(q, answers, f"focal_point_{part}") or "")
                                       for part in ("name", "position", "institution"))
        return FocalPoint(name, position, institution) if name else None


@dataclass(frozen=True)
class CoordinationNeed:
    """A need of the State (article, kind of assistance) and the providers covering it."""

    article: str
    category: str  # a code of the kinds of assistance ('' when none was given)
    priority: str  # high, medium, low or ''
    providers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Contact:
    """A focal point for technical assistance, shared by the State's consent."""

    name: str
    position: str = ""
    organization: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Coordination:
    needs: tuple[CoordinationNeed, ...] = ()
    contacts: tuple[Contact, ...] = ()
    #: The kinds of assistance named: ``((code, ((lang, label), ...)), ...)``.
    labels: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()

    def label(self, code: str, lang: str) -> str:
        for known, texts in self.labels:
            if known == code:
                found = dict(texts)
                return found.get(lang) or found.get("en") or code
        return code


@dataclass(frozen=True)
class Previous:
    """The submission the summary compares with: the one before the submission shown, or for a
    draft the latest one (its own questionnaire version: answers are compared by provision)."""

    number: int
    as_of: datetime
    questionnaire: engine.Questionnaire
    answers: Mapping[str, Any]


@dataclass(frozen=True)
class ProfileData:
    """One State's response, as a profile shows it.

    ``answers`` are engine values keyed by question id (answers to hidden questions may be
    included: the profile leaves them out, as the engine marks them not applicable);
    ``answer_languages`` says which language each text answer was written in.
    """

    state_code: str  # ISO 3166-1 alpha-3
    state_names: Mapping[str, str]  # {language: name}
    region: str  # UN M49 code, e.g. "002"
    questionnaire: engine.Questionnaire
    answers: Mapping[str, Any]
    answer_languages: Mapping[str, str] = field(default_factory=dict)
    status: str = "draft"  # draft, submitted, returned or accepted
    as_of: datetime | None = None  # when these answers were frozen (or last changed)
    snapshot_number: int | None = None  # None: live answers, not a submission
    revision: int = 1
    answers_hash: str = ""  # fingerprint of the answers (the snapshot's SHA-256), if any
    source_key: str = ""  # changes whenever the answers change (cache key)
    focal_point: FocalPoint | None = None
    #: Only these chapters of the framework (what the State consented to share); None: every chapter.
    shared: frozenset[str] | None = None
    #: For the coordination pack: the needs matched to offers and the contacts.
    coordination: Coordination | None = None
    #: (complete pages, counted pages): the progress figure the web app shows (``web.progress``),
    #: given by the caller; None: not shown.
    progress: tuple[int, int] | None = None
    cover: Cover = field(default_factory=Cover)
    previous: Previous | None = None
    #: The chapters of a review cycle (``("II", "V")``): the profile shows only those; empty: all.
    chapters: tuple[str, ...] = ()

    @property
    def mark(self) -> str | None:
        """The mark every page carries: ``draft`` (answers not submitted), ``not_accepted``
        (submitted or returned, not accepted), None (accepted)."""
        if self.snapshot_number is None or self.status == "draft":
            return "draft"
        return None if self.status == "accepted" else "not_accepted"

    def state_name(self, lang: str) -> str:
        return str(self.state_names.get(lang) or self.state_names.get("en") or self.state_code)

    def identity(self) -> dict[str, Any]:
        """Everything but the answers themselves that the rendered file depends on."""
        focal = self.focal_point
        return {
            "state": self.state_code, "names": dict(sorted(self.state_names.items())), "region": self.region,
            "questionnaire": [self.questionnaire.id, self.questionnaire.version, self.questionnaire.content_hash],
            "status": self.status, "as_of": self.as_of.isoformat() if self.as_of else None,
            "snapshot": self.snapshot_number, "chapters": list(self.chapters), "revision": self.revision,
            "answers_hash": self.answers_hash,
            "source": self.source_key,
            "focal": [focal.name, focal.position, focal.institution] if focal else None,
            "shared": sorted(self.shared) if self.shared is not None else None,
            "coordination": repr(self.coordination) if self.coordination is not None else None,
            "progress": list(self.progress) if self.progress else None,
            "cover": [dict(sorted(self.cover.organization.items())), self.cover.symbol],
            "previous": [self.previous.number, self.previous.as_of.isoformat(),
                         self.previous.questionnaire.content_hash] if self.previous else None,
        }
