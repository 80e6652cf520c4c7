"""Review cycles benchmark: carrying a fully answered 2026.1 response into a 2027.1 cycle, and what
unconfirmed carried answers cost each save (progress evaluates the answers once more without them).

Sets up its own SQLite database in a temporary folder: 2026.1 published, Kenya and France with every
question answered, 2027.1 published over it with its mapping, a cycle on chapters II-V. Prints the
time of ``cycles.start`` (carry forward and mark) per State, then the time of one answer saved,
interleaved run after run, on Kenya's response (every carried answer still unconfirmed) and on
France's (all confirmed).

    python bench/cycles.py [--saves 30]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=30)
    options = parser.parse_args()

    from sqlalchemy import select

    import engine
    from tests.web.test_carry_forward import any_answer
    from web import catalog, create_app, cycles
    from web.admin.users import set_account
    from web.answers import Change, save, stored
    from web.extensions import db
    from web.migrate import upgrade
    from web.models import QuestionnaireVersion, Response, State, User
    from web.reference import load_states
    from web.versions import live_version

    folder = Path(tempfile.mkdtemp(prefix="bench-cycles-"))
    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}", "REDIS_URL": "",
                      "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False, "PROFILE_RERENDER": ""})
    app.instance_path = str(folder)
    with app.test_request_context():
        upgrade(db)
        load_states(db.session)
        catalog.publish_file(ROOT / "questionnaires" / "archive" / "uncac_checklist-2026.1.yaml")
        db.session.commit()
        old = db.session.scalars(select(QuestionnaireVersion)).one()
        q_old = catalog.questionnaire(old)
        given = {qid: any_answer(item) for qid, item in q_old.index.items.items()
                 if isinstance(item, engine.Question) and item.type != "note"}
        people = {}
        for code in ("KEN", "FRA"):
            state = db.session.scalars(select(State).where(State.code == code)).one()
            people[code] = set_account(User(), email=f"focal@{code.lower()}.test", role="focal_point",
                                       state_code=code, password="correct horse battery staple")
            earlier = Response(state_id=state.id, version_id=old.id, status="draft")
            db.session.add(earlier)
            db.session.flush()
            save(earlier, q_old, [Change(k, v, 0) for k, v in given.items()], people[code], "import",
                 visible_only=False)
            earlier.status = "accepted"
        db.session.commit()
        from web.cli import cli

        published = app.test_cli_runner().invoke(cli, [
            "questionnaires", "publish", str(ROOT / "questionnaires" / "uncac_checklist.yaml"),
            "--mapping", str(ROOT / "questionnaires" / "mappings" / "uncac_checklist-2027.1.yaml")])
        assert published.exit_code == 0, published.output
        from datetime import date

        cycles.open_cycle("uncac_checklist", "2027-I", ["II", "III", "IV", "V"], date(2027, 6, 30), None, None)
        db.session.commit()
        live = live_version("uncac_checklist")
        responses = {}
        for code in ("KEN", "FRA"):
            state = db.session.scalars(select(State).where(State.code == code)).one()
            started = time.perf_counter()
            responses[code], _new = cycles.start(state, live, people[code])  # type: ignore[arg-type]
            db.session.commit()
            print(f"{code}: carried {len(cycles.unconfirmed(responses[code]))} of {len(given)} answers "
                  f"from 2026.1 into 2027.1 in {time.perf_counter() - started:.2f} s")
        q = catalog.questionnaire(live)  # type: ignore[arg-type]
        cycles.confirm(responses["FRA"], q, list(q.index.items), people["FRA"])
        db.session.commit()
        times: dict[str, list[float]] = {"KEN (all unconfirmed)": [], "FRA (all confirmed)": []}
        for n in range(options.saves):  # interleaved
            for code, label in (("KEN", "KEN (all unconfirmed)"), ("FRA", "FRA (all confirmed)")):
                response = responses[code]
                row = stored(response)["p5_1.measures_summary"]
                started = time.perf_counter()
                save(response, q, [Change("p5_1.measures_summary", f"Version {n}", row.version)], people[code],
                     "save")
                db.session.commit()
                times[label].append(time.perf_counter() - started)
        for label, values in times.items():
            values.sort()
            print(f"one answer saved, {label:22}: p50 {statistics.median(values) * 1000:.0f} ms, "
                  f"p95 {values[int(len(values) * 0.95) - 1] * 1000:.0f} ms ({len(values)} saves)")


if __name__ == "__main__":
    main()
