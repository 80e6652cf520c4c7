"""Evidence files: upload through the plain form, checks by content, storage by hash, downloads under
the answer's access rules, the activity log, and the S3-compatible store against moto's server."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import add_user, context, csrf_token, login, start_response
from tests.web import evidence_files as files
from tests.web.test_fill import form_of

LAWS = "p5_1.measures"


@pytest.fixture
def ken(app: Flask) -> dict[str, Any]:
    """A draft of Kenya whose 5 (1) is answered 'yes' with one law; its focal point logged in."""
    from web import answers as saving
    from web import catalog
    from web.extensions import db
    from web.models import Response, User

    response = start_response("KEN")
    focal = add_user("focal_point", "KEN")
    with context():
        row = db.session.get(Response, response.id)
        q = catalog.questionnaire(row.version)
        saving.save(row, q, [saving.Change("p5_1.compliance", "yes", 0),
                             saving.Change(LAWS, [{"instrument": "Public Officer Ethics Act"}], 0)],
                    db.session.get(User, focal.id), source="save")
        db.session.commit()
    client = app.test_client()
    login(client, focal)
    return {"id": response.id, "client": client, "focal": focal}


def page_path(response_id: int) -> str:
    with context():
        from web import catalog
        from web.extensions import db
        from web.fill.pages import pages
        from web.models import Response

        q = catalog.questionnaire(db.session.get(Response, response_id).version)
        return f"/responses/{response_id}/pages/{pages(q).of_question[LAWS].id}"


def version(response_id: int, qid: str = LAWS) -> int:
    from web.extensions import db
    from web.models import Answer

    with context():
        return db.session.scalars(select(Answer.version).where(Answer.response_id == response_id,
                                                               Answer.question_id == qid)).first() or 0


def stored(response_id: int, qid: str = LAWS) -> Any:
    from web.extensions import db
    from web.models import Answer

    with context():
        return db.session.scalars(select(Answer.value).where(Answer.response_id == response_id,
                                                             Answer.question_id == qid)).first()


def upload(client: FlaskClient, response_id: int, content: bytes, name: str, row: int = 0,
           column: str = "text_file") -> str:
    token = csrf_token(client, page_path(response_id))
    reply = client.post(f"/responses/{response_id}/files", data={
        "csrf_token": token, "question": LAWS, "row": str(row), "column": column, "_v": str(version(response_id)),
        "file": (io.BytesIO(content), name)}, content_type="multipart/form-data", follow_redirects=True)
    assert reply.status_code == 200, reply.status_code
    return reply.get_data(as_text=True)


def test_upload_stores_by_hash_and_the_page_lists_it(app: Flask, ken: dict[str, Any]) -> None:
    page = upload(ken["client"], ken["id"], files.PDF, "Ethics Act.pdf")
    assert "File attached: Ethics Act.pdf" in page
    sha = hashlib.sha256(files.PDF).hexdigest()
    rows = stored(ken["id"])
    assert rows[0]["instrument"] == "Public Officer Ethics Act"  # the row's other cells are kept
    assert rows[0]["text_file"] == [{"sha256": sha, "name": "Ethics Act.pdf", "size": len(files.PDF),
                                     "type": "application/pdf"}]
    assert (app.instance_path + f"/files/{sha[:2]}/{sha[2:4]}/{sha}")
    import os

    assert os.path.exists(os.path.join(app.instance_path, "files", sha[:2], sha[2:4], sha))
    assert f"/responses/{ken['id']}/files/{sha}" in page
    # saving the page without touching the file keeps it (the page carries the references)
    html = ken["client"].get(page_path(ken["id"])).get_data(as_text=True)
    assert 'data-files' in html and "Ethics Act.pdf" in html
    # the same content again (another name) is stored once, and attached once
    upload(ken["client"], ken["id"], files.PDF, "copy.pdf")
    from web.extensions import db
    from web.models import StoredFile

    with context():
        assert db.session.scalars(select(StoredFile)).all()[0].sha256 == sha
        assert len(db.session.scalars(select(StoredFile)).all()) == 1
    assert [f["name"] for f in stored(ken["id"])[0]["text_file"]] == ["Ethics Act.pdf"]


def test_page_save_keeps_the_files(app: Flask, ken: dict[str, Any]) -> None:
    upload(ken["client"], ken["id"], files.PDF, "law.pdf")
    data = form_of(ken["client"], ken["id"], page_path(ken["id"]).rsplit("/", 1)[1])
    data[f"{LAWS}-0-instrument"] = "Public Officer Ethics Act, as amended"
    reply = ken["client"].post(page_path(ken["id"]), data=data)
    assert reply.status_code in (200, 302)
    row = stored(ken["id"])[0]
    assert row["instrument"] == "Public Officer Ethics Act, as amended"
    assert row["text_file"][0]["name"] == "law.pdf"


@pytest.mark.parametrize(("content", "name", "says"), [
    (files.EXE, "law.pdf", "is not a file of a kind accepted here"),
    (files.ELF, "law.pdf", "is not a file of a kind accepted here"),
    (b"", "empty.pdf", "is empty (0 bytes)"),
    (files.PDF, "../../etc/passwd.pdf", "cannot be used: give a name without folders"),
    (files.PDF, "..\\..\\law.pdf", "cannot be used: give a name without folders"),
    ("docm", "law.docm", "may contain macros"),
    ("macro", "law.docx", "may contain macros"),
    ("bomb", "law.docx", "expands to far more than an office file should"),
    ("xxe", "law.docx", "contains XML entity declarations"),
    (files.PDF, "law.docx", "is in fact a pdf file"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "photo.png", "is not of a kind this question accepts"),
])
def test_hostile_files_are_refused_with_a_clear_message(app: Flask, ken: dict[str, Any], content: Any, name: str,
                                                        says: str) -> None:
    built = {"docm": files.docx, "macro": lambda: files.macro(files.docx()),
             "bomb": lambda: files.zip_bomb(files.docx()), "xxe": lambda: files.xxe(files.docx())}
    data = built[content]() if isinstance(content, str) else content
    before = stored(ken["id"])
    page = upload(ken["client"], ken["id"], data, name)
    assert says in page.replace("&#39;", "'"), page[page.find("error"):][:400]
    assert stored(ken["id"]) == before  # nothing attached
    import os

    kept = [f for _r, _d, found in os.walk(os.path.join(app.instance_path, "files")) for f in found]
    assert kept == []  # nothing kept in the store either


def test_over_the_size_limit_is_refused_while_streaming(app: Flask, ken: dict[str, Any]) -> None:
    from web.evidence import store

    big = io.BytesIO(files.PDF + b"0" * (3 * 1024 * 1024))
    with pytest.raises(store.TooLarge):
        store.receive(big, limit=1024 * 1024)
    assert big.tell() <= 1024 * 1024 + 2 * store.CHUNK  # stopped reading soon after the limit
    with context():
        from web.extensions import db
        from web.models import Response

        app.config["MAX_CONTENT_LENGTH"] = 8 * 1024 * 1024
        del db, Response
    page = upload(ken["client"], ken["id"], files.PDF + b"0" * (21 * 1024 * 1024), "huge.pdf")
    assert "huge.pdf is larger than 20" in page


def test_downloads_follow_the_answers_access_rules(app: Flask, ken: dict[str, Any]) -> None:
    upload(ken["client"], ken["id"], files.PDF, "Ethics <Act>.pdf")
    sha = hashlib.sha256(files.PDF).hexdigest()
    path = f"/responses/{ken['id']}/files/{sha}"
    reply = ken["client"].get(path)
    assert reply.status_code == 200 and reply.data == files.PDF
    reply.close()
    assert reply.headers["Content-Disposition"].startswith("attachment;")
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.mimetype == "application/octet-stream"
    for role, state in (("focal_point", "FRA"), ("contributor", "FRA"), ("reader", None)):
        other = app.test_client()
        login(other, add_user(role, state))
        assert other.get(path).status_code == 404, role
    secretariat = app.test_client()
    login(secretariat, add_user("secretariat_reviewer"))
    reply = secretariat.get(path)
    reply.close()
    assert reply.status_code == 200
    assert ken["client"].get(f"/responses/{ken['id']}/files/{'0' * 64}").status_code == 404
    from web.extensions import db
    from web.models import Activity

    with context():
        actions = [a.action for a in db.session.scalars(select(Activity).where(Activity.response_id == ken["id"]))]
    assert actions.count("file_uploaded") == 1 and actions.count("file_downloaded") == 2


def publish_as_is(response_id: int, published: bool = True) -> None:
    """Accept (and publish) the response's answers as they are: a snapshot, as a submission makes."""
    from web.answers import stored as rows_of
    from web.extensions import db
    from web.models import Response, Snapshot

    with context():
        response = db.session.get(Response, response_id)
        answers = {qid: {"value": row.value, "version": row.version, "language": row.language}
                   for qid, row in rows_of(response).items()}
        db.session.add(Snapshot(response_id=response.id, number=1, revision=1, version_id=response.version_id,
                                content_hash="x", answers=answers, summary={}, answers_hash="x"))
        response.status, response.published = "accepted", published
        db.session.commit()


def test_readers_get_files_once_published(app: Flask, ken: dict[str, Any]) -> None:
    upload(ken["client"], ken["id"], files.PDF, "law.pdf")
    sha = hashlib.sha256(files.PDF).hexdigest()
    reader = app.test_client()
    login(reader, add_user("reader"))
    publish_as_is(ken["id"], published=False)
    assert reader.get(f"/responses/{ken['id']}/files/{sha}").status_code == 404
    publish_as_is_flag(ken["id"])
    reply = reader.get(f"/responses/{ken['id']}/files/{sha}")
    assert reply.status_code == 200 and reply.data == files.PDF
    reply.close()
    other_state = app.test_client()  # a State's user reads another State's published files as readers do
    login(other_state, add_user("focal_point", "FRA"))
    reply = other_state.get(f"/responses/{ken['id']}/files/{sha}")
    assert reply.status_code == 200
    reply.close()
    # the repository of legislation lists the file beside the law
    page = reader.get(f"/repository/{ken['id']}/{LAWS}/0").get_data(as_text=True)
    assert "Copy of the text" in page and f"/responses/{ken['id']}/files/{sha}" in page


def test_json_export_has_a_manifest_of_the_files(app: Flask, ken: dict[str, Any], tmp_path: Any) -> None:
    import json

    from web.data import files as data_files

    upload(ken["client"], ken["id"], files.PDF, "law.pdf")
    out = tmp_path / "export.json"
    with context(), out.open("wb") as handle:
        data_files.write(handle, "json", "long", "en", "KEN")
    entry = json.loads(out.read_text())["responses"][0]
    assert entry["files"] == [{"question": LAWS, "sha256": hashlib.sha256(files.PDF).hexdigest(), "name": "law.pdf",
                               "size": len(files.PDF), "type": "application/pdf"}]


def publish_as_is_flag(response_id: int) -> None:
    from web.extensions import db
    from web.models import Response

    with context():
        published = db.session.get(Response, response_id)
        published.consent, published.published = "profile", True  # within the State's consent
        db.session.commit()


def test_remove_a_file(app: Flask, ken: dict[str, Any]) -> None:
    upload(ken["client"], ken["id"], files.PDF, "law.pdf")
    sha = hashlib.sha256(files.PDF).hexdigest()
    token = csrf_token(ken["client"], page_path(ken["id"]))
    reply = ken["client"].post(f"/responses/{ken['id']}/files/remove", data={
        "csrf_token": token, "question": LAWS, "row": "0", "column": "text_file", "sha256": sha,
        "_v": str(version(ken["id"]))}, follow_redirects=True)
    assert "File removed." in reply.get_data(as_text=True)
    assert "text_file" not in stored(ken["id"])[0]


def test_a_stale_upload_is_a_conflict_and_attaches_nothing(app: Flask, ken: dict[str, Any]) -> None:
    token = csrf_token(ken["client"], page_path(ken["id"]))
    reply = ken["client"].post(f"/responses/{ken['id']}/files", data={
        "csrf_token": token, "question": LAWS, "row": "0", "column": "text_file", "_v": "0",
        "file": (io.BytesIO(files.PDF), "law.pdf")}, content_type="multipart/form-data", follow_redirects=True)
    assert "a colleague changed this answer meanwhile" in reply.get_data(as_text=True)
    assert "text_file" not in stored(ken["id"])[0]


def test_another_state_cannot_upload(app: Flask, ken: dict[str, Any]) -> None:
    other = app.test_client()
    login(other, add_user("focal_point", "FRA"))
    token = csrf_token(other, "/")
    reply = other.post(f"/responses/{ken['id']}/files", data={
        "csrf_token": token, "question": LAWS, "row": "0", "column": "text_file", "_v": "1",
        "file": (io.BytesIO(files.PDF), "law.pdf")}, content_type="multipart/form-data")
    assert reply.status_code == 404
