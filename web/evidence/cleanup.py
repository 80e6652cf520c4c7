"""Removing evidence content nothing refers to any more.

A file stays while any answer, any revision of the history or any snapshot refers to it: removing a
file from an answer keeps it (the history and the submitted versions still show it). What is left
for this clean-up is content no row refers to: an upload refused after it was kept (a colleague's
newer answer won), a response deleted, a crash between keeping a file and committing its answer,
and temporary files of uploads that never finished. Only what is older than a grace period goes,
so an upload in progress is never touched.

Keeping a file and removing it never interleave: both hold the file's row of ``stored_files``
(:func:`web.evidence.hold`) while they touch the content, and the clean-up looks again, under that
hold, whether anything refers to the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Text, cast, delete, select
from sqlalchemy.exc import IntegrityError

from ..db import db
from ..models import Answer, AnswerRevision, Snapshot, StoredFile
from ..models.base import utcnow
from . import file_store, hold, refs_in
from .store import FileStore

GRACE = timedelta(hours=24)


@dataclass
class Cleaned:
    removed: list[str] = field(default_factory=list)  # hashes whose content was removed
    freed: int = 0  # bytes, as recorded for the removed files that had a row
    leftovers: list[str] = field(default_factory=list)  # temporary files of unfinished uploads
    young: int = 0  # unreferenced files kept because they are newer than the grace period


def _values(sha256: str | None = None) -> Iterator[object]:
    """Every stored JSON value that may hold a file reference (to ``sha256`` only, when given)."""
    needle = f"%{sha256}%" if sha256 else '%"sha256"%'
    for column in (Answer.value, AnswerRevision.old_value, AnswerRevision.new_value, Snapshot.answers):
        yield from db.session.scalars(select(column).where(cast(column, Text).like(needle)))


def referenced(sha256: str | None = None) -> set[str]:
    """The hashes that answers, revisions and snapshots refer to."""
    found: set[str] = set()
    for value in _values(sha256):  # (a snapshot's answers: {question: {"value": ...}}, searched the same way)
        found.update(ref["sha256"] for ref in refs_in(value))
    return found


def clean(dry_run: bool = False, grace: timedelta = GRACE, now: datetime | None = None) -> Cleaned:
    """Remove the content (and row) of every file nothing refers to, older than ``grace``."""
    store = file_store()
    before = (now or utcnow()) - grace
    done = Cleaned()
    used = referenced()
    rows = {sha: (size, created) for sha, size, created in db.session.execute(
        select(StoredFile.sha256, StoredFile.size, StoredFile.created_at))}
    db.session.rollback()
    for sha, (size, created) in sorted(rows.items()):
        if sha in used:
            continue
        if created >= before:
            done.young += 1
            continue
        if dry_run:
            done.removed.append(sha)
            done.freed += size
        elif _remove_row(store, sha):
            done.removed.append(sha)
            done.freed += size
    for sha, written in list(store.contents()):
        if sha in rows or sha in used:
            continue
        if written >= before:
            done.young += 1
        elif dry_run:
            done.removed.append(sha)
        elif _remove_rowless(store, sha):
            done.removed.append(sha)
    if not dry_run:
        done.leftovers = store.leftovers(before)
    return done


def _remove_row(store: FileStore, sha: str) -> bool:
    """Remove content and row, under the row's hold, if still nothing refers to the file."""
    return _remove_held(store, sha, hold(sha))


def _remove_rowless(store: FileStore, sha: str) -> bool:
    """Content without a row: a row is written for the time of the removal, so that an upload of the
    same content waits for it (and then keeps the content anew)."""
    try:
        with db.session.begin_nested():
            db.session.add(StoredFile(sha256=sha, size=1, kind="unknown", media_type="application/octet-stream"))
    except IntegrityError:  # an upload of this content holds its row: it is being kept
        db.session.rollback()
        return False
    return _remove_held(store, sha, True)


def _remove_held(store: FileStore, sha: str, held: bool) -> bool:
    """With the file's row held (``held``): remove content and row unless something refers to it."""
    try:
        if not held or referenced(sha):
            db.session.rollback()
            return False
        store.delete(sha)
        db.session.execute(delete(StoredFile).where(StoredFile.sha256 == sha))
        db.session.commit()
        return True
    except BaseException:
        db.session.rollback()
        raise
