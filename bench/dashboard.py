"""Benchmark of the secretariat's work queue: the dashboard with a response from each of the 193 States.

Sets up its own SQLite database in a temporary folder (the demo data, and a response of every other
State to the checklist, a quarter of them submitted), logs a reviewer in with the Flask test
client and prints the server time (median and p95) of the dashboard as it opens, with every State,
filtered to one regional group, and in Arabic. Target on the project's 2-core machine: < 300 ms
with 193 responses (the page was 3.3 s when each response row also loaded its questionnaire's YAML).

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
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PASSWORD = "benchmark password 2026"
PAGES = {"opens (started States)": "/", "every State": "/?status=all",
         "African States, submitted": "/?group=african&status=submitted", "opens, in Arabic": "/?lang=ar"}


def setup(database_url: str, instance: Path) -> Any:
    from sqlalchemy import select

    from web import create_app
    from web.admin.users import set_account
    from web.demo import load_demo
    from web.extensions import db
    from web.migrate import upgrade
    from web.models import QuestionnaireVersion, Response, State, User

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
        db.session.commit()
    return app


def measure(app: Any, repeat: int) -> dict[str, list[float]]:
    client = app.test_client()
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"',
                      client.get("/login").get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    assert client.post("/login", data={"email": "reviewer@bench.example", "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302
    times: dict[str, list[float]] = {name: [] for name in PAGES}
    for path in PAGES.values():  # warm up: templates, questionnaire catalog
        client.get(path)
    for _ in range(repeat):  # interleaved, so that a busy moment of the machine touches every figure alike
        for name, path in PAGES.items():
            start = time.perf_counter()
            response = client.get(path)
            times[name].append(time.perf_counter() - start)
            assert response.status_code == 200, (name, response.status_code)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = setup(f"sqlite:///{folder}/bench.sqlite3", Path(folder))
        times = measure(app, args.repeat)
    print(f"secretariat dashboard, 193 responses, {args.repeat} requests each (server time, Flask test client)")
    for name, values in times.items():
        values.sort()
        p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
        print(f"  {name:28} median {statistics.median(values) * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
