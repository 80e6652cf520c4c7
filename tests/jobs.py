"""Real job workers for the tests: RQ workers (``checklist worker``) on the real Redis.

Redis (127.0.0.1:6379, or ``TEST_REDIS_URL``) is shared with other people's runs: every test
session uses its own queue names (``checklist-test-<random>``, which also prefix our keys and job
ids), and deletes only its own keys at the end. Nothing here flushes a database.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from redis import Redis
from redis.exceptions import RedisError

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
CHECKLIST = str(Path(sys.executable).parent / "checklist")


def redis() -> Redis:
    connection = Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        connection.ping()
    except RedisError as exc:
        pytest.fail(f"Redis does not answer at {REDIS_URL} ({exc}): the job tests need it (see README, "
                    "'Running the tests')")
    return connection


def new_namespace() -> str:
    return f"checklist-test-{uuid.uuid4().hex[:10]}"


def forget_namespace(namespace: str) -> None:
    """Delete every key of this namespace (queues, registries, jobs, debounce markers)."""
    connection = redis()
    for key in connection.scan_iter(match=f"*{namespace}*", count=1000):
        connection.delete(key)
    for member in connection.smembers("rq:queues"):
        if namespace in member.decode():
            connection.srem("rq:queues", member)


def settings(namespace: str, profile_dir: Path, **extra: Any) -> dict[str, Any]:
    """App settings that use the real queue of ``namespace``."""
    return {"REDIS_URL": REDIS_URL, "JOBS_QUEUE": namespace, "PROFILE_DIR": str(profile_dir), **extra}


class Worker:
    """A `checklist worker` process on the queues of ``namespace``."""

    def __init__(self, database_url: str, namespace: str, profile_dir: Path, folder: Path, **extra: str):
        self.log = folder / "worker.log"
        env = {**os.environ, "CHECKLIST_DATABASE_URL": database_url, "CHECKLIST_REDIS_URL": REDIS_URL,
               "CHECKLIST_JOBS_QUEUE": namespace, "CHECKLIST_PROFILE_DIR": str(profile_dir),
               "CHECKLIST_INSTANCE_PATH": str(folder), "CHECKLIST_SECRET_KEY": "test-secret-key",
               **{f"CHECKLIST_{name}": value for name, value in extra.items()}}
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen([CHECKLIST, "worker"], env=env, stdout=log, stderr=subprocess.STDOUT)
        self.namespace = namespace

    def wait_ready(self, timeout: float = 60) -> None:
        connection = redis()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the worker stopped: {self.log.read_text()[-3000:]}")
            if any(connection.exists(key) for key in connection.smembers(f"rq:workers:{self.namespace}")):
                return
            time.sleep(0.1)
        pytest.fail(f"the worker did not start in {timeout} s: {self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # warm shutdown: the current job finishes
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def running_worker(database_url: str, namespace: str, profile_dir: Path, folder: Path,
                   **extra: str) -> Iterator[Worker]:
    worker = Worker(database_url, namespace, profile_dir, folder, **extra)
    try:
        worker.wait_ready()
        yield worker
    finally:
        worker.stop()


started_worker = contextlib.contextmanager(running_worker)
