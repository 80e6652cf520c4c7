"""Evidence files and office copies in a real browser: uploading with and without JavaScript (the
page's autosave keeps working beside it), downloading, and the import review screen."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import Setup, db_call, log_in, question, wait_saved
from tests.web import evidence_files as files
from tests.web import office_edit as edit

pytestmark = pytest.mark.browser
LAWS = "p5_1.measures"


def answered(setup: Setup) -> str:
    """5 (1) answered 'yes' with one law; the path of its page."""
    from web import answers as saving
    from web import catalog
    from web.extensions import db
    from web.fill.pages import pages
    from web.models import Response, User

    def work() -> str:
        response = db.session.get(Response, setup.response_id)
        q = catalog.questionnaire(response.version)
        user = db.session.get(User, setup.users["amina"].id)
        saving.save(response, q, [saving.Change("p5_1.compliance", "yes", 0),
                                  saving.Change(LAWS, [{"instrument": "Public Officer Ethics Act"}], 0)], user, "save")
        db.session.commit()
        return pages(q).of_question[LAWS].id

    return db_call(work)


def stored(setup: Setup, qid: str) -> Any:
    from sqlalchemy import select

    from web.extensions import db
    from web.models import Answer

    return db_call(lambda: db.session.scalars(select(Answer.value).where(
        Answer.response_id == setup.response_id, Answer.question_id == qid)).first())


def test_upload_on_choosing_then_download(kenya: Setup, page: Page, tmp_path: Path) -> None:
    page_id = answered(kenya)
    law = tmp_path / "Ethics Act.pdf"
    law.write_bytes(files.PDF)
    log_in(page, kenya.server, kenya.users["amina"])
    page.goto(kenya.page_url(page_id))
    cell = question(page, LAWS).locator("tbody tr[data-row='0'] td[data-column='text_file']")
    with page.expect_navigation():
        cell.locator("input[type=file]").set_input_files(str(law))  # evidence.js submits at once
    expect(page.locator("main")).to_contain_text("File attached: Ethics Act.pdf")
    assert stored(kenya, LAWS)[0]["text_file"][0]["name"] == "Ethics Act.pdf"
    # the page's own autosave still works, and keeps the file
    title = question(page, LAWS).locator("tbody tr[data-row='0'] td[data-column='instrument'] input")
    title.fill("Public Officer Ethics Act, 2003")
    wait_saved(page)
    assert stored(kenya, LAWS)[0] == {"instrument": "Public Officer Ethics Act, 2003",
                                      "text_file": stored(kenya, LAWS)[0]["text_file"]}
    assert stored(kenya, LAWS)[0]["text_file"][0]["sha256"] == hashlib.sha256(files.PDF).hexdigest()
    with page.expect_download() as download:
        question(page, LAWS).get_by_role("link", name="Ethics Act.pdf").click()
    assert download.value.suggested_filename == "Ethics Act.pdf"
    target = tmp_path / "downloaded.pdf"
    download.value.save_as(target)
    assert target.read_bytes() == files.PDF


def test_upload_without_javascript_and_a_refusal(kenya: Setup, browser: Browser,
                                                 browser_context_args: dict[str, Any], tmp_path: Path) -> None:
    page_id = answered(kenya)
    context = browser.new_context(**{**browser_context_args, "java_script_enabled": False})
    page = context.new_page()
    try:
        log_in(page, kenya.server, kenya.users["amina"])
        page.goto(kenya.page_url(page_id))
        fake = tmp_path / "law.pdf"
        fake.write_bytes(files.EXE)
        cell = question(page, LAWS).locator("tbody tr[data-row='0'] td[data-column='text_file']")
        cell.locator("input[type=file]").set_input_files(str(fake))
        cell.get_by_role("button", name="Upload").click()
        expect(page.locator("main")).to_contain_text("law.pdf is not a file of a kind accepted here")
        real = tmp_path / "real.pdf"
        real.write_bytes(files.PDF)
        cell = question(page, LAWS).locator("tbody tr[data-row='0'] td[data-column='text_file']")
        cell.locator("input[type=file]").set_input_files(str(real))
        cell.get_by_role("button", name="Upload").click()
        expect(page.locator("main")).to_contain_text("File attached: real.pdf")
        cell = question(page, LAWS).locator("tbody tr[data-row='0'] td[data-column='text_file']")
        cell.get_by_role("button", name="Remove real.pdf").click()
        expect(page.locator("main")).to_contain_text("File removed.")
        assert "text_file" not in stored(kenya, LAWS)[0]
    finally:
        context.close()


def test_import_review_screen(kenya: Setup, page: Page, tmp_path: Path) -> None:
    answered(kenya)
    log_in(page, kenya.server, kenya.users["amina"])
    page.goto(kenya.server(f"/responses/{kenya.response_id}"))
    page.get_by_role("link", name="Word, Excel and JSON copies").click()
    page.locator("#article").select_option("5")
    page.locator("#export-lang").select_option("ar")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download").click()
    copy = tmp_path / "copy.docx"
    download.value.save_as(copy)
    document, tables = edit.docx_tables(copy.read_bytes())
    edit.tick(tables["p5_1.compliance"], "نعم، جزئياً")
    edit.write_rows(tables[LAWS], [["قانون مكافحة الفساد", "", "2003"]])
    copy.write_bytes(edit.save_docx(document))
    page.locator("#import-file").set_input_files(str(copy))
    page.get_by_role("button", name="Review the changes").click()
    expect(page.locator("h1")).to_have_text("Review the imported answers")
    rows = page.locator("table.import-review tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("tr[data-question='p5_1.compliance'] td").nth(2)).to_contain_text("نعم، جزئياً")
    expect(page.locator("tr[data-question='p5_1.measures'] td").nth(2)).to_contain_text("قانون مكافحة الفساد")
    assert stored(kenya, "p5_1.compliance") == "yes"  # nothing saved yet
    page.locator("tr[data-question='p5_1.measures'] input[name=take]").uncheck()
    page.get_by_role("button", name="Save the ticked answers").click()
    expect(page.locator("main")).to_contain_text("1 answers imported.")
    assert stored(kenya, "p5_1.compliance") == "partial"
    assert stored(kenya, LAWS) == [{"instrument": "Public Officer Ethics Act"}]
