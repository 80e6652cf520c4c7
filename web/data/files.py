"""Exports written to files (``checklist export``): the secretariat's view, every State in scope."""

from __future__ import annotations

import io
from typing import IO

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from exports import data as exports
from exports import schemas

from ..db import db
from ..models import Response, State
from . import sources


class ExportError(Exception):
    pass


def words(lang: str) -> exports.Words:
    with force_locale(lang):
        return exports.Words(yes=_("Yes"), no=_("No"),
                             truncated=_("[truncated: the full text is in the JSON export]"))


def write(out: IO[bytes], fmt: str, form: str, lang: str, state_code: str | None = None,
          questionnaire: str | None = None) -> int:
    """Write every response (one State's with ``state_code``) to ``out``; returns the number of States."""
    query = select(Response)
    if state_code:
        state = db.session.scalars(select(State).where(State.code == state_code.strip().upper())).first()
        if state is None:
            raise ExportError(f"no State with the code {state_code}")
        query = query.where(Response.state_id == state.id)
    if questionnaire:
        query = sources.for_questionnaire(query, questionnaire)
    chosen = sources.in_order(db.session.scalars(query).all())
    loaded = [sources.load(row, lang) for row in chosen]
    said = words(lang)
    if fmt == "xlsx":
        title = {"long": "answers", "wide": "provisions"}[form]
        exports.write_xlsx([(title, exports.columns(form), exports.rows(loaded, form, lang, said))], out, said)
    elif fmt == "csv":
        text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
        exports.write_csv(exports.rows(loaded, form, lang, said), exports.columns(form), text)
        text.flush()
        text.detach()
    elif form == "wide":
        out.write(schemas.dumps_wide(exports.rows(loaded, form, lang, said)).encode("utf-8"))
    else:
        out.write(schemas.dumps(schemas.document(loaded, lang, said)).encode("utf-8"))
    return len(loaded)
