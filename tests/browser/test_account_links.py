"""In a real browser: a new account's owner chooses a password from the e-mailed invitation, and a
person who forgot it asks for a link on the login page and sets a new one; messages go through a
real SMTP server on loopback, sent by the job as a worker runs it."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.conftest import add_user
from tests.smtp import SMTPServer
from tests.web.mail_helpers import RecordingQueue

pytestmark = pytest.mark.browser


@pytest.fixture
def mail(live_server: LiveServer) -> Iterator[tuple[SMTPServer, RecordingQueue]]:
    server = SMTPServer()
    server.start()
    live_server.app.config.update(server.settings(), PUBLIC_URL=live_server.url)
    recorder = RecordingQueue()
    live_server.app.extensions["jobs"] = recorder
    yield server, recorder
    server.stop()


def link(server: SMTPServer, address: str, live: LiveServer) -> str:
    message = server.to(address)[-1]
    found = re.search(re.escape(live.url) + r"/account/set-password/[A-Za-z0-9_\-]+", message.text)
    assert found, message.text
    return found.group(0)


def test_an_invited_person_sets_a_password_and_is_logged_in(page: Page, live_server: LiveServer,
                                                            mail: tuple[SMTPServer, RecordingQueue]) -> None:
    server, queue = mail
    admin = add_user("secretariat_admin")
    page.goto(live_server("/login"))
    page.locator("#email").fill(admin.email)
    page.locator("#password").fill("correct horse battery staple")
    page.locator("main form button[type=submit]").click()
    page.goto(live_server("/admin/users"))
    page.locator("#email").fill("amina@ken.example")
    page.locator("#name").fill("Amina")
    page.locator("#role").select_option("focal_point")
    page.locator("#state").fill("KEN")
    page.locator("#language").select_option("en")
    page.get_by_role("button", name="Create the account and send the invitation").click()
    expect(page.locator(".notice-success")).to_contain_text("An invitation to choose a password is sent")
    queue.run(live_server.app)
    server.wait(1)
    invited = page.context.browser.new_context()  # type: ignore[union-attr]
    other = invited.new_page()
    other.goto(link(server, "amina@ken.example", live_server))
    expect(other.locator("h1")).to_have_text("Choose your password")
    other.locator("#password").fill("amina's own passphrase")
    other.locator("#confirm").fill("amina's own passphrase")
    other.get_by_role("button", name="Set my password").click()
    expect(other.locator(".notice-success")).to_contain_text("Your password is set")
    expect(other.locator("h1")).to_contain_text("Kenya")  # the focal point's page: logged in
    other.goto(link(server, "amina@ken.example", live_server))
    expect(other.locator("#link-invalid")).to_be_visible()  # the link worked once
    invited.close()


def test_a_forgotten_password_is_reset_from_the_login_page(page: Page, live_server: LiveServer,
                                                           mail: tuple[SMTPServer, RecordingQueue]) -> None:
    server, queue = mail
    add_user("focal_point", "FRA", email="brian@fra.example")
    page.goto(live_server("/login"))
    page.get_by_role("link", name="Forgot your password?").click()
    page.locator("#email").fill("brian@fra.example")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.locator("#reset-sent")).to_be_visible()
    queue.run(live_server.app)
    server.wait(1)
    page.goto(link(server, "brian@fra.example", live_server))
    page.locator("#password").fill("short")
    page.locator("#confirm").fill("short")
    page.get_by_role("button", name="Set my password").click()
    expect(page.locator(".error-message")).to_contain_text("at least 12 characters")
    page.locator("#password").fill("brian's brand new passphrase")
    page.locator("#confirm").fill("brian's brand new passphrase")
    page.get_by_role("button", name="Set my password").click()
    expect(page.locator(".notice-success")).to_contain_text("Your password is set")
    page.get_by_role("button", name="Log out").click()
    page.locator("#email").fill("brian@fra.example")
    page.locator("#password").fill("brian's brand new passphrase")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("France")
