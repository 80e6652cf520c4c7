"""Country profile benchmark: render time and peak memory of the summary and the full profile of a
fully answered checklist (every provision), in English and Arabic; the time of a cached download
through the web app; and the time of a batch through jobs in threads of this process (the app's
fallback without Redis; bench/batch.py measures the batch through real RQ workers).

Renders go through the product's path: our templates, then WeasyPrint in a limited worker process.
Targets on the project's 2-core machine: summary < 3 s, full < 15 s, cached download < 100 ms.

    python bench/profiles.py [--repeat 3] [--batch-states 2] [--skip-batch]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def median(values: list[float]) -> float:
    return statistics.median(values)


def render_times(repeat: int, folder: Path) -> None:
    from exports import pdf
    from exports.profile import FocalPoint, ProfileData, build_html
    from tests.exports.filled import as_of, filled, questionnaire

    q = questionnaire()
    answers, languages = filled(q)
    data = ProfileData(state_code="KEN", state_names={"en": "Kenya", "ar": "كينيا"}, region="002",
                       questionnaire=q, answers=answers, answer_languages=languages, status="accepted",
                       as_of=as_of(), snapshot_number=1, revision=1, answers_hash="0" * 64, source_key="bench",
                       focal_point=FocalPoint("Wanjiru Kamau", "Senior State Counsel", "Attorney General"))
    print(f"fully answered checklist: {sum(k.endswith('.compliance') for k in answers)} provisions, "
          f"{len(answers)} answers\n")
    print(f"{'profile':16} {'pages':>5} {'HTML':>7} {'wall (median)':>14} {'worker CPU':>11} {'peak RSS':>9} "
          f"{'size':>8}  runs")
    pdf.render_pdf("<p>warm-up</p>", folder / "warm.pdf")  # starts the fork server (imports WeasyPrint)
    for lang in ("en", "ar"):
        for kind in ("summary", "full"):
            walls, cpus, peaks, html_times = [], [], [], []
            rendered: Any = None
            for _ in range(repeat):
                started = time.perf_counter()
                html = build_html(data, lang, kind)
                html_times.append(time.perf_counter() - started)
                rendered = pdf.render_pdf(html, folder / f"{lang}-{kind}.pdf")
                walls.append(time.perf_counter() - started)
                cpus.append(rendered.cpu_seconds)
                peaks.append(rendered.peak_memory)
            runs = ", ".join(f"{w:.2f}" for w in walls)
            print(f"{kind + ' ' + lang:16} {rendered.pages:5d} {median(html_times):6.2f}s {median(walls):13.2f}s "
                  f"{median(cpus):10.2f}s {max(peaks) / 2**20:7.0f}MB {rendered.size / 1024:6.0f}KB  {runs}")


def web_app(folder: Path) -> Any:
    from web import create_app

    return create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
                       "SECRET_KEY": "bench", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                       "RATELIMIT_ENABLED": False, "PROFILE_DIR": str(folder / "profiles"), "REDIS_URL": "",
                       "PROFILE_RERENDER": ""})


def setup_states(app: Any, codes: list[str]) -> dict[str, Any]:
    """The checklist published, and each State's complete response submitted by its focal point."""
    from sqlalchemy import select

    from tests.exports.filled import raw_filled
    from web import answers as saving
    from web import catalog, workflow
    from web.admin.users import set_account
    from web.extensions import db
    from web.migrate import upgrade
    from web.models import Response, State, User
    from web.reference import load_states

    users = {}
    with app.app_context():
        upgrade(db)
        load_states(db.session)
        version = catalog.publish_file(ROOT / "questionnaires" / "uncac_checklist.yaml").version
        q = catalog.questionnaire(version)
        raw, languages = raw_filled(q)
        for code in codes:
            user = set_account(User(), email=f"focal.{code.lower()}@bench.example", role="focal_point",
                               state_code=code, name="Focal point", password="bench password 1", assignments="")
            state = db.session.scalars(select(State).where(State.code == code)).one()
            response = Response(state_id=state.id, version_id=version.id, status="draft")
            db.session.add(response)
            db.session.flush()
            for lang in sorted(set(languages.values())):
                changes = [saving.Change(qid, value, 0) for qid, value in raw.items() if languages[qid] == lang]
                saving.save(response, q, changes, user, source="import", language=lang)
            workflow.submit(response, user)
            db.session.commit()
            users[code] = user.email
    return users


def cached_download(app: Any, email: str, repeat: int = 20) -> None:
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    client.post("/login", data={"email": email, "password": "bench password 1", "csrf_token": token})
    url = "/states/KEN/profile.pdf?lang=ar&kind=full"
    started = time.perf_counter()
    first = client.get(url)
    while first.status_code == 202:  # being prepared by a job
        first.close()
        time.sleep(0.05)
        first = client.get(url)
    first_time = time.perf_counter() - started
    assert first.status_code == 200, first.status_code
    first.close()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        response.get_data()
        times.append(time.perf_counter() - started)
        response.close()
        assert response.status_code == 200
    print(f"\ndownload of the full Arabic profile through the web app: first (a job renders) {first_time:.2f} s; "
          f"cached: median {median(times) * 1000:.1f} ms, slowest {max(times) * 1000:.1f} ms ({repeat} runs)")


def batch(app: Any, codes: list[str], folder: Path) -> None:
    import os

    from web.profiles.batch import latest_responses, queue_all

    langs = ["ar", "en", "es", "fr", "ru", "zh"]
    with app.app_context():
        responses = latest_responses(codes)
        started = time.perf_counter()
        outcome = queue_all(responses, langs, ["summary", "full"], folder / "batch").wait()
        seconds = time.perf_counter() - started
    total = len(outcome.rendered) + len(outcome.cached)
    print(f"\nbatch: {len(codes)} States x 6 languages x summary and full = {total} profiles "
          f"({len(outcome.rendered)} rendered, {len(outcome.cached)} cached, {len(outcome.failed)} failed) "
          f"in {seconds:.1f} s on {os.cpu_count()} cores: {seconds / max(1, total):.2f} s per profile, "
          f"about {seconds / max(1, len(codes)) * 193 / 60:.0f} min for 193 States")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch-states", type=int, default=2)
    parser.add_argument("--skip-batch", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        render_times(args.repeat, folder)
        codes = ["KEN", "FRA", "BRA", "IND", "EGY", "CHN", "RUS", "MEX"][: max(1, args.batch_states)]
        app = web_app(folder)
        users = setup_states(app, codes)
        cached_download(app, users["KEN"])
        if not args.skip_batch:
            batch(app, codes, folder)


if __name__ == "__main__":
    main()
