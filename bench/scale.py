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
the two sizes within 1.5x of each other.

    python bench/scale.py [--questions 8000] [--repeat 40] [--database URL]
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import statistics
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


def _bench(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", HERE / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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


def measure(app: Any, cases: dict[str, Any], repeat: int) -> dict[tuple[str, str], list[float]]:
    import re

    client = app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").get_data(as_text=True))
    assert token
    assert client.post("/login", data={"email": "scale@bench.example", "password": PASSWORD,
                                       "csrf_token": token.group(1)}).status_code == 302
    times: dict[tuple[str, str], list[float]] = {}
    versions: dict[str, int] = {}
    csrf = ""

    def page(name: str, case: dict[str, Any]) -> None:
        nonlocal csrf
        path = f"/responses/{case['response']}/pages/{case['page']}"
        started = time.perf_counter()
        reply = client.get(path)
        times.setdefault((name, "render page"), []).append(time.perf_counter() - started)
        assert reply.status_code == 200, reply.status_code
        body = reply.get_data(as_text=True)
        found = re.search(rf'name="_v-{re.escape(case["question"])}"[^>]*value="(\d+)"', body)
        versions[name] = int(found.group(1)) if found else 0
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body).group(1)  # type: ignore[union-attr]

    def autosave(name: str, case: dict[str, Any], index: int) -> None:
        code = case["codes"][index % len(case["codes"])]
        change = {"q": case["question"], "value": code, "base": versions[name], "key": uuid.uuid4().hex}
        started = time.perf_counter()
        reply = client.post(f"/responses/{case['response']}/autosave", json={"page": case["page"], "changes": [change]},
                            headers={"X-CSRFToken": csrf})
        times.setdefault((name, "autosave"), []).append(time.perf_counter() - started)
        assert reply.status_code == 200, reply.get_data(as_text=True)[:300]
        versions[name] = reply.get_json()["saved"].get(case["question"], versions[name])

    for index in range(repeat + 3):
        for name, case in cases.items():
            page(name, case)
            autosave(name, case, index)
        if index == 2:  # warm-up: loading the questionnaires, compiling templates
            times.clear()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--questions", type=int, default=8000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--database", default="", help="a database URL (default: SQLite in a temporary folder)")
    args = parser.parse_args()
    from web import create_app

    with tempfile.TemporaryDirectory() as folder:
        url = args.database or f"sqlite:///{folder}/scale.db"
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": uuid.uuid4().hex, "RATELIMIT_ENABLED": False,
                          "REDIS_URL": ""})
        app.instance_path = folder
        started = time.perf_counter()
        cases = setup(app, args.questions)
        print(f"set up in {time.perf_counter() - started:.1f} s on {url.split(':')[0]}")
        times = measure(app, cases, args.repeat)
    names = list(cases)
    print(f"{'operation':14} {'questionnaire':>22} {'median ms':>10} {'p95 ms':>8}")
    for operation in ("render page", "autosave"):
        medians = {}
        for name in names:
            values = sorted(times[name, operation])
            medians[name] = statistics.median(values)
            p95 = values[min(len(values) - 1, round(0.95 * len(values)) - 1)]
            label = f"{name} ({cases[name]['questions']} q)"
            print(f"{operation:14} {label:>22} {medians[name] * 1e3:10.1f} {p95 * 1e3:8.1f}")
        ratio = medians[names[1]] / medians[names[0]]
        verdict = "ok" if ratio <= 1.5 else "OVER TARGET"
        print(f"{operation:14} {'ratio':>22} {ratio:10.2f}   target <= 1.5   {verdict}")


if __name__ == "__main__":
    main()
