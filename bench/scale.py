"""Server time of a page render and an autosave as the questionnaire grows.

Sets up its own database (SQLite in a temporary folder, or ``--database`` for PostgreSQL), publishes
the UNCAC checklist 2026.1 (3,221 questions) and a generated questionnaire of ``--questions``
(8,000 by default, ``bench/engine.py``'s generator), one focal point and one response to each with
about 70 % of the questions answered, then measures in-process with the Flask test client, one
request of each kind and size in turn (interleaved, so the machine's load falls on all alike):

* render one page (a provision of the checklist, a group of ten questions of the generated one);
* autosave one answer on that page (JSON, a compliance answer that shows and hides follow-ups).

It prints the median and p95 server time per operation and size, and the ratio of the large size
to the checklist. Target (issue 16): page render and autosave do not grow with the questionnaire,
the two sizes within 1.5x of each other. ``--compare OTHER`` measures this checkout and another one
(the previous main, say) in one run: each in a process of its own, on its own database, driven in
alternate rounds, so the machine's load falls on both alike.

    python bench/scale.py [--questions 8000] [--repeat 40] [--database URL] [--compare OTHER]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import re
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "benchmark password 2026"
CHECKLIST = ROOT / "questionnaires" / "archive" / "uncac_checklist-2026.1.yaml"
OPERATIONS = ("render page", "autosave")
WARM_UP = 3  # rounds left out: loading the questionnaires, compiling templates


def _bench(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", HERE / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


timing = _bench("timing")


def filled(q: Any, seed: int) -> dict[str, Any]:
    """About 70 % of the questions answered with a value of their type (JSON)."""
    import engine

    rng = random.Random(seed)
    out: dict[str, Any] = {}
    for question in q.questions:
        if rng.random() < 0.3 or question.type == "note":
            continue
        kind = question.type
        codes = [choice.code for choice in question.choices.choices] if question.choices else []
        if kind == "single_choice" and codes:
            out[question.id] = codes[0]
        elif kind == "multiple_choice" and codes:
            out[question.id] = [codes[0]]
        elif kind in ("text", "long_text"):
            out[question.id] = "Lorem ipsum dolor sit amet " * 2
        elif kind == "yes_no":
            out[question.id] = rng.random() < 0.5
        elif kind == "number":
            out[question.id] = rng.randrange(0, 100)
        elif kind == "url":
            out[question.id] = "https://example.org/law"
    parsed = {}
    for qid, value in out.items():  # keep only what parses (columns, patterns of the real checklist)
        question = q.question(qid)
        try:
            engine.TYPES[question.type].from_json(question, value)
        except engine.InvalidAnswer:
            continue
        parsed[qid] = value
    return parsed


def setup(app: Any, questions: int) -> dict[str, Any]:
    from sqlalchemy import select

    from web import answers, catalog
    from web.admin.users import set_account
    from web.extensions import db
    from web.migrate import upgrade
    from web.models import Response, State, User
    from web.reference import load_states

    cases: dict[str, Any] = {}
    with app.app_context():
        upgrade(db)
        load_states(db.session)
        generated = _bench("engine").generate(questions)
        published = {"checklist": catalog.publish_file(CHECKLIST).version,
                     f"{questions}": catalog.publish_text(generated, "bench_scale.yaml").version}
        db.session.commit()
        state = db.session.scalars(select(State).where(State.code == "FRA")).one()
        user = set_account(User(), email="scale@bench.example", role="focal_point", state_code="FRA",
                           name="Scale", password=PASSWORD)
        for index, (name, version) in enumerate(published.items()):
            q = catalog.questionnaire(version)
            response = Response(state_id=state.id, version_id=version.id, status="draft")
            db.session.add(response)
            db.session.flush()
            changes = [answers.Change(qid, value, 0) for qid, value in filled(q, index).items()]
            answers.save(response, q, changes, user, source="import", language="en", visible_only=False)
            compliance = next(question for question in q.questions if question.role == "compliance"
                              or question.id.endswith("_c"))
            from web.fill.pages import pages

            page = pages(q).of_question[compliance.id]
            cases[name] = {"response": response.id, "page": page.id, "question": compliance.id,
                           "codes": [c.code for c in compliance.choices.choices] if compliance.choices else [],
                           "questions": len(q.questions)}
        db.session.commit()
    return cases


class Run:
    """One client driving both questionnaires of one app: a round renders the page and autosaves on
    it, for each questionnaire in turn."""

    def __init__(self, app: Any, cases: dict[str, Any]):
        self.client = timing.logged_in(app, "scale@bench.example", PASSWORD)
        self.cases = cases
        self.timings = timing.Timings()
        self.versions: dict[str, int] = {}
        self.csrf = ""

    def one(self, index: int) -> None:
        for name, case in self.cases.items():
            self.page(name, case)
            self.autosave(name, case, index)

    def page(self, name: str, case: dict[str, Any]) -> None:
        reply = self.timings.time((name, "render page"),
                                  lambda: self.client.get(f"/responses/{case['response']}/pages/{case['page']}"))
        assert reply.status_code == 200, reply.status_code
        body = reply.get_data(as_text=True)
        found = re.search(rf'name="_v-{re.escape(case["question"])}"[^>]*value="(\d+)"', body)
        self.versions[name] = int(found.group(1)) if found else 0
        self.csrf = timing.csrf_of(body)

    def autosave(self, name: str, case: dict[str, Any], index: int) -> None:
        code = case["codes"][index % len(case["codes"])]
        change = {"q": case["question"], "value": code, "base": self.versions[name], "key": uuid.uuid4().hex}
        reply = self.timings.time((name, "autosave"), lambda: self.client.post(
            f"/responses/{case['response']}/autosave", json={"page": case["page"], "changes": [change]},
            headers={"X-CSRFToken": self.csrf}))
        assert reply.status_code == 200, reply.get_data(as_text=True)[:300]
        self.versions[name] = reply.get_json()["saved"].get(case["question"], self.versions[name])


def started(args: argparse.Namespace, folder: str) -> tuple[Any, dict[str, Any]]:
    """The app on its own database, set up (``--code``: another checkout's code)."""
    if args.code:
        sys.path.insert(0, str(Path(args.code).resolve()))
    import web
    from web import create_app

    if args.code:  # the code measured is that checkout's, not this one's
        assert Path(web.__file__).resolve().is_relative_to(Path(args.code).resolve()), web.__file__
    url = args.database or f"sqlite:///{folder}/scale.db"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": uuid.uuid4().hex, "RATELIMIT_ENABLED": False,
                      "REDIS_URL": ""})
    app.instance_path = folder
    begun = time.perf_counter()
    cases = setup(app, args.questions)
    print(f"set up in {time.perf_counter() - begun:.1f} s on {url.split(':')[0]}", file=sys.stderr)
    return app, cases


def worker(args: argparse.Namespace) -> None:
    """Set up, then run one round for each line read, printing its times as one JSON line."""
    with tempfile.TemporaryDirectory() as folder:
        app, cases = started(args, folder)
        run = Run(app, cases)
        print(json.dumps({"ready": {name: case["questions"] for name, case in cases.items()}}), flush=True)
        for line in sys.stdin:
            run.timings.times.clear()
            run.one(int(line))
            print(json.dumps([[*key, values[0]] for key, values in run.timings.times.items()]), flush=True)


def compare(args: argparse.Namespace) -> None:
    """This checkout and ``--compare``'s (before), each in a process of its own on its own
    database, driven in alternate rounds (the order swapped every round)."""
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", "--questions", str(args.questions)]
    runs = {"before": subprocess.Popen(command + ["--code", args.compare], stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, text=True),
            "after": subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)}
    sizes = {}
    for process in runs.values():
        assert process.stdout is not None
        sizes = json.loads(process.stdout.readline())["ready"]
    timings = timing.Timings()
    order = list(runs)
    for index in range(WARM_UP + args.repeat):
        for label in order if index % 2 == 0 else order[::-1]:
            process = runs[label]
            assert process.stdin is not None and process.stdout is not None
            process.stdin.write(f"{index}\n")
            process.stdin.flush()
            for name, operation, seconds in json.loads(process.stdout.readline()):
                if index >= WARM_UP:
                    timings.times.setdefault((label, name, operation), []).append(seconds)
    for process in runs.values():
        assert process.stdin is not None
        process.stdin.close()
        process.wait()
    names = list(sizes)
    print(f"{'operation':12} {'questionnaire':>20} {'before median':>14} {'after median':>13} {'after p95':>10}")
    for operation in OPERATIONS:
        for name in names:
            label = f"{name} ({sizes[name]} q)"
            print(f"{operation:12} {label:>20} {timings.median(('before', name, operation)) * 1e3:11.1f} ms"
                  f" {timings.median(('after', name, operation)) * 1e3:10.1f} ms"
                  f" {timings.p95(('after', name, operation)) * 1e3:7.1f} ms")
        ratios = [timings.median((label, names[1], operation)) / timings.median((label, names[0], operation))
                  for label in runs]
        print(f"{operation:12} {'ratio':>20} {ratios[0]:14.2f} {ratios[1]:13.2f}   target <= 1.5")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--questions", type=int, default=8000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--database", default="", help="a database URL (default: SQLite in a temporary folder)")
    parser.add_argument("--compare", default="", help="another checkout (the previous main, say): measure both, "
                        "interleaved (SQLite only)")
    parser.add_argument("--code", default="", help=argparse.SUPPRESS)  # a worker measuring another checkout
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    if args.compare:
        compare(args)
        return
    with tempfile.TemporaryDirectory() as folder:
        app, cases = started(args, folder)
        run = Run(app, cases)
        run.timings.rounds(args.repeat, run.one, warm_up=WARM_UP)  # warm-up: loading, compiling templates
    names = list(cases)
    timings = run.timings
    print(f"{'operation':14} {'questionnaire':>22} {'median ms':>10} {'p95 ms':>8}")
    for operation in OPERATIONS:
        for name in names:
            label = f"{name} ({cases[name]['questions']} q)"
            print(f"{operation:14} {label:>22} {timings.median((name, operation)) * 1e3:10.1f}"
                  f" {timings.p95((name, operation)) * 1e3:8.1f}")
        ratio = timings.median((names[1], operation)) / timings.median((names[0], operation))
        verdict = "ok" if ratio <= 1.5 else "OVER TARGET"
        print(f"{operation:14} {'ratio':>22} {ratio:10.2f}   target <= 1.5   {verdict}")


if __name__ == "__main__":
    main()
