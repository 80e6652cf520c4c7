"""Reference data: the UN Member States, with names in the six languages from CLDR."""

from __future__ import annotations

import csv
from pathlib import Path

import pycountry
from babel import Locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import State

DATA = Path(__file__).resolve().parent / "data" / "un_member_states.csv"
LANGUAGES = ("ar", "en", "es", "fr", "ru", "zh")


def member_states() -> list[tuple[str, str]]:
    """(alpha-3 code, M49 region) of each UN Member State."""
    with DATA.open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return [(row["alpha3"], row["region"]) for row in rows]


def names(alpha2: str) -> dict[str, str]:
    return {lang: Locale.parse(lang).territories[alpha2] for lang in LANGUAGES}


def load_states(session: Session) -> tuple[int, int]:
    existing = {state.code: state for state in session.scalars(select(State))}
    added = updated = 0
    for code, region in member_states():
        country = pycountry.countries.get(alpha_3=code)
        if country is None:
            raise ValueError(f"unknown ISO 3166 code {code}")
        values = {"alpha2": country.alpha_2, "region": region, "names": names(country.alpha_2)}
        state = existing.get(code)
        if state is None:
            session.add(State(code=code, **values))
            added += 1
        elif any(getattr(state, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(state, key, value)
            updated += 1
    session.flush()
    return added, updated
