"""Office copies and evidence files: figures.

* Word copy of chapter III (every provision answered, a law per provision): export, and import of the
  returned file up to the review screen (reading, checking, comparing); Excel alongside, interleaved.
  Target: each < 3 s.
* Upload of a 20 MB PDF to a real server (gunicorn, one sync worker) from a streaming client: the
  worker's peak memory (VmHWM) above its peak after a small warm-up upload. Target: < 50 MB.

Sets up its own SQLite database and file folder in a temporary folder; talks only to 127.0.0.1.

    python bench/office.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import http.client
import io
import os
import re
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.web import PASSWORD, SECRET, free_port, start_gunicorn  # noqa: E402

LAWS = "p5_1.measures"


def setup(database_url: str, instance: Path) -> dict[str, Any]:
    """States, the checklist, Kenya's focal point and a draft with chapter III answered."""
    from sqlalchemy import select

    from web import answers, catalog, create_app
    from web.admin.users import set_account
    from web.extensions import db
    from web.migrate import upgrade
    from web.models import QuestionnaireVersion, Response, State, User
    from web.reference import load_states

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": SECRET, "RATELIMIT_ENABLED": False,
                      "FILES_DIR": str(instance / "files"), "REDIS_URL": ""})
    app.instance_path = str(instance)
    with app.app_context():
        upgrade(db)
        load_states(db.session)
        catalog.publish_file(ROOT / "questionnaires" / "uncac_checklist.yaml")
        db.session.commit()
        version = db.session.scalars(select(QuestionnaireVersion)).first()
        q = catalog.questionnaire(version)
        state = db.session.scalars(select(State).where(State.code == "KEN")).one()
        user = set_account(User(), email="focal.ken@bench.example", role="focal_point", state_code="KEN",
                           name="Bench", password=PASSWORD)
        response = Response(state_id=state.id, version_id=version.id, status="draft")
        db.session.add(response)
        db.session.flush()
        changes = [answers.Change(LAWS.replace(".measures", ".compliance"), "yes", 0)]
        for question in q.questions:
            if question.role != "compliance":
                continue
            article = q.framework.article_of(q.provisions_of(question.id)[0])
            if article is None or article.chapter != "III":
                continue
            block = question.id.rsplit(".", 1)[0]
            changes += [answers.Change(question.id, "partial", 0),
                        answers.Change(f"{block}.measures", [{"instrument": f"Penal Code, {block}", "year": 2003}], 0),
                        answers.Change(f"{block}.measures_summary", "قانون العقوبات 中华人民共和国刑法", 0)]
        answers.save(response, q, changes, user, source="import", language="en")
        db.session.commit()
        ids = {"response": response.id, "email": user.email, "answers": len(changes)}
    db.dispose(app)
    return {"app": app, **ids}


def _token(page: str) -> str:
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
    assert match, "no CSRF token"
    return match[1]


def office_figures(app: Any, response_id: int, email: str, repeat: int) -> None:
    client = app.test_client()
    client.post("/login", data={"email": email, "password": PASSWORD,
                                "csrf_token": _token(client.get("/login").get_data(as_text=True))})
    token = _token(client.get(f"/responses/{response_id}/transfer").get_data(as_text=True))
    times: dict[str, list[float]] = {}
    sizes: dict[str, int] = {}
    for _ in range(repeat):
        for fmt in ("docx", "xlsx"):  # interleaved
            start = time.perf_counter()
            reply = client.get(f"/responses/{response_id}/transfer/export",
                               query_string={"format": fmt, "chapter": "III", "lang": "en"})
            times.setdefault(f"export {fmt}", []).append(time.perf_counter() - start)
            assert reply.status_code == 200, reply.status_code
            data = reply.data
            sizes[fmt] = len(data)
            start = time.perf_counter()
            review = client.post(f"/responses/{response_id}/transfer/import", data={
                "csrf_token": token, "file": (io.BytesIO(data), f"copy.{fmt}")}, content_type="multipart/form-data")
            times.setdefault(f"import {fmt}", []).append(time.perf_counter() - start)
            assert review.status_code == 200 and "Review the imported answers" in review.get_data(as_text=True)
    print("Chapter III copies (in-process, SQLite; the import is the upload up to the review screen)")
    for name, values in times.items():
        fmt = name.split()[1]
        print(f"  {name:12s} median {statistics.median(values):6.2f} s  max {max(values):6.2f} s"
              f"  ({sizes[fmt] / 1024:.0f} KB)  target < 3 s")


def _status(pid: int) -> dict[str, int]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _sep, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            out[key] = int(value.split()[0]) // 1024
    return out


def _worker(master: int) -> int:
    for child in Path(f"/proc/{master}/task/{master}/children").read_text().split():
        return int(child)
    raise SystemExit("no gunicorn worker")


class Http:
    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: Any = None,
                headers: dict[str, str] | None = None) -> tuple[int, str]:
        headers = {**(headers or {}), "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        self.connection.request(method, path, body=body, headers=headers)
        reply = self.connection.getresponse()
        text = reply.read().decode("utf-8", "replace")
        for value in reply.headers.get_all("Set-Cookie") or []:
            name, _sep, rest = value.partition("=")
            self.cookies[name] = rest.split(";")[0]
        return reply.status, text


def upload_file(http: Http, response_id: int, token: str, path: Path, folder: Path) -> tuple[int, float]:
    """Stream a multipart body from disk (header, the file, the trailer) with http.client."""
    boundary = "bench" + uuid.uuid4().hex
    fields = {"csrf_token": token, "question": LAWS, "row": "0", "column": "text_file", "_v": "1"}
    head = "".join(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                   for k, v in fields.items())
    head += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{path.name}\"\r\n"
             "Content-Type: application/pdf\r\n\r\n")
    body = folder / f"body-{uuid.uuid4().hex}"
    with body.open("wb") as out, path.open("rb") as source:
        out.write(head.encode())
        while chunk := source.read(1 << 20):
            out.write(chunk)
        out.write(f"\r\n--{boundary}--\r\n".encode())
    start = time.perf_counter()
    with body.open("rb") as stream:
        status, _text = http.request("POST", f"/responses/{response_id}/files", body=stream, headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}", "Content-Length": str(body.stat().st_size)})
    body.unlink()
    return status, time.perf_counter() - start


def pdf(path: Path, size: int) -> Path:
    with path.open("wb") as out:
        out.write(b"%PDF-1.4\n%bench\n")
        block = os.urandom(1 << 20)
        while out.tell() < size:
            out.write(block[: min(len(block), size - out.tell())])
        out.write(b"\n%%EOF\n")
    return path


def memory_figures(database_url: str, instance: Path, response_id: int, email: str) -> None:
    port = free_port()
    os.environ["FILES_DIR"] = str(instance / "files")
    server = start_gunicorn(database_url, port, workers=1, threads=1, instance=instance)
    try:
        http = Http(port)
        _status_code, page = http.request("GET", "/login")
        from urllib.parse import urlencode

        http.request("POST", "/login", body=urlencode({"email": email, "password": PASSWORD,
                                                       "csrf_token": _token(page)}),
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        _status_code, page = http.request("GET", f"/responses/{response_id}/transfer")
        token = _token(page)
        worker = _worker(server.pid)
        small = pdf(instance / "small.pdf", 200_000)
        status, _took = upload_file(http, response_id, token, small, instance)
        assert status == 302, status
        idle = _status(worker)
        big = pdf(instance / "law.pdf", 20 * 1024 * 1024 - 4096)
        status, took = upload_file(http, response_id, token, big, instance)
        after = _status(worker)
        print("\n20 MB PDF upload to gunicorn (1 sync worker), streamed by the client")
        print(f"  status {status}, {took:.2f} s; worker peak memory {idle['VmHWM']} MB after a small upload, "
              f"{after['VmHWM']} MB after the 20 MB one: +{after['VmHWM'] - idle['VmHWM']} MB (target < 50 MB)")
    finally:
        server.terminate()
        server.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-office-") as folder:
        instance = Path(folder)
        database_url = f"sqlite:///{instance / 'bench.sqlite3'}"
        made = setup(database_url, instance)
        print(f"Kenya's draft: {made['answers']} answers in chapter III\n")
        office_figures(made["app"], made["response"], made["email"], args.repeat)
        memory_figures(database_url, instance, made["response"], made["email"])


if __name__ == "__main__":
    main()
