"""Reference data: the 193 UN Member States, with their UN names in six languages and UN regional group.

Everything comes from ``web/data/un_member_states.csv``, whose header names the sources (UNTERM for the
names, DGACM for the regional groups) and the conventions (the United States of America counted with
the Western European and other States as an observer; Türkiye counted there, also in Asia-Pacific).
pycountry only cross-checks the ISO codes and gives the alpha-2 code; CLDR is not used for names.

``checklist states load`` (``load_states``) adds the missing States and brings existing rows up to the
file, so a database loaded with older names is upgraded by running it again. In code and templates:
``state.name(lang)``, ``state.formal_name(lang)``, ``state.group`` (a code of ``REGIONAL_GROUPS``),
``group_label(state.group)``, and ``group_note_label(state.group_note)`` for the footnote.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pycountry
from flask_babel import gettext as _gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import State
from .models.states import GROUP_NOTES, REGIONAL_GROUPS

DATA = Path(__file__).resolve().parent / "data" / "un_member_states.csv"
LANGUAGES = ("ar", "en", "es", "fr", "ru", "zh")
M49_REGIONS = ("002", "009", "019", "142", "150")
COLUMNS = ("alpha3", "region", "group", "group_note", *(f"name_{lang}" for lang in LANGUAGES),
           *(f"formal_{lang}" for lang in LANGUAGES))


def N_(message: str) -> str:
    """Marks an interface string for extraction; translated where it is shown."""
    return message


#: Each regional group's name as the UN writes it (translated in the interface catalogs).
GROUP_LABELS = {
    "african": N_("African States"),
    "asia_pacific": N_("Asia-Pacific States"),
    "eastern_european": N_("Eastern European States"),
    "latin_american_caribbean": N_("Latin American and Caribbean States"),
    "western_european_other": N_("Western European and other States"),
}
GROUP_NOTE_LABELS = {
    "observer": N_("Observer, counted with this group for elections"),
    "also_asia_pacific": N_("Also takes part in the Group of Asia-Pacific States; "
                            "counted with this group for elections"),
}
#: A heading for a column or filter of regional groups.
GROUP_HEADING = N_("Regional group")


def group_label(code: str, gettext: Callable[[str], str] | None = None) -> str:
    """A regional group's name in the interface language (or through ``gettext`` for another one)."""
    return (gettext or _gettext)(GROUP_LABELS[code]) if code in GROUP_LABELS else code


def group_note_label(note: str | None, gettext: Callable[[str], str] | None = None) -> str:
    """How a State belongs to its group ("Observer, ..."), or "" for a plain member."""
    return (gettext or _gettext)(GROUP_NOTE_LABELS[note]) if note in GROUP_NOTE_LABELS else ""


class ReferenceDataError(ValueError):
    """The data file is wrong: every problem found, each with its line."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path, self.problems = path, problems
        super().__init__(f"{path}: {len(problems)} problem(s):\n" + "\n".join(problems))


@dataclass(frozen=True)
class MemberState:
    """One row of the data file."""

    code: str
    alpha2: str
    region: str
    group: str
    group_note: str | None
    names: dict[str, str] = field(default_factory=dict)
    formal_names: dict[str, str] = field(default_factory=dict)

    def values(self) -> dict[str, Any]:
        """The State columns this row sets."""
        return {"alpha2": self.alpha2, "region": self.region, "group": self.group, "group_note": self.group_note,
                "names": dict(self.names), "formal_names": dict(self.formal_names)}


def member_states(path: Path | None = None) -> list[MemberState]:
    """The rows of the data file, checked; a ``ReferenceDataError`` lists every problem with its line."""
    path = path or DATA
    with path.open(encoding="utf-8", newline="") as handle:
        numbered = [(number, line) for number, line in enumerate(handle, 1) if not line.startswith("#")]
    reader = csv.DictReader(line for _, line in numbered)
    missing = [column for column in COLUMNS if column not in (reader.fieldnames or ())]
    if missing:
        line = numbered[0][0] if numbered else 1
        raise ReferenceDataError(path, [f"line {line}: missing column(s) {', '.join(missing)}; "
                                        f"the header must name {', '.join(COLUMNS)}"])
    problems: list[str] = []
    states: list[MemberState] = []
    seen: dict[str, int] = {}
    for (number, _), row in zip(numbered[1:], reader, strict=False):
        state = _row(row, f"line {number}", problems)
        if state is None:
            continue
        if state.code in seen:
            problems.append(f"line {number}: {state.code} already on line {seen[state.code]}; keep one row per State")
        seen.setdefault(state.code, number)
        states.append(state)
    if problems:
        raise ReferenceDataError(path, problems)
    return states


def _row(row: dict[str, str], where: str, problems: list[str]) -> MemberState | None:
    before = len(problems)
    code = (row.get("alpha3") or "").strip()
    country = pycountry.countries.get(alpha_3=code) if len(code) == 3 and code.isupper() else None
    if country is None:
        problems.append(f"{where}: {code!r} is not an ISO 3166-1 alpha-3 code; write the code, e.g. KEN")
    _one_of(row, "region", M49_REGIONS, where, problems)
    _one_of(row, "group", REGIONAL_GROUPS, where, problems)
    if row.get("group_note"):
        _one_of(row, "group_note", GROUP_NOTES, where, problems)
    names = {lang: (row.get(f"name_{lang}") or "").strip() for lang in LANGUAGES}
    formal = {lang: (row.get(f"formal_{lang}") or "").strip() for lang in LANGUAGES}
    for kind, values in (("name", names), ("formal", formal)):
        empty = [lang for lang, value in values.items() if not value]
        if empty:
            problems.append(f"{where}: {code} has no {kind} in {', '.join(empty)}; write the UNTERM {kind} there")
    if len(problems) > before or country is None:
        return None
    return MemberState(code=code, alpha2=country.alpha_2, region=row["region"], group=row["group"],
                       group_note=row["group_note"] or None, names=names, formal_names=formal)


def _one_of(row: dict[str, str], column: str, allowed: tuple[str, ...], where: str, problems: list[str]) -> None:
    if row.get(column) not in allowed:
        problems.append(f"{where}: {column} {row.get(column)!r} is not one of {', '.join(allowed)}")


def load_states(session: Session, path: Path | None = None) -> tuple[int, int]:
    """Add the missing Member States and bring existing rows up to the data file: ``(added, updated)``."""
    existing = {state.code: state for state in session.scalars(select(State))}
    added = updated = 0
    for member in member_states(path):
        values = member.values()
        state = existing.get(member.code)
        if state is None:
            session.add(State(code=member.code, **values))
            added += 1
        elif any(getattr(state, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(state, key, value)
            updated += 1
    session.flush()
    return added, updated
