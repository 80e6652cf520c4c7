"""Several app servers on one PostgreSQL (or SQLite) database and one Redis, driven alternately, as a
proxy spreads one person's requests: what must be shared has left the process. Two gunicorn servers
(one worker each) are started for real; a focal point logs in on one and saves on the other, a
colleague's stale save on the first is a conflict, the figures and the stored evaluation are the
same from both, the login limit counts the attempts made on both, and a logout on one ends the
session on the other."""

from __future__ import annotations

import http.client
import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests import jobs as real
from tests.conftest import PASSWORD, add_user, start_response
from tests.web.test_production import REDIS_DB, Server, redis_available

PAGE = "p5_1"


@pytest.fixture
def pair(app: Flask, database_url: str, tmp_path: Path) -> Iterator[tuple[Server, Server, str]]:
    client = redis_available()
    prefix = f"checklist-test-{uuid.uuid4().hex[:8]}"
    namespace = real.new_namespace()
    settings = {"RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:6379/{REDIS_DB}", "RATELIMIT_KEY_PREFIX": prefix,
                "LOGIN_RATE_LIMIT_ACCOUNT": "4 per minute", "REDIS_URL": real.REDIS_URL, "JOBS_QUEUE": namespace,
                "PROFILE_RERENDER": ""}
    servers: list[Server] = []
    try:
        for name in ("a", "b"):
            folder = tmp_path / name
            folder.mkdir()
            servers.append(Server(database_url, folder, workers=1, **settings))
        yield servers[0], servers[1], prefix
    finally:
        for server in servers:
            server.stop()
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
        client.close()
        real.forget_namespace(namespace)


def log_in(server: Server, email: str, password: str = PASSWORD) -> tuple[int, str]:
    token, cookie = server.login_form()
    status, _page, cookie = server.request("POST", "/login", {"email": email, "password": password,
                                                             "csrf_token": token}, cookie)
    return status, cookie


def page(server: Server, response_id: int, cookie: str) -> tuple[int, str, str]:
    """The page, and the session cookie as the server sent it back (with the form's CSRF secret)."""
    return server.request("GET", f"/responses/{response_id}/pages/{PAGE}", cookie=cookie)


def autosave(server: Server, response_id: int, cookie: str, token: str, qid: str, value: Any,
             base: int) -> tuple[int, dict[str, Any]]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    body = json.dumps({"page": PAGE, "changes": [{"q": qid, "value": value, "base": base, "key": uuid.uuid4().hex}]})
    conn.request("POST", f"/responses/{response_id}/autosave", body=body, headers={
        "Cookie": cookie, "Content-Type": "application/json", "X-CSRFToken": token, "Connection": "close"})
    reply = conn.getresponse()
    data = json.loads(reply.read().decode())
    conn.close()
    return reply.status, data


def token_of(text: str) -> str:
    found = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', text)
    assert found, text[:300]
    return found.group(1)


def test_two_app_servers_share_sessions_answers_conflicts_and_limits(pair: tuple[Server, Server, str]) -> None:
    a, b, _prefix = pair
    response = start_response("KEN")
    focal, colleague = add_user("focal_point", "KEN"), add_user("contributor", "KEN")
    qid = f"{PAGE}.compliance"

    status, mine = log_in(a, focal.email)  # log in on A ...
    assert status == 302
    status, text, mine = page(b, response.id, mine)  # ... the session is known on B
    assert status == 200 and "p5_1.compliance" in text
    status, saved = autosave(b, response.id, mine, token_of(text), qid, "partial", 0)  # save on B
    assert status == 200 and saved["saved"] == {qid: 1}, saved
    assert saved["visible"][f"{PAGE}.challenges"] is True  # B's stored evaluation followed the answer

    status, theirs = log_in(b, colleague.email)
    _status, text, theirs = page(a, response.id, theirs)
    chosen = re.findall(r'<input[^>]*name="p5_1\.compliance"[^>]*>', text)
    assert [tag for tag in chosen if "checked" in tag and 'value="partial"' in tag], chosen  # A reads B's save
    status, refused = autosave(a, response.id, theirs, token_of(text), qid, "no", 0)  # stale: based on no answer
    assert status == 200 and not refused["saved"] and refused["conflicts"][0]["theirs"] == "partial", refused

    _status, text, mine = page(a, response.id, mine)
    status, again = autosave(a, response.id, mine, token_of(text), qid, "yes", 1)  # A continues from B's version
    assert status == 200 and again["saved"] == {qid: 2}
    assert again["visible"][f"{PAGE}.challenges"] is False and again["visible"][f"{PAGE}.measures"] is True

    limited = add_user("focal_point", "KEN")  # the login limit (4 a minute) counts attempts on both servers
    codes = [log_in(server, limited.email, f"guess {n}")[0] for n, server in enumerate((a, b) * 4)]
    assert codes[:4] == [200] * 4 and set(codes[4:]) == {429}, codes

    _status, text, mine = page(b, response.id, mine)
    status, _text, _cookie = b.request("POST", "/logout", {"csrf_token": token_of(text)}, mine)  # log out on B ...
    assert status == 302
    status, _text, _cookie = page(a, response.id, mine)  # ... the session has ended on A too
    assert status == 302
