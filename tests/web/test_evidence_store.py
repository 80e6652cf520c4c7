"""The file stores: the local folder, and the S3-compatible one against moto's standalone server
(started here on a free port, spoken to over HTTP by boto3 as a real deployment would)."""

from __future__ import annotations

import hashlib
import io
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from web.evidence.store import Empty, LocalStore, S3Store, TooLarge, receive


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("moto's S3 server did not start") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture
def s3(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> S3Store:
    import boto3

    for name, value in (("AWS_ACCESS_KEY_ID", "test"), ("AWS_SECRET_ACCESS_KEY", "test"),
                        ("AWS_DEFAULT_REGION", "us-east-1")):
        monkeypatch.setenv(name, value)
    bucket = f"evidence-{os.getpid()}-{time.monotonic_ns()}"
    boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket=bucket)
    return S3Store(bucket, "files/", s3_endpoint)


def test_receive_hashes_counts_and_refuses(tmp_path: Path) -> None:
    data = os.urandom(300_000)
    incoming = receive(io.BytesIO(data), limit=len(data), folder=str(tmp_path))
    assert incoming.sha256 == hashlib.sha256(data).hexdigest() and incoming.size == len(data)
    assert incoming.path.read_bytes() == data
    with pytest.raises(TooLarge):
        receive(io.BytesIO(data), limit=len(data) - 1, folder=str(tmp_path))
    with pytest.raises(Empty):
        receive(io.BytesIO(b""), limit=10, folder=str(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == [incoming.path.name]  # refused ones left nothing


@pytest.mark.parametrize("kind", ["local", "s3"])
def test_keep_open_and_deduplicate(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    store = LocalStore(tmp_path / "files") if kind == "local" else request.getfixturevalue("s3")
    data = b"%PDF-1.4 the text of the law " * 1000
    sha = hashlib.sha256(data).hexdigest()
    assert not store.exists(sha)
    for _ in range(2):  # the same content twice: stored once
        store.keep(receive(io.BytesIO(data), limit=10**6, folder=store.temp_folder() or str(tmp_path)))
    assert store.exists(sha)
    with store.open(sha) as content:
        assert content.read() == data
    with pytest.raises(FileNotFoundError):
        store.open("0" * 64)
    with pytest.raises(FileNotFoundError):
        store.open("../../etc/passwd")
    if kind == "s3":
        keys = [o["Key"] for o in store.client.list_objects_v2(Bucket=store.bucket)["Contents"]]
        assert keys == [f"files/{sha}"]
    else:
        assert [p.name for p in (tmp_path / "files").rglob("*") if p.is_file()] == [sha]


def test_the_app_uses_s3_when_configured(s3: S3Store, tmp_path: Path) -> None:
    from flask import Flask

    from web.evidence.store import from_config

    app = Flask(__name__)
    app.config.update(FILES_S3_BUCKET=s3.bucket, FILES_S3_PREFIX="files/",
                      FILES_S3_ENDPOINT=s3.client.meta.endpoint_url)
    store = from_config(app.config, str(tmp_path))
    assert isinstance(store, S3Store) and store.bucket == s3.bucket
    assert isinstance(from_config({}, str(tmp_path)), LocalStore)
