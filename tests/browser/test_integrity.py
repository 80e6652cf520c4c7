"""The browser side of database faults and late saves (fill.js).

* A 503 from autosave (the database really failing on the server, twice: the attempt and its
  repeat) is "Not saved, retrying": the change stays in this browser and is sent again after
  Retry-After, then saved once.
* A save refused because the response was submitted meanwhile says so; the change stays in this
  browser's local copy and is not sent again.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import update

from tests.browser.conftest import Setup, db_call, log_in, wait_saved
from tests.browser.test_fill_page import revisions, stored
from tests.browser.test_saving import NAME, _local_copy
from tests.web.test_faults import fault

pytestmark = pytest.mark.browser
__all__ = ["fault"]


def test_a_503_is_retried_after_retry_after_and_saved_once(kenya: Setup, page: Page,
                                                          fault: Callable[[str, int], list[str]]) -> None:
    kenya.server.app.config["RETRY_AFTER"] = 1
    log_in(page, kenya.server, kenya.users["amina"])
    page.goto(kenya.server(f"/responses/{kenya.response_id}/pages/focal_point"))
    seen = fault("INSERT INTO answer_revisions", 2)
    replies: list[int] = []
    page.on("response", lambda r: replies.append(r.status) if r.url.endswith("/autosave") else None)
    page.locator(f"[name='{NAME}']").fill("Amina Retried")
    expect(page.locator("[data-save-state]")).to_contain_text("Not saved, retrying", timeout=15_000)
    assert _local_copy(page, kenya, kenya.users["amina"])[NAME]["value"] == "Amina Retried"
    wait_saved(page, timeout=30_000)
    assert len(seen) == 2 and replies[0] == 503 and replies[-1] == 200, replies
    assert stored(kenya.response_id)[NAME] == "Amina Retried"
    assert len([r for r in revisions(kenya.response_id, NAME) if r.source == "autosave"]) == 1


def test_a_save_after_the_submission_says_so_and_keeps_the_change(kenya: Setup, page: Page) -> None:
    from web.extensions import db
    from web.models import Response

    log_in(page, kenya.server, kenya.users["amina"])
    page.goto(kenya.server(f"/responses/{kenya.response_id}/pages/focal_point"))

    def submitted() -> None:  # a colleague submitted while this page was open
        db.session.execute(update(Response).where(Response.id == kenya.response_id).values(status="submitted"))
        db.session.commit()

    db_call(submitted)
    page.locator(f"[name='{NAME}']").fill("Too late")
    expect(page.locator("[data-save-state]")).to_contain_text("already been submitted", timeout=15_000)
    assert _local_copy(page, kenya, kenya.users["amina"])[NAME]["value"] == "Too late"
    assert NAME not in stored(kenya.response_id)
