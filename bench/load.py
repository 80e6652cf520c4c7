"""Load benchmark: N simulated focal points of different States against gunicorn + PostgreSQL.

Each simulated focal point logs in as the focal point of its own State and, for ``--duration``
seconds per level, does at random (weights 2:2:1): render a provision page of the checklist,
autosave one answer (JSON), or save a whole page (the form post a browser sends, every field
posted back, one answer changed). Every write the server acknowledged (autosave: "saved" with a
version; page save: the redirect) is logged by the client. After the run the database is read
directly (SQL, independent of the app's code): every acknowledged write must be stored exactly,
as a revision with that version and value, and the last one as the live answer. It prints p50/p95
per operation, throughput, errors and lost writes, per number of clients; and the time of a
failed login with and without an account.

The app under test can be another checkout (``--app-dir``, with its own ``--python``), and
``--compare DIR`` runs a second checkout in the same session, interleaved (each level on one app,
then on the other, which goes first at the next level), for before/after comparisons;
``--env KEY=VALUE`` passes settings (for example ``RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/12``).
Each app uses a new PostgreSQL database, dropped at the end, and first serves ``--warm-up`` seconds
of 10 clients, not counted (a new database and new workers would make the first level pay for their
caches). Requests go to 127.0.0.1 only; every loop is bounded in time.

    python bench/load.py [--clients 1,10,25,50] [--duration 20] [--workers N] [--threads N]
                         [--app-dir DIR --python DIR/.venv/bin/python] [--compare DIR] [--env KEY=VALUE ...]

Each app runs with its own production settings (its ``web/gunicorn_conf.py``: workers and threads
as that checkout ships them) unless ``--workers``/``--threads`` set them for both; the report says
how many worker processes and threads each one ran.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PAGES = ("p5_1", "p5_4", "p6_1", "p8_1")  # mandatory provisions: "compliance" shows their follow-ups
OPERATIONS = (("render page", 2), ("autosave", 2), ("page save", 1))
SECRET = "bench-" + uuid.uuid4().hex
#: Workers and threads of a checkout older than web/gunicorn_conf.py (the first production settings).
FIRST_SETTINGS = (4, 4)


def _bench_web() -> Any:
    """The HTTP client of bench/web.py (one keep-alive connection, cookies, the page form parser)."""
    spec = importlib.util.spec_from_file_location("bench_web", HERE / "web.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- set-up, run inside the checkout under test ---------------------------------------------------------------
def setup(database_url: str, states: int, out: str) -> None:
    """Schema, States, questionnaires, one focal point and one response per State, about 70 % of the
    checklist answered as a State well on its way would have it (``bench/scale.py``), with compliance
    answered on the benchmark's pages so that their follow-up questions show. Writes the people to
    ``out``."""
    spec = importlib.util.spec_from_file_location("bench_scale", HERE / "scale.py")
    assert spec and spec.loader
    scale = importlib.util.module_from_spec(spec)
    path = list(sys.path)
    spec.loader.exec_module(scale)
    sys.path[:] = path  # bench/scale.py puts this checkout first: the app under test is imported from its own
    from sqlalchemy import insert, select

    from web import answers, catalog, create_app
    from web.admin.users import set_account
    from web.extensions import db
    from web.migrate import upgrade
    from web.models import Answer, Response, State, User
    from web.reference import load_states

    password = _bench_web().PASSWORD
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": SECRET, "TESTING": True})
    people = []
    with app.app_context():
        upgrade(db)
        load_states(db.session)
        for path in sorted((Path.cwd() / "questionnaires").glob("*.yaml")):
            catalog.publish_file(path)
        db.session.commit()
        version = next(v for v in catalog.current_versions() if v.questionnaire_id == "uncac_checklist")
        q = catalog.questionnaire(version)
        for state in db.session.scalars(select(State).order_by(State.code)).all()[:states]:
            user = set_account(User(), email=f"load.{state.code.lower()}@bench.example", role="focal_point",
                               state_code=state.code, name=f"Load {state.code}", password=password)
            response = Response(state_id=state.id, version_id=version.id, status="draft")
            db.session.add(response)
            db.session.flush()
            given = {qid: value for qid, value in scale.filled(q, len(people)).items()
                     if not qid.startswith(tuple(f"{page}." for page in PAGES))}
            db.session.flush()  # written directly (quicker), then one save through the app, as a user would
            db.session.execute(insert(Answer), [
                {"response_id": response.id, "question_id": qid, "value": value, "version": 1, "updated_by_id": user.id}
                for qid, value in given.items()])
            answers.save(response, q, [answers.Change(f"{page}.compliance", "yes", 0) for page in PAGES], user,
                         source="import", language="en")
            people.append({"email": user.email, "response": response.id})
        db.session.commit()
    db.dispose(app)
    Path(out).write_text(json.dumps(people))


# -- the simulated focal point --------------------------------------------------------------------------------
class FocalPoint:
    def __init__(self, web: Any, port: int, person: dict[str, Any]):
        self.http = web.Client(port, person)
        self.web = web
        self.rid = person["response"]
        self.versions: dict[str, int] = {}
        self.acknowledged: list[tuple[int, str, int, Any]] = []  # (response, question, version, value)
        self.times: dict[str, list[float]] = {name: [] for name, _weight in OPERATIONS}
        self.errors: dict[str, int] = {name: 0 for name, _weight in OPERATIONS}
        self.counter = 0
        self.forms: dict[str, list[tuple[str, str]]] = {}
        self.last_error = ""
        self.tag = uuid.uuid4().hex[:6]  # values never repeat, across levels too

    def path(self, page: str) -> str:
        return f"/responses/{self.rid}/pages/{page}"

    def render(self, page: str) -> float:
        status, body, elapsed = self.http.request("GET", self.path(page))
        if status != 200:
            raise RuntimeError(f"render answered {status}")
        parser = self.web.FormFields()
        parser.feed(body.decode())
        self.forms[page] = parser.fields
        self.http.token = dict(parser.fields)["csrf_token"]
        for name, value in parser.fields:
            if name.startswith("_v-"):
                self.versions[name[3:]] = int(value)
        return float(elapsed)

    def autosave(self, page: str) -> float:
        if page not in self.forms:
            self.render(page)
        self.counter += 1
        qid, value = f"{page}.measures_summary", f"Autosave {self.counter}/{self.tag} of {self.http.person['email']}"
        body = json.dumps({"page": page, "changes": [
            {"q": qid, "value": value, "base": self.versions.get(qid, 0), "key": uuid.uuid4().hex}]})
        status, data, elapsed = self.http.request("POST", f"/responses/{self.rid}/autosave", body.encode(), {
            "Content-Type": "application/json", "X-CSRFToken": self.http.token, "Accept": "application/json"})
        if status != 200:
            raise RuntimeError(f"autosave answered {status}")
        saved = json.loads(data)["saved"]
        if qid not in saved:
            reply = json.loads(data)
            outcome = {k: reply.get(k) for k in ("unchanged", "conflicts", "kept", "refused", "ignored")}
            raise RuntimeError(f"autosave not saved: {outcome}")
        self.versions[qid] = saved[qid]
        self.acknowledged.append((self.rid, qid, saved[qid], value))
        self._shown(page, qid, value)
        return float(elapsed)

    def _shown(self, page: str, qid: str, value: str) -> None:
        """The page as a browser shows it after a save: the field holds the saved value."""
        self.forms[page] = [(name, value if name == qid else text) for name, text in self.forms[page]]

    def save_page(self, page: str) -> float:
        if page not in self.forms:
            self.render(page)
        self.counter += 1
        qid, value = f"{page}.examples", f"Page save {self.counter}/{self.tag} of {self.http.person['email']}"
        fields = [(name, value if name == qid else text) for name, text in self.forms[page]
                  if name != "_k" and not name.startswith("_v-")]
        fields += [(f"_v-{q}", str(v)) for q, v in self.versions.items() if q.startswith(page + ".")]
        fields += [("_k", uuid.uuid4().hex), ("_go", "stay")]
        status, data, elapsed = self.http.request("POST", self.path(page), urlencode(fields).encode(),
                                                  {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 302 or b"/login" in data:  # saved: redirected to the page, not to the login page
            raise RuntimeError(f"page save answered {status}: {data[:200]!r}")
        version = self.versions.get(qid, 0) + 1
        self.versions[qid] = version
        self._shown(page, qid, value)
        self.acknowledged.append((self.rid, qid, version, value))
        return float(elapsed)

    def run(self, until: float, rng: random.Random, barrier: threading.Barrier) -> None:
        barrier.wait()
        names = [name for name, _w in OPERATIONS]
        weights = [w for _n, w in OPERATIONS]
        actions = {"render page": self.render, "autosave": self.autosave, "page save": self.save_page}
        while time.monotonic() < until:
            name = rng.choices(names, weights)[0]
            try:
                self.times[name].append(actions[name](rng.choice(PAGES)))
            except Exception as exc:  # noqa: BLE001 - counted and shown; the page is read again
                self.errors[name] += 1
                self.last_error = f"{name}: {exc}"
                self.forms.clear()


# -- checking what the database holds ---------------------------------------------------------------------------
def lost_writes(database_url: str, acknowledged: list[tuple[int, str, int, Any]]) -> tuple[int, int]:
    """(acknowledged writes missing from the history, answers whose live value is not the last one)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as conn:
        revisions = {(r, q, v): value for r, q, v, value in conn.execute(text(
            "SELECT response_id, question_id, version, new_value FROM answer_revisions WHERE source != 'conflict'"))}
        live = {(r, q): (v, value) for r, q, v, value in conn.execute(text(
            "SELECT response_id, question_id, version, value FROM answers"))}
    engine.dispose()
    missing = sum(1 for r, q, v, value in acknowledged if revisions.get((r, q, v)) != value)
    last: dict[tuple[int, str], tuple[int, Any]] = {}
    for r, q, v, value in acknowledged:
        if v >= last.get((r, q), (0, None))[0]:
            last[(r, q)] = (v, value)
    wrong = sum(1 for key, expected in last.items() if live.get(key) != expected)
    return missing, wrong


# -- where the CPU went ------------------------------------------------------------------------------------------
TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _process_cpu(pid: int) -> float:
    """User + system CPU seconds of one process (Linux /proc), 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return out


def gunicorn_shape(args: argparse.Namespace, app_dir: str, python: str, env: dict[str, str]) -> str:
    """"2 sync workers x 1 thread": what the app's gunicorn runs (its ``web/gunicorn_conf.py`` under
    ``env``, with what the command line sets; gunicorn runs threaded workers for more than 1 thread)."""
    workers, threads, kind = args.workers, args.threads, "gthread"
    if (Path(app_dir) / "web" / "gunicorn_conf.py").exists():
        code = "import web.gunicorn_conf as c; print(c.workers, c.threads, c.worker_class)"
        read = subprocess.run([python, "-c", code], cwd=app_dir, env=env, capture_output=True, text=True,
                              check=True).stdout.split()
        workers, threads, kind = workers or int(read[0]), threads or int(read[1]), read[2]
    workers, threads = workers or FIRST_SETTINGS[0], threads or FIRST_SETTINGS[1]
    if threads > 1:
        kind = "gthread"
    kind = dict(item.split("=", 1) for item in env.get("GUNICORN_CMD_ARGS", "").split() if "=" in item).get(
        "--worker-class", kind)
    return f"{workers} {kind} workers x {threads} thread{'s' if threads > 1 else ''}"


def cpu_snapshot(server_pid: int) -> tuple[float, float, float]:
    """(the app's CPU: gunicorn master and workers; this client's CPU; the whole machine's busy CPU), in
    seconds since they started. The rest of the machine is mostly PostgreSQL on a quiet machine."""
    app = sum(_process_cpu(pid) for pid in [server_pid, *_children(server_pid)])
    client = sum(os.times()[:2])
    busy = 0.0
    if Path("/proc/stat").exists():
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        busy = (sum(values) - values[3] - (values[4] if len(values) > 4 else 0)) / TICK  # all but idle, iowait
    return app, client, busy


# -- running ----------------------------------------------------------------------------------------------------
def start_gunicorn(args: argparse.Namespace, web: Any, database_url: str, folder: Path, app: str,
                   python: str) -> tuple[Any, int]:
    port = web.free_port()
    app_dir = Path(app).resolve()
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": SECRET, "PYTHONPATH": str(app_dir),
           "CHECKLIST_INSTANCE_PATH": str(folder), "RATELIMIT_ENABLED": "0", "LOGIN_RATE_LIMIT": "100000/minute",
           "ACCESS_LOG": "/dev/null"}
    env.update(dict(item.split("=", 1) for item in args.env))
    if (app_dir / "web" / "gunicorn_conf.py").exists():
        config = ["-c", "python:web.gunicorn_conf"]
    else:  # an older checkout: the first production settings on the command line
        config = ["--worker-class", "gthread", "--preload", "--workers", str(FIRST_SETTINGS[0]),
                  "--threads", str(FIRST_SETTINGS[1])]
    chosen = [*(["--workers", str(args.workers)] if args.workers else []),
              *(["--threads", str(args.threads)] if args.threads else [])]
    command = [python, "-m", "gunicorn", *config, "--bind", f"127.0.0.1:{port}", *chosen,
               "--log-level", "warning", "--keep-alive", "30", "web:create_app()"]
    print(f"gunicorn for {Path(app_dir).name}: {gunicorn_shape(args, str(app_dir), python, env)}")
    log = (folder / "gunicorn.log").open("wb")
    server = subprocess.Popen(command, cwd=str(app_dir), env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            web.socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server, port
        except OSError:
            if server.poll() is not None:
                raise SystemExit("gunicorn did not start:\n" + (folder / "gunicorn.log").read_text()) from None
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 120 s")


def login_times(web: Any, port: int, email: str, repeat: int) -> dict[str, float]:
    """Median time of a failed login, for an existing account and for an address without one."""
    out = {}
    for label, address in (("existing account", email), ("no such account", f"nobody-{uuid.uuid4().hex[:6]}@x.org")):
        client = web.Client(port, {"email": address})
        times = []
        for _ in range(repeat):
            _status, page, _t = client.request("GET", "/login")
            token = web._TOKEN.search(page.decode()).group(1)
            body = urlencode({"email": address, "password": "not the password at all", "csrf_token": token})
            status, _page, elapsed = client.request("POST", "/login", body.encode(),
                                                    {"Content-Type": "application/x-www-form-urlencoded"})
            assert status == 200, status
            times.append(elapsed)
        out[label] = statistics.median(times)
    return out


def run_level(web: Any, port: int, pid: int, people: list[dict[str, Any]], duration: float,
              seed: int) -> tuple[list[FocalPoint], float, tuple[float, float, float]]:
    clients = [FocalPoint(web, port, person) for person in people]
    for client in clients:
        client.http.log_in()
    barrier = threading.Barrier(len(clients) + 1)
    until = time.monotonic() + duration + 1
    threads = [threading.Thread(target=c.run, args=(until, random.Random(seed + i), barrier), daemon=True)
               for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.monotonic()
    cpu = cpu_snapshot(pid)  # after the log-ins: their password hashing is not the load measured
    for thread in threads:
        thread.join(duration + 120)
    return clients, time.monotonic() - started, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", default="1,10,25,50")
    parser.add_argument("--duration", type=float, default=20, help="seconds per level")
    parser.add_argument("--warm-up", type=float, default=5, help="seconds of 10 clients on each app first, not counted")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: each app's own setting)")
    parser.add_argument("--threads", type=int, default=0, help="threads per worker (default: each app's own)")
    parser.add_argument("--database", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
                        help="PostgreSQL server (a new database is created on it and dropped after)")
    parser.add_argument("--app-dir", default=str(ROOT), help="the checkout to run (default: this one)")
    parser.add_argument("--python", default=sys.executable, help="its Python (with gunicorn installed)")
    parser.add_argument("--compare", default="", metavar="DIR",
                        help="another checkout, run in the same session: each level on one app, then the other")
    parser.add_argument("--compare-python", default=sys.executable, help="the other checkout's Python")
    parser.add_argument("--env", action="append", default=[], metavar="KEY=VALUE", help="a setting for the app")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--setup", nargs=3, metavar=("URL", "STATES", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup:  # in the checkout under test: its ``web`` package, not bench/web.py beside this file
        sys.path[:] = [str(Path.cwd())] + [p for p in sys.path if Path(p or ".").resolve() != HERE]
        setup(args.setup[0], int(args.setup[1]), args.setup[2])
        return
    levels = [int(x) for x in args.clients.split(",") if x.strip()]
    web = _bench_web()
    from sqlalchemy import create_engine, text

    apps = [(args.app_dir, args.python)] + ([(args.compare, args.compare_python)] if args.compare else [])
    admin = create_engine(args.database, isolation_level="AUTOCOMMIT")
    names = [f"bench_load_{uuid.uuid4().hex[:8]}" for _app in apps]
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    servers = []
    try:
        with tempfile.TemporaryDirectory(prefix="bench-load-") as folder:
            runs = []
            for index, ((app_dir, python), name) in enumerate(zip(apps, names, strict=True)):
                database_url = admin.url.set(database=name).render_as_string(hide_password=False)
                place = Path(folder) / str(index)
                place.mkdir()
                out = place / "people.json"
                started = time.perf_counter()
                subprocess.run([python, str(Path(__file__).resolve()), "--setup", database_url, str(max(levels)),
                                str(out)], cwd=app_dir, check=True,
                               env={**os.environ, "PYTHONPATH": str(Path(app_dir).resolve())})
                people = json.loads(out.read_text())
                print(f"set-up: {len(people)} States, in {time.perf_counter() - started:.1f} s; app: {app_dir}")
                server, port = start_gunicorn(args, web, database_url, place, app_dir, python)
                servers.append(server)
                runs.append(Run(app_dir, port, people, database_url))
                runs[-1].pid = server.pid
            report(args, web, runs, levels)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class Run:
    """One app under test: its server, its simulated focal points and its database."""

    def __init__(self, app_dir: str, port: int, people: list[dict[str, Any]], database_url: str):
        self.label = Path(app_dir).resolve().name
        self.port, self.people, self.database_url = port, people, database_url
        self.throughput: list[float] = []  # requests/s at each level, in the order of the ladder
        self.pid = 0


def report(args: argparse.Namespace, web: Any, runs: list[Run], levels: list[int]) -> None:
    print(f"PostgreSQL; {args.duration:.0f} s per level and app; settings: {' '.join(args.env) or '-'}")
    for run in runs:
        timing = login_times(web, run.port, run.people[0]["email"], 15)
        print(f"{run.label}: failed login, median: " + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in timing.items()))
    print(f"{'app':14} {'clients':>7} {'operation':12} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'errors':>6}   "
          f"{'req/s':>6} {'acked writes':>12} {'lost':>5}")
    if args.warm_up > 0:  # a new database and new workers: the first level would pay for their caches
        for run in runs:
            run_level(web, run.port, run.pid, run.people[:10], args.warm_up, args.seed - 1)
    for index, level in enumerate(levels):
        order = runs if index % 2 == 0 else runs[::-1]  # interleaved: each app goes first in turn
        for run in order:
            clients, wall, before = run_level(web, run.port, run.pid, run.people[:level], args.duration,
                                              args.seed + 1000 * index)
            after = cpu_snapshot(run.pid)
            acknowledged = [write for client in clients for write in client.acknowledged]
            missing, wrong = lost_writes(run.database_url, acknowledged)
            total = sum(len(c.times[name]) for c in clients for name, _w in OPERATIONS)
            run.throughput.append(total / wall)
            for row, (name, _weight) in enumerate(OPERATIONS):
                times = [t for c in clients for t in c.times[name]]
                errors = sum(c.errors[name] for c in clients)
                p50 = web.percentile(times, 50) * 1000 if times else float("nan")
                p95 = web.percentile(times, 95) * 1000 if times else float("nan")
                tail = (f"   {total / wall:6.1f} {len(acknowledged):12d} {missing + wrong:5d}" if row == 0 else "")
                print(f"{run.label if row == 0 else '':14} {level if row == 0 else '':>7} {name:12} {len(times):6d} "
                      f"{p50:8.1f} {p95:8.1f} {errors:6d}{tail}", flush=True)
            app_cpu, client_cpu, busy = (b - a for a, b in zip(before, after, strict=True))
            per = 1000 / max(total, 1)
            print(f"{'':14} {'':>7} CPU per request: app {app_cpu * per:.1f} ms, load generator {client_cpu * per:.1f} "
                  f"ms, rest of the machine (PostgreSQL...) {(busy - app_cpu - client_cpu) * per:.1f} ms")
            for error in sorted({c.last_error for c in clients if c.last_error})[:5]:
                print(f"        error: {error[:150]}")
    if len(runs) == 2:
        first, second = runs
        print(" ".join(f"{level} clients: {first.label} / {second.label} throughput {mine / theirs:.2f}x;"
                       for level, mine, theirs in zip(levels, first.throughput, second.throughput, strict=True)))


if __name__ == "__main__":
    main()
