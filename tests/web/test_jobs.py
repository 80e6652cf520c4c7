"""Profiles through the real job queue: RQ workers (``checklist worker`` processes) on the real Redis.

What is checked: a download in the web process never renders (the worker does), for profiles and
country review reports; scripts read the job's status and place in the queue as JSON; submitting,
accepting and publishing re-render the State's profiles ahead, one job per file however many steps
come in a short time; the batch command goes through the workers; workers refuse functions that
are not jobs; without Redis the app says so and runs jobs in its own threads.
"""

from __future__ import annotations

import logging
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rq import Queue
from rq.registry import FinishedJobRegistry
from rq.serializers import JSONSerializer

from tests import jobs as real
from tests.conftest import add_user, context, login
from tests.web.test_profiles import fetch, get, in_french, pdf_text, respond

pytestmark = pytest.mark.pdf


@pytest.fixture(scope="module")
def namespace() -> Iterator[str]:
    real.redis()
    name = real.new_namespace()
    yield name
    real.forget_namespace(name)


@pytest.fixture(scope="module")
def profile_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("profiles")


@pytest.fixture(scope="module")
def worker(database_url: str, baseline: dict[str, Any], namespace: str, profile_dir: Path,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[real.Worker]:
    yield from real.running_worker(database_url, namespace, profile_dir, tmp_path_factory.mktemp("worker"))


@pytest.fixture
def queued(app: Flask, namespace: str, profile_dir: Path, worker: real.Worker) -> Iterator[Flask]:
    """The test's app on the real queue that the worker listens on (the cache emptied after)."""
    from web import jobs

    app.config.update(real.settings(namespace, profile_dir))
    jobs.init_app(app)
    yield app
    shutil.rmtree(profile_dir)
    profile_dir.mkdir()


@pytest.fixture
def never_renders_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any call into WeasyPrint or the renderer from this (the web) process fails the test."""
    import weasyprint

    import exports.pdf
    import web.profiles
    import web.reviews.tasks

    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the web process tried to render a PDF")

    for module, name in ((exports.pdf, "render_pdf"), (exports.pdf, "render_here"), (exports.pdf, "_run"),
                         (web.profiles, "render_pdf"), (web.reviews.tasks, "render_pdf"), (weasyprint, "HTML")):
        monkeypatch.setattr(module, name, forbidden)


def test_a_download_is_rendered_by_a_worker_never_in_the_web_process(
        queued: Flask, client: FlaskClient, never_renders_here: None, tmp_path: Path) -> None:
    respond("KEN")
    login(client, add_user("focal_point", "KEN"))
    first = get(client, "/states/KEN/profile.pdf?lang=fr&kind=summary")
    assert first.status_code == 202 and "http-equiv=\"refresh\"" in first.get_data(as_text=True)
    response = fetch(client, "/states/KEN/profile.pdf?lang=fr&kind=summary")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(pdf_text(response.data, tmp_path).split())
    assert "Kenya" in text and in_french(queued)("Compliance by chapter") in text
    assert get(client, "/states/KEN/profile.pdf?lang=fr&kind=summary").data == response.data  # the cache
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json["checks"]["workers"]["detail"] == "1 worker(s)"
    assert ready.json["degraded"] == []


def test_a_review_report_is_rendered_by_a_worker_never_in_the_web_process(
        queued: Flask, client: FlaskClient, never_renders_here: None, tmp_path: Path) -> None:
    from tests.web.test_cycles import cli, expert, open_cycle, review_id

    open_cycle(queued)
    cli(queued, "reviews", "assign", "--state", "KEN", "--reviewers", "FRA,MEX", "--cycle", "2026-II")
    review = review_id()
    login(client, expert("FRA"))
    url = f"/reviews/{review}/report.pdf?lang=fr"
    first = get(client, url + "&format=json")
    assert first.status_code == 202 and first.json["status"] == "pending"
    response = fetch(client, url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(pdf_text(response.data, tmp_path).split())
    assert "Kenya" in text and in_french(queued)("Country review report") in text
    assert get(client, url).data == response.data  # the cache


def test_scripts_see_the_job_and_its_place_in_the_queue(app: Flask, client: FlaskClient, profile_dir: Path,
                                                        never_renders_here: None) -> None:
    """On a queue no worker listens to, jobs wait: their place is reported, and /readyz says why."""
    from web import jobs

    idle = real.new_namespace()
    app.config.update(real.settings(idle, profile_dir))
    jobs.init_app(app)
    try:
        respond("KEN")
        login(client, add_user("secretariat_reviewer"))
        first = client.get("/states/KEN/profile.pdf?lang=en&kind=full", headers={"Accept": "application/json"})
        second = client.get("/states/KEN/profile.pdf?lang=ar&kind=full&format=json")
        assert first.status_code == second.status_code == 202
        assert first.json["job"] == "queued" and first.json["position"] == 0
        assert second.json["position"] == 1 and second.headers["Retry-After"] == "3"
        again = client.get("/states/KEN/profile.pdf?lang=en&kind=full&format=json")
        assert again.json["position"] == 0  # the same job, not a second one
        ready = client.get("/readyz")
        assert ready.status_code == 200 and ready.json["degraded"] == ["workers"]  # States can still answer
        assert f"no worker listens on queue '{idle}'" in ready.json["checks"]["workers"]["detail"]
        assert "2 waiting" in ready.json["checks"]["queue"]["detail"]
    finally:
        real.forget_namespace(idle)


def test_steps_rerender_the_profiles_ahead_once_per_file(queued: Flask, client: FlaskClient,
                                                         never_renders_here: None, namespace: str) -> None:
    """Submission, acceptance and publication, in three commits within the debounce window: one
    job per file (summary, six languages); a reader then downloads without waiting."""
    from web import consent, workflow
    from web.extensions import db
    from web.models import Response, User

    queued.config.update(PROFILE_RERENDER="summary", JOBS_DEBOUNCE=3)
    finished = FinishedJobRegistry(f"{namespace}-batch", connection=real.redis(), serializer=JSONSerializer)
    before = finished.count
    response_id = respond("KEN", status="submitted")
    reviewer = add_user("secretariat_reviewer")
    focal = add_user("focal_point", "KEN")
    with context():
        response = db.session.get(Response, response_id)
        consent.set_consent(response, db.session.get(User, focal.id), "profile")
        workflow.accept(response, db.session.get(User, reviewer.id))
        db.session.commit()
        workflow.set_published(response, db.session.get(User, reviewer.id), True)
        db.session.commit()
    reader = add_user("reader")
    login(client, reader)
    import time

    deadline = time.monotonic() + 120
    while finished.count < before + 6 and time.monotonic() < deadline:
        time.sleep(0.25)
    time.sleep(1)  # a seventh job, if debouncing failed, would have been queued by now
    assert finished.count - before == 6
    for lang in ("ar", "en", "es", "fr", "ru", "zh"):  # rendered ahead, as published: no waiting
        response = get(client, f"/states/KEN/profile.pdf?lang={lang}&kind=summary")
        assert response.status_code == 200 and response.mimetype == "application/pdf", lang


def test_the_batch_command_goes_through_the_workers(queued: Flask, tmp_path: Path,
                                                    never_renders_here: None) -> None:
    from web.cli import profiles_command

    respond("KEN")
    respond("FRA")
    runner = queued.test_cli_runner()
    result = runner.invoke(profiles_command, ["--state", "KEN", "--state", "FRA", "--lang", "en,fr",
                                              "--kind", "summary", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "4 rendered, 0 from the cache, 0 failed" in result.output
    assert "profiles: 100%" in result.output and "4/4" in result.output
    assert re.search(r"(file/s|s/file)\]", result.output)  # the rate
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "FRA-summary-en.pdf", "FRA-summary-fr.pdf", "KEN-summary-en.pdf", "KEN-summary-fr.pdf"]
    assert all(p.read_bytes().startswith(b"%PDF") for p in (tmp_path / "out").iterdir())


def test_workers_refuse_functions_that_are_not_jobs(queued: Flask, namespace: str, tmp_path: Path) -> None:
    from web.jobs import backend

    marker = tmp_path / "should-not-exist"
    queue = Queue(namespace, connection=real.redis(), serializer=JSONSerializer)
    job = queue.enqueue("pathlib.Path.touch", str(marker),  # what someone who can write to Redis might try
                        job_id=f"{namespace}-intruder")
    import time

    deadline = time.monotonic() + 60
    with queued.app_context():
        while backend().state(job.id).pending and time.monotonic() < deadline:
            time.sleep(0.1)
        state = backend().state(job.id)
    assert state.status == "failed" and state.error == "refused" and not marker.exists()


def test_without_redis_the_app_says_so_and_uses_threads(database_url: str, tmp_path: Path,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    from tests.conftest import db_dispose, make_app

    with caplog.at_level(logging.WARNING, logger="web.jobs"):
        app = make_app(database_url, tmp_path, REDIS_URL="redis://127.0.0.1:9/0")
    assert "NO JOB QUEUE: Redis does not answer at redis://127.0.0.1:9/0" in caplog.text
    assert "run in a thread of this process" in caplog.text
    from web.jobs.local import LocalBackend

    assert isinstance(app.extensions["jobs"], LocalBackend)
    ready = app.test_client().get("/readyz")
    assert ready.status_code == 503 and ready.json["failed"] == ["queue", "redis"]
    db_dispose(app)


def test_a_worker_keeps_the_render_limits_and_reports_their_failure(
        app: Flask, client: FlaskClient, database_url: str, profile_dir: Path,
        tmp_path_factory: pytest.TempPathFactory) -> None:
    """A worker whose renders may take 0.05 s: the job fails with the code ``timeout`` (the render
    process is killed), and the download page says why and offers to try again."""
    from web import jobs

    strict = real.new_namespace()
    try:
        with real.started_worker(database_url, strict, profile_dir, tmp_path_factory.mktemp("strict"),
                                 PROFILE_TIMEOUT="0.05"):
            app.config.update(real.settings(strict, profile_dir))
            jobs.init_app(app)
            respond("KEN")
            login(client, add_user("focal_point", "KEN"))
            response = fetch(client, "/states/KEN/profile.pdf?lang=en&kind=full")
            page = response.get_data(as_text=True)
            assert response.status_code == 503 and "too large to be prepared now" in page
            assert "retry=1" in page and "Traceback" not in page
            status = get(client, "/states/KEN/profile.pdf?lang=en&kind=full&format=json")
            assert status.json["error"] == "timeout" and status.json["status"] == "failed"
    finally:
        real.forget_namespace(strict)
