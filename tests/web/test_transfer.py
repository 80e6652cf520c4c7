"""Word, Excel and JSON round trips of a chapter: export, edit as a ministry would (Arabic and Chinese
text, table rows, ticked options), upload, review, accept; values equal. Conflicts, damaged files and
hostile files; LibreOffice in the loop."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import add_user, context, csrf_token, login, start_response
from tests.web import evidence_files as hostile
from tests.web import office_edit as edit

ARABIC = "قانون مكافحة الفساد لعام ٢٠٠٣"
CHINESE = "中华人民共和国刑法第三百八十五条"


@pytest.fixture
def ken(app: Flask) -> dict[str, Any]:
    response = start_response("KEN")
    focal = add_user("focal_point", "KEN")
    client = app.test_client()
    login(client, focal)
    return {"id": response.id, "client": client, "focal": focal}


def chapter_iii() -> list[str]:
    """The provision blocks of chapter III (their id prefixes)."""
    from web import catalog
    from web.extensions import db
    from web.models import QuestionnaireVersion

    with context():
        version = db.session.scalars(select(QuestionnaireVersion).where(
            QuestionnaireVersion.questionnaire_id == "uncac_checklist")).first()
        q = catalog.questionnaire(version)
        blocks = []
        for question in q.questions:
            if question.role == "compliance":
                article = q.framework.article_of(q.provisions_of(question.id)[0])
                if article is not None and article.chapter == "III":
                    blocks.append(question.id.rsplit(".", 1)[0])
        return blocks


def export(client: FlaskClient, response_id: int, fmt: str, **params: str) -> bytes:
    reply = client.get(f"/responses/{response_id}/transfer/export", query_string={"format": fmt, **params})
    assert reply.status_code == 200, reply.status_code
    assert reply.headers["Content-Disposition"].startswith("attachment")
    return reply.data


def upload(client: FlaskClient, response_id: int, data: bytes, name: str) -> Any:
    token = csrf_token(client, f"/responses/{response_id}/transfer")
    return client.post(f"/responses/{response_id}/transfer/import", data={
        "csrf_token": token, "file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def accept(client: FlaskClient, response_id: int, page: str, take: list[str] | None = None) -> Any:
    import re

    fields = dict(re.findall(r'name="(sha256|format|name|csrf_token)" value="([^"]*)"', page))
    ticked = take if take is not None else re.findall(r'name="take" value="([^"]+)"[^>]*checked', page)
    return client.post(f"/responses/{response_id}/transfer/accept", data={**fields, "take": ticked})


def stored() -> dict[str, Any]:
    from web.extensions import db
    from web.models import Answer

    with context():
        return {a.question_id: a.value for a in db.session.scalars(select(Answer))}


def expected_edits(blocks: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for index, block in enumerate(blocks):
        out[f"{block}.compliance"] = "partial" if index % 2 else "yes"
        out[f"{block}.measures"] = [{"instrument": f"{ARABIC} ({index})", "reference": "المادة 3", "year": 2003},
                                    {"instrument": f"{CHINESE} ({index})", "year": 2015}]
        out[f"{block}.measures_summary"] = f"{CHINESE}\n{ARABIC}"
    return out


def edit_docx(data: bytes, blocks: list[str]) -> bytes:
    document, tables = edit.docx_tables(data)
    for index, block in enumerate(blocks):
        edit.tick(tables[f"{block}.compliance"], "Yes, in part" if index % 2 else "Yes")
        edit.write_rows(tables[f"{block}.measures"], [[f"{ARABIC} ({index})", "المادة 3", "2003"],
                                                      [f"{CHINESE} ({index})", "", "2015"]])
        tables[f"{block}.measures_summary"].rows[0].cells[0].text = CHINESE
        tables[f"{block}.measures_summary"].rows[0].cells[0].add_paragraph(ARABIC)
    return edit.save_docx(document)


def edit_xlsx(data: bytes, blocks: list[str]) -> bytes:
    book, sheet, rows = edit.xlsx_rows(data)
    for index, block in enumerate(blocks):
        sheet.cell(rows[f"{block}.compliance"], 5, "Yes, in part" if index % 2 else "Yes")
        head = rows[f"{block}.measures#head"]
        table = [[f"{ARABIC} ({index})", "المادة 3", 2003], [f"{CHINESE} ({index})", None, 2015]]
        for offset, values in enumerate(table):
            for column, value in enumerate(values):
                sheet.cell(head + 1 + offset, 5 + column, value)
        sheet.cell(rows[f"{block}.measures_summary"], 5, f"{CHINESE}\n{ARABIC}")
    return edit.save_xlsx(book)


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_a_whole_chapter_round_trips(app: Flask, ken: dict[str, Any], fmt: str) -> None:
    blocks = chapter_iii()
    assert len(blocks) > 20
    data = export(ken["client"], ken["id"], fmt, chapter="III", lang="en")
    edited = edit_docx(data, blocks) if fmt == "docx" else edit_xlsx(data, blocks)
    reply = upload(ken["client"], ken["id"], edited, f"chapter-iii.{fmt}")
    page = reply.get_data(as_text=True)
    assert reply.status_code == 200, page[:2000]
    assert stored() == {}  # nothing saved before acceptance
    assert "Parts of the file could not be read" not in page, page[page.find("Parts of"):][:1500]
    assert ARABIC in page and CHINESE in page
    done = accept(ken["client"], ken["id"], page)
    assert done.status_code == 302
    assert stored() == expected_edits(blocks)
    from web.extensions import db
    from web.models import Activity

    with context():
        actions = [a.action for a in db.session.scalars(select(Activity))]
    assert {"exported", "import_uploaded", "imported"} <= set(actions)


def test_word_through_libreoffice_still_imports(app: Flask, ken: dict[str, Any], tmp_path: Path) -> None:
    office = shutil.which("libreoffice") or shutil.which("soffice")
    assert office, "install libreoffice-writer-nogui (make test does)"
    blocks = chapter_iii()[:3]
    data = edit_docx(export(ken["client"], ken["id"], "docx", article="15", lang="en"), blocks[:0])
    source = tmp_path / "in" / "copy.docx"
    source.parent.mkdir()
    document, tables = edit.docx_tables(data)
    block = next(qid for qid in tables if qid.endswith(".compliance")).rsplit(".", 1)[0]
    edit.tick(tables[f"{block}.compliance"], "Yes")
    edit.write_rows(tables[f"{block}.measures"], [[ARABIC, "", "2003"]])
    source.write_bytes(edit.save_docx(document))
    out = tmp_path / "out"
    subprocess.run([office, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to",
                    "docx", "--outdir", str(out), str(source)], check=True, capture_output=True, timeout=180)
    converted = (out / "copy.docx").read_bytes()
    assert converted != source.read_bytes()
    page = upload(ken["client"], ken["id"], converted, "copy.docx").get_data(as_text=True)
    assert "Parts of the file could not be read" not in page, page[:3000]
    accept(ken["client"], ken["id"], page)
    assert stored()[f"{block}.compliance"] == "yes"
    assert stored()[f"{block}.measures"] == [{"instrument": ARABIC, "year": 2003}]


def test_damaged_values_are_placed_and_nothing_is_saved(app: Flask, ken: dict[str, Any]) -> None:
    block = chapter_iii()[0]
    document, tables = edit.docx_tables(export(ken["client"], ken["id"], "docx", chapter="III"))
    edit.tick(tables[f"{block}.compliance"], "Yes")
    edit.write_rows(tables[f"{block}.measures"], [["Penal Code", "s. 3", "nineteen ninety"]])
    number = 1 + list(tables).index(f"{block}.measures")  # every table of the copy is an answer table
    page = upload(ken["client"], ken["id"], edit.save_docx(document), "copy.docx").get_data(as_text=True)
    assert f"table {number}, row 2: &#39;Year of adoption&#39; is not a whole number" in page \
        or f"table {number}, row 2: &#39;Year of adoption&#39; is not a number" in page, page[:3000]
    assert stored() == {}
    # headings changed: a located message, never a traceback
    document, tables = edit.docx_tables(export(ken["client"], ken["id"], "docx", chapter="III"))
    tables[f"{block}.measures"].rows[0].cells[0].text = "Title"
    page = upload(ken["client"], ken["id"], edit.save_docx(document), "copy.docx").get_data(as_text=True)
    assert f"table {number}, row 1: the column headings were changed" in page


def test_a_change_made_since_the_export_is_a_conflict(app: Flask, ken: dict[str, Any]) -> None:
    from web import answers as saving
    from web import catalog
    from web.extensions import db
    from web.models import Response, User

    block = chapter_iii()[0]
    data = export(ken["client"], ken["id"], "docx", chapter="III")
    with context():  # a colleague answers in the application meanwhile
        response = db.session.get(Response, ken["id"])
        saving.save(response, catalog.questionnaire(response.version), [saving.Change(f"{block}.compliance", "no", 0)],
                    db.session.get(User, ken["focal"].id), source="save")
        db.session.commit()
    document, tables = edit.docx_tables(data)
    edit.tick(tables[f"{block}.compliance"], "Yes")
    page = upload(ken["client"], ken["id"], edit.save_docx(document), "copy.docx").get_data(as_text=True)
    assert 'class="import-conflict"' in page
    accept(ken["client"], ken["id"], page)  # the conflict is not ticked by default
    assert stored()[f"{block}.compliance"] == "no"
    page = upload(ken["client"], ken["id"], edit.save_docx(document), "copy.docx").get_data(as_text=True)
    accept(ken["client"], ken["id"], page, take=[f"{block}.compliance"])  # ticked: the focal point's choice
    assert stored()[f"{block}.compliance"] == "yes"


def test_the_apps_own_json_round_trips(app: Flask, ken: dict[str, Any]) -> None:
    block = chapter_iii()[0]
    edits = {f"{block}.compliance": "yes", f"{block}.measures": [{"instrument": CHINESE}]}
    data = json.loads(export(ken["client"], ken["id"], "json", chapter="III"))
    data["responses"][0]["answers"] = [{"question": qid, "value": value, "version": 0}
                                       for qid, value in edits.items()]
    page = upload(ken["client"], ken["id"], json.dumps(data).encode(), "copy.json").get_data(as_text=True)
    accept(ken["client"], ken["id"], page)
    assert stored() == edits


@pytest.mark.parametrize(("build", "name", "says"), [
    (lambda docx: hostile.zip_bomb(docx), "copy.docx", "expands to far more than an office file should"),
    (lambda docx: hostile.xxe(docx), "copy.docx", "contains XML entity declarations"),
    (lambda docx: docx, "copy.docm", "may contain macros"),
    (lambda docx: docx, "copy.xlsm", "may contain macros"),
    (lambda docx: hostile.macro(docx), "copy.docx", "may contain macros"),
    (lambda docx: hostile.EXE, "copy.docx", "is not a file of a kind accepted here"),
    (lambda docx: b"", "copy.docx", "is empty (0 bytes)"),
    (lambda docx: docx, "../../copy.docx", "give a name without folders"),
    (lambda docx: hostile.docx("not ours"), "copy.docx", "its hidden markers are missing"),
])
def test_hostile_and_foreign_files_are_refused(app: Flask, ken: dict[str, Any], build: Any, name: str,
                                               says: str) -> None:
    data = build(export(ken["client"], ken["id"], "docx", article="15"))
    reply = upload(ken["client"], ken["id"], data, name)
    page = reply.get_data(as_text=True) if reply.status_code != 302 else \
        ken["client"].get(reply.headers["Location"]).get_data(as_text=True)
    assert says in page.replace("&#39;", "'"), page[:3000]
    assert stored() == {}


def test_another_states_file_and_users(app: Flask, ken: dict[str, Any]) -> None:
    data = export(ken["client"], ken["id"], "docx", article="15")
    other = start_response("FRA")
    focal = add_user("focal_point", "FRA")
    client = app.test_client()
    login(client, focal)
    assert client.get(f"/responses/{ken['id']}/transfer/export?format=docx").status_code == 404
    assert upload(client, ken["id"], data, "copy.docx").status_code == 404
    page = upload(client, other.id, data, "copy.docx").get_data(as_text=True)
    assert "This file was made for another State or questionnaire." in page
    reader = app.test_client()
    login(reader, add_user("reader"))
    assert reader.get(f"/responses/{ken['id']}/transfer").status_code == 404


def test_the_command_line_exports_and_imports(app: Flask, ken: dict[str, Any], tmp_path: Path) -> None:
    from web.transfer.commands import answers_export, answers_import

    add_user("secretariat_admin")
    block = chapter_iii()[0]
    runner = app.test_cli_runner()
    target = tmp_path / "ken-iii-fr.docx"
    result = runner.invoke(answers_export, ["--state", "ken", "--format", "docx", "--chapter", "III", "--lang", "fr",
                                            "-o", str(target)])
    assert result.exit_code == 0, result.output
    document, tables = edit.docx_tables(target.read_bytes())
    edit.tick(tables[f"{block}.compliance"], "Oui, en partie")
    edit.write_rows(tables[f"{block}.measures"], [[CHINESE, "", "1999"]])
    target.write_bytes(edit.save_docx(document))
    result = runner.invoke(answers_import, ["--state", "KEN", str(target), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert f"{block}.compliance [table 1] changed: '' -> 'Oui, en partie'" in result.output
    assert "dry run: nothing saved" in result.output and stored() == {}
    result = runner.invoke(answers_import, ["--state", "KEN", str(target)])
    assert result.exit_code == 0, result.output
    assert stored() == {f"{block}.compliance": "partial", f"{block}.measures": [{"instrument": CHINESE, "year": 1999}]}
    wrong = runner.invoke(answers_export, ["--state", "KEN", "--chapter", "XII", "-o", str(tmp_path / "x.docx")])
    assert wrong.exit_code != 0 and "no chapter XII" in wrong.output


def test_a_copy_from_a_remote_store_is_removed_after_the_review(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a store that is not a local folder (S3), the returned file is reviewed from a temporary
    copy, which does not outlive the review."""
    import web.transfer as transfer

    class Remote:  # no ``path``: the S3 store's shape
        def open(self, sha: str) -> Any:
            return io.BytesIO(b"{}")

    monkeypatch.setattr(transfer, "file_store", Remote)
    with transfer._local("a" * 64) as path:
        assert path.read_bytes() == b"{}"
    assert not path.exists() and not path.parent.exists()


def test_a_returned_file_over_the_limit_is_refused_with_the_limit(ken: dict[str, Any],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from web.transfer import review

    monkeypatch.setattr(review, "MAX_IMPORT", 50)  # the message names the limit in force
    reply = upload(ken["client"], ken["id"], b"{" + b" " * 100 + b"}", "copy.json")
    assert reply.status_code == 302
    page = ken["client"].get(f"/responses/{ken['id']}/transfer").get_data(as_text=True)
    assert "1 KB" in page and "20 MB" not in page, page


def test_only_a_file_returned_for_this_response_can_be_imported_into_it(app: Flask, ken: dict[str, Any]) -> None:
    """The review form names the stored file by its hash: accepting takes only a hash that the
    activity log shows was uploaded for this response, not any stored file whose hash is known."""
    import hashlib

    block = chapter_iii()[0]
    fra = start_response("FRA")
    focal = app.test_client()
    login(focal, add_user("focal_point", "FRA"))
    data = json.loads(export(focal, fra.id, "json", chapter="III"))
    data["responses"][0]["answers"] = [{"question": f"{block}.compliance", "value": "yes", "version": 0}]
    content = json.dumps(data).encode()
    upload(ken["client"], ken["id"], content, "copy.json")  # stored (then refused) for another response
    token = csrf_token(focal, f"/responses/{fra.id}/transfer")
    reply = focal.post(f"/responses/{fra.id}/transfer/accept", data={
        "sha256": hashlib.sha256(content).hexdigest(), "format": "json", "name": "copy.json", "csrf_token": token,
        "take": [f"{block}.compliance"]})
    assert reply.status_code == 400
    assert stored() == {}
    page = upload(focal, fra.id, content, "copy.json").get_data(as_text=True)
    assert accept(focal, fra.id, page).status_code == 302  # returned for this response, it imports
    assert stored() == {f"{block}.compliance": "yes"}
