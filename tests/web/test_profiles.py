"""Country profile downloads: who may download which profile (decided before anything is built),
the "being prepared" answer while a job renders the file, the cache, errors, the links on the pages,
and the `checklist profile(s)` commands.

The app here runs its jobs in threads of the test process (``REDIS_URL`` is empty), so that renders
can be counted or replaced; tests/web/test_jobs.py runs the same through real RQ workers."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from exports.pdf import Rendered, RenderError
from tests.conftest import add_user, context, login
from tests.exports.filled import raw_filled

pytestmark = pytest.mark.pdf

NAMES_FR = {"KEN": "Kenya", "FRA": "France"}


def respond(state: str, status: str = "draft", publish: bool = False) -> int:
    """A response of ``state`` to the checklist answered by its focal point (each answer saved in the
    language it is written in), then moved to ``status``: a draft has the general part and article 5
    answered, a submitted response everything (submitting needs every required answer)."""
    articles = ("5",) if status == "draft" else None
    from web import answers as saving
    from web import catalog, consent, workflow
    from web.extensions import db
    from web.models import QuestionnaireVersion, Response, State, User

    focal = add_user("focal_point", state)
    reviewer = add_user("secretariat_reviewer")
    with context():
        version = db.session.scalars(select(QuestionnaireVersion).where(
            QuestionnaireVersion.questionnaire_id == "uncac_checklist")).one()
        q = catalog.questionnaire(version)
        raw, languages = raw_filled(q, articles)
        state_row = db.session.scalars(select(State).where(State.code == state)).one()
        response = Response(state_id=state_row.id, version_id=version.id, status="draft")
        db.session.add(response)
        db.session.flush()
        user = db.session.get(User, focal.id)
        for lang in sorted(set(languages.values())):
            changes = [saving.Change(qid, value, 0) for qid, value in raw.items() if languages[qid] == lang]
            result = saving.save(response, q, changes, user, source="save", language=lang)
            assert not result.refused and not result.conflicts
        if status in ("submitted", "accepted"):
            workflow.submit(response, user)
        if publish:  # the State lets its profile be published (web.consent)
            consent.set_consent(response, user, "profile")
        if status == "accepted":
            workflow.accept(response, db.session.get(User, reviewer.id), publish=publish)
        db.session.commit()
        return response.id


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count real renders (the web app's calls into the worker)."""
    import web.profiles as module

    calls: list[str] = []
    real = module.render_pdf

    def counting(html: str, path: Path, *args: Any) -> Rendered:
        calls.append(str(path))
        return real(html, path, *args)

    monkeypatch.setattr(module, "render_pdf", counting)
    return calls


@pytest.fixture
def fake_renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Replace rendering by a tiny file (for tests about who gets what, not about PDFs)."""
    import web.profiles as module

    calls: list[str] = []

    def fake(html: str, path: Path, *args: Any) -> Rendered:
        calls.append(html)
        path.write_bytes(b"%PDF-1.7 fake")
        return Rendered(path, 1, 13, 0.0)

    monkeypatch.setattr(module, "render_pdf", fake)
    return calls


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Which responses' profile data was built (nothing may be built for a refused request)."""
    import web.profiles as module

    calls: list[str] = []
    real = module.profile_data

    def spy(response: Any, chapters: Any = None, kind: str = "full") -> Any:
        calls.append(response.state.code)
        return real(response, chapters, kind)

    monkeypatch.setattr(module, "profile_data", spy)
    return calls


def get(client: FlaskClient, url: str) -> Any:
    """GET, read the body and close the response (a file sent by send_file stays open until then)."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def fetch(client: FlaskClient, url: str, timeout: float = 120) -> Any:
    """GET until the file is no longer being prepared (202): the answer after that."""
    deadline = time.monotonic() + timeout
    response = get(client, url)
    while response.status_code == 202 and time.monotonic() < deadline:
        assert response.headers["Retry-After"] == "3"
        time.sleep(0.1)
        response = get(client, url)
    return response


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "download.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


# -- downloads ---------------------------------------------------------------------------------------
def in_french(app: Flask) -> Any:
    from web.profiles import gettext_for

    with app.test_request_context("/"):
        return gettext_for("fr")


def test_a_state_downloads_its_profile(client: FlaskClient, renders: list[str], tmp_path: Path, app: Flask) -> None:
    respond("KEN")
    login(client, add_user("focal_point", "KEN"))
    preparing = get(client, "/states/KEN/profile.pdf?lang=fr&kind=full")
    assert preparing.status_code == 202 and preparing.mimetype == "text/html"
    page = preparing.get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="3">' in page
    assert f"Kenya · {in_french(app)('Full profile (PDF)')} · Français" in page  # ?lang= is also the page's
    response = fetch(client, "/states/KEN/profile.pdf?lang=fr&kind=full")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert 'filename=KEN-profile-full-fr.pdf' in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"].startswith("no-store") or "no-cache" in response.headers["Cache-Control"]
    text = pdf_text(response.data, tmp_path)
    assert "Kenya" in text and "Politiques et pratiques de prévention de la corruption" in text
    assert "Anti-Corruption and Economic Crimes Act" in text  # an answer, as written (in English)
    french = in_french(app)
    for label in ("Draft", "A self-assessment, not a review finding", "Summary of compliance"):
        assert french(label) in " ".join(text.split())  # the interface catalog's French
    assert len(renders) == 1


def test_the_second_download_comes_from_the_cache(client: FlaskClient, renders: list[str], app: Flask) -> None:
    response_id = respond("KEN")
    login(client, add_user("focal_point", "KEN"))
    first = fetch(client, "/states/KEN/profile.pdf?lang=en&kind=summary")
    second = get(client, "/states/KEN/profile.pdf?lang=en&kind=summary")  # no waiting: from the cache
    assert first.status_code == second.status_code == 200 and first.data == second.data
    assert len(renders) == 1
    fetch(client, "/states/KEN/profile.pdf?lang=ar&kind=summary")  # another language: another file
    assert len(renders) == 2
    from tests.web.data_helpers import change

    change(response_id, {"p5_1.measures_summary": "A new summary of the measures."})
    third = fetch(client, "/states/KEN/profile.pdf?lang=en&kind=summary")
    assert third.status_code == 200 and len(renders) == 3  # the answers changed: rendered again
    files = sorted(p.name.rsplit("-", 1)[0] for p in (Path(app.instance_path) / "profiles" / "KEN").glob("*.pdf"))
    assert files == ["summary-ar", "summary-en"]  # the older English file was removed


def test_another_states_profile_is_refused_before_anything_is_built(
        client: FlaskClient, fake_renders: list[str], built: list[str]) -> None:
    respond("FRA")
    for role in ("focal_point", "contributor"):
        login(client, add_user(role, "KEN"))
        for kind in ("summary", "full"):
            assert get(client, f"/states/FRA/profile.pdf?lang=en&kind={kind}").status_code == 404
    assert built == [] and fake_renders == []
    assert get(client, "/states/KEN/profile.pdf?lang=en").status_code == 404  # Kenya has no response yet
    assert get(client, "/states/XYZ/profile.pdf").status_code == 404


def test_readers_get_published_profiles_only(client: FlaskClient, fake_renders: list[str],
                                             built: list[str]) -> None:
    respond("KEN", status="accepted", publish=True)
    respond("FRA", status="accepted", publish=False)
    respond("DEU", status="submitted")
    respond("BRA")
    login(client, add_user("reader"))
    assert fetch(client, "/states/KEN/profile.pdf?lang=en&kind=full").status_code == 200
    for code in ("FRA", "DEU", "BRA"):
        assert get(client, f"/states/{code}/profile.pdf?lang=en&kind=full").status_code == 404
    assert set(built) == {"KEN"} and len(fake_renders) == 1  # built by each request and by the job


def test_the_secretariat_downloads_any_profile(client: FlaskClient, fake_renders: list[str], app: Flask) -> None:
    respond("FRA", status="accepted", publish=False)
    respond("KEN")
    login(client, add_user("secretariat_reviewer"))
    assert fetch(client, "/states/FRA/profile.pdf?lang=fr&kind=full").status_code == 200
    assert fetch(client, "/states/KEN/profile.pdf?lang=en").status_code == 200
    french = in_french(app)
    assert french("Accepted") in fake_renders[0] and "Draft" in fake_renders[1]  # the status on the cover
    assert '<html lang="fr"' in fake_renders[0] and '<html lang="en"' in fake_renders[1]


def test_anonymous_users_log_in_first(client: FlaskClient, fake_renders: list[str]) -> None:
    respond("KEN", status="accepted", publish=True)
    response = get(client, "/states/KEN/profile.pdf?lang=en")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert fake_renders == []


def test_bad_parameters(client: FlaskClient, fake_renders: list[str]) -> None:
    respond("KEN")
    login(client, add_user("focal_point", "KEN"))
    assert get(client, "/states/KEN/profile.pdf?lang=de").status_code == 400
    assert get(client, "/states/KEN/profile.pdf?lang=en&kind=short").status_code == 400
    assert get(client, "/states/KEN/profile.pdf?lang=../../etc").status_code == 400
    assert fake_renders == []


def test_a_failed_render_is_a_clean_error_until_someone_retries(client: FlaskClient,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import web.profiles as module

    failures: list[str] = []

    def failing(html: str, path: Path, *args: Any) -> Rendered:
        failures.append(str(path))
        raise RenderError("timeout", "no result after 120 s")

    monkeypatch.setattr(module, "render_pdf", failing)
    respond("KEN")
    login(client, add_user("focal_point", "KEN"))
    response = fetch(client, "/states/KEN/profile.pdf?lang=en&kind=full")
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and response.mimetype == "text/html"
    assert "too large to be prepared now" in page and "Traceback" not in page and "http-equiv" not in page
    assert 'href="/states/KEN/profile.pdf?lang=en&amp;kind=full&amp;retry=1"' in page
    assert get(client, "/states/KEN/profile.pdf?lang=en&kind=full").status_code == 503  # no new job by itself
    assert len(failures) == 1
    status = get(client, "/states/KEN/profile.pdf?lang=en&kind=full&format=json")
    assert status.status_code == 503 and status.json["status"] == "failed" and status.json["error"] == "timeout"
    retried = get(client, "/states/KEN/profile.pdf?lang=en&kind=full&retry=1")
    assert retried.status_code == 302 and retried.headers["Location"] == "/states/KEN/profile.pdf?lang=en&kind=full"
    again = fetch(client, "/states/KEN/profile.pdf?lang=en&kind=full")
    assert again.status_code == 503 and len(failures) == 2  # tried again, once, on request


def test_scripts_get_the_status_as_json(client: FlaskClient, fake_renders: list[str]) -> None:
    respond("KEN")
    login(client, add_user("focal_point", "KEN"))
    url = "/states/KEN/profile.pdf?lang=en&kind=summary"
    first = get(client, url + "&format=json")
    assert first.status_code == 202 and first.mimetype == "application/json"
    assert first.json["status"] == "pending" and first.json["retry_after"] == 3
    ready = fetch(client, url + "&format=json")
    assert ready.status_code == 200 and ready.json == {"status": "ready", "url": url}
    by_header = client.get(url, headers={"Accept": "application/json"})
    assert by_header.json["status"] == "ready"
    assert get(client, url).data == b"%PDF-1.7 fake" and len(fake_renders) == 1


# -- links on the pages ----------------------------------------------------------------------------------
def test_the_state_page_offers_the_profile(client: FlaskClient) -> None:
    login(client, add_user("focal_point", "KEN"))
    page = client.get("/states/KEN").get_data(as_text=True)
    assert "/states/KEN/profile.pdf" not in page  # no response yet
    respond("KEN")
    page = client.get("/states/KEN").get_data(as_text=True)
    assert 'action="/states/KEN/profile.pdf"' in page and 'name="kind"' in page and 'value="ar"' in page


def test_the_reader_dashboard_links_published_profiles(client: FlaskClient) -> None:
    respond("KEN", status="accepted", publish=True)
    respond("FRA", status="accepted", publish=False)
    login(client, add_user("reader"))
    page = client.get("/?lang=fr").get_data(as_text=True)
    assert "/states/KEN/profile.pdf?kind=summary&amp;lang=fr" in page
    assert "/states/KEN/profile.pdf?kind=full&amp;lang=fr" in page
    assert "/states/FRA/profile.pdf" not in page


# -- the commands ----------------------------------------------------------------------------------------
def test_profile_command_writes_one_file(app: Flask, tmp_path: Path, renders: list[str]) -> None:
    """Through a job (here a thread of this process), waiting for it."""
    from web.cli import profile

    respond("KEN")
    out = tmp_path / "ken.pdf"
    runner = app.test_cli_runner()
    result = runner.invoke(profile, ["--state", "ken", "--lang", "ar", "--summary", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF") and "rendered in" in result.output
    again = runner.invoke(profile, ["--state", "KEN", "--lang", "ar", "--summary", "-o", str(out)])
    assert again.exit_code == 0 and "from the cache" in again.output and len(renders) == 1
    missing = runner.invoke(profile, ["--state", "FRA", "--lang", "ar", "-o", str(out)])
    assert missing.exit_code != 0 and "FRA has no response" in missing.output


def test_profiles_command_renders_in_parallel_and_reports_failures(app: Flask, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import web.profiles
    from web.cli import profiles_command

    respond("KEN")
    respond("FRA")
    runner = app.test_cli_runner()
    result = runner.invoke(profiles_command, ["--all", "--lang", "en,fr", "--kind", "summary",
                                              "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "FRA-summary-en.pdf", "FRA-summary-fr.pdf", "KEN-summary-en.pdf", "KEN-summary-fr.pdf"]
    assert "4 rendered, 0 from the cache, 0 failed" in result.output
    assert "profiles: 100%" in result.output and "4/4" in result.output
    assert re.search(r"(file/s|s/file)\]", result.output)  # the rate
    again = runner.invoke(profiles_command, ["--all", "--lang", "en,fr", "--kind", "summary",
                                             "--out", str(tmp_path / "again")])
    assert "0 rendered, 4 from the cache, 0 failed" in again.output

    def failing(html: str, path: Path, *args: Any) -> Rendered:
        raise RenderError("memory", "over the limit of 2048 MB of address space")

    monkeypatch.setattr(web.profiles, "render_pdf", failing)
    broken = runner.invoke(profiles_command, ["--state", "KEN", "--lang", "ru", "--kind", "full",
                                              "--out", str(tmp_path / "broken")])
    assert broken.exit_code == 1
    assert "0 rendered, 0 from the cache, 1 failed" in broken.output
    assert "FAILED KEN-full-ru.pdf: memory: over the limit" in broken.output
    usage = runner.invoke(profiles_command, ["--lang", "en", "--out", str(tmp_path)])
    assert usage.exit_code == 2 and "--all" in usage.output
    bad = runner.invoke(profiles_command, ["--all", "--lang", "de", "--out", str(tmp_path)])
    assert bad.exit_code == 2 and "unknown language" in bad.output

