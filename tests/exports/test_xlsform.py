"""XLSForm in and out: the shipped questionnaires survive a round trip; XLSForms written as ODK and
KoboToolbox users write them are read; every problem is placed on its cell.

pyxform's package (wheel and sdist, 4.5.0) ships no sample XLSForm (its test forms stay in its
repository), so the samples here are our own, written as its users write them.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from pyxform.xls2json import workbook_to_json
from pyxform.xls2json_backends import get_xlsform

import engine
from engine.canonical import differences
from exports.xlsform import export_workbook, import_workbook

ROOT = Path(__file__).resolve().parents[2]


def workbook(**sheets: list[list[Any]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def codes(result: Any) -> set[str]:
    return {d.code for d in result.diagnostics}


@pytest.fixture(scope="module")
def checklist() -> tuple[str, bytes]:
    """The checklist and its XLSForm (exported once: it takes seconds)."""
    source = (ROOT / "questionnaires" / "uncac_checklist.yaml").read_text(encoding="utf-8")
    return source, export_workbook(source, "uncac_checklist.yaml")


@pytest.mark.parametrize("name", ["technical_assistance", "provider_assistance", "uncac_checklist"])
def test_shipped_questionnaires_survive_a_round_trip(name: str) -> None:
    source = (ROOT / "questionnaires" / f"{name}.yaml").read_text(encoding="utf-8")
    data = export_workbook(source, f"{name}.yaml")
    workbook_to_json(get_xlsform(io.BytesIO(data), file_type=".xlsx"), warnings=[])  # a valid XLSForm for pyxform
    result = import_workbook(data, f"{name}.xlsx")
    assert result.text is not None, [d.format() for d in result.diagnostics]
    assert not result.diagnostics
    before = engine.load(source).questionnaire
    after = engine.load(result.text).questionnaire
    assert differences(before, after) == []
    assert after.content_hash != before.content_hash  # a new text (comments and layout are not kept) ...
    assert [b.id for b in after.blocks] == [b.id for b in before.blocks]  # ... with the same model


def test_the_survey_sheet_is_a_whole_form_with_our_extra_columns(checklist: tuple[str, bytes]) -> None:
    book = load_workbook(io.BytesIO(checklist[1]), read_only=True)
    assert book.sheetnames == ["survey", "choices", "settings", "framework", "templates"]
    rows = list(book["survey"].iter_rows(values_only=True))
    header = list(rows[0])
    for column in ("type", "name", "label::English (en)", "label::Arabic (ar)", "relevant", "required",
                   "constraint", "provisions", "role", "template", "with"):
        assert column in header, column
    by_name = {row[header.index("name")]: row for row in rows[1:] if row[header.index("name")]}
    p15 = by_name["p15_a"]
    assert p15[header.index("type")] == "begin_group" and p15[header.index("template")] == "provision"
    assert p15[header.index("with")] == "provision=15.a; kind=mandatory" and p15[header.index("provisions")] == "15.a"
    measures = by_name["p15_a.measures"]
    assert measures[header.index("type")] == "begin_repeat" and measures[header.index("role")] == "measures"
    assert measures[header.index("relevant")] == "${p15_a.compliance} in ['yes', 'partial']"
    assert by_name["p15_a.ta_needed"][header.index("type")] == "select_one checklist.yes_no"
    assert by_name["p15_a.ta_needed"][header.index("checklist_type")] == "yes_no"
    settings = list(book["settings"].iter_rows(values_only=True))
    assert dict(zip(settings[0], settings[1], strict=True))["default_language"] == "English (en)"


def test_a_template_edited_on_its_sheet_changes_every_use(checklist: tuple[str, bytes]) -> None:
    book = load_workbook(io.BytesIO(checklist[1]))
    sheet = book["templates"]
    header = [c.value for c in sheet[1]]
    name, label = header.index("name"), header.index("label::English (en)")
    for row in sheet.iter_rows(min_row=2):
        if row[name].value == "compliance_status.compliance":  # included by the provision template's kinds
            row[label].value = "Does your country comply with this provision?"
    # and the same text on the survey sheet for the uses (as a spreadsheet user would replace all)
    survey = book["survey"]
    header = [c.value for c in survey[1]]
    s_label = header.index("label::English (en)")
    for row in survey.iter_rows(min_row=2):
        if row[s_label].value == "Is your country in compliance with this provision?":
            row[s_label].value = "Does your country comply with this provision?"
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_workbook(buffer.getvalue(), "edited.xlsx")
    assert result.text is not None, [d.format() for d in result.diagnostics[:5]]
    q = engine.load(result.text).questionnaire
    assert q.question("p15_a.compliance").label["en"] == "Does your country comply with this provision?"
    assert q.question("p5_1.compliance").template == "provision"
    assert result.text.count("Does your country comply with this provision?") == 1  # in the template only


def test_an_edit_of_one_use_only_is_refused_not_lost(checklist: tuple[str, bytes]) -> None:
    book = load_workbook(io.BytesIO(checklist[1]))
    survey = book["survey"]
    header = [c.value for c in survey[1]]
    name, label = header.index("name"), header.index("label::English (en)")
    edited_row = 0
    for row in survey.iter_rows(min_row=2):
        if row[name].value == "p15_a.examples":
            row[label].value = "Examples for 15.a only"
            edited_row = row[0].row
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_workbook(buffer.getvalue(), "edited.xlsx")
    assert result.text is None
    (x705,) = [d for d in result.diagnostics if d.code == "X705"]
    assert f"survey row {edited_row}" in x705.text() and "'p15_a'" in x705.text()
    assert x705.format().startswith("edited.xlsx#survey:")


# -- XLSForms as ODK and KoboToolbox users write them -------------------------------------------------
HOUSEHOLD_SURVEY = [
    ["type", "name", "label::English (en)", "label::French (fr)", "hint::English (en)", "relevant", "required",
     "constraint", "constraint_message::English (en)", "appearance"],
    ["begin_group", "household", "Household", "Ménage", None, None, None, None, None, None],
    ["text", "head_name", "Name of the head of household", "Nom du chef de ménage", None, None, "yes",
     "string-length(.) <= 80", "At most 80 characters", None],
    ["integer", "members", "How many people live here?", "Combien de personnes vivent ici ?", None, None, "yes",
     ". > 0 and . < 40", "Between 1 and 39", None],
    ["select_one water or_other", "water", "Main source of water", "Source principale d'eau", None, None, "yes",
     None, None, "minimal"],
    ["select_multiple assets", "assets", "Which of these does the household own?", "Biens du ménage", None, None,
     None, None, None, None],
    ["begin_group", "vehicle", "Vehicle", "Véhicule", None, "selected(${assets}, 'car')", None, None, None, None],
    ["decimal", "vehicle_age", "Age of the car in years", "Âge de la voiture", None, None, None, ". >= 0", None,
     None],
    ["date", "bought", "When was it bought?", "Date d'achat", None, None, None, ". <= today()", None, None],
    ["end_group", None, None, None, None, None, None, None, None, None],
    ["begin_repeat", "people", "People living here", "Personnes", "One row per person", "${members} > 1", None,
     None, None, None],
    ["text", "first_name", "First name", "Prénom", None, None, "true", None, None, None],
    ["integer", "age", "Age", "Âge", None, None, None, ". < 120", None, None],
    ["end_repeat", None, None, None, None, None, None, None, None, None],
    ["note", "thanks", "Thank you.", "Merci.", None, "count-selected(${assets}) > 0", None, None, None, None],
    ["text", "comments", "Any comments?", "Des commentaires ?", None, "${head_name} != ''", None, None, None,
     "multiline"],
    ["end_group", None, None, None, None, None, None, None, None, None],
]
HOUSEHOLD_CHOICES = [
    ["list_name", "name", "label::English (en)", "label::French (fr)"],
    ["water", "tap", "Tap", "Robinet"], ["water", "well", "Well", "Puits"],
    ["assets", "car", "Car", "Voiture"], ["assets", "radio", "Radio", "Radio"],
]
HOUSEHOLD_SETTINGS = [["form_title", "form_id", "version", "default_language"],
                      ["Household survey", "household_survey", "2024021301", "English (en)"]]


def test_a_household_survey_with_nested_groups_repeats_and_xpath() -> None:
    data = workbook(survey=HOUSEHOLD_SURVEY, choices=HOUSEHOLD_CHOICES, settings=HOUSEHOLD_SETTINGS)
    result = import_workbook(data, "household.xlsx")
    assert result.text is not None, [d.format() for d in result.diagnostics]
    q = engine.load(result.text).questionnaire
    assert (q.id, q.version, q.languages, q.default_language) == ("household_survey", "2024021301", ("en", "fr"), "en")
    assert [s.id for s in q.sections] == ["household"]
    assert q.item("vehicle").show_if.source == "selected(${assets}, 'car')"
    assert q.question("head_name").constraints[0].rule.source == "len(.) <= 80"  # string-length() in our language
    assert q.question("members").type == "number" and q.question("members").integer
    assert q.question("vehicle_age").type == "number" and not q.question("vehicle_age").integer
    water = q.question("water")
    assert water.appearance == "dropdown" and water.choices.other_codes == {"other"}  # or_other
    assert isinstance(q.index.items.get("water_other"), engine.Question)  # the engine's "please specify"
    people = q.question("people")
    assert people.type == "table" and [c.id for c in people.columns] == ["first_name", "age"]
    assert people.columns[0].required is True and people.show_if.source == "${members} > 1"
    assert q.question("thanks").show_if.source == "count_selected(${assets}) > 0"
    comments = q.question("comments")
    assert comments.type == "long_text" and comments.show_if.source == "answered(${head_name})"
    assert q.question("head_name").label["fr"] == "Nom du chef de ménage"
    values = engine.evaluate(q, {"members": 3, "assets": ["car"], "head_name": "A"})
    assert values.is_visible("vehicle") and values.is_visible("people") and values.is_visible("comments")


def test_unsupported_features_are_reported_on_their_cells() -> None:
    survey = [
        ["type", "name", "label", "relevant", "choice_filter", "calculation"],
        ["begin group", "place", "Place", None, None, None],
        ["select_one country", "country", "Country", None, None, None],
        ["select_one city", "city", "City", None, "country=${country}", None],
        ["geopoint", "location", "Location", None, None, None],
        ["calculate", "double", None, None, None, "string-length(${city}) * 2"],
        ["text", "why", "Why?", "regex(${city}, '^a')", None, None],
        ["end group", None, None, None, None, None],
    ]
    choices = [["list_name", "name", "label", "country"], ["country", "ke", "Kenya", None],
               ["city", "nbo", "Nairobi", "ke"]]
    result = import_workbook(workbook(survey=survey, choices=choices), "cities.xlsx")
    assert result.text is None
    found = {(d.code, d.cell[1], d.cell[3]) for d in result.diagnostics}
    assert ("X703", 4, "choice_filter") in found  # cascading choices: reported, not silently dropped
    assert ("X702", 5, "type") in found and ("X702", 6, "type") in found  # geopoint, calculate
    assert ("X703", 6, "calculation") in found
    assert ("X710", 7, "relevant") in found
    (geo,) = [d for d in result.diagnostics if d.code == "X702" and d.cell[1] == 5]
    assert geo.format().startswith("cities.xlsx#survey:5:1: X702 survey sheet, row 5, column type: ")
    assert "the question type 'geopoint' is not supported" in geo.text()


def test_engine_errors_are_placed_on_the_cells_they_come_from() -> None:
    survey = [
        ["type", "name", "label::English (en)", "label::Deutsch", "relevant"],
        ["begin_group", "part", "Part", None, None],
        ["text", "Bad-Name", "A", None, None],
        ["text", "early", "B", None, "${later} > 1"],
        ["integer", "later", "C", None, None],
        ["end_group", None, None, None, None],
    ]
    result = import_workbook(workbook(survey=survey), "broken.xlsx")
    assert result.text is None
    by_code = {d.code: d for d in result.diagnostics}
    assert by_code["X704"].cell[1:] == (1, 4, "label::Deutsch")
    assert by_code["S204"].cell[:2] == ("survey", 3) and by_code["S204"].cell[3] == "name"
    survey = [row for row in survey if row[1] != "Bad-Name"]  # conditions are checked once the ids are valid
    by_code = {d.code: d for d in import_workbook(workbook(survey=survey), "broken.xlsx").diagnostics}
    c402 = by_code["C402"]
    assert c402.cell[1:] == (3, 5, "relevant")
    assert c402.format().startswith("broken.xlsx#survey:3:5: C402 survey sheet, row 3, column relevant: ${later}")
    unknown = import_workbook(workbook(survey=[*survey[:2], ["text", "x", "X", None, "${nobody} = 1"], survey[-1]]),
                              "unknown.xlsx")
    assert [(d.code, d.cell[1:]) for d in unknown.diagnostics] == [("X701", (3, 5, "relevant"))]  # pyxform's check


def test_a_broken_xlsform_is_reported_by_pyxform_with_its_row() -> None:
    survey = [["type", "name", "label"], ["begin_group", "g", "G"], ["text", "a", "A"]]
    result = import_workbook(workbook(survey=survey), "open.xlsx")
    assert result.text is None and codes(result) == {"X701"}
    assert result.diagnostics[0].cell[1] == 2  # the unmatched begin_group
    unreadable = import_workbook(b"not a spreadsheet", "x.xlsx")
    assert unreadable.text is None and codes(unreadable) == {"X700"}


def test_questions_outside_any_group_get_a_section() -> None:
    survey = [["type", "name", "label"], ["text", "name", "Your name"], ["date", "when", "Date"]]
    result = import_workbook(workbook(survey=survey, settings=[["form_title"], ["Short form"]]), "short form.xlsx")
    assert result.text is not None, [d.format() for d in result.diagnostics]
    q = engine.load(result.text).questionnaire
    assert q.id == "short_form" and [s.id for s in q.sections] == ["main"]
    assert q.sections[0].title["en"] == "Short form" and [x.id for x in q.questions] == ["name", "when"]


def test_the_command_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from web.cli import cli

    runner = CliRunner()
    xlsx, back = tmp_path / "ta.xlsx", tmp_path / "ta.yaml"
    out = runner.invoke(cli, ["xlsform", "export", str(ROOT / "questionnaires" / "technical_assistance.yaml"),
                              "-o", str(xlsx)])
    assert out.exit_code == 0, out.output
    out = runner.invoke(cli, ["xlsform", "import", str(xlsx), "-o", str(back)])
    assert out.exit_code == 0, out.output
    assert engine.load_file(back).questionnaire.id == "technical_assistance"
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(workbook(survey=[["type", "name", "label"], ["begin_group", "g", "G"], ["geotrace", "t", "T"],
                                        ["end_group", None, None]]))
    out = runner.invoke(cli, ["xlsform", "import", str(broken), "-o", str(tmp_path / "no.yaml")])
    assert out.exit_code == 1 and "broken.xlsx#survey:3:1: X702 survey sheet, row 3, column type" in out.output
    assert not (tmp_path / "no.yaml").exists()
