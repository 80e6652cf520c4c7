"""Real-browser fixtures: the app served on a loopback port, driven by Debian's Chromium.

The live server runs the test's ``app`` (the same database, baseline and reset as every web test)
with Werkzeug in a thread; each test gets its own server and the database is reset after it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, expect
from werkzeug.serving import make_server

from tests.conftest import PASSWORD, add_user, context, start_response

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

#: A provision page of the checklist: compliance, then follow-ups and two repeating tables.
PAGE = "p5_1"


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args() -> dict[str, Any]:
    return {"locale": "en-GB", "timezone_id": "UTC"}


@dataclass
class LiveServer:
    app: Flask
    url: str

    def __call__(self, path: str = "/") -> str:
        return self.url + path


def _closed_when_sent(app: Flask) -> Callable[..., Any]:
    """The app, with each response body closed as soon as it is sent (or dropped).

    Werkzeug's development server closes a body only after draining the socket, and a browser
    that resets the connection there (a test ending while static files load) makes the drain
    raise first: the static file stays open until the garbage collector finds it, and pytest
    reports the ResourceWarning in whichever test runs then.
    """

    def wsgi(environ: dict[str, Any], respond: Callable[..., Any]) -> Iterator[bytes]:
        body = app(environ, respond)

        def chunks() -> Iterator[bytes]:
            try:
                yield from body
            finally:
                close = getattr(body, "close", None)
                if close is not None:
                    close()

        return chunks()

    return wsgi


@pytest.fixture
def live_server(app: Flask) -> Iterator[LiveServer]:
    server = make_server("127.0.0.1", 0, _closed_when_sent(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


# -- people and pages ---------------------------------------------------------------------------
@dataclass
class Setup:
    server: LiveServer
    response_id: int
    users: dict[str, Any]

    def page_url(self, page_id: str = PAGE) -> str:
        return self.server(f"/responses/{self.response_id}/pages/{page_id}")


@pytest.fixture
def kenya(live_server: LiveServer) -> Setup:
    """Two focal points of Kenya and a draft response to the checklist."""
    users = {"amina": add_user("focal_point", "KEN", email="amina@ken.test"),
             "brian": add_user("focal_point", "KEN", email="brian@ken.test")}
    response = start_response("KEN")
    return Setup(live_server, response.id, users)


def log_in(page: Page, server: LiveServer, user: Any, next_path: str | None = None) -> None:
    page.goto(server("/login" + (f"?next={next_path}" if next_path else "")))
    page.locator("#email").fill(user.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/login" not in page.url, "login failed"


def in_language(page: Page, lang: str) -> None:
    """Switch the interface language with the page's own switcher (nothing if it is already ``lang``)."""
    if page.locator("html").get_attribute("lang") != lang:
        page.locator(f".language-switcher button[lang={lang}]").click()
        expect(page.locator("html")).to_have_attribute("lang", lang)


def wait_saved(page: Page, timeout: float = 15_000) -> None:
    """Wait until every change of the page is confirmed by the server (nothing left in the local copy)."""
    page.wait_for_function(
        "() => !Object.keys(localStorage).some(k => k.startsWith('checklist:'))", timeout=timeout)
    expect(page.locator("[data-save-state]")).to_have_text(re.compile(r"^Saved at \d"), timeout=timeout)


def autosaved(page: Page, timeout: float = 15_000) -> Any:
    """``with autosaved(page): ...``: wait for the autosave request that the block's changes cause."""
    return page.expect_response(lambda r: r.url.endswith("/autosave") and r.request.method == "POST",
                                timeout=timeout)


def question(page: Page, qid: str) -> Any:
    return page.locator(f"[id='q-{qid}']")


def db_call(func: Callable[[], Any]) -> Any:
    """Run ``func`` in an app context of the test's app (for reading or changing the database)."""
    with context():
        return func()


@pytest.fixture
def two_contexts(browser: Browser, browser_context_args: dict[str, Any]) -> Iterator[
        tuple[BrowserContext, BrowserContext]]:
    first = browser.new_context(**browser_context_args)
    second = browser.new_context(**browser_context_args)
    yield first, second
    first.close()
    second.close()
