"""Backups that lose nothing: the database and the stored files together, in one archive.

An archive (``.tar.gz``) holds:

* ``database/checklist.sqlite3`` (SQLite: a consistent copy through SQLite's backup API, safe while
  the app runs) or ``database/checklist.dump`` (PostgreSQL: ``pg_dump --format=custom``, taken in
  the same snapshot as the row counts below);
* ``files/<folder>/...``: every stored file of the data folders: the instance folder and those of
  ``BACKUP_DIRS``. Left out: the database's own files (copied above), the profile cache (rebuilt
  on demand), and the deployment's secrets (``secret_key``, ``config.py``), which belong with the
  deployment's configuration, not with the data;
* ``manifest.json``: format, time, schema revision, rows per table, and the size and SHA-256 of
  every other member.

:func:`restore` checks the whole archive against its manifest before touching anything, restores
only into an empty database and empty data folders (it never overwrites), then counts the rows
again against the manifest.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from flask import Flask
from sqlalchemy import Connection, create_engine, inspect, text
from sqlalchemy.engine import URL, make_url

from .evidence.store import INCOMING

FORMAT = 1
MANIFEST = "manifest.json"
SECRETS = frozenset({"secret_key", "config.py"})
CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says what and how to fix it."""


@dataclass
class Report:
    archive: Path
    database: str  # sqlite or postgresql
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0
    size: int = 0


# -- where things are -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Layout:
    """The database and the data folders of one installation."""

    url: URL
    folders: dict[str, Path]  # name in the archive -> folder
    skip: frozenset[Path]  # files and folders that are not data (database files, cache, secrets)

    @staticmethod
    def of(app: Flask) -> Layout:
        url = make_url(app.config["DATABASE_URL"])
        instance = Path(app.instance_path).resolve()
        folders = {"instance": instance}
        for raw in str(app.config.get("BACKUP_DIRS") or "").split(os.pathsep):
            if raw.strip():
                folder = Path(raw.strip()).resolve()
                if folder.name in folders or folder.name in ("", "instance"):
                    raise BackupError(f"BACKUP_DIRS: two data folders are called '{folder.name}'; give each "
                                      "folder a different last name")
                folders[folder.name] = folder
        skip = {instance / name for name in SECRETS}
        skip.add(Path(app.config.get("PROFILE_DIR") or instance / "profiles").resolve())
        files = Path(app.config.get("FILES_DIR") or instance / "files").resolve()
        skip.add(files / INCOMING)  # uploads being received: not data yet
        if url.get_backend_name() == "sqlite" and url.database:
            database = Path(url.database).resolve()
            skip |= {database.with_name(database.name + suffix) for suffix in ("", "-wal", "-shm", "-journal")}
        return Layout(url, folders, frozenset(skip))

    @property
    def kind(self) -> str:
        kind = self.url.get_backend_name()
        if kind not in ("sqlite", "postgresql"):
            raise BackupError(f"cannot back up a {kind} database: SQLite and PostgreSQL only")
        if kind == "sqlite" and (not self.url.database or self.url.database == ":memory:"):
            raise BackupError("the database is in memory: there is nothing on disk to back up")
        return kind

    def files(self) -> Iterator[tuple[str, Path]]:
        """``(name in the archive, path)`` of every stored file, in a stable order."""
        for name, folder in self.folders.items():
            if not folder.is_dir():
                continue
            for root, dirs, files in os.walk(folder):
                here = Path(root)
                dirs[:] = sorted(d for d in dirs if (here / d).resolve() not in self.skip)
                for file in sorted(files):
                    path = here / file
                    if path.resolve() in self.skip or path.is_symlink() or not path.is_file():
                        continue
                    yield f"files/{name}/{path.relative_to(folder).as_posix()}", path


# -- backing up ----------------------------------------------------------------------------------------
def backup(app: Flask, target: Path) -> Report:
    """Write the archive ``target`` (``*.tar.gz``; anything else is a folder to write a new
    timestamped archive into)."""
    layout = Layout.of(app)
    kind = layout.kind
    named = not (target.is_dir() or not target.name.endswith((".tar.gz", ".tgz")))
    if not named:  # a folder: a new file in it
        target = target / f"checklist-backup-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.tar.gz"
    if named and target.exists():
        raise BackupError(f"{target} exists: give another name (a backup never replaces a file)")
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".checklist-backup-", dir=target.parent) as work:
        earlier = set(target.parent.glob("checklist-backup-*.tar.gz"))  # backups kept in a data folder
        layout = Layout(layout.url, layout.folders, layout.skip | earlier | {target, Path(work).resolve()})
        dump = Path(work) / ("checklist.sqlite3" if kind == "sqlite" else "checklist.dump")
        rows = _dump_sqlite(layout.url, dump) if kind == "sqlite" else _dump_postgres(layout.url, dump)
        partial = Path(work) / "archive.partial"
        members: dict[str, dict[str, Any]] = {}
        with tarfile.open(partial, "w:gz") as archive:
            members[f"database/{dump.name}"] = _add(archive, f"database/{dump.name}", dump)
            for name, path in layout.files():
                members[name] = _add(archive, name, path)
            manifest = {"format": FORMAT, "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                        "database": {"kind": kind, "file": f"database/{dump.name}",
                                     "revision": rows.pop("alembic_version", None), "rows": rows},
                        "folders": {name: str(folder) for name, folder in layout.folders.items()},
                        "files": members}
            body = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(body), int(datetime.now(UTC).timestamp()), 0o600
            archive.addfile(info, io.BytesIO(body))
        os.chmod(partial, 0o600)  # answers and password hashes: readable by the owner only
        target = _place(partial, target, named)
    return Report(target, kind, rows, len(members) - 1, target.stat().st_size)


def _place(partial: Path, target: Path, named: bool) -> Path:
    """Move the finished archive to ``target`` without ever replacing a file (a timestamped name
    gets a number when taken)."""
    for attempt in range(1000):
        candidate = target if attempt == 0 else target.with_name(
            target.name.removesuffix(".tar.gz") + f"-{attempt}.tar.gz")
        try:
            os.link(partial, candidate)  # fails if the name is taken, unlike a rename
            return candidate
        except FileExistsError:
            if named:
                raise BackupError(f"{target} exists: give another name (a backup never replaces a file)") from None
    raise BackupError(f"{target}: too many backups with this name")


def _add(archive: tarfile.TarFile, name: str, path: Path) -> dict[str, Any]:
    """Add a file, hashing exactly the bytes archived."""
    with open(path, "rb") as handle:
        stat = os.fstat(handle.fileno())
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o600
        reader = _Reader(handle)
        archive.addfile(info, reader)
    return {"size": stat.st_size, "sha256": reader.digest.hexdigest()}


class _Reader:
    """A file object that hashes what is read through it."""

    def __init__(self, handle: IO[bytes]):
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self.handle.read(size)
        self.digest.update(chunk)
        return chunk


def _count(conn: Connection) -> dict[str, int]:
    """Rows per table (and the schema revision under ``alembic_version``)."""
    names = sorted(inspect(conn).get_table_names())
    rows: dict[str, Any] = {name: int(conn.execute(text(f'SELECT COUNT(*) FROM "{name}"')).scalar_one())  # noqa: S608
                            for name in names if name != "alembic_version"}
    if "alembic_version" in names:
        rows["alembic_version"] = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return rows


def _dump_sqlite(url: URL, dump: Path) -> dict[str, int]:
    source = sqlite3.connect(f"file:{url.database}?mode=ro", uri=True)
    try:
        copy = sqlite3.connect(dump)
        with copy:
            source.backup(copy)
        copy.close()
    finally:
        source.close()
    engine = create_engine(f"sqlite:///{dump}")
    try:
        with engine.connect() as conn:
            return _count(conn)
    finally:
        engine.dispose()


def _dump_postgres(url: URL, dump: Path) -> dict[str, int]:
    """``pg_dump`` in the snapshot the rows were counted in (exported from a repeatable-read transaction)."""
    engine = create_engine(url, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as conn, conn.begin():
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            rows = _count(conn)
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                  f"--file={dump}", "--dbname", _libpq(url)], url, "pg_dump")
    finally:
        engine.dispose()
    return rows


def _libpq(url: URL) -> str:
    """The URL for libpq tools, without the password (given in the environment instead)."""
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)


def _run(command: list[str], url: URL, tool: str) -> None:
    if shutil.which(tool) is None:
        raise BackupError(f"{tool} is not installed: install PostgreSQL's client tools (Debian: postgresql-client), "
                          "of the server's major version or newer")
    env = {**os.environ, **({"PGPASSWORD": str(url.password)} if url.password else {})}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{tool} failed (exit status {done.returncode}): {done.stderr.strip()[-2000:]}")


# -- checking and restoring -----------------------------------------------------------------------------
def check(archive: Path, work: Path) -> dict[str, Any]:
    """Unpack ``archive`` into ``work`` and check every member against the manifest; the manifest."""
    try:
        with tarfile.open(archive, "r:*") as tar:
            tar.extractall(work, filter="data")  # no absolute paths, no '..', no links out, no devices
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"{archive}: not a readable backup archive ({exc})") from None
    try:
        manifest: dict[str, Any] = json.loads((work / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{archive}: no readable {MANIFEST} ({exc}); was it made by `checklist backup`?") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive}: backup format {manifest.get('format')!r}; this version reads format {FORMAT}")
    problems = []
    for name, expected in sorted(manifest["files"].items()):
        path = work / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif path.stat().st_size != expected["size"] or _sha256(path) != expected["sha256"]:
            problems.append(f"{name}: size or checksum differs from the manifest")
    listed = set(manifest["files"]) | {MANIFEST}
    extra = sorted(p.relative_to(work).as_posix() for p in work.rglob("*") if p.is_file()
                   and p.relative_to(work).as_posix() not in listed)
    problems += [f"{name}: not in the manifest" for name in extra]
    if problems:
        raise BackupError(f"{archive}: the archive is damaged, nothing was restored:\n  " + "\n  ".join(problems))
    return manifest


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def restore(app: Flask, archive: Path) -> Report:
    """Restore ``archive`` into this installation's database and data folders, which must be empty."""
    from .extensions import db

    layout = Layout.of(app)
    kind = layout.kind
    with tempfile.TemporaryDirectory(prefix=".checklist-restore-") as tmp:
        work = Path(tmp)
        manifest = check(archive, work)
        database = manifest["database"]
        if database["kind"] != kind:
            raise BackupError(f"{archive} holds a {database['kind']} database and this installation uses {kind}: "
                              f"set DATABASE_URL to a {database['kind']} database")
        targets = _targets(layout, manifest)
        with app.app_context():
            db.dispose(app)  # no connection of ours stays open on the database being replaced
        _require_empty(layout, targets)
        dump = work / database["file"]
        if kind == "sqlite":
            _restore_sqlite(dump, Path(str(layout.url.database)))
        else:
            _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                  "--dbname", _libpq(layout.url), str(dump)], layout.url, "pg_restore")
        count = 0
        for name in sorted(manifest["files"]):
            parts = name.split("/", 2)
            if parts[0] != "files":
                continue
            destination = targets[parts[1]] / parts[2]
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(work / name, destination)
            count += 1
        rows = _counted(layout.url)
        rows.pop("alembic_version", None)
        if rows != database["rows"]:
            differ = sorted(k for k in set(rows) | set(database["rows"]) if rows.get(k) != database["rows"].get(k))
            raise BackupError(f"restored, but the rows differ from the manifest in: {', '.join(differ)}")
    return Report(archive, kind, rows, count, archive.stat().st_size)


def _targets(layout: Layout, manifest: dict[str, Any]) -> dict[str, Path]:
    targets = {}
    for name, was in manifest["folders"].items():
        if name not in layout.folders:
            raise BackupError(f"the backup holds the data folder '{name}' (it was {was}); add the folder where it "
                              "goes to BACKUP_DIRS (its last name must be the same)")
        targets[name] = layout.folders[name]
    return targets


def _require_empty(layout: Layout, targets: dict[str, Path]) -> None:
    rows = _counted(layout.url)
    if rows:
        raise BackupError(f"the database {layout.url.render_as_string(hide_password=True)} is not empty "
                          f"({len(rows)} tables): restore into a new, empty database, without running "
                          "`checklist db upgrade` first (nothing was changed)")
    occupied = [str(path) for name, path in Layout(layout.url, targets, layout.skip).files()]
    if occupied:
        raise BackupError(f"{len(occupied)} file(s) already in the data folders, e.g. {occupied[0]}: restore into "
                          "empty folders (nothing was changed)")


def _counted(url: URL) -> dict[str, Any]:
    if url.get_backend_name() == "sqlite" and not Path(str(url.database)).exists():
        return {}
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return _count(conn)
    finally:
        engine.dispose()


def _restore_sqlite(dump: Path, database: Path) -> None:
    database.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(dump)
    try:
        target = sqlite3.connect(database)
        with contextlib.closing(target):
            source.backup(target)
    finally:
        source.close()
