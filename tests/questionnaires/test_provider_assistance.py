"""The provider questionnaire: its recipient countries are the 193 Member States, with the codes and
UN names the app loads (web/data/un_member_states.csv), so that every activity reaches a State."""

from __future__ import annotations

import csv
from pathlib import Path

import engine

ROOT = Path(__file__).resolve().parents[2]


def test_recipient_countries_are_the_member_states_as_the_app_knows_them() -> None:
    q = engine.load((ROOT / "questionnaires" / "provider_assistance.yaml").read_bytes(),
                    source="provider_assistance.yaml").questionnaire
    listed = {c.code: {lang: q.text(c.label, lang).text for lang in engine.UN_LANGUAGES}
              for c in q.choice_lists["un_member_states"].choices}
    with (ROOT / "web" / "data" / "un_member_states.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    assert len(rows) == 193
    assert listed == {row["alpha3"]: {lang: row[f"name_{lang}"] for lang in engine.UN_LANGUAGES} for row in rows}
    columns = {c.id: c for c in q.with_role("provider_activities")[0].columns}
    assert columns["country"].type == "single_choice" and columns["country"].choices.name == "un_member_states"
