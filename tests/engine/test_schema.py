"""The JSON Schema for editors is generated from the spec and accepts what the engine accepts."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from engine.schema import build_schema, schema_text

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "questionnaires" / "questionnaire.schema.json"


def test_shipped_schema_is_up_to_date() -> None:
    assert SHIPPED.read_text(encoding="utf-8") == schema_text(), "run: checklist schema"


def test_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(build_schema())


@pytest.mark.parametrize("path", sorted((ROOT / "questionnaires").glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_questionnaires_match_the_schema(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    jsonschema.validate(data, json.loads(SHIPPED.read_text(encoding="utf-8")))


def test_schema_catches_an_unknown_key() -> None:
    data = {"id": "x", "version": "1", "title": "T", "languages": ["en"], "default_language": "en",
            "sections": [{"id": "s", "title": "S", "items": [{"id": "q", "type": "text", "label": "Q",
                                                               "lable": "typo"}]}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, build_schema())
    del data["sections"][0]["items"][0]["lable"]
    jsonschema.validate(data, build_schema())
