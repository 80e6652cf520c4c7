"""Technical assistance benchmark: the matching view (needs matched to offers) for 193 States and 20
providers, server time measured in-process with the Flask test client.

Sets up its own SQLite database (or ``--database-url``) in a temporary folder: the States, the shipped
questionnaires (demo data), then the generated needs and offers of ``tests/web/assistance_data.py``
(one accepted response per State). The rows are what submission and acceptance keep up to date
(``web.assistance.index``); the view reads them and evaluates no questionnaire. Prints p50/p95/max
per page, interleaving the pages in one run; and the time to rebuild one response's rows from a
submission (what a submit or an accept adds). Target: the matching view under 200 ms server time.

    python bench/assistance.py [--requests 30] [--database-url URL]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PAGES = {
    "matching by State": "/assistance/",
    "matching by article, one group": "/assistance/?by=article&group=african",
    "one State in detail": "/assistance/?state=KEN",
    "CSV of every need": "/assistance/matching.csv",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        run(url, Path(folder), args.requests)


def run(url: str, folder: Path, requests: int) -> None:
    from tests.web.assistance_data import expected, generate
    from web import create_app
    from web.admin.users import set_account
    from web.demo import load_demo
    from web.extensions import db
    from web.migrate import upgrade
    from web.models import AssistanceItem, User

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
                      "WTF_CSRF_ENABLED": False})
    app.instance_path = str(folder)
    with app.app_context():
        upgrade(db)
        for _line in load_demo():
            pass
        generate()
        for role in ("secretariat_reviewer", "provider"):
            set_account(User(), email=f"{role}@bench.example", role=role, state_code=None, name=role,
                        password="bench password 123")
        db.session.commit()
        rows = db.session.query(AssistanceItem).count()
    want = expected()
    print(f"193 States, 20 providers: {rows} rows; {want['needs']} needs, {want['gaps']} gaps, "
          f"{want['overlaps']} overlaps")
    for role in ("secretariat_reviewer", "provider"):
        client = app.test_client()
        client.post("/login", data={"email": f"{role}@bench.example", "password": "bench password 123"})
        times: dict[str, list[float]] = {name: [] for name in PAGES}
        for page in PAGES.values():  # warm up: the first request loads the questionnaires
            client.get(page).get_data()
        for _round in range(requests):
            for name, page in PAGES.items():  # interleaved
                start = time.perf_counter()
                response = client.get(page)
                response.get_data()
                times[name].append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (page, response.status_code)
        print(f"\nas {role} ({requests} requests each, ms)")
        for name, values in times.items():
            values.sort()
            print(f"  {name:34} p50 {statistics.median(values):7.1f}  p95 {values[int(len(values) * .95) - 1]:7.1f}"
                  f"  max {values[-1]:7.1f}")
    refresh_time(app)


def refresh_time(app: object) -> None:
    """What a submission adds: rebuilding the rows of the demo's checklist response (every provision)."""
    from sqlalchemy import select

    from web import workflow
    from web.assistance import index
    from web.extensions import db
    from web.models import Response, Snapshot, State

    with app.app_context():  # type: ignore[attr-defined]
        kenya = db.session.scalars(select(Response).join(State).where(State.code == "KEN")).first()
        if kenya is None:
            return
        origin = workflow.profile_source(kenya, live=True)
        db.session.add(Snapshot(response_id=kenya.id, number=99, revision=1, version_id=kenya.version_id,
                                content_hash=kenya.version.content_hash,
                                answers={k: {"value": v} for k, v in _raw(kenya).items()}, summary={},
                                answers_hash="0" * 64))
        db.session.flush()
        start = time.perf_counter()
        count = index.refresh(kenya)
        took = (time.perf_counter() - start) * 1000
        db.session.rollback()
        print(f"\nrebuilding one checklist response's rows (Kenya, {len(origin.answers)} answers, {count} rows): "
              f"{took:.0f} ms")


def _raw(response: object) -> dict[str, object]:
    from web.answers import stored

    return {qid: row.value for qid, row in stored(response).items() if row.value is not None}  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
