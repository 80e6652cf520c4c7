"""Data exports without the web app: long and wide rows, CSV and XLSX cells, the JSON round trip
and the checks of an import."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import pytest
from openpyxl import load_workbook

import engine
from exports import data, schemas
from tests.exports.small_checklist import SMALL_CHECKLIST, complete, law

HOSTILE = ("=HYPERLINK(\"http://evil.example\",\"x\")", "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx", "＝1+1")


@pytest.fixture(scope="module")
def q() -> engine.Questionnaire:
    return engine.load(SMALL_CHECKLIST, "small.yaml").questionnaire


def source(q: engine.Questionnaire, answers: dict[str, Any], **kwargs: Any) -> data.Source:
    raw = {qid: value for qid, value in answers.items()}
    return data.Source("KEN", "Kenya", q, raw, versions={qid: 2 for qid in raw},
                       languages={qid: "en" for qid in raw if isinstance(answers[qid], (str, list))
                                  and q.question(qid).type in ("text", "long_text", "table", "email")},
                       as_of=dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC), **kwargs)


# -- formula neutralisation ---------------------------------------------------------------------------
@pytest.mark.parametrize("text", HOSTILE)
def test_formula_starts_are_neutralised(text: str) -> None:
    assert data.neutralise(text) == "'" + text
    assert data.csv_cell(text) == "'" + text
    assert data.xlsx_cell(text) == "'" + text


def test_ordinary_values_are_left_alone() -> None:
    for value in ("Penal Code", "a=b", "e-mail", " =1", "قانون", "反腐败法"):
        assert data.neutralise(value) == value
    assert data.neutralise(-5) == -5 and data.xlsx_cell(-5) == -5  # numbers are not formulas
    assert data.csv_cell(True) == "true" and data.csv_cell(None) == ""


def test_csv_file_has_no_live_formula(q: engine.Questionnaire) -> None:
    answers = complete({"focal_name": HOSTILE[0], "p5_1.measures_summary": HOSTILE[2],
                        "p5_1.measures": [law("@cmd|'/c calc'!A0", "-1+1")]})
    out = io.StringIO()
    count = data.write_csv(data.long_rows(source(q, answers), "en"), data.LONG_COLUMNS, out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert count == len(rows) - 1 and rows[0] == list(data.LONG_COLUMNS)
    cells = [cell for row in rows[1:] for cell in row]
    assert "'" + HOSTILE[0] in cells and "'" + HOSTILE[2] in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_xlsx_file_has_no_formula_and_no_illegal_character(q: engine.Questionnaire) -> None:
    answers = complete({"focal_name": HOSTILE[0], "p5_1.measures_summary": "bell\x07 and =SUM(1)",
                        "p15_a.measures_summary": "=1+1"})
    out = io.BytesIO()
    data.write_xlsx([("answers", data.LONG_COLUMNS, data.long_rows(source(q, answers), "en"))], out)
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell for cell in cells if cell.data_type == "f"]
    values = [cell.value for cell in cells]
    assert "'" + HOSTILE[0] in values and "'=1+1" in values
    assert "bell\ufffd and =SUM(1)" in values


def test_xlsx_cells_are_cut_at_the_spreadsheet_limit() -> None:
    words = data.Words(truncated="[cut]")
    cell = data.xlsx_cell("x" * 40_000, words)
    assert len(cell) == data.XLSX_CELL_LIMIT and cell.endswith(" [cut]")


# -- long form -------------------------------------------------------------------------------------
def test_long_rows_carry_place_label_value_and_language(q: engine.Questionnaire) -> None:
    answers = complete({"p5_2.compliance": "partial", "p5_2.ta_needed": True,
                        "p5_2.ta_categories": ["legal_advice", "capacity_building"], "p5_2.ta_priority": "high",
                        "p5_2.measures": [law("Ethics Act", "art. 3", 2003, "https://laws.example.org/ethics")]})
    rows = {row["question_id"]: row for row in data.long_rows(source(q, answers), "fr")}
    compliance = rows["p5_2.compliance"]
    assert (compliance["provisions"], compliance["article"], compliance["chapter"]) == ("5.2", "5", "II")
    assert compliance["label"] == "Votre pays est-il en conformité ?"
    assert (compliance["value"], compliance["value_text"]) == ("partial", "Oui, en partie")
    assert compliance["state_code"] == "KEN" and compliance["version"] == "1"
    categories = rows["p5_2.ta_categories"]
    assert json.loads(categories["value"]) == ["legal_advice", "capacity_building"]
    assert categories["value_text"] == "Conseils juridiques; Renforcement des capacités"
    measures = rows["p5_2.measures"]
    assert "Intitulé: Ethics Act" in measures["value_text"] and "Année: 2003" in measures["value_text"]
    assert measures["answer_language"] == "en"
    general = rows["focal_name"]
    assert general["provisions"] == "" and general["article"] == "" and not general["not_applicable"]


def test_hidden_answers_are_flagged_and_come_after_the_applicable_ones(q: engine.Questionnaire) -> None:
    # compliance 'yes' hides the assistance questions: their stored answers are kept, not applicable
    answers = complete({"p5_1.ta_needed": True, "p5_1.ta_categories": ["legal_advice"]})
    rows = list(data.long_rows(source(q, answers), "en"))
    flags = [row["not_applicable"] for row in rows]
    assert flags == sorted(flags)  # all False first, then all True
    hidden = [row["question_id"] for row in rows if row["not_applicable"]]
    assert hidden == ["p5_1.ta_needed", "p5_1.ta_categories"]


def test_not_applicable_answers_can_be_left_out(q: engine.Questionnaire) -> None:
    answers = complete({"p5_1.ta_needed": True})
    rows = list(data.long_rows(source(q, answers, include_not_applicable=False), "en"))
    assert rows and not [row for row in rows if row["not_applicable"]]
    assert "p5_1.ta_needed" not in {row["question_id"] for row in rows}


def test_provisions_only_leaves_out_the_general_part(q: engine.Questionnaire) -> None:
    rows = list(data.long_rows(source(q, complete(), provisions_only=True), "en"))
    ids = {row["question_id"] for row in rows}
    assert "focal_email" not in ids and "focal_name" not in ids and "p5_1.compliance" in ids


# -- wide form -------------------------------------------------------------------------------------
def test_wide_rows_one_per_provision_with_applicable_answers_only(q: engine.Questionnaire) -> None:
    answers = complete({
        "p5_1.ta_needed": True, "p5_1.ta_categories": ["legal_advice"],  # hidden by 'yes'
        "p5_2.compliance": "no", "p5_2.ta_needed": True, "p5_2.ta_categories": ["capacity_building", "other"],
        "p5_2.ta_categories_other": "Case management software", "p5_2.ta_priority": "high",
        "p15_a.measures": [law("Penal Code", "s. 39", 1930), law("Anti-Corruption Act", year=2003)],
    })
    rows = {row["provision"]: row for row in data.wide_rows(source(q, answers), "en")}
    assert list(rows) == ["5.1", "5.2", "15.a"]
    assert rows["5.1"]["compliance"] == "yes" and rows["5.1"]["ta_needed"] == ""
    assert rows["5.1"]["ta_categories"] == ""  # the hidden answer is not mixed in
    assert rows["5.2"]["compliance_text"] == "No" and rows["5.2"]["ta_needed"] is True
    assert rows["5.2"]["ta_categories"] == "capacity_building;other"
    assert rows["5.2"]["ta_other"] == "Case management software" and rows["5.2"]["ta_priority_text"] == "High"
    assert rows["5.2"]["measures"] == ""  # the measures of 5.2 are hidden by 'no'
    assert rows["15.a"]["measures"] == "Penal Code (s. 39, 1930); Anti-Corruption Act (2003)"
    assert rows["15.a"]["chapter"] == "III" and rows["15.a"]["level"] == "Mandatory"


def test_unanswered_provisions_still_have_a_row(q: engine.Questionnaire) -> None:
    rows = list(data.wide_rows(source(q, {"p5_1.compliance": "yes"}), "en"))
    assert [r["compliance"] for r in rows] == ["yes", "", ""]


def test_measures_are_the_rows_of_applicable_measures_tables(q: engine.Questionnaire) -> None:
    answers = complete({"p5_2.compliance": "no",  # hides its measures
                        "p15_a.measures": [law("Penal Code", "s. 39", 1930, "https://x.example/pc")]})
    found = list(data.measures(source(q, answers)))
    assert [(m.provision, m.article, m.chapter, m.instrument) for m in found] == [
        ("5.1", "5", "II", "Ethics Act"), ("15.a", "15", "III", "Penal Code")]
    assert found[1].reference == "s. 39" and found[1].year == 1930 and found[1].link == "https://x.example/pc"


# -- JSON ------------------------------------------------------------------------------------------------
def test_json_round_trip(q: engine.Questionnaire) -> None:
    answers = complete({"p5_1.ta_needed": True, "p5_2.compliance": "partial",
                        "p5_2.measures_summary": "=cmd", "p5_2.ta_needed": False})
    doc = schemas.document([source(q, answers, status="submitted", origin="snapshot", snapshot=3)], "fr",
                           exported_at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    text = schemas.dumps(doc)
    assert schemas.loads(text) == doc
    entry = json.loads(text)["responses"][0]
    assert entry["snapshot"] == 3 and entry["as_of"].startswith("2026-05-01T12:00:00")
    assert [a["question"] for a in entry["not_applicable"]] == ["p5_1.ta_needed"]
    assert "p5_1.ta_needed" not in [a["question"] for a in entry["answers"]]
    compliance = next(a for a in entry["answers"] if a["question"] == "p5_2.compliance")
    assert compliance == {"question": "p5_2.compliance", "value": "partial", "version": 2, "language": None,
                          "provisions": ["5.2"], "label": "Votre pays est-il en conformité ?",
                          "text": "Oui, en partie"}
    planned = schemas.load_import(text, lambda qid, version: q if (qid, version) == (q.id, q.version) else None,
                                  lambda *key: None)
    assert [(p.state, p.questionnaire_id, p.version, p.not_applicable) for p in planned] == [
        ("KEN", "small_checklist", "1", 1)]
    changes = {c.question_id: c for c in planned[0].changes}
    assert changes["p5_2.compliance"].value == "partial" and changes["p5_2.compliance"].base_version == 2
    assert set(changes) == {a["question"] for a in entry["answers"]}


def _doc(q: engine.Questionnaire) -> dict[str, Any]:
    doc = schemas.document([source(q, complete())], "en")
    return json.loads(schemas.dumps(doc))


def _refused(text: str, q: engine.Questionnaire, writable: set[str] = frozenset({"KEN"})) -> list[schemas.Issue]:
    with pytest.raises(schemas.ImportRefused) as caught:
        schemas.load_import(text, lambda qid, version: q if qid == q.id and version == q.version else None,
                            lambda state, *_: None if state in writable else "not_writable")
    return caught.value.issues


def test_import_refuses_wrong_types_unknown_questions_and_states_it_may_not_write(q: engine.Questionnaire) -> None:
    doc = _doc(q)
    answers = doc["responses"][0]["answers"]
    answers[0]["value"] = 42  # focal_name: a number where a text is expected
    assert answers[2]["question"] == "p5_1.compliance"
    answers[2]["value"] = "maybe"  # not one of the choices
    answers.append({"question": "p9_9.compliance", "value": "yes"})
    answers.append({"question": "p15_a.compliance", "value": "no"})
    other = json.loads(json.dumps(doc["responses"][0]))
    other["state"] = "FRA"
    doc["responses"].append(other)
    issues = _refused(json.dumps(doc), q)
    found = {(issue.path, issue.code) for issue in issues}
    assert ("responses.0.answers.0.value", "wrong_value") in found
    assert ("responses.0.answers.2.value", "wrong_value") in found
    assert ("responses.0.answers.8.question", "unknown_question") in found
    assert ("responses.0.answers.9.question", "duplicate_question") in found
    assert ("responses.1.state", "not_writable") in found


def test_import_refuses_bad_structure_with_every_problem_at_once(q: engine.Questionnaire) -> None:
    doc = _doc(q)
    doc["surprise"] = 1
    doc["format_version"] = "1"
    entry = doc["responses"][0]
    entry["answers"][1]["version"] = 1.5
    entry["state"] = "kenya"
    del entry["questionnaire"]
    found = {(issue.path, issue.code) for issue in _refused(json.dumps(doc), q)}
    assert found == {("surprise", "unknown_field"), ("format_version", "wrong_type"),
                     ("responses.0.answers.1.version", "wrong_type"), ("responses.0.state", "invalid"),
                     ("responses.0.questionnaire", "required")}


def test_import_refuses_unknown_versions_duplicates_and_broken_json(q: engine.Questionnaire) -> None:
    assert [i.code for i in _refused("{not json", q)] == ["invalid_json"]
    assert [i.code for i in _refused("[]", q)] == ["wrong_type"]
    doc = _doc(q)
    doc["responses"].append(doc["responses"][0])
    assert [i.code for i in _refused(json.dumps(doc), q)] == ["duplicate_response"]
    doc = _doc(q)
    doc["responses"][0]["version"] = "99"
    assert [(i.path, i.code) for i in _refused(json.dumps(doc), q)] == [("responses.0.version",
                                                                          "unknown_questionnaire")]


def test_data_exports_never_import_the_web_app() -> None:
    import subprocess
    import sys

    code = ("import sys, exports.data, exports.schemas; "
            "print(','.join(sorted({m.split('.')[0] for m in sys.modules})))")
    loaded = set(subprocess.check_output([sys.executable, "-c", code], text=True).strip().split(","))
    assert not loaded & {"web", "flask", "flask_babel", "sqlalchemy", "weasyprint"}, loaded
    assert "engine" in loaded
