"""Keeping the repository's entries in step with the answers, and searching them.

**In step.** Each response's entries are rebuilt when what they are built from changes: the latest
submission snapshot of a submitted or accepted response, the live answers of a draft (the key of
``web.data.sources.source_keys``). Before a list or a search, :func:`refresh` compares those keys
with the ones the entries were built from and rebuilds the stale responses in a write transaction
of their own. That way every path that changes answers (saving, autosave, import, submission,
amendment, a questionnaire migration) is covered without each of them having to remember the
repository, and entries of a response are never half old and half new.

**Search.** The same on SQLite and PostgreSQL: each entry has a ``search`` column holding its words
normalised in Python (Unicode NFKC, case-folded, accents and Arabic diacritics removed, Arabic letter
variants unified, punctuation turned into spaces); a query is normalised the same way, cut into
words, and each word must occur in the column (``LIKE '%word%'``, wildcards escaped). Substring
matching also finds words inside Chinese text, which has no spaces, and inside compounds; neither
SQLite's FTS5 tokenizers nor PostgreSQL's text-search configurations segment Chinese, and the two
would rank and stem differently, so one plain method gives the same results on both databases.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from exports import data as exports

from ..data import sources
from ..db import db
from ..models import Response
from ..models.base import utcnow
from ..models.repository import RepositoryEntry, RepositorySource

#: Bump when what an entry holds changes: every response is then indexed again.
FORMAT = "2"  # 2: States named as the UN names them (web/data/un_member_states.csv)
#: Arabic letter variants searched as one (alef with hamza or madda, alef maqsura, teh marbuta).
_ARABIC = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ـ": None})
_SEPARATORS = re.compile(r"[\s\W_]+", re.UNICODE)
MAX_WORDS = 8


def normalise(text: str) -> str:
    """Words of ``text`` in the form searches compare: lower case, no accents, single spaces."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if unicodedata.category(c) != "Mn")
    text = unicodedata.normalize("NFC", text).translate(_ARABIC)
    return _SEPARATORS.sub(" ", text).strip()


def words(query: str) -> list[str]:
    """The words of a search query (at most ``MAX_WORDS``, each at most 100 characters)."""
    return [word[:100] for word in normalise(query).split()][:MAX_WORDS]


def like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def source_key(key: str) -> str:
    return f"{FORMAT}:{key}"


# -- keeping in step ---------------------------------------------------------------------------------
def refresh(responses: Iterable[Response]) -> int:
    """Rebuild the entries of the responses whose answers changed since they were indexed; returns
    how many were rebuilt. Ends the request's read transaction afterwards, so that what follows sees
    the new entries."""
    rows = list(responses)
    if not rows:
        return 0
    keys = {rid: source_key(key) for rid, key in sources.source_keys(rows).items()}
    indexed = dict(db.session.execute(select(RepositorySource.response_id, RepositorySource.source_key).where(
        RepositorySource.response_id.in_(list(keys)))).all())
    stale = [row for row in rows if indexed.get(row.id) != keys[row.id]]
    for row in stale:
        entries = build(row)
        with db.writing() as session:
            store(session, row, keys[row.id], entries)
    if stale:
        db.session.commit()
    return len(stale)


def build(response: Response) -> list[RepositoryEntry]:
    state = response.state
    if state is None:  # a provider's response holds no measures of a State
        return []
    source = sources.load(response, "en")
    state_words = " ".join([state.code, *[str(name) for name in state.names.values()]])
    entries = []
    for measure in exports.measures(source):
        entries.append(RepositoryEntry(
            response_id=response.id, state_id=response.state_id, question_id=measure.question_id, row=measure.row,
            provision=measure.provision, article=measure.article, chapter=measure.chapter,
            instrument=measure.instrument, reference=measure.reference, year=measure.year, link=measure.link,
            language=measure.language or None, instrument_key=normalise(measure.instrument)[:500],
            search=normalise(" ".join([measure.instrument, measure.reference, str(measure.year or ""),
                                       measure.link, state_words]))))
    return entries


def store(session: Session, response: Response, key: str, entries: list[RepositoryEntry]) -> None:
    """Replace a response's entries, unless another request already indexed the same answers."""
    marker = session.scalars(select(RepositorySource).where(RepositorySource.response_id == response.id)
                             .with_for_update()).first()
    if marker is None:
        marker = RepositorySource(response_id=response.id, source_key="", entries=0)
        try:
            with session.begin_nested():
                session.add(marker)
                session.flush()
        except IntegrityError:  # another request is indexing it right now: it will finish the job
            return
    elif marker.source_key == key:
        return
    session.execute(delete(RepositoryEntry).where(RepositoryEntry.response_id == response.id))
    session.add_all(entries)
    marker.source_key = key
    marker.entries = len(entries)
    marker.indexed_at = utcnow()
    session.flush()
