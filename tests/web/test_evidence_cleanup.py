"""Removing evidence content nothing refers to: what answers, the history and snapshots refer to
stays; orphans older than the grace period go, with their rows; unfinished uploads' temporary files
go; backups leave the uploads being received out; a clean-up and an upload of the same content
never interleave."""

from __future__ import annotations

import hashlib
import io
import os
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select, update

from tests.conftest import context, csrf_token
from tests.web import evidence_files as files
from tests.web import test_evidence
from tests.web.test_evidence import LAWS, page_path, stored, upload, version

ken = test_evidence.ken  # the fixture: Kenya's draft, its focal point logged in

OLD = time.time() - 3 * 24 * 3600


def content_path(app: Flask, sha: str) -> Path:
    return Path(app.instance_path, "files", sha[:2], sha[2:4], sha)


def rows() -> set[str]:
    from web.extensions import db
    from web.models import StoredFile

    with context():
        return set(db.session.scalars(select(StoredFile.sha256)))


def age_row(sha: str) -> None:
    from web.extensions import db
    from web.models import StoredFile
    from web.models.base import utcnow

    with context():
        db.session.execute(update(StoredFile).where(StoredFile.sha256 == sha)
                           .values(created_at=utcnow() - timedelta(days=3)))
        db.session.commit()


def remove(client: Any, response_id: int, sha: str) -> None:
    token = csrf_token(client, page_path(response_id))
    reply = client.post(f"/responses/{response_id}/files/remove", data={
        "csrf_token": token, "question": LAWS, "row": "0", "column": "text_file", "sha256": sha,
        "_v": str(version(response_id))}, follow_redirects=True)
    assert "File removed." in reply.get_data(as_text=True)


def downloads(client: Any, response_id: int, sha: str) -> bool:
    with client.get(f"/responses/{response_id}/files/{sha}") as reply:
        return reply.status_code == 200 and reply.get_data() != b""


def clean(**options: Any) -> Any:
    from web.evidence.cleanup import clean as run

    with context():
        return run(**options)


def test_only_what_nothing_refers_to_goes(app: Flask, ken: dict[str, Any]) -> None:
    kept, removed_from_answer = files.PDF, files.PDF + b"% the 2018 amendment\n"
    upload(ken["client"], ken["id"], kept, "act.pdf")
    upload(ken["client"], ken["id"], removed_from_answer, "amendment.pdf")
    sha_kept, sha_history = (hashlib.sha256(c).hexdigest() for c in (kept, removed_from_answer))
    remove(ken["client"], ken["id"], sha_history)  # the history still shows it
    # an upload refused after its content was kept (a colleague's newer answer won): content, no row
    orphan = files.PDF + b"% refused\n"
    sha_orphan = hashlib.sha256(orphan).hexdigest()
    token = csrf_token(ken["client"], page_path(ken["id"]))
    reply = ken["client"].post(f"/responses/{ken['id']}/files", data={
        "csrf_token": token, "question": LAWS, "row": "0", "column": "text_file", "_v": "0",
        "file": (io.BytesIO(orphan), "late.pdf")}, content_type="multipart/form-data", follow_redirects=True)
    assert "a colleague changed this answer meanwhile" in reply.get_data(as_text=True)
    assert content_path(app, sha_orphan).exists() and sha_orphan not in rows()
    # a file with a row that nothing refers to any more (e.g. its response was deleted)
    from web.extensions import db
    from web.models import Answer

    unused = files.PDF + b"% unused\n"
    sha_unused = hashlib.sha256(unused).hexdigest()
    upload(ken["client"], ken["id"], unused, "draft.pdf")
    with context():
        answer = db.session.scalars(select(Answer).where(Answer.response_id == ken["id"],
                                                         Answer.question_id == LAWS)).one()
        answer.value = [dict(row, text_file=[f for f in row.get("text_file", []) if f["sha256"] != sha_unused])
                        for row in answer.value]
        from web.models import AnswerRevision

        for revision in db.session.scalars(select(AnswerRevision).where(AnswerRevision.response_id == ken["id"])):
            if sha_unused in repr((revision.old_value, revision.new_value)):
                revision.old_value = revision.new_value = None  # as if its history were gone
        db.session.commit()
    # an unfinished upload's temporary file
    incoming = Path(app.instance_path, "files", "incoming")
    incoming.mkdir(parents=True, exist_ok=True)
    (incoming / "tmpcrashed").write_bytes(b"half a file")
    (incoming / "tmpnow").write_bytes(b"being received")

    # everything is young: nothing goes
    done = clean()
    assert done.removed == [] and done.young == 2
    assert content_path(app, sha_orphan).exists() and content_path(app, sha_unused).exists()

    for sha in (sha_kept, sha_history, sha_unused):
        age_row(sha)
    for sha in (sha_kept, sha_history, sha_orphan, sha_unused):
        os.utime(content_path(app, sha), (OLD, OLD))
    os.utime(incoming / "tmpcrashed", (OLD, OLD))
    preview = clean(dry_run=True)
    assert sorted(preview.removed) == sorted([sha_orphan, sha_unused])
    assert content_path(app, sha_orphan).exists() and sha_unused in rows()  # a dry run removes nothing

    done = clean()
    assert sorted(done.removed) == sorted([sha_orphan, sha_unused]) and done.freed == len(unused)
    assert done.leftovers == ["tmpcrashed"] and (incoming / "tmpnow").exists()
    assert not content_path(app, sha_orphan).exists() and not content_path(app, sha_unused).exists()
    assert rows() == {sha_kept, sha_history}
    assert content_path(app, sha_kept).exists() and content_path(app, sha_history).exists()
    assert downloads(ken["client"], ken["id"], sha_kept)
    assert clean().removed == []  # nothing more to do


def test_the_command_and_backups(app: Flask, ken: dict[str, Any]) -> None:
    incoming = Path(app.instance_path, "files", "incoming")
    incoming.mkdir(parents=True, exist_ok=True)
    (incoming / "tmpupload").write_bytes(b"being received")
    upload(ken["client"], ken["id"], files.PDF, "act.pdf")
    from web.backup import Layout

    names = [name for name, _path in Layout.of(app).files()]
    assert any(name.endswith(hashlib.sha256(files.PDF).hexdigest()) for name in names)
    assert not any("incoming" in name for name in names)
    from web.cli import cli

    result = app.test_cli_runner().invoke(cli, ["files", "clean", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "would remove 0 file(s)" in result.output


def test_a_clean_up_and_an_upload_of_the_same_content_do_not_interleave(app: Flask, ken: dict[str, Any]) -> None:
    """The clean-up holds an orphan's row and is about to remove it when the same content is uploaded
    again: the upload waits, then keeps the content anew; the answer's file can be downloaded."""
    from web.evidence import file_store, hold
    from web.evidence.cleanup import referenced
    from web.extensions import db
    from web.models import StoredFile

    upload(ken["client"], ken["id"], files.PDF, "act.pdf")
    sha = hashlib.sha256(files.PDF).hexdigest()
    remove(ken["client"], ken["id"], sha)
    with context():
        from web.models import AnswerRevision

        for revision in db.session.scalars(select(AnswerRevision).where(AnswerRevision.response_id == ken["id"])):
            revision.old_value = revision.new_value = None
        db.session.commit()

    token, base = csrf_token(ken["client"], page_path(ken["id"])), str(version(ken["id"]))
    held, uploaded = threading.Event(), threading.Event()
    failure: list[BaseException] = []

    def cleaner() -> None:
        try:
            with context():
                assert hold(sha), "no row"
                assert not referenced(sha), referenced(sha)
                held.set()
                uploaded.wait(2)  # the upload has started meanwhile (and, correctly, waits)
                file_store().delete(sha)
                db.session.delete(db.session.get(StoredFile, sha))
                db.session.commit()
        except BaseException as exc:  # noqa: BLE001  (reported by the test)
            failure.append(exc)
            held.set()

    def uploader() -> None:
        try:
            held.wait(10)
            reply = ken["client"].post(f"/responses/{ken['id']}/files", data={
                "csrf_token": token, "question": LAWS, "row": "0", "column": "text_file", "_v": base,
                "file": (io.BytesIO(files.PDF), "act again.pdf")}, content_type="multipart/form-data")
            assert reply.status_code == 302, reply.status_code
        except BaseException as exc:  # noqa: BLE001
            failure.append(exc)
        finally:
            uploaded.set()

    threads = [threading.Thread(target=cleaner), threading.Thread(target=uploader)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failure, failure
    assert [f["sha256"] for f in stored(ken["id"])[0]["text_file"]] == [sha]
    assert content_path(app, sha).exists(), "the answer refers to a file whose content was removed"
    assert sha in rows()
    assert downloads(ken["client"], ken["id"], sha)
