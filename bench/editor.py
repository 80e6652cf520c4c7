"""Editor benchmark: what it takes to open the checklist (613 KB of YAML) in the definition editor.

Sets up its own SQLite database in a temporary folder (States and the shipped questionnaires), makes
a draft of the checklist, serves the app on loopback (Werkzeug, threaded, the published versions
loaded first as ``checklist serve`` does) and opens, in Debian's Chromium, interleaved, run after run:

* the outline editor: time from navigation until the outline can be used (its sections shown and
  clickable), and the bytes the browser received until then (HTML, CSS, scripts, JSON);
* the YAML text view (CodeMirror with the text loaded as JSON): time until the text is in the
  editor, and the bytes;

then the server time of the editor's JSON requests, in-process with the Flask test client. Targets:
the outline editor under 300 KB and under 1 s to first use. Every loop is bounded; only 127.0.0.1.

    python bench/editor.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PASSWORD = "benchmark password 2026"
EMAIL = "editor-bench@test.example"


def setup(folder: Path) -> tuple[Any, int]:
    from sqlalchemy import select

    from web import catalog, create_app
    from web.admin.users import set_account
    from web.extensions import db
    from web.migrate import upgrade
    from web.models import QuestionnaireVersion, User
    from web.reference import load_states

    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}", "SECRET_KEY": "bench",
                      "RATELIMIT_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        upgrade(db)
        load_states(db.session)
        for path in sorted((ROOT / "questionnaires").glob("*.yaml")):
            catalog.publish_file(path)
        user = set_account(User(), email=EMAIL, role="secretariat_admin", state_code=None, name="bench",
                           password=PASSWORD, assignments="")
        base = db.session.scalars(select(QuestionnaireVersion).where(
            QuestionnaireVersion.questionnaire_id == "uncac_checklist")).one()
        draft = QuestionnaireVersion(questionnaire_id=base.questionnaire_id, version="draft-bench", content_hash="",
                                     source=base.source, title=base.title, status="draft", created_by_id=user.id,
                                     notes={})
        db.session.add(draft)
        db.session.commit()
        for version in catalog.current_versions():
            catalog.questionnaire(version)
        return app, draft.id


def browser_runs(url: str, draft: int, runs: int, verbose: bool = False) -> dict[str, list[tuple[float, int]]]:
    from playwright.sync_api import sync_playwright

    results: dict[str, list[tuple[float, int]]] = {"outline": [], "text": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        login = browser.new_context()
        page = login.new_page()
        page.goto(url + "/login")
        page.locator("#email").fill(EMAIL)
        page.locator("#password").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        state = login.storage_state()  # the session cookie; each run starts with an empty cache
        login.close()
        for _run in range(runs):
            for view in ("outline", "text"):  # interleaved
                context = browser.new_context(storage_state=state)
                page = context.new_page()
                start = time.perf_counter()
                if view == "outline":
                    page.goto(f"{url}/admin/questionnaires/drafts/{draft}", wait_until="commit")
                    page.locator("[data-outline-root] a[data-item='chv']").wait_for(state="visible")
                    page.wait_for_function("() => document.readyState === 'complete'")
                else:
                    page.goto(f"{url}/admin/questionnaires/drafts/{draft}/text", wait_until="commit")
                    page.wait_for_function("() => { const cm = document.querySelector('.CodeMirror'); "
                                           "return cm && cm.CodeMirror.getValue().length > 400000; }")
                elapsed = time.perf_counter() - start
                entries = page.evaluate(
                    "() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))"
                    ".map(e => [e.name, e.decodedBodySize || 0])")
                received = sum(size for _name, size in entries)
                if verbose and _run == 0:
                    print(view, entries)
                results[view].append((elapsed, int(received)))
                context.close()
        browser.close()
    return results


def server_times(app: Any, draft: int, runs: int) -> dict[str, list[float]]:
    from tests.conftest import csrf_token

    client = app.test_client()
    token = csrf_token(client)
    client.post("/login", data={"email": EMAIL, "password": PASSWORD, "csrf_token": token})
    base = f"/admin/questionnaires/drafts/{draft}"
    requests = {
        "editor page": base,
        "outline, sections": f"{base}/outline.json",
        "outline, one article": f"{base}/outline.json?node=art15",
        "outline, one provision": f"{base}/outline.json?node=p15_a",
        "search 'bribery'": f"{base}/outline.json?q=bribery",
        "search in Arabic": f"{base}/outline.json?q=%D8%A7%D9%84%D9%86%D8%B8%D8%A7%D9%85",
        "item form": f"{base}/items/p15_a.compliance?fragment=1",
        "source as JSON": f"{base}/source.json",
    }
    out: dict[str, list[float]] = {name: [] for name in requests}
    for _run in range(runs):
        for name, path in requests.items():
            start = time.perf_counter()
            response = client.get(path)
            out[name].append(time.perf_counter() - start)
            assert response.status_code == 200, (path, response.status_code)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("-v", "--verbose", action="store_true", help="List what the browser received.")
    args = parser.parse_args()
    import logging

    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)

    with tempfile.TemporaryDirectory() as folder:
        app, draft = setup(Path(folder))
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            url = f"http://127.0.0.1:{server.server_port}"
            results = browser_runs(url, draft, args.runs, args.verbose)
        finally:
            server.shutdown()
        print(f"Opening the checklist draft in Chromium ({args.runs} runs, interleaved; median):")
        print(f"  {'view':32} {'time to first use':>18} {'bytes received':>16}")
        for view, label in (("outline", "outline editor"), ("text", "YAML text (CodeMirror)")):
            times = [t for t, _b in results[view]]
            sizes = [b for _t, b in results[view]]
            print(f"  {label:32} {statistics.median(times) * 1000:15.0f} ms {statistics.median(sizes) / 1024:13.0f} KB")
        print("Server time in-process (Flask test client; p50 / max over the runs):")
        for name, times in server_times(app, draft, args.runs).items():
            print(f"  {name:32} {statistics.median(times) * 1000:8.1f} ms {max(times) * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
