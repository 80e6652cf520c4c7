"""The production command (gunicorn with ``web/gunicorn_conf.py``) over the test database.

* Login rate limits hold across worker processes when they are counted in Redis: the limit of
  failed attempts per account is the total, whichever worker answers (the access log's pid says
  which did). Redis is shared with other projects on this machine: the test uses its own database
  number and key prefix, and deletes only its own keys.
* Several workers with memory storage: the master warns loudly at start-up.
* No cold start in a user's request: the master loads the questionnaires before forking, and a
  respawned worker never loads them again.

Redis at 127.0.0.1:6379 is required when ``REQUIRE_REDIS`` is set (CI); elsewhere the Redis test is
skipped with the reason when no server answers.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask

from tests.conftest import PASSWORD, add_user, start_response

ROOT = Path(__file__).resolve().parents[2]
REDIS_DB = 13  # this suite's own database number on the shared Redis
_TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    def __init__(self, database_url: str, tmp_path: Path, workers: int, **env: str):
        self.port = free_port()
        self.log_path = tmp_path / f"gunicorn-{self.port}.log"
        environment = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret-key",
                       "CHECKLIST_INSTANCE_PATH": str(tmp_path), "PYTHONPATH": str(ROOT),
                       "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", **env}
        command = [sys.executable, "-m", "gunicorn", "-c", "python:web.gunicorn_conf",
                   "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers), "--threads", "2",
                   "--log-level", "info", "web:create_app()"]
        self.log = self.log_path.open("wb")
        self.process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=self.log,
                                        stderr=subprocess.STDOUT)
        self._wait(workers)

    def _wait(self, workers: int) -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError("gunicorn stopped:\n" + self.text())
            if len(self.worker_pids()) >= workers:
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                        return
                except OSError:
                    pass
            time.sleep(0.2)
        raise AssertionError("gunicorn did not start:\n" + self.text())

    def text(self) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")

    def worker_pids(self) -> list[int]:
        return [int(pid) for pid in re.findall(r"Booting worker with pid: (\d+)", self.text())]

    def request(self, method: str, path: str, body: dict[str, str] | None = None,
                cookie: str = "") -> tuple[int, str, str]:
        """One request on a new connection (so that any worker may take it)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Connection": "close", "Cookie": cookie}
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=data, headers=headers)
        reply = conn.getresponse()
        text = reply.read().decode(errors="replace")
        found = [v for k, v in reply.getheaders() if k.lower() == "set-cookie" and v.startswith("checklist_session=")]
        conn.close()
        return reply.status, text, found[0].split(";", 1)[0] if found else cookie

    def login_form(self) -> tuple[str, str]:
        _status, page, cookie = self.request("GET", "/login")
        match = _TOKEN.search(page)
        assert match, page[:300]
        return match.group(1), cookie

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


@pytest.fixture
def servers(app: Flask) -> Iterator[list[Server]]:
    started: list[Server] = []
    yield started
    for server in started:
        server.stop()


def redis_available() -> Any:
    import redis

    client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        if os.environ.get("REQUIRE_REDIS"):
            pytest.fail(f"Redis is required (REQUIRE_REDIS is set) but does not answer: {exc}")
        pytest.skip(f"no Redis server answers at 127.0.0.1:6379: {exc}")
    return client


def test_login_limits_hold_across_workers_with_redis(app: Flask, database_url: str, tmp_path: Path,
                                                    servers: list[Server]) -> None:
    client = redis_available()
    prefix = f"checklist-test-{uuid.uuid4().hex[:8]}"
    user = add_user("focal_point", "KEN")
    server = Server(database_url, tmp_path, workers=3, RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:6379/{REDIS_DB}",
                    RATELIMIT_KEY_PREFIX=prefix, LOGIN_RATE_LIMIT_ACCOUNT="4 per minute")
    servers.append(server)
    try:
        assert "workers keep login rate limits in their own memory" not in server.text()
        codes = []
        for attempt in range(40):
            token, cookie = server.login_form()
            status, _page, _cookie = server.request("POST", "/login", {
                "email": user.email, "password": f"guess {attempt}", "csrf_token": token}, cookie)
            codes.append(status)
            served = set(re.findall(r'"POST /login HTTP/1.1" (?:200|429) .* pid=<?(\d+)', server.text()))
            if attempt >= 8 and len(served) >= 2:
                break
        assert len(served) >= 2, "every request went to one worker: nothing was shown"
        assert codes.count(200) == 4 and set(codes[4:]) == {429}, codes
        token, cookie = server.login_form()  # another account is not affected
        other = add_user("focal_point", "KEN")
        status, _page, _cookie = server.request("POST", "/login", {
            "email": other.email, "password": PASSWORD, "csrf_token": token}, cookie)
        assert status == 302
    finally:
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
        client.close()


def test_several_workers_with_memory_storage_warn_at_start(app: Flask, database_url: str, tmp_path: Path,
                                                          servers: list[Server]) -> None:
    server = Server(database_url, tmp_path, workers=2, RATELIMIT_STORAGE_URI="memory://")
    servers.append(server)
    assert "2 workers keep login rate limits in their own memory" in server.text()


def test_questionnaires_load_in_the_master_never_in_a_users_request(app: Flask, database_url: str,
                                                                   tmp_path: Path, servers: list[Server]) -> None:
    user = add_user("focal_point", "KEN")
    response = start_response("KEN")
    server = Server(database_url, tmp_path, workers=2, RATELIMIT_STORAGE_URI="memory://", RATELIMIT_ENABLED="0")
    servers.append(server)
    master = server.process.pid
    loaded = re.findall(r"questionnaire (\S+) loaded in [\d.]+ s \(process (\d+)\)", server.text())
    assert {name.split("@")[0] for name, _pid in loaded} >= {"uncac_checklist", "technical_assistance"}
    assert {int(pid) for _name, pid in loaded} == {master}

    def browse() -> None:
        token, cookie = server.login_form()
        status, _page, cookie = server.request("POST", "/login", {"email": user.email, "password": PASSWORD,
                                                                  "csrf_token": token}, cookie)
        assert status == 302
        for _ in range(4):
            status, page, _cookie = server.request("GET", f"/responses/{response.id}/pages/p5_1", cookie=cookie)
            assert status == 200, page[:300]

    browse()
    victim = server.worker_pids()[0]
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while len(server.worker_pids()) < 3 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(server.worker_pids()) >= 3, "no worker was started again"
    browse()
    loaded = re.findall(r"questionnaire (\S+) loaded in [\d.]+ s \(process (\d+)\)", server.text())
    assert {int(pid) for _name, pid in loaded} == {master}, loaded


def test_the_master_prepares_what_each_worker_would_otherwise_do_on_its_first_requests(app: Flask, database_url: str,
                                                                                       tmp_path: Path) -> None:
    """The evaluation plan, the side navigation's entries in every language, the message catalogs
    and the compiled templates are made before gunicorn forks (each worker used to spend seconds of
    CPU on them, several threads at once, while its first users waited)."""
    from tests.conftest import db_dispose, make_app
    from web import catalog

    with app.app_context():
        versions = catalog.current_versions()
        q = catalog.questionnaire(next(v for v in versions if v.questionnaire_id == "uncac_checklist"))
    for key in [key for key in q.index.cache if key == "evaluation_plan" or key.startswith("navigation:")]:
        del q.index.cache[key]
    preloaded = make_app(database_url, tmp_path, PRELOAD_QUESTIONNAIRES=True)
    try:
        assert "evaluation_plan" in q.index.cache
        assert {f"navigation:{lang}" for lang in preloaded.config["LANGUAGES"]} <= set(q.index.cache)
        compiled = {name for _loader, name in preloaded.jinja_env.cache.keys()}  # type: ignore[union-attr]
        assert {"fill/page.html", "fill/_side_nav.html", "base.html"} <= compiled
    finally:
        db_dispose(preloaded)


def test_the_master_freezes_what_it_holds_before_each_fork() -> None:
    """gunicorn calls ``pre_fork`` in the master before it starts a worker: what the master holds is
    then out of the reach of the worker's garbage collections (``gc.freeze``)."""
    import gc

    from web import gunicorn_conf

    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        gunicorn_conf.pre_fork(None, None)
        assert gc.get_freeze_count() > 10_000  # the modules and objects of this process
    finally:
        gc.unfreeze()
