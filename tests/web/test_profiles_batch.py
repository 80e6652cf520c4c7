"""Rendering many profiles (web.profiles.batch): which responses, the cache, and a broken response
that must not stop the batch. Rendering itself is covered by the `checklist profiles` test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.conftest import context, start_response


def test_the_newest_response_of_each_state_to_the_checklist(app: Flask) -> None:
    from web.profiles.batch import latest_responses

    kenya, france = start_response("KEN"), start_response("FRA")
    start_response("KEN", questionnaire="technical_assistance")  # another questionnaire: no profile
    with context():
        assert [r.id for r in latest_responses()] == [france.id, kenya.id]  # by State code
        assert [r.id for r in latest_responses(["ken"])] == [kenya.id]
        assert latest_responses(["BRA"]) == []


def test_cached_files_are_copied_and_a_broken_response_is_reported(app: Flask, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import web.profiles.batch as batch
    from exports import profile as profiles
    from exports.cache import ProfileCache

    start_response("KEN")
    start_response("FRA")
    real = batch.profile_data

    def data_or_fail(response: Any) -> Any:
        if response.state.code == "FRA":
            raise ValueError("answers that no longer load")
        return real(response)

    class NoQueue:
        """Everything came from the cache or failed before rendering: nothing may be queued."""

        def enqueue(self, *args: Any, **kwargs: Any) -> None:
            raise AssertionError(f"queued {args}")

    monkeypatch.setattr(batch, "profile_data", data_or_fail)
    monkeypatch.setattr(batch, "backend", NoQueue)
    with context():
        settings = batch.Settings.current()
        (kenya,) = batch.latest_responses(["KEN"])
        data = real(kenya)
        key = profiles.cache_key(data, "en", "summary", batch.gettext_for("en"))
        cached = ProfileCache(settings.folder).path("KEN", "summary", "en", key)
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_bytes(b"%PDF-1.7 cached")
        ticks: list[str] = []
        queued = batch.queue_all(batch.latest_responses(), ["en"], ["summary"], tmp_path / "out",
                                 settings=settings, progress=ticks.append)
    outcome = queued.outcome
    assert queued.jobs == {} and queued.total == 2
    assert outcome.cached == ["KEN-summary-en.pdf"] and outcome.rendered == []
    assert outcome.failed == {"FRA-summary-en.pdf": "ValueError: answers that no longer load"}
    assert (tmp_path / "out" / "KEN-summary-en.pdf").read_bytes() == b"%PDF-1.7 cached"
    assert sorted(ticks) == ["FRA-summary-en.pdf", "KEN-summary-en.pdf"]
