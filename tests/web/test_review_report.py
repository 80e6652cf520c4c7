"""The country review report as PDF (``/reviews/<id>/report.pdf``), prepared by a job as profiles
are: who may download it (decided before anything is built), the "being prepared" answer and its
JSON, the cache keyed by the report's content, a failed render and its retry.

The app here runs its jobs in threads of the test process (``REDIS_URL`` is empty), so that renders
can be counted or replaced; tests/web/test_jobs.py downloads a report through a real RQ worker, and
tests/test_procfile.py through the Procfile's processes (whose web processes never load WeasyPrint).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from exports.pdf import Rendered, RenderError
from tests.conftest import add_user, csrf_token, login
from tests.web.test_cycles import cli, expert, open_cycle, review_id, start
from tests.web.test_profiles import fetch, get, in_french


@pytest.fixture
def review(app: Flask) -> int:
    open_cycle(app)
    cli(app, "reviews", "assign", "--state", "KEN", "--reviewers", "FRA,MEX", "--cycle", "2026-II")
    return review_id()


@pytest.fixture
def fake_renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Replace rendering by a tiny file (for tests about who gets what and when, not about PDFs)."""
    import web.reviews.tasks as module

    calls: list[str] = []

    def fake(html: str, path: Path, *args: Any) -> Rendered:
        calls.append(html)
        path.write_bytes(b"%PDF-1.7 fake " + str(len(calls)).encode())
        return Rendered(path, 1, 15, 0.0)

    monkeypatch.setattr(module, "render_pdf", fake)
    return calls


def url(review: int, lang: str = "en", extra: str = "") -> str:
    return f"/reviews/{review}/report.pdf?lang={lang}{extra}"


@pytest.mark.pdf
def test_the_report_downloads_as_pdf_for_those_in_the_review(app: Flask, client: FlaskClient, review: int,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from pypdf import PdfReader

    import web.reviews.tasks as module

    renders: list[str] = []
    real = module.render_pdf

    def counting(html: str, path: Path, *args: Any) -> Rendered:
        renders.append(str(path))
        return real(html, path, *args)

    monkeypatch.setattr(module, "render_pdf", counting)
    login(client, expert("FRA"))
    preparing = get(client, url(review, "fr"))
    assert preparing.status_code == 202 and preparing.mimetype == "text/html"
    assert preparing.headers["Retry-After"] == "3"
    page = preparing.get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="3">' in page
    assert f"Kenya · {in_french(app)('Country review report (PDF)')} · Français" in page  # ?lang= is the page's too
    reply = fetch(client, url(review, "fr"))
    assert reply.status_code == 200 and reply.mimetype == "application/pdf"
    assert "review-KEN-2026-II-fr.pdf" in reply.headers["Content-Disposition"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(reply.data)).pages)
    assert "Rapport d’examen de pays" in text and "Kenya" in text
    again = get(client, url(review, "fr"))  # no waiting: from the cache
    assert again.status_code == 200 and again.data == reply.data and len(renders) == 1
    assert get(client, url(review, "de")).status_code == 404


def test_the_file_is_rendered_again_when_the_report_changes_only(app: Flask, client: FlaskClient, review: int,
                                                                 fake_renders: list[str]) -> None:
    kenya = app.test_client()
    login(kenya, add_user("focal_point", "KEN"))
    start(kenya)
    login(client, add_user("secretariat_reviewer"))
    first = fetch(client, url(review))
    assert first.status_code == 200 and len(fake_renders) == 1
    assert fetch(client, url(review)).data == first.data and len(fake_renders) == 1  # the same report: cached
    token = csrf_token(client, f"/reviews/{review}")
    assert client.post(f"/reviews/{review}/report", data={"csrf_token": token, "successes": "A new law."}
                       ).status_code == 302
    second = fetch(client, url(review))
    assert second.status_code == 200 and second.data != first.data and len(fake_renders) == 2
    assert "A new law." in fake_renders[-1]
    assert client.post(f"/reviews/{review}/finalise", data={"csrf_token": token}).status_code == 302
    assert fetch(client, url(review)).status_code == 200 and len(fake_renders) == 3
    assert "Final" in fake_renders[-1]  # the status on the cover
    assert fetch(client, url(review, "ar")).status_code == 200 and len(fake_renders) == 4  # another language
    folder = Path(app.instance_path) / "profiles" / "reviews" / str(review)
    assert sorted(p.name.rsplit("-", 1)[0] for p in folder.glob("*.pdf")) == ["report-ar", "report-en"]


def test_scripts_get_the_status_as_json(client: FlaskClient, review: int, fake_renders: list[str]) -> None:
    login(client, expert("MEX"))
    first = get(client, url(review, extra="&format=json"))
    assert first.status_code == 202 and first.mimetype == "application/json"
    assert first.json["status"] == "pending" and first.json["retry_after"] == 3
    ready = fetch(client, url(review, extra="&format=json"))
    assert ready.status_code == 200 and ready.json == {"status": "ready", "url": url(review)}
    assert client.get(url(review), headers={"Accept": "application/json"}).json["status"] == "ready"
    assert get(client, url(review)).data == b"%PDF-1.7 fake 1" and len(fake_renders) == 1


def test_those_outside_the_review_are_refused_before_anything_is_built(
        app: Flask, review: int, fake_renders: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import web.reviews.tasks as module

    built: list[int] = []
    monkeypatch.setattr(module, "report_data", lambda found, lang: built.append(found.id))
    client = app.test_client()
    assert get(client, url(review)).status_code == 302  # log in first
    # an expert of a third State, a reader, a reviewing State's account not flagged expert, a third State
    for user in (expert("DEU"), add_user("reader"), add_user("contributor", "FRA"), add_user("focal_point", "BRA")):
        login(client, user)
        assert get(client, url(review)).status_code == 404
    assert built == [] and fake_renders == []


def test_a_failed_render_is_a_clean_error_until_someone_retries(client: FlaskClient, review: int,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import web.reviews.tasks as module

    failures: list[str] = []

    def failing(html: str, path: Path, *args: Any) -> Rendered:
        failures.append(str(path))
        raise RenderError("crashed", "the renderer stopped")

    monkeypatch.setattr(module, "render_pdf", failing)
    login(client, expert("FRA"))
    response = fetch(client, url(review))
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and "The report could not be prepared" in page and "Traceback" not in page
    assert f'href="/reviews/{review}/report.pdf?lang=en&amp;retry=1"' in page and "http-equiv" not in page
    assert get(client, url(review)).status_code == 503 and len(failures) == 1  # no new job by itself
    status = get(client, url(review, extra="&format=json"))
    assert status.status_code == 503 and status.json["error"] == "crashed"
    retried = get(client, url(review, extra="&retry=1"))
    assert retried.status_code == 302 and retried.headers["Location"] == url(review)
    assert fetch(client, url(review)).status_code == 503 and len(failures) == 2  # tried again, once, on request
