"""What the web app hands to a profile (no rendering): the previous submission the summary compares
with, and the cover the deployment configured (a bad symbol stops the start)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from tests.conftest import context
from tests.web.test_profiles import respond


def test_profile_data_compares_with_the_previous_submission_and_carries_the_cover(app: Flask) -> None:
    from exports.profile import build_html
    from web import workflow
    from web.extensions import db
    from web.models import Response, User
    from web.profiles import profile_data

    response_id = respond("KEN", "submitted")
    app.config.update(PROFILE_ORGANIZATION={"en": "UNODC", "fr": "ONUDC"}, PROFILE_SYMBOL="CAC/SA/{state}/{number}")
    with context():
        response = db.session.get(Response, response_id)
        assert response is not None
        first = profile_data(response)
        assert first.previous is None and first.mark == "not_accepted"
        assert "CAC/SA/KEN/1" in build_html(first, "fr", "summary") and "ONUDC" in build_html(first, "fr", "summary")
        reviewer = db.session.scalars(select(User).where(User.role == "secretariat_reviewer")).first()
        workflow.return_to_state(response, reviewer, "please check 5 (1)")
        focal = db.session.scalars(select(User).where(User.role == "focal_point")).first()
        draft = profile_data(response)  # returned: still the first submission, compared with nothing before it
        assert draft.snapshot_number == 1 and draft.previous is None
        workflow.submit(response, focal)
        db.session.commit()
        second = profile_data(response)
        assert second.snapshot_number == 2 and second.previous is not None and second.previous.number == 1
        assert second.previous.answers == second.answers
        assert "No provision changed since then." in build_html(second, "en", "summary")


def test_a_bad_symbol_stops_the_start(database_url: str, tmp_path: Path) -> None:
    from web import create_app

    with pytest.raises(ValueError, match=r"PROFILE_SYMBOL 'SA/\{country\}'"):
        create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "x", "REDIS_URL": "",
                    "PROFILE_SYMBOL": "SA/{country}", "PROFILE_DIR": str(tmp_path)})
