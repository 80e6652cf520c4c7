"""Web benchmark: page render, save (form post) and autosave (JSON) under 1, 10 and 50 clients.

Sets up its own SQLite database in a temporary folder (States, the shipped questionnaires, the demo
data, and a benchmark questionnaire with a page of 60 questions), starts gunicorn on loopback and
measures from concurrent clients (threads, one State and one session each, keep-alive connections):

* render a provision page of the checklist (``p5_2``, 15 questions) and the page of 60 questions;
* save: the form post of the 60-question page with one answer changed (every field posted back);
* autosave: one changed answer as JSON;
* in-process only: the side navigation of a checklist page alone (statuses of 284 pages, grouping,
  rendering; target < 30 ms) and the check page of a fully answered checklist (every answer, with
  "Change" links; target < 100 ms).

It prints p50/p95 per operation and concurrency level, then the server-side time of the same
operations measured in-process with the Flask test client (no network, no client). Targets on the
project's 2-core machine: the 60-question page < 50 ms server time, a save < 50 ms, on SQLite.
Every request loop is bounded in count and time and only talks to 127.0.0.1.

    python bench/web.py [--clients 1,10,50] [--requests 300] [--workers 2] [--threads 8]
"""

from __future__ import annotations

import argparse
import html
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PASSWORD = "benchmark password 2026"
SECRET = "bench-" + uuid.uuid4().hex
CHECKLIST_PAGE = "p5_2"
BIG_PAGE = "big"
LANGS = ("ar", "en", "es", "fr", "ru", "zh")
WORDS = {"ar": "سؤال", "en": "Question", "es": "Pregunta", "fr": "Question", "ru": "Вопрос", "zh": "问题"}


# -- the benchmark questionnaire: one page of 60 questions of every kind ------------------------------------
def _text(label: str) -> str:
    return "{" + ", ".join(f'{lang}: "{WORDS[lang]} {label}"' for lang in LANGS) + "}"


def big_questionnaire() -> str:
    out = ["id: bench_web", "version: '1'", f"title: {_text('bench')}", f"languages: [{', '.join(LANGS)}]",
           "default_language: en", "choice_lists:", "  yn3:"]
    out += [f"    - {{code: {code}, label: {_text(code)}}}" for code in ("yes", "partial", "no")]
    out += ["  cats:"] + [f"    - {{code: {code}, label: {_text(code)}}}" for code in "abcdef"]
    out += ["sections:", "  - id: main", f"    title: {_text('main')}", "    items:",
            f"      - id: {BIG_PAGE}", f"        title: {_text('page')}", "        items:"]
    kinds = ["single_choice", "text", "long_text", "yes_no", "number", "multiple_choice", "date", "table",
             "text", "long_text"]
    last_choice = None
    for index in range(60):
        kind = kinds[index % len(kinds)]
        qid = f"q{index:02d}"
        item = [f"          - id: {qid}", f"            type: {kind}", f"            label: {_text(qid)}",
                f"            hint: {_text('hint ' + qid)}"]
        if kind == "single_choice":
            item.append("            choices: yn3")
            item.append("            required: true")
            last_choice = qid
        elif kind == "multiple_choice":
            item.append("            choices: cats")
        elif kind == "number":
            item += ["            min: 0", "            max: 1000000"]
        elif kind == "table":
            item += ["            columns:",
                     f"              - {{id: title, type: text, required: true, label: {_text('title')}}}",
                     f"              - {{id: year, type: number, integer: true, label: {_text('year')}}}",
                     f"              - {{id: link, type: url, label: {_text('link')}}}"]
        if last_choice and qid != last_choice and index % 3 == 1:
            item.append(f"            show_if: ${{{last_choice}}} in ['yes', 'partial']")
        out += item
    return "\n".join(out) + "\n"


def big_answers() -> dict[str, Any]:
    """Answers to the 60 questions (every follow-up shown)."""
    answers: dict[str, Any] = {}
    for index in range(60):
        qid = f"q{index:02d}"
        kind = ["single_choice", "text", "long_text", "yes_no", "number", "multiple_choice", "date", "table",
                "text", "long_text"][index % 10]
        answers[qid] = {"single_choice": "partial", "text": f"Answer {index}", "long_text": f"A longer answer {index}\n"
                        "on two lines.", "yes_no": True, "number": index * 10, "multiple_choice": ["a", "c"],
                        "date": "2024-05-01", "table": [{"title": f"Law {index}", "year": 2003},
                                                        {"title": "Another law", "link": "https://example.org"}]}[kind]
    return answers


# -- setting up the database ----------------------------------------------------------------------------------
def full_checklist(version: Any, state: Any) -> dict[str, Any]:
    """A State of its own whose checklist has every provision answered (tests/exports/filled.py)."""
    from tests.exports.filled import raw_filled
    from web import answers, catalog
    from web.admin.users import set_account
    from web.extensions import db
    from web.models import Response, User

    user = set_account(User(), email="bench.full@bench.example", role="focal_point", state_code=state.code,
                       name="Bench full", password=PASSWORD)
    response = Response(state_id=state.id, version_id=version.id, status="draft")
    db.session.add(response)
    db.session.flush()
    q = catalog.questionnaire(version)
    raw, _languages = raw_filled(q)
    answers.save(response, q, [answers.Change(qid, value, 0) for qid, value in raw.items()], user,
                 source="import", language="en")
    return {"email": user.email, "checklist": response.id}


def make_app(database_url: str, instance: Path) -> Any:
    from web import create_app

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": SECRET, "RATELIMIT_ENABLED": False})
    app.instance_path = str(instance)
    return app


def setup(database_url: str, instance: Path, clients: int) -> list[dict[str, Any]]:
    """Database, demo data, the benchmark questionnaire, one State per client with both responses."""
    from sqlalchemy import select

    from web import answers, catalog
    from web.admin.users import set_account
    from web.demo import load_demo
    from web.extensions import db
    from web.migrate import upgrade
    from web.models import QuestionnaireVersion, Response, State, User

    app = make_app(database_url, instance)
    people = []
    with app.app_context():
        upgrade(db)
        for _line in load_demo():
            pass
        catalog.publish_text(big_questionnaire(), "bench_web.yaml")
        db.session.commit()
        versions = {v.questionnaire_id: v for v in db.session.scalars(select(QuestionnaireVersion))}
        big = catalog.questionnaire(versions["bench_web"])
        states = db.session.scalars(select(State).where(State.code != "KEN").order_by(State.code)).all()[:clients + 1]
        full = full_checklist(versions["uncac_checklist"], states.pop())
        for state in states:
            user = set_account(User(), email=f"bench.{state.code.lower()}@bench.example", role="focal_point",
                               state_code=state.code, name=f"Bench {state.code}", password=PASSWORD)
            ids = {}
            for name in ("uncac_checklist", "bench_web"):
                response = Response(state_id=state.id, version_id=versions[name].id, status="draft")
                db.session.add(response)
                db.session.flush()
                ids[name] = response.id
            db.session.flush()
            response = db.session.get(Response, ids["bench_web"])
            changes = [answers.Change(qid, value, 0) for qid, value in big_answers().items()]
            answers.save(response, big, changes, user, source="import", language="en")
            people.append({"email": user.email, "checklist": ids["uncac_checklist"], "big": ids["bench_web"]})
        people[0]["full"] = full
        db.session.commit()
    db.dispose(app)
    return people


# -- a browser-like client over one keep-alive connection ------------------------------------------------------
_FORM_TAG = re.compile(r"""<(/?)(form|input|select|option|textarea)\b((?:[^>"']|"[^"]*"|'[^']*')*)>""", re.I)
_ATTRIBUTE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")


class FormFields:
    """The fields a browser posts for the page form (#page-form), with their current values.

    A scan for the form's tags (quoted attribute values may hold ">"), not a full HTML parser: the
    page is 150 KB and html.parser took 50-70 ms of the load generator's CPU per page read, on the
    cores the server under test runs on. ``tests/bench`` keeps it equal to html.parser's reading."""

    def __init__(self) -> None:
        self.fields: list[tuple[str, str]] = []

    @staticmethod
    def _attributes(text: str) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for name, double, single, bare in _ATTRIBUTE.findall(text):
            value = double or single or bare
            out.setdefault(name.lower(), html.unescape(value))
        return out

    def feed(self, page: str) -> None:
        inside, select, position = False, None, 0
        while True:
            found = _FORM_TAG.search(page, position)
            if found is None:
                return
            position = found.end()
            closing, tag, a = found.group(1), found.group(2).lower(), self._attributes(found.group(3))
            if closing:
                if tag == "form":
                    inside = False
                elif tag == "select":
                    select = None
                continue
            if tag == "form" and a.get("id") == "page-form":
                inside = True
            if tag == "textarea":
                end = page.find("</textarea", position)
                text, position = page[position:end], end
                if inside and "disabled" not in a and a.get("name"):
                    self.fields.append((str(a["name"]), html.unescape(text).replace("\r\n", "\n").removeprefix("\n")))
                continue
            if not inside or "disabled" in a:
                continue
            name = a.get("name")
            if tag == "input" and name and a.get("type") not in ("submit", "button"):
                if a.get("type") in ("radio", "checkbox") and "checked" not in a:
                    continue
                self.fields.append((name, a.get("value") or ""))
            elif tag == "select" and name:
                select = name
            elif tag == "option" and select and "selected" in a:
                self.fields.append((select, a.get("value") or ""))


_TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


class Client:
    def __init__(self, port: int, person: dict[str, Any]):
        self.port = port
        self.person = person
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = ""
        self.token = ""
        self.form: list[tuple[str, str]] = []
        self.versions: dict[str, int] = {}
        self.counter = 0

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, bytes, float]:
        headers = {"Cookie": self.cookie, "Accept-Language": "en", **(headers or {})}
        for attempt in range(2):
            try:
                start = time.perf_counter()
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                elapsed = time.perf_counter() - start
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("checklist_session="):
                self.cookie = value.split(";", 1)[0]
        return response.status, data, elapsed

    def log_in(self) -> None:
        status, page, _t = self.request("GET", "/login")
        match = _TOKEN.search(page.decode())
        assert match, "no token on the login page"
        body = urlencode({"email": self.person["email"], "password": PASSWORD, "csrf_token": match.group(1)})
        status, _page, _t = self.request("POST", "/login", body.encode(),
                                         {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 302, f"login failed: {status}"

    def load_big_page(self) -> None:
        status, page, _t = self.request("GET", self.big_path)
        assert status == 200, status
        parser = FormFields()
        parser.feed(page.decode())
        self.form = parser.fields
        self.token = dict(self.form)["csrf_token"]
        self.versions = {name[3:]: int(value) for name, value in self.form if name.startswith("_v-")}

    @property
    def big_path(self) -> str:
        return f"/responses/{self.person['big']}/pages/{BIG_PAGE}"

    # -- the three operations ------------------------------------------------------------------------------
    def render_checklist(self) -> float:
        status, _page, elapsed = self.request("GET", f"/responses/{self.person['checklist']}/pages/{CHECKLIST_PAGE}")
        assert status == 200, status
        return elapsed

    def render_big(self) -> float:
        status, _page, elapsed = self.request("GET", self.big_path)
        assert status == 200, status
        return elapsed

    def save(self) -> float:
        self.counter += 1
        changed = "q01"  # a text answer, changed at every save
        fields = [(name, f"Saved {self.counter} by {self.person['email']}" if name == changed else value)
                  for name, value in self.form if name not in ("_k",) and not name.startswith("_v-")]
        fields += [(f"_v-{qid}", str(version)) for qid, version in self.versions.items()]
        fields += [("_k", uuid.uuid4().hex), ("_go", "stay")]
        status, page, elapsed = self.request("POST", self.big_path, urlencode(fields).encode(),
                                             {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 302, f"save answered {status}: {page[:300]!r}"
        self.versions[changed] += 1
        return elapsed

    def autosave(self) -> float:
        self.counter += 1
        qid = "q08"
        body = json.dumps({"page": BIG_PAGE, "changes": [
            {"q": qid, "value": f"Autosaved {self.counter}", "base": self.versions[qid], "key": uuid.uuid4().hex}]})
        status, data, elapsed = self.request("POST", f"/responses/{self.person['big']}/autosave", body.encode(),
                                             {"Content-Type": "application/json", "X-CSRFToken": self.token,
                                              "Accept": "application/json"})
        assert status == 200, f"autosave answered {status}: {data[:300]!r}"
        reply = json.loads(data)
        assert qid in reply["saved"], reply
        self.versions[qid] = reply["saved"][qid]
        return elapsed


# -- running -------------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_gunicorn(database_url: str, port: int, workers: int, threads: int, instance: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": SECRET,
           "RATELIMIT_ENABLED": "0", "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
               "--threads", str(threads), "--worker-class", "gthread", "--log-level", "warning",
               "--keep-alive", "30", "web:create_app()"]
    log = (instance / "gunicorn.log").open("wb")
    server = subprocess.Popen(command, cwd=str(ROOT), env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit("gunicorn did not start:\n" + (instance / "gunicorn.log").read_text()) from None
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


def run_level(clients: list[Client], operation: Callable[[Client], float], total: int,
              budget: float) -> list[float]:
    """``total`` requests shared by the clients, all at once; stops early when ``budget`` seconds pass."""
    per_client = max(1, total // len(clients))
    deadline = time.monotonic() + budget
    times: list[float] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(clients))

    def work(client: Client) -> None:
        barrier.wait()
        mine = []
        try:
            for _ in range(per_client):
                if time.monotonic() > deadline:
                    break
                mine.append(operation(client))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        with lock:
            times.extend(mine)

    threads = [threading.Thread(target=work, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return times


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def in_process(database_url: str, instance: Path, person: dict[str, Any], repeat: int,
               ) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Server time without network or client: the Flask test client against the same database."""
    app = make_app(database_url, instance)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = _TOKEN.search(page).group(1)  # type: ignore[union-attr]
    login = {"email": person["email"], "password": PASSWORD, "csrf_token": token}
    assert client.post("/login", data=login).status_code == 302
    big = f"/responses/{person['big']}/pages/{BIG_PAGE}"
    checklist = f"/responses/{person['checklist']}/pages/{CHECKLIST_PAGE}"
    names = ("render checklist page", "render 60-question page", "save 60-question page", "autosave one answer",
             "side navigation alone", "check page, all answered")
    results: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}

    def timed(key: str, expect: int, method: str, path: str, **kwargs: Any) -> Any:
        start, start_cpu = time.perf_counter(), time.thread_time()
        response = client.open(path, method=method, **kwargs)
        results[key].append(time.perf_counter() - start)
        cpu[key].append(time.thread_time() - start_cpu)
        assert response.status_code == expect, (key, response.status_code)
        return response

    from werkzeug.datastructures import MultiDict

    full = app.test_client()
    token = _TOKEN.search(full.get("/login").get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    assert full.post("/login", data={"email": person["full"]["email"], "password": PASSWORD,
                                     "csrf_token": token}).status_code == 302
    check = f"/responses/{person['full']['checklist']}/check"
    for _ in range(3):  # warm up: questionnaire loading, template compilation
        client.get(big)
        client.get(checklist)
        assert "change-link" in full.get(check).get_data(as_text=True)
    for index in range(repeat):
        timed("render checklist page", 200, "GET", checklist)
        page = timed("render 60-question page", 200, "GET", big).get_data(as_text=True)
        parser = FormFields()
        parser.feed(page)
        fields = [(name, f"In-process {index}" if name == "q01" else value) for name, value in parser.fields]
        fields.append(("_go", "stay"))
        timed("save 60-question page", 302, "POST", big, data=MultiDict(fields))
        versions = {name[3:]: int(value) for name, value in parser.fields if name.startswith("_v-")}
        change = {"q": "q08", "value": f"In-process autosave {index}", "base": versions["q08"],
                  "key": uuid.uuid4().hex}
        timed("autosave one answer", 200, "POST", f"/responses/{person['big']}/autosave",
              json={"page": BIG_PAGE, "changes": [change]}, headers={"X-CSRFToken": dict(parser.fields)["csrf_token"]})
        start, start_cpu = time.perf_counter(), time.thread_time()
        response = full.get(check)
        results["check page, all answered"].append(time.perf_counter() - start)
        cpu["check page, all answered"].append(time.thread_time() - start_cpu)
        assert response.status_code == 200
        wall, used = side_navigation(app, person["full"], CHECKLIST_PAGE)
        results["side navigation alone"].append(wall)
        cpu["side navigation alone"].append(used)
    return results, cpu


def side_navigation(app: Any, person: dict[str, Any], page_id: str) -> tuple[float, float]:
    """The side navigation of one page, alone: every page's status, grouping and its HTML (the
    evaluation, which the page needs anyway, is done before the clock starts)."""
    from flask import render_template
    from flask_login import login_user
    from sqlalchemy import select

    from web.extensions import db
    from web.fill import Context, navigation
    from web.models import User

    with app.test_request_context(f"/responses/{person['checklist']}/pages/{page_id}"):
        login_user(db.session.scalars(select(User).where(User.email == person["email"])).one())
        ctx = Context(person["checklist"])
        ctx.evaluation  # noqa: B018 (computed before the clock starts)
        current = ctx.page(page_id)
        start, start_cpu = time.perf_counter(), time.thread_time()
        nav = navigation.build(ctx.q, ctx.tracker, ctx.response, current, navigation.Filters(), ctx.scoped)
        html = render_template("fill/_side_nav.html", nav=nav, ctx=ctx, page=current,
                               filter_labels=navigation.FILTERS)
        wall, used = time.perf_counter() - start, time.thread_time() - start_cpu
        assert html.count("side-nav-page") > 200
        return wall, used


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", default="1,10,50")
    parser.add_argument("--requests", type=int, default=300, help="requests per operation and level (at most)")
    parser.add_argument("--budget", type=float, default=60, help="seconds per operation and level (at most)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=30, help="in-process repetitions (0: skip)")
    parser.add_argument("--only", default="", help="operations whose name contains this text")
    args = parser.parse_args()
    levels = [int(x) for x in args.clients.split(",") if x.strip()]

    with tempfile.TemporaryDirectory(prefix="bench-web-") as folder:
        instance = Path(folder)
        database_url = f"sqlite:///{instance / 'bench.sqlite3'}"
        started = time.perf_counter()
        people = setup(database_url, instance, max(levels, default=1))
        print(f"set-up: {len(people)} States with a response each, in {time.perf_counter() - started:.1f} s")

        if args.repeat:
            results, cpu = in_process(database_url, instance, people[0], args.repeat)
            print(f"\nServer time in-process (Flask test client, SQLite), {args.repeat} runs; CPU time is the"
                  " request's own (the machine's other load does not count), load average "
                  f"{os.getloadavg()[0]:.2f}:")
            print(f"  {'operation':28} {'wall p50':>9} {'wall p95':>9} {'CPU p50':>9} {'CPU p95':>9}")
            for key, values in results.items():
                print(f"  {key:28} {statistics.median(values) * 1000:6.1f} ms {percentile(values, 95) * 1000:6.1f} ms"
                      f" {statistics.median(cpu[key]) * 1000:6.1f} ms {percentile(cpu[key], 95) * 1000:6.1f} ms")
        if not levels:
            return

        port = free_port()
        server = start_gunicorn(database_url, port, args.workers, args.threads, instance)
        try:
            print(f"\ngunicorn on 127.0.0.1:{port}: {args.workers} workers x {args.threads} threads (gthread), SQLite;"
                  f" clients are threads of this process; load average {os.getloadavg()[0]:.2f}")
            clients = [Client(port, person) for person in people]
            for client in clients:
                client.log_in()
                client.load_big_page()
            for client in clients[: min(len(clients), 4 * args.workers)]:  # each worker loads the questionnaires
                client.render_checklist()
                client.render_big()
            operations: list[tuple[str, Callable[[Client], float]]] = [
                ("render checklist page", Client.render_checklist), ("render 60-question page", Client.render_big),
                ("save 60-question page", Client.save), ("autosave one answer", Client.autosave)]
            print(f"{'operation':28} {'clients':>7} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>7}")
            for name, operation in operations:
                if args.only not in name:
                    continue
                for level in levels:
                    started = time.perf_counter()
                    times = run_level(clients[:level], operation, max(args.requests, level), args.budget)
                    wall = time.perf_counter() - started
                    print(f"{name:28} {level:7d} {len(times):8d} {percentile(times, 50) * 1000:8.1f} "
                          f"{percentile(times, 95) * 1000:8.1f} {len(times) / wall:7.1f}", flush=True)
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    main()
