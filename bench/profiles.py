"""Country profile benchmark: CPU time, wall time and peak memory of the summary and the full profile
of a fully answered checklist (every provision), in English and Arabic, beside Chromium printing the
same HTML in the same run (interleaved); the time of a cached download through the web app; and the
time of a batch through jobs in threads of this process (the app's fallback without Redis;
bench/batch.py measures the batch through real RQ workers).

WeasyPrint renders through the product's path (our templates, then WeasyPrint in a limited worker
process; its CPU is the worker's). Chromium is Debian's, driven by Playwright (``page.set_content``
then ``page.pdf``), its CPU the sum over its processes (from /proc) while it prints. Both get the same
HTML, the stylesheets written into it (Chromium cannot read our ``asset:`` URLs).
Targets: full profile CPU at most 2.5x Chromium's, summary < 0.5 s of CPU, cached download < 100 ms.

    python bench/profiles.py [--repeat 3] [--batch-states 2] [--skip-batch] [--skip-chromium]
"""

from __future__ import annotations

import argparse
import contextlib
import os
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


def profile_data() -> Any:
    import datetime as dt

    from exports.profile import FocalPoint, Previous, ProfileData
    from tests.exports.filled import as_of, filled, questionnaire

    q = questionnaire()
    answers, languages = filled(q)
    earlier = {qid: ("partial" if qid.startswith("p5_") and qid.endswith(".compliance") else value)
               for qid, value in answers.items() if not qid.startswith("p52_")}
    return ProfileData(state_code="KEN", state_names={"en": "Kenya", "ar": "كينيا"}, region="002",
                       questionnaire=q, answers=answers, answer_languages=languages, status="accepted",
                       as_of=as_of(), snapshot_number=2, revision=1, answers_hash="0" * 64, source_key="bench",
                       focal_point=FocalPoint("Wanjiru Kamau", "Senior State Counsel", "Attorney General"),
                       previous=Previous(1, dt.datetime(2025, 11, 3, tzinfo=dt.UTC), q, earlier))


def standalone(html: str) -> str:
    """The HTML with our stylesheets written in (for Chromium, and the same for WeasyPrint)."""
    from exports.pdf import STATIC

    def inline(match: re.Match[str]) -> str:
        return "<style>" + (STATIC / match.group(1)).read_text() + "</style>"

    return re.sub(r'<link rel="stylesheet" href="asset:([a-z-]+\.css)">', inline, html)


def chromium_cpu() -> tuple[float, float]:
    """CPU seconds used so far by the Chromium processes under this one, and by all the processes
    under this one (Chromium and Playwright's driver), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                text = (entry / "stat").read_text()
            except OSError:
                continue
            name, rest = text[text.index("(") + 1:text.rindex(")")], text[text.rindex(")") + 2:].split()
            stats[int(entry.name)] = [name, *rest]
            children.setdefault(int(rest[1]), []).append(int(entry.name))
    chromium, everything, todo = 0.0, 0.0, list(children.get(os.getpid(), []))
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        fields = stats.get(pid)
        if fields:
            used = (int(fields[12]) + int(fields[13])) / ticks  # utime, stime
            everything += used
            chromium += used if "chrom" in fields[0] else 0.0
    return chromium, everything


def render_times(repeat: int, folder: Path, chromium: bool) -> None:
    from exports import pdf
    from exports.profile import build_html

    data = profile_data()
    print(f"fully answered checklist: {sum(k.endswith('.compliance') for k in data.answers)} provisions "
          f"with a compliance question, {len(data.answers)} answers\n")
    documents = {(lang, kind): standalone(build_html(data, lang, kind)) for lang in ("en", "ar")
                 for kind in ("summary", "full")}
    pdf.render_pdf("<p>warm-up</p>", folder / "warm.pdf")  # starts the fork server (imports WeasyPrint)
    results: dict[tuple[str, str], dict[str, list[float]]] = {key: {} for key in documents}
    pages: dict[tuple[str, str], list[int]] = {}
    with contextlib.ExitStack() as stack:
        page = None
        if chromium:
            from playwright.sync_api import sync_playwright

            playwright = stack.enter_context(sync_playwright())
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 args=["--no-sandbox", "--disable-gpu"])
            stack.callback(browser.close)
            page = browser.new_page()
            page.set_content("<p>warm-up</p>")
            page.pdf(path=str(folder / "warm-chromium.pdf"))
        for run in range(repeat):
            for key, html in documents.items():
                order = ("weasyprint", "chromium") if run % 2 == 0 else ("chromium", "weasyprint")
                for engine_name in order:
                    target = folder / f"{key[0]}-{key[1]}-{engine_name}.pdf"
                    if engine_name == "weasyprint":
                        started = time.perf_counter()
                        rendered = pdf.render_pdf(html, target)
                        measured = results[key]
                        measured.setdefault("wall", []).append(time.perf_counter() - started)
                        measured.setdefault("cpu", []).append(rendered.cpu_seconds)
                        measured.setdefault("peak", []).append(rendered.peak_memory)
                        pages[key] = [rendered.pages, pages.get(key, [0, 0])[1]]
                    elif page is not None:
                        before, started = chromium_cpu(), time.perf_counter()
                        page.set_content(html)
                        page.pdf(path=str(target), format="A4", prefer_css_page_size=True)
                        results[key].setdefault("chromium_wall", []).append(time.perf_counter() - started)
                        after = chromium_cpu()
                        results[key].setdefault("chromium", []).append(after[0] - before[0])
                        results[key].setdefault("driver", []).append(after[1] - before[1])
                        pages[key][1] = pdf_pages(target)
    print(f"{'profile':12} {'pages W/C':>9} {'WeasyPrint CPU':>15} {'Chromium CPU':>13} {'ratio':>6} "
          f"{'+ driver':>9} {'W wall':>7} {'C wall':>7} {'W peak RSS':>10}  WeasyPrint CPU runs")
    for (lang, kind), measured in results.items():
        cpu, chrome = median(measured["cpu"]), median(measured.get("chromium", [0.0]))
        ratio = f"{cpu / chrome:5.1f}x" if chrome else "    -"
        print(f"{kind + ' ' + lang:12} {pages[(lang, kind)][0]:4d}/{pages[(lang, kind)][1]:<4d} {cpu:14.2f}s "
              f"{chrome:12.2f}s {ratio:>6} {median(measured.get('driver', [0.0])):8.2f}s "
              f"{median(measured['wall']):6.2f}s "
              f"{median(measured.get('chromium_wall', [0.0])):6.2f}s {max(measured['peak']) / 2**20:8.0f}MB  "
              + ", ".join(f"{value:.2f}" for value in measured["cpu"]))


def pdf_pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(path)).pages)


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
    parser.add_argument("--skip-chromium", action="store_true")
    parser.add_argument("--only-renders", action="store_true", help="no web app, no download, no batch")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        render_times(args.repeat, folder, not args.skip_chromium)
        if args.only_renders:
            return
        codes = ["KEN", "FRA", "BRA", "IND", "EGY", "CHN", "RUS", "MEX"][: max(1, args.batch_states)]
        app = web_app(folder)
        users = setup_states(app, codes)
        cached_download(app, users["KEN"])
        if not args.skip_batch:
            batch(app, codes, folder)


if __name__ == "__main__":
    main()
