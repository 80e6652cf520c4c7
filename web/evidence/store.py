"""Where evidence files live: outside the web root, by the SHA-256 of their content (a file uploaded
twice is stored once), behind a small interface with two backends:

* :class:`LocalStore` (the default): a folder, ``instance/files`` unless ``FILES_DIR`` says otherwise,
  one file per hash under ``ab/cd/<hash>``;
* :class:`S3Store`: a bucket of any S3-compatible server (``FILES_S3_BUCKET``, ``FILES_S3_ENDPOINT``),
  for several app servers sharing the files.

An upload is first received into a temporary file (:func:`receive`), hashed and counted while it
streams, and refused as soon as it goes beyond its limit: never the whole file in memory. Only after
its content was checked (``web.evidence.checks``) is it kept (:meth:`FileStore.keep`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Protocol

CHUNK = 64 * 1024
#: The local store's folder of uploads being received (not data: left out of backups).
INCOMING = "incoming"


class TooLarge(Exception):
    def __init__(self, limit: int):
        super().__init__(limit)
        self.limit = limit


class Empty(Exception):
    pass


@dataclass(frozen=True)
class Incoming:
    """An upload received into a temporary file, not yet kept."""

    path: Path
    sha256: str
    size: int

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


def receive(source: IO[bytes], limit: int, folder: str | None = None) -> Incoming:
    """Copy ``source`` into a temporary file chunk by chunk, hashing it; refuse beyond ``limit`` bytes."""
    digest = hashlib.sha256()
    size = 0
    handle, name = tempfile.mkstemp(prefix="upload-", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            while chunk := source.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise TooLarge(limit)
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise Empty()
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Incoming(Path(name), digest.hexdigest(), size)


class FileStore(Protocol):
    def keep(self, incoming: Incoming) -> None:
        """Store the received file under its hash (nothing to do if it is already there)."""

    def open(self, sha256: str) -> IO[bytes]:
        """The content of a stored file (raises ``FileNotFoundError``)."""

    def exists(self, sha256: str) -> bool: ...

    def temp_folder(self) -> str | None:
        """Where uploads are received (on the same disk as the store when it is local)."""

    def delete(self, sha256: str) -> None:
        """Remove the content of ``sha256`` (nothing to do if it is not there)."""

    def contents(self) -> Iterator[tuple[str, datetime]]:
        """``(hash, when it was written)`` of every content in the store."""
        ...

    def leftovers(self, before: datetime) -> list[str]:
        """Temporary files of uploads that never finished (a crash mid-upload) written before ``before``:
        removed, and their names returned."""
        ...


def _checked(sha256: str) -> str:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise FileNotFoundError(sha256)
    return sha256


class LocalStore:
    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        sha256 = _checked(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def keep(self, incoming: Incoming) -> None:
        target = self.path(incoming.sha256)
        if target.exists():
            incoming.discard()
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(incoming.path, 0o640)
        shutil.move(str(incoming.path), target)  # a rename on the same disk: atomic

    def open(self, sha256: str) -> IO[bytes]:
        return self.path(sha256).open("rb")

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def temp_folder(self) -> str | None:
        folder = self.root / INCOMING
        folder.mkdir(parents=True, exist_ok=True)
        return str(folder)

    def delete(self, sha256: str) -> None:
        self.path(sha256).unlink(missing_ok=True)

    def contents(self) -> Iterator[tuple[str, datetime]]:
        for path in sorted(self.root.glob("[0-9a-f][0-9a-f]/[0-9a-f][0-9a-f]/*")):
            if path.is_file() and path.name[:2] == path.parent.parent.name and path.name[2:4] == path.parent.name:
                yield path.name, datetime.fromtimestamp(path.stat().st_mtime, UTC)

    def leftovers(self, before: datetime) -> list[str]:
        removed = []
        folder = self.root / INCOMING
        for path in sorted(folder.iterdir()) if folder.is_dir() else []:
            if path.is_file() and datetime.fromtimestamp(path.stat().st_mtime, UTC) < before:
                path.unlink(missing_ok=True)
                removed.append(path.name)
        return removed


class S3Store:
    """Files as objects ``<prefix><hash>`` of a bucket on an S3-compatible server (boto3)."""

    def __init__(self, bucket: str, prefix: str = "", endpoint: str | None = None, client: Any = None):
        if client is None:
            import boto3

            client = boto3.client("s3", endpoint_url=endpoint or None)
        self.client = client
        self.bucket = bucket
        self.prefix = prefix

    def key(self, sha256: str) -> str:
        return self.prefix + _checked(sha256)

    def keep(self, incoming: Incoming) -> None:
        try:
            if not self.exists(incoming.sha256):
                with incoming.path.open("rb") as source:  # multipart upload in chunks, never all in memory
                    self.client.upload_fileobj(source, self.bucket, self.key(incoming.sha256))
        finally:
            incoming.discard()

    def open(self, sha256: str) -> IO[bytes]:
        from botocore.exceptions import ClientError

        try:
            found = self.client.get_object(Bucket=self.bucket, Key=self.key(sha256))
        except ClientError as exc:
            raise FileNotFoundError(sha256) from exc
        return found["Body"]  # type: ignore[no-any-return]  # a stream, read in chunks by the caller

    def exists(self, sha256: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self.key(sha256))
        except ClientError:
            return False
        return True

    def temp_folder(self) -> str | None:
        return None

    def delete(self, sha256: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.key(sha256))

    def contents(self) -> Iterator[tuple[str, datetime]]:
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix):
            for item in page.get("Contents", []):
                name = item["Key"][len(self.prefix):]
                if len(name) == 64 and all(c in "0123456789abcdef" for c in name):
                    yield name, item["LastModified"]

    def leftovers(self, before: datetime) -> list[str]:
        return []  # uploads are received on local disk, in the system's temporary folder


def from_config(config: Any, instance_path: str) -> FileStore:
    """The store the settings name: ``FILES_S3_BUCKET`` set -> S3, else the local folder."""
    if config.get("FILES_S3_BUCKET"):
        return S3Store(config["FILES_S3_BUCKET"], config.get("FILES_S3_PREFIX", ""),
                       config.get("FILES_S3_ENDPOINT") or None)
    return LocalStore(config.get("FILES_DIR") or os.path.join(instance_path, "files"))
