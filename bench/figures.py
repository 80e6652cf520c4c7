"""Figures across States and the reviewer's dashboard for 193 States, first load included.

Sets up its own database (SQLite in a temporary folder, or ``--database`` for PostgreSQL): the 193
UN Member States, the checklist, and for every State an accepted and published response whose
snapshot answers every provision (compliance, technical assistance needed, its kinds and priority,
drawn at random). The figures are then counted as the job queue does after an acceptance or
publication (``web.analysis.aggregates.refresh``, timed). Then, in a new app with every in-process
cache empty (the questionnaire preloaded, as gunicorn does), each page is requested once (the first
load) and ``--repeat`` times more, as the secretariat and as a reader; it prints the server time of
each, and of the figures alone (``aggregates.for_page``: the stored row and the States' names).
Target (issue 16): figures under 50 ms for 193 States, first load included; the dashboard likewise.

    python bench/figures.py [--states 193] [--repeat 10] [--database URL]
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
_spec = importlib.util.spec_from_file_location("bench_timing", ROOT / "bench" / "timing.py")
assert _spec and _spec.loader
timing = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(timing)

PASSWORD = "benchmark password 2026"
PAGES = ("/analysis/assistance?by=article", "/analysis/assistance?by=category", "/analysis/assistance?by=region",
         "/analysis/compliance",  # as it opens: the first chapter, with the States behind each count
         "/analysis/compliance?chapter=III",  # the chapter with the most provisions
         "/analysis/compliance?chapter=all",  # every chapter: the counts only
         "/analysis/compliance.csv?chapter=all", "/", "/?status=all&page=2")


def snapshot_answers(q: Any, rng: random.Random) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for question in q.questions:
        codes = [choice.code for choice in question.choices.choices] if question.choices else []
        if question.role == "compliance" and codes:
            value: Any = rng.choice(codes)
        elif question.role == "assistance_needed":
            value = rng.random() < 0.4
        elif question.role == "assistance_kinds" and codes:
            value = sorted(rng.sample(codes, min(2, len(codes))))
        elif question.role == "assistance_priority" and codes:
            value = rng.choice(codes)
        else:
            continue
        out[question.id] = {"value": value, "version": 1, "language": None}
    return out


def setup(app: Any, states: int) -> float:
    from sqlalchemy import select

    from web import catalog
    from web.admin.users import set_account
    from web.analysis import aggregates
    from web.extensions import db
    from web.migrate import upgrade
    from web.models import Response, Snapshot, State, User
    from web.reference import load_states

    rng = random.Random(16)
    with app.app_context():
        upgrade(db)
        load_states(db.session)
        version = catalog.publish_file(ROOT / "questionnaires" / "uncac_checklist.yaml").version
        q = catalog.questionnaire(version)
        for role in ("secretariat_reviewer", "reader"):
            set_account(User(), email=f"{role}@bench.example", role=role, name=role, password=PASSWORD,
                        state_code=None)
        for state in db.session.scalars(select(State).order_by(State.code)).all()[:states]:
            response = Response(state_id=state.id, version_id=version.id, status="accepted", published=True,
                                consent="profile")  # published: the State consented to its profile
            db.session.add(response)
            db.session.flush()
            answers = snapshot_answers(q, rng)
            canonical = json.dumps(answers, sort_keys=True, separators=(",", ":"))
            db.session.add(Snapshot(response_id=response.id, number=1, revision=1, version_id=version.id,
                                    content_hash=version.content_hash, answers=answers, summary={},
                                    answers_hash=hashlib.sha256(canonical.encode()).hexdigest()))
        db.session.commit()
        started = time.perf_counter()
        aggregates.refresh(version.questionnaire_id)  # what a worker runs after an acceptance or publication
        return time.perf_counter() - started


def measure(app: Any, role: str, repeat: int) -> dict[str, list[float]]:
    from flask_login import current_user

    from web import catalog
    from web.analysis import aggregates
    from web.data import sources

    sources.facts_cache.items.clear()
    client = timing.logged_in(app, f"{role}@bench.example", PASSWORD)
    timings = timing.Timings()

    def one(index: int) -> None:
        for path in PAGES:
            reply = timings.time(path, lambda: client.get(path))  # noqa: B023 (called at once)
            assert reply.status_code == 200, (path, reply.status_code)
        with app.test_request_context("/analysis/compliance"):
            from flask_login import login_user
            from sqlalchemy import select

            from web.extensions import db
            from web.models import User

            login_user(db.session.scalars(select(User).where(User.email == f"{role}@bench.example")).one())
            version = catalog.current_versions()[0]
            timings.time("figures alone (aggregates.for_page)",
                         lambda: aggregates.for_page(version, current_user, "fr"))

    timings.rounds(repeat + 1, one)  # the first round is the first load: kept, shown apart
    return timings.times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--states", type=int, default=193)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--database", default="", help="a database URL (default: SQLite in a temporary folder)")
    args = parser.parse_args()
    from web import create_app

    with tempfile.TemporaryDirectory() as folder:
        url = args.database or f"sqlite:///{folder}/figures.db"
        settings = {"DATABASE_URL": url, "SECRET_KEY": uuid.uuid4().hex, "RATELIMIT_ENABLED": False, "REDIS_URL": ""}
        counting = setup(create_app(settings), args.states)
        print(f"{args.states} States on {url.split(':')[0]}; counting the figures (the job): {counting * 1e3:.0f} ms")
        print(f"{'page':42} {'role':22} {'first ms':>9} {'median ms':>10}")
        for role in ("secretariat_reviewer", "reader"):
            from web import catalog

            catalog._cache.clear()
            app = create_app({**settings, "PRELOAD_QUESTIONNAIRES": True})  # a new process: caches empty
            times = measure(app, role, args.repeat)
            for path, values in times.items():
                verdict = "ok" if values[0] < 0.05 else "over 50 ms"
                print(f"{path:42} {role:22} {values[0] * 1e3:9.1f} {statistics.median(values[1:]) * 1e3:10.1f}"
                      f"   {verdict}")


if __name__ == "__main__":
    main()
