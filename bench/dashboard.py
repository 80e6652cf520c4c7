"""Benchmark of the secretariat's work queue: the dashboard with a response from each of the 193 States.

Sets up its own SQLite database in a temporary folder (the demo data, and a response of every other
State to the checklist, a quarter of them submitted; an open reporting round past its due date, with
a later date for a few States, so that the deadline column and the overdue list are drawn), logs a
reviewer in with the Flask test client in a new app with its questionnaires and templates loaded
ahead (as gunicorn's master does), and prints for each page: the server time of its first load, the
median and p95 of the next ones, the CPU time of the process (median: robust to a busy machine, but
SQLite's work is in it too), the SQL statements and the size of the page. Pages: the dashboard as it
opens, every State (the first and second page of 50), sorted by progress (its last page), one
regional group, and in Arabic. Target (issue 16): < 50 ms with 193 States, first load included (the
page was 3.3 s when each response row also loaded its questionnaire's YAML, 125 ms when it drew
every State's row).

    python bench/dashboard.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PASSWORD = "benchmark password 2026"
PAGES = {"opens (started States)": "/", "every State": "/?status=all", "every State, page 2": "/?status=all&page=2",
         "by progress, last page": "/?status=all&sort=progress&dir=desc&page=4",
         "African States, submitted": "/?group=african&status=submitted", "opens, in Arabic": "/?lang=ar"}


def setup(database_url: str, instance: Path) -> Any:
    from sqlalchemy import select

    from web import create_app
    from web.admin.users import set_account
    from web.demo import load_demo
    from web.extensions import db
    from web.migrate import upgrade
    from web.models import QuestionnaireVersion, ReportingRound, Response, State, StateDeadline, User

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "bench-" + uuid.uuid4().hex,
                      "RATELIMIT_ENABLED": False})
    app.instance_path = str(instance)
    with app.app_context():
        upgrade(db)
        for _line in load_demo():  # States, questionnaires, demo accounts and Kenya's answers
            pass
        version = db.session.scalars(select(QuestionnaireVersion).where(
            QuestionnaireVersion.questionnaire_id == "uncac_checklist", QuestionnaireVersion.status == "published")
            .order_by(QuestionnaireVersion.id.desc())).first()
        started = set(db.session.scalars(select(Response.state_id)))
        for index, state in enumerate(db.session.scalars(select(State).order_by(State.code))):
            if state.id in started:
                continue
            status = ("draft", "submitted", "returned", "accepted")[index % 4]
            db.session.add(Response(state_id=state.id, version_id=version.id, status=status, percent=index % 100,
                                    submitted_at=datetime.now(UTC) - timedelta(days=index % 30)))
        set_account(User(), email="reviewer@bench.example", role="secretariat_reviewer", state_code=None,
                    name="Reviewer", password=PASSWORD)
        today = datetime.now(UTC).date()
        found = ReportingRound(questionnaire_id="uncac_checklist", name="2027 reporting",
                               opens_on=today - timedelta(days=60),
                               due_on=today - timedelta(days=5))
        db.session.add(found)
        for state in db.session.scalars(select(State).order_by(State.code).limit(12)):  # a later date of their own
            found.extensions.append(StateDeadline(state_id=state.id, state=state, due_on=today + timedelta(days=10),
                                                  note="asked", set_at=datetime.now(UTC)))
        db.session.commit()
    return create_app({"DATABASE_URL": database_url, "SECRET_KEY": app.config["SECRET_KEY"],
                       "RATELIMIT_ENABLED": False, "PRELOAD_QUESTIONNAIRES": True})  # as a gunicorn worker starts


@dataclass
class Figures:
    wall: list[float] = field(default_factory=list)  # seconds, the first load first
    cpu: list[float] = field(default_factory=list)
    statements: int = 0  # of the first load
    size: int = 0


def measure(app: Any, repeat: int) -> dict[str, Figures]:
    from sqlalchemy import event

    from web.extensions import db

    client = app.test_client()
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"',
                      client.get("/login").get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    assert client.post("/login", data={"email": "reviewer@bench.example", "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302
    statements = [0]
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *_args: statements.__setitem__(0, statements[0] + 1))
    found = {name: Figures() for name in PAGES}
    for _ in range(repeat + 1):  # the first round is each page's first load; interleaved, so that a busy
        for name, path in PAGES.items():  # moment of the machine touches every figure alike
            statements[0] = 0
            wall, cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            found[name].wall.append(time.perf_counter() - wall)
            found[name].cpu.append(time.process_time() - cpu)
            assert response.status_code == 200, (name, response.status_code)
            found[name].statements, found[name].size = statements[0], len(response.data)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = setup(f"sqlite:///{folder}/bench.sqlite3", Path(folder))
        found = measure(app, args.repeat)
    print(f"secretariat dashboard, 193 responses, first load and {args.repeat} requests each (server time, "
          "Flask test client; CPU: the process's)")
    print(f"  {'page':28} {'first ms':>9} {'median ms':>10} {'p95 ms':>8} {'CPU median':>11} {'SQL':>4} {'KB':>5}")
    for name, figures in found.items():
        rest = sorted(figures.wall[1:])
        p95 = rest[min(len(rest) - 1, int(len(rest) * 0.95))]
        verdict = "ok" if figures.wall[0] < 0.05 and statistics.median(rest) < 0.05 else "over 50 ms"
        print(f"  {name:28} {figures.wall[0] * 1000:9.1f} {statistics.median(rest) * 1000:10.1f} {p95 * 1000:8.1f} "
              f"{statistics.median(figures.cpu[1:]) * 1000:11.1f} {figures.statements:4d} {figures.size / 1024:5.0f}"
              f"   {verdict}")


if __name__ == "__main__":
    main()
