"""Questionnaire versions in the database, loaded through the engine and kept in memory."""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

import engine

from .db import db
from .models import QuestionnaireVersion, User
from .models.base import utcnow

log = logging.getLogger("web")
_cache: dict[str, engine.Questionnaire] = {}
_lock = threading.Lock()


def questionnaire(version: QuestionnaireVersion) -> engine.Questionnaire:
    """The loaded model of a stored version (loaded once per process, keyed by content hash)."""
    found = _cache.get(version.content_hash)
    if found is None:
        with _lock:
            found = _cache.get(version.content_hash)
            if found is None:
                name = f"{version.questionnaire_id}@{version.version}"
                started = time.perf_counter()
                found = engine.load(version.source, source=name).questionnaire
                _cache[version.content_hash] = found
                log.info("questionnaire %s loaded in %.2f s (process %d)", name, time.perf_counter() - started,
                         os.getpid())
    return found


def remember(q: engine.Questionnaire) -> None:
    """Keep a model just loaded (e.g. at publication) so it is not loaded again."""
    _cache[q.content_hash] = q


def published() -> list[QuestionnaireVersion]:
    """Every published version, newest first."""
    query = (select(QuestionnaireVersion).where(QuestionnaireVersion.status == "published")
             .order_by(QuestionnaireVersion.questionnaire_id, QuestionnaireVersion.published_at.desc()))
    return list(db.session.scalars(query))


def current_versions() -> list[QuestionnaireVersion]:
    """The newest published version of each questionnaire."""
    seen: dict[str, QuestionnaireVersion] = {}
    for version in published():
        seen.setdefault(version.questionnaire_id, version)
    return list(seen.values())


class PublishError(Exception):
    def __init__(self, message: str, diagnostics: tuple[engine.Diagnostic, ...] = ()):
        super().__init__(message)
        self.diagnostics = diagnostics


@dataclass(frozen=True)
class Published:
    version: QuestionnaireVersion
    warnings: tuple[engine.Diagnostic, ...]


def publish_text(text: str, source: str, user: User | None = None, loaded: engine.Loaded | None = None) -> Published:
    """Check a definition with the engine and store it as a new published version.

    Nothing is stored if the file has errors, if its version already exists with other content,
    or if it is identical to a stored version. ``loaded``: the text already loaded by the caller
    (its content hash must be the text's), so that it is not loaded twice.
    """
    if loaded is None or loaded.questionnaire.content_hash != hashlib.sha256(text.encode("utf-8")).hexdigest():
        try:
            loaded = engine.load(text, source=source)
        except engine.QuestionnaireError as exc:
            raise PublishError(f"{len(exc.errors)} error(s) in {source}", exc.diagnostics) from None
    q = loaded.questionnaire
    session = db.session
    existing = session.scalars(select(QuestionnaireVersion).where(
        QuestionnaireVersion.questionnaire_id == q.id)).all()
    for other in existing:
        if other.content_hash == q.content_hash:
            raise PublishError(f"{source} is identical to the stored version {other.version}")
        if other.version == q.version:
            raise PublishError(f"version {q.version} of {q.id} already exists with other content; "
                               "change 'version:' in the file")
    row = QuestionnaireVersion(questionnaire_id=q.id, version=q.version, content_hash=q.content_hash,
                               source=text, title=dict(q.title), status="published", published_at=utcnow(),
                               created_by_id=user.id if user else None, notes={})
    session.add(row)
    session.flush()
    _cache[q.content_hash] = q
    return Published(row, loaded.warnings)


def publish_file(path: str | Path, user: User | None = None, loaded: engine.Loaded | None = None) -> Published:
    path = Path(path)
    return publish_text(path.read_text(encoding="utf-8"), str(path), user, loaded)
