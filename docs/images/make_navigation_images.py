"""Screenshots of the side navigation of a provision page and of the check page, in English and
Arabic, for reviewers (docs/images/navigation-*.png, check-*.png).

Sets up a SQLite database in a temporary folder (the demo data, a focal point of Ghana whose
checklist has chapter II answered and one year out of range in article 7), serves the app on
loopback with Werkzeug and takes the pictures in Debian's Chromium:

    .venv/bin/python docs/images/make_navigation_images.py [--out docs/images]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

PASSWORD = "navigation pictures 2026"


def prepare(app: Any) -> int:
    """The demo data and a response of Ghana: chapter II answered, article 7 with a problem."""
    from sqlalchemy import select

    from tests.exports.filled import raw_filled
    from web import answers, catalog
    from web.admin.users import set_account
    from web.demo import load_demo
    from web.extensions import db
    from web.migrate import upgrade
    from web.models import QuestionnaireVersion, Response, State, User

    with app.app_context():
        upgrade(db)
        for _line in load_demo():
            pass
        version = db.session.scalars(select(QuestionnaireVersion).where(
            QuestionnaireVersion.questionnaire_id == "uncac_checklist").order_by(QuestionnaireVersion.id.desc())).first()
        state = db.session.scalars(select(State).where(State.code == "GHA")).one()
        user = set_account(User(), email="focal@gha.example", role="focal_point", state_code="GHA",
                           name="Ama", password=PASSWORD)
        response = Response(state_id=state.id, version_id=version.id, status="draft")
        db.session.add(response)
        db.session.flush()
        q = catalog.questionnaire(version)
        raw, _languages = raw_filled(q, articles=[str(n) for n in range(5, 13)])
        raw["p6_3.measures"] = [{"instrument": "Civil Service Act", "year": 12}]
        answers.save(response, q, [answers.Change(qid, value, 0) for qid, value in raw.items()], user,
                     source="import", language="en")
        db.session.commit()
        return response.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "images"))
    args = parser.parse_args()
    out = Path(args.out)
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from web import create_app

    with tempfile.TemporaryDirectory(prefix="nav-images-") as folder:
        app = create_app({"DATABASE_URL": f"sqlite:///{folder}/app.sqlite3", "SECRET_KEY": uuid.uuid4().hex,
                          "RATELIMIT_ENABLED": False})
        app.instance_path = folder
        response_id = prepare(app)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                     args=["--no-sandbox", "--disable-gpu"])
                page = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="en-GB")
                page.goto(base + "/login")
                page.locator("#email").fill("focal@gha.example")
                page.locator("#password").fill(PASSWORD)
                page.locator("main form button[type=submit]").click()
                page.wait_for_load_state()
                for lang in ("en", "ar"):
                    page.goto(f"{base}/responses/{response_id}/pages/p13_1")
                    if page.locator("html").get_attribute("lang") != lang:
                        page.locator(f".language-switcher button[lang={lang}]").click()
                        page.wait_for_load_state()
                    page.locator("nav.side-nav").screenshot(path=str(out / f"navigation-{lang}.png"))
                    page.goto(f"{base}/responses/{response_id}/check")
                    page.screenshot(path=str(out / f"check-{lang}.png"))
                    print(out / f"navigation-{lang}.png", out / f"check-{lang}.png")
                browser.close()
        finally:
            server.shutdown()


if __name__ == "__main__":
    main()
