"""The Procfile, run as a process manager runs it: gunicorn and an RQ worker, on the test session's
database and the real Redis. A profile and a country review report are downloaded through them, and
the web processes are checked to have never loaded WeasyPrint (its Pango library is not in their
memory maps)."""

from __future__ import annotations

import http.cookiejar
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests import jobs as real
from tests.conftest import PASSWORD, ROOT, add_user
from tests.web.test_profiles import respond

pytestmark = pytest.mark.pdf


def procfile() -> dict[str, str]:
    entries = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _sep, command = line.partition(":")
            entries[name.strip()] = command.strip()
    return entries


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def processes(app: Flask, database_url: str, tmp_path: Path) -> Iterator[dict[str, Any]]:
    namespace = real.new_namespace()
    port = free_port()
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "PORT": str(port), "WEB_CONCURRENCY": "2", "CHECKLIST_DATABASE_URL": database_url,
           "CHECKLIST_REDIS_URL": real.REDIS_URL, "CHECKLIST_JOBS_QUEUE": namespace,
           "CHECKLIST_PROFILE_RERENDER": "", "CHECKLIST_INSTANCE_PATH": str(tmp_path),
           "CHECKLIST_SECRET_KEY": "test-secret-key", "CHECKLIST_RATELIMIT_STORAGE_URI": "memory://"}
    started = {}
    for name, command in procfile().items():
        log = open(tmp_path / f"{name}.log", "wb")  # noqa: SIM115 - closed below
        started[name] = (subprocess.Popen(["/bin/sh", "-c", f"exec {command}"], env=env, cwd=ROOT, stdout=log,
                                          stderr=subprocess.STDOUT, start_new_session=True), log)
    try:
        yield {"url": f"http://127.0.0.1:{port}", "pids": {n: p.pid for n, (p, _log) in started.items()},
               "logs": tmp_path, "namespace": namespace}
    finally:
        for process, log in started.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)
            log.close()
        real.forget_namespace(namespace)


def descendants(pid: int) -> list[int]:
    found = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            found += descendants(int(child))
    return found


def test_the_procfile_serves_a_profile_rendered_by_its_worker(app: Flask, processes: dict[str, Any],
                                                              tmp_path: Path) -> None:
    from tests.web.test_cycles import cli, open_cycle, review_id

    respond("KEN")
    user = add_user("focal_point", "KEN")
    open_cycle(app)  # and the country review report of Kenya, which its focal point reads
    cli(app, "reviews", "assign", "--state", "KEN", "--reviewers", "FRA,MEX", "--cycle", "2026-II")
    review = review_id()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    base = processes["url"]
    deadline = time.monotonic() + 120
    while True:  # gunicorn starting (its workers build the app: a few seconds on a busy machine)
        try:
            with opener.open(f"{base}/healthz", timeout=30) as response:
                assert response.status == 200
                break
        except OSError:  # refused, reset or timed out while starting
            assert time.monotonic() < deadline, (processes["logs"] / "web.log").read_text()[-3000:]
            time.sleep(0.2)
    with opener.open(f"{base}/login", timeout=10) as response:
        token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', response.read().decode())
    assert token
    form = urllib.parse.urlencode({"email": user.email, "password": PASSWORD, "csrf_token": token.group(1)})
    opener.open(f"{base}/login", data=form.encode(), timeout=10).close()
    ready_deadline = time.monotonic() + 120
    while True:  # the worker registering
        try:
            opener.open(f"{base}/readyz", timeout=10).close()
            break
        except urllib.error.HTTPError as exc:
            assert exc.code == 503 and time.monotonic() < ready_deadline, (processes["logs"] / "worker.log").read_text()
            time.sleep(0.2)
    for url in (f"{base}/states/KEN/profile.pdf?lang=ar&kind=summary", f"{base}/reviews/{review}/report.pdf?lang=ar"):
        statuses = []
        while len(statuses) < 600:
            with opener.open(url, timeout=30) as response:
                statuses.append(response.status)
                if response.status == 200:
                    body = response.read()
                    break
            time.sleep(0.2)
        assert statuses[0] == 202 and statuses[-1] == 200 and body.startswith(b"%PDF"), url
    web = descendants(processes["pids"]["web"])
    assert len(web) >= 3  # gunicorn and its two workers
    for pid in web:
        maps = Path(f"/proc/{pid}/maps").read_text()
        assert "libpango" not in maps and "weasyprint" not in maps, f"process {pid} of gunicorn loaded WeasyPrint"
    assert shlex.split(procfile()["worker"]) == ["checklist", "worker"]
