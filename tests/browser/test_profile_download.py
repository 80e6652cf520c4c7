"""A profile download in the browser: the "being prepared" page checks again by itself (no script)
and the download starts when the job has rendered the file; the page says so meanwhile."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, log_in
from tests.conftest import add_user
from tests.web.test_profiles import respond

pytestmark = [pytest.mark.browser, pytest.mark.pdf]


def test_the_page_refreshes_until_the_download_starts(live_server: LiveServer, page: Page, tmp_path: Path) -> None:
    respond("KEN")
    log_in(page, live_server, add_user("focal_point", "KEN"))
    page.goto(live_server("/states/KEN"))
    page.locator("select[name=lang]").select_option("en")
    page.locator("select[name=kind]").select_option("summary")
    with page.expect_download(timeout=90_000) as download:
        page.locator("form.profile-download button[type=submit]").click()
        expect(page.locator("h1")).to_have_text("The file is being prepared")
        expect(page.locator("main [role=status]")).to_contain_text("Summary profile (PDF) · English")
    assert download.value.suggested_filename == "KEN-profile-summary-en.pdf"
    target = tmp_path / "profile.pdf"
    download.value.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")
    expect(page.locator("h1")).to_have_text("The file is being prepared")  # the page stays; the file is saved
