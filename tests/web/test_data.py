"""Data downloads and the JSON import over a real database: scoping by role, formats, round trip,
refused imports that write nothing, and the ``checklist export`` command."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from tests.conftest import add_user, context, csrf_token, login
from tests.exports.small_checklist import complete, law
from tests.web.data_helpers import HOSTILE, accept, change, counts, rename_state, respond, restore_state


def rows_of(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    text = response.get_data().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def world(app: Flask) -> dict[str, int]:
    """KEN drafting (with a hostile answer), FRA accepted and published, BRA submitted."""
    return {
        "KEN": respond("KEN", complete({"p5_1.measures_summary": "=HYPERLINK(\"http://evil.example\")",
                                        "p15_a.measures": [law(HOSTILE, "-1+1", 1930)]})),
        "FRA": respond("FRA", complete({"p5_2.compliance": "no", "p5_2.ta_needed": False}), status="accepted",
                       publish=True, language="fr"),
        "BRA": respond("BRA", complete(), status="submitted"),
    }


def user_client(app: Flask, role: str, state: str | None = None) -> FlaskClient:
    client = app.test_client()
    login(client, add_user(role, state))
    return client


# -- scoping -------------------------------------------------------------------------------------------
def test_secretariat_gets_every_state(app: Flask, world: dict[str, int]) -> None:
    client = user_client(app, "secretariat_reviewer")
    rows = rows_of(client.get("/data/export.csv?form=long"))
    assert {row["state_code"] for row in rows} == {"KEN", "FRA", "BRA"}
    sources = {row["state_code"]: row["source"] for row in rows}
    assert sources == {"KEN": "live", "FRA": "snapshot", "BRA": "snapshot"}


def test_focal_point_gets_only_their_state_whatever_they_ask(app: Flask, world: dict[str, int]) -> None:
    client = user_client(app, "focal_point", "KEN")
    before = counts()
    rows = rows_of(client.get("/data/export.csv"))
    assert rows and {row["state_code"] for row in rows} == {"KEN"}
    for url in ("/data/export.csv?state=FRA", "/data/export.json?state=fra", "/data/export.xlsx?state=BRA&form=wide",
                "/data/export.csv?state=XXX"):
        assert client.get(url).status_code == 404, url
    wide = json.loads(client.get("/data/export.json?form=wide&state=KEN").get_data())
    assert {row["state_code"] for row in wide} == {"KEN"}
    assert counts() == before


def test_reader_gets_published_answers_about_provisions_only(app: Flask, world: dict[str, int]) -> None:
    client = user_client(app, "reader")
    rows = rows_of(client.get("/data/export.csv"))
    assert {row["state_code"] for row in rows} == {"FRA"}
    ids = {row["question_id"] for row in rows}
    assert "focal_email" not in ids and "focal_name" not in ids and "p5_1.compliance" in ids
    assert "ann@example.org" not in json.dumps(client.get("/data/export.json").get_json())
    for code in ("KEN", "BRA"):  # a draft, and a response submitted but not published
        assert client.get(f"/data/export.csv?state={code}").status_code == 404
    assert client.get("/data/export.csv?state=FRA").status_code == 200


def test_readers_get_no_answer_that_other_answers_made_not_applicable(app: Flask, world: dict[str, int]) -> None:
    arg = respond("ARG", complete())
    change(arg, {"p5_1.compliance": "no", "p5_1.ta_needed": False}, state="ARG")  # p5_1.measures: not applicable
    accept(arg)
    reader = user_client(app, "reader").get("/data/export.json?state=ARG").get_json()["responses"][0]
    assert reader["not_applicable"] == [] and "p5_1.measures" not in [a["question"] for a in reader["answers"]]
    admin = user_client(app, "secretariat_admin").get("/data/export.json?state=ARG").get_json()["responses"][0]
    assert [a["question"] for a in admin["not_applicable"]] == ["p5_1.measures"]
    rows = rows_of(user_client(app, "reader").get("/data/export.csv?state=ARG"))
    assert rows and not [row for row in rows if row["not_applicable"] == "true"]


def test_anonymous_gets_nothing(client: FlaskClient, world: dict[str, int]) -> None:
    response = client.get("/data/export.csv")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# -- content and formats ----------------------------------------------------------------------------------
def test_long_csv_neutralises_formulas_and_keeps_hostile_text_as_text(app: Flask, world: dict[str, int]) -> None:
    client = user_client(app, "focal_point", "KEN")
    rows = {row["question_id"]: row for row in rows_of(client.get("/data/export.csv?export_lang=fr"))}
    assert rows["p5_1.measures_summary"]["value"] == "'=HYPERLINK(\"http://evil.example\")"
    assert rows["p5_1.compliance"]["value_text"] == "Oui" and rows["p5_1.compliance"]["provisions"] == "5.1"
    assert HOSTILE in rows["p15_a.measures"]["value"]


def test_wide_xlsx_has_one_row_per_state_and_provision(app: Flask, world: dict[str, int]) -> None:
    client = user_client(app, "secretariat_admin")
    response = client.get("/data/export.xlsx?form=wide")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    header, *lines = [[cell.value for cell in row] for row in sheet.iter_rows()]
    rows = [dict(zip(header, line, strict=True)) for line in lines]
    assert sorted((r["state_code"], r["provision"]) for r in rows) == sorted(
        (s, p) for s in ("KEN", "FRA", "BRA") for p in ("5.1", "5.2", "15.a"))
    fra = next(r for r in rows if r["state_code"] == "FRA" and r["provision"] == "5.2")
    assert fra["compliance"] == "no" and fra["ta_needed"] is False
    ken = next(r for r in rows if r["state_code"] == "KEN" and r["provision"] == "5.1")
    assert ken["measures_summary"].startswith("'=")
    assert not [cell for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


# -- import --------------------------------------------------------------------------------------------------
def upload(client: FlaskClient, payload: Any) -> Any:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return client.post("/data/import", data={"csrf_token": csrf_token(client, "/data/"),
                                             "file": (io.BytesIO(body), "answers.json")},
                       content_type="multipart/form-data")


def stored_answer(response_id: int, question_id: str) -> tuple[Any, int]:
    from web.extensions import db
    from web.models import Answer

    with context():
        row = db.session.scalars(select(Answer).where(Answer.response_id == response_id,
                                                      Answer.question_id == question_id)).one()
        return row.value, row.version


def test_json_round_trip_through_the_import(app: Flask, world: dict[str, int]) -> None:
    admin = user_client(app, "secretariat_admin")
    exported = admin.get("/data/export.json?state=KEN").get_json()
    entry = exported["responses"][0]
    compliance = next(a for a in entry["answers"] if a["question"] == "p5_2.compliance")
    compliance["value"] = "partial"
    entry["answers"].append({"question": "p5_2.ta_needed", "value": True})
    entry["answers"].append({"question": "p5_2.ta_categories", "value": ["legal_advice"]})
    response = upload(admin, exported)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert stored_answer(world["KEN"], "p5_2.compliance") == ("partial", 2)
    assert stored_answer(world["KEN"], "p5_2.ta_categories") == (["legal_advice"], 1)
    from web.extensions import db
    from web.models import AnswerRevision

    with context():
        sources = set(db.session.scalars(select(AnswerRevision.source).where(
            AnswerRevision.response_id == world["KEN"], AnswerRevision.question_id == "p5_2.compliance")))
    assert sources == {"save", "import"}
    again = admin.get("/data/export.json?state=KEN").get_json()["responses"][0]
    assert ({a["question"]: a["value"] for a in again["answers"]}
            == {a["question"]: a["value"] for a in entry["answers"]})


def test_import_of_a_state_that_never_started_makes_a_draft(app: Flask, world: dict[str, int]) -> None:
    admin = user_client(app, "secretariat_admin")
    exported = admin.get("/data/export.json?state=KEN").get_json()
    entry = exported["responses"][0]
    entry["state"] = "ARG"
    for answer in entry["answers"]:
        answer["version"] = 0
    assert upload(admin, exported).status_code == 302
    from web.extensions import db
    from web.models import Response, State

    with context():
        made = db.session.scalars(select(Response).join(State).where(State.code == "ARG")).one()
        assert made.status == "draft" and made.answered > 0


@pytest.mark.parametrize("spoil, status, message", [
    (lambda doc: doc["responses"][0]["answers"][0].update(value=7), 400,
     "does not fit the question focal_name (type text)"),
    (lambda doc: doc["responses"][0]["answers"].append({"question": "nope.question", "value": "x"}), 400,
     "has no question nope.question"),
    (lambda doc: doc["responses"][0].update(state="FRA"), 400, "submitted or accepted"),
    (lambda doc: doc["responses"][0].update(state="XYZ"), 400, "no State with this code"),
    (lambda doc: doc.update(format_version=2), 400, "not allowed"),
])
def test_refused_imports_write_nothing(app: Flask, world: dict[str, int], spoil: Any, status: int,
                                       message: str) -> None:
    admin = user_client(app, "secretariat_admin")
    exported = admin.get("/data/export.json?state=KEN").get_json()
    next(a for a in exported["responses"][0]["answers"] if a["question"] == "focal_name")["value"] = "Changed"
    exported["responses"][0]["answers"].sort(key=lambda a: a["question"] != "focal_name")
    spoil(exported)
    before = counts()
    response = upload(admin, exported)
    page = response.get_data(as_text=True)
    assert response.status_code == status and "Nothing was imported" in page
    assert message in page.replace("&#39;", "'")
    assert counts() == before
    assert stored_answer(world["KEN"], "focal_name")[0] == "Ann Official"


def test_import_of_answers_changed_since_the_export_is_a_conflict(app: Flask, world: dict[str, int]) -> None:
    admin = user_client(app, "secretariat_admin")
    exported = admin.get("/data/export.json?state=KEN").get_json()
    change(world["KEN"], {"p5_1.compliance": "partial", "focal_name": "Someone else"})  # after the export
    for answer in exported["responses"][0]["answers"]:
        if answer["question"] == "focal_name":
            answer["value"] = "Mine"
        if answer["question"] == "focal_email":
            answer["value"] = "mine@example.org"
    before = counts()
    response = upload(admin, exported)
    assert response.status_code == 409
    assert "focal_name" in response.get_data(as_text=True)
    assert counts() == before
    assert stored_answer(world["KEN"], "focal_name") == ("Someone else", 2)
    assert stored_answer(world["KEN"], "focal_email")[0] == "ann@example.org"  # nothing half-imported


def test_only_secretariat_administrators_import(app: Flask, world: dict[str, int]) -> None:
    admin = user_client(app, "secretariat_admin")
    exported = admin.get("/data/export.json?state=KEN").get_json()
    before = counts()
    for role, state in (("focal_point", "KEN"), ("secretariat_reviewer", None), ("reader", None)):
        client = user_client(app, role, state)
        assert upload(client, exported).status_code == 403, role
    assert counts() == before


def test_broken_upload_is_refused_clearly(app: Flask, world: dict[str, int]) -> None:
    admin = user_client(app, "secretariat_admin")
    before = counts()
    response = upload(admin, b"\xff\xfe not json")
    assert response.status_code == 400 and "not valid JSON" in response.get_data(as_text=True)
    assert counts() == before


# -- pages ---------------------------------------------------------------------------------------------------
@pytest.fixture
def hostile_state(app: Flask) -> Any:
    rename_state("KEN", HOSTILE)
    yield
    restore_state("KEN")


def test_data_page_escapes_hostile_text(app: Flask, world: dict[str, int], hostile_state: Any) -> None:
    for role, state in (("secretariat_admin", None), ("focal_point", "KEN")):
        page = user_client(app, role, state).get("/data/").get_data(as_text=True)
        assert HOSTILE not in page and "&#34;&gt;&lt;svg onload=alert(1)&gt;" in page
    admin = user_client(app, "secretariat_admin")
    exported = admin.get("/data/export.json?state=KEN").get_json()
    exported["responses"][0]["answers"].append({"question": HOSTILE, "value": HOSTILE})
    page = upload(admin, exported).get_data(as_text=True)
    assert HOSTILE not in page and "&lt;svg onload=alert(1)&gt;" in page


def test_data_page_offers_what_the_role_may_have(app: Flask, world: dict[str, int]) -> None:
    page = user_client(app, "reader").get("/data/").get_data(as_text=True)
    assert 'value="FRA"' in page and 'value="KEN"' not in page and "Import answers" not in page
    page = user_client(app, "secretariat_admin").get("/data/").get_data(as_text=True)
    assert all(f'value="{code}"' in page for code in ("FRA", "KEN", "BRA")) and "Import answers" in page


# -- the command ---------------------------------------------------------------------------------------------
def test_export_command_writes_each_format(app: Flask, world: dict[str, int], tmp_path: Path) -> None:
    from web.cli import cli

    runner = app.test_cli_runner()
    out = tmp_path / "ken.csv"
    result = runner.invoke(cli, ["export", "--format", "csv", "--form", "long", "--state", "KEN", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows and {row["state_code"] for row in rows} == {"KEN"}
    assert next(r for r in rows if r["question_id"] == "p5_1.measures_summary")["value"].startswith("'=")
    out = tmp_path / "all.xlsx"
    assert runner.invoke(cli, ["export", "--format", "xlsx", "--form", "wide", "-o", str(out)]).exit_code == 0
    assert load_workbook(out).active.max_row == 1 + 3 * 3
    out = tmp_path / "all.json"
    assert runner.invoke(cli, ["export", "--format", "json", "--lang", "fr", "-o", str(out)]).exit_code == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["language"] == "fr" and {r["state"] for r in doc["responses"]} == {"KEN", "FRA", "BRA"}
    bad = runner.invoke(cli, ["export", "--format", "csv", "--state", "XXX", "-o", str(tmp_path / "x.csv")])
    assert bad.exit_code != 0 and "no State with the code XXX" in bad.output
