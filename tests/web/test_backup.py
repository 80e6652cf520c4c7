"""`checklist backup` and `checklist restore`: a populated installation (answers, revisions,
snapshots, activity, comments, stored files) backed up, restored into an empty one, and found
identical, row by row and file by file; damaged archives and occupied targets are refused."""

from __future__ import annotations

import hashlib
import io
import os
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, select, text

from tests.conftest import _postgres_database, add_user, context, make_app
from tests.web.test_profiles import respond

FILES = {"uploads/KEN/evidence-1.pdf": b"%PDF-1.7 evidence \x00\xff" * 1000,
         "uploads/KEN/القانون.txt": "قانون مكافحة الفساد".encode(),
         "notes/readme.txt": b"kept"}


@pytest.fixture
def elsewhere(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder outside the test app's instance folder (which is the test's ``tmp_path``)."""
    return tmp_path_factory.mktemp("elsewhere")


@pytest.fixture
def target(elsewhere: Path) -> Iterator[str]:
    """An empty database of the same kind as the test session's."""
    base = os.environ.get("TEST_DATABASE_URL")
    if base:
        yield from _postgres_database(base)
    else:
        yield f"sqlite:///{elsewhere / 'target' / 'checklist.sqlite3'}"


def populate(app: Flask) -> None:
    from web.extensions import db
    from web.models import Comment, Response

    response_id = respond("KEN", status="accepted", publish=True)  # answers, revisions, snapshot, activity
    respond("FRA")
    reviewer = add_user("secretariat_reviewer")
    with context():
        db.session.add(Comment(response_id=response_id, question_id="p5_1.compliance", author_id=reviewer.id,
                               body="Merci — ¿por qué? 为什么"))
        db.session.commit()
        assert db.session.scalar(select(Response.id).where(Response.id == response_id))
    instance = Path(app.instance_path)
    for name, data in FILES.items():
        (instance / name).parent.mkdir(parents=True, exist_ok=True)
        (instance / name).write_bytes(data)
    (instance / "profiles" / "KEN").mkdir(parents=True)
    (instance / "profiles" / "KEN" / "summary-en-0.pdf").write_bytes(b"a cached profile")
    (instance / "secret_key").write_text("not in backups")


def rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    from web.models import Base

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            found = {table.name: [tuple(row) for row in conn.execute(
                select(table).order_by(*table.primary_key.columns))] for table in Base.metadata.sorted_tables}
            found["alembic_version"] = [tuple(r) for r in conn.execute(text("SELECT * FROM alembic_version"))]
            return found
    finally:
        engine.dispose()


def files(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_restored_backup_is_identical(app: Flask, database_url: str, target: str, tmp_path: Path,
                                        elsewhere: Path) -> None:
    from web.cli import backup_command, restore_command

    populate(app)
    runner = app.test_cli_runner()
    assert runner.invoke(backup_command, ["-o", str(tmp_path / "backups")]).exit_code == 0  # in the instance
    result = runner.invoke(backup_command, ["-o", str(tmp_path / "backups")])  # not in the next one
    assert result.exit_code == 0, result.output
    archive = sorted((tmp_path / "backups").iterdir())[-1]
    assert len(list((tmp_path / "backups").iterdir())) == 2
    assert archive.name.startswith("checklist-backup-") and archive.name.endswith(".tar.gz")
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    source = rows(database_url)
    assert source["answers"] and source["answer_revisions"] and source["snapshots"] and source["activities"] \
        and source["comments"]
    kind = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    assert f"{kind} database, {sum(len(v) for k, v in source.items() if k != 'alembic_version')} rows" \
        in result.output and "3 stored file(s)" in result.output

    empty = make_app(target, elsewhere / "restored")
    check = empty.test_cli_runner().invoke(restore_command, ["--check", str(archive)])
    assert check.exit_code == 0 and "intact" in check.output, check.output
    restored = empty.test_cli_runner().invoke(restore_command, [str(archive)])
    assert restored.exit_code == 0, restored.output
    assert "(as in the manifest), 3 stored file(s)" in restored.output
    assert rows(target) == source  # every row of every table, identical
    assert files(elsewhere / "restored") == {name: hashlib.sha256(data).hexdigest() for name, data in FILES.items()}
    again = empty.test_cli_runner().invoke(restore_command, [str(archive)])  # never over existing data
    assert again.exit_code == 1 and "is not empty" in again.output and "nothing was changed" in again.output
    assert rows(target) == source
    empty_app_dispose(empty)


def empty_app_dispose(app: Flask) -> None:
    from web.extensions import db

    db.dispose(app)


def test_a_damaged_archive_restores_nothing(app: Flask, target: str, tmp_path: Path, elsewhere: Path) -> None:
    from web.cli import backup_command, restore_command

    populate(app)
    archive = elsewhere / "backup.tar.gz"
    assert app.test_cli_runner().invoke(backup_command, ["-o", str(archive)]).exit_code == 0
    damaged = elsewhere / "damaged.tar.gz"
    with tarfile.open(archive) as original, tarfile.open(damaged, "w:gz") as copy:
        for member in original.getmembers():
            data = original.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "files/instance/uploads/KEN/evidence-1.pdf":
                data = data[:-1] + b"!"
            copy.addfile(member, io.BytesIO(data))
    empty = make_app(target, elsewhere / "restored")
    result = empty.test_cli_runner().invoke(restore_command, [str(damaged)])
    assert result.exit_code == 1
    assert "files/instance/uploads/KEN/evidence-1.pdf: size or checksum differs" in result.output
    assert "nothing was restored" in result.output
    assert not (elsewhere / "restored" / "uploads").exists()
    assert tables(target) == []  # the database was not touched
    empty_app_dispose(empty)


def tables(url: str) -> list[str]:
    from sqlalchemy import inspect

    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return []
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return list(inspect(conn).get_table_names())
    finally:
        engine.dispose()
