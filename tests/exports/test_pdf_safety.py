"""Rendering untrusted answers safely: the deny-all URL fetcher, no attachments, no network, and
a worker process that is killed when it takes too long or uses too much memory."""

from __future__ import annotations

import inspect
import logging
import os
import socket
import threading
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from exports import pdf
from exports.profile import build_html

from .conftest import pdf_text
from .filled import parse

pytestmark = pytest.mark.pdf

PAYLOAD = ('<img src="file:///etc/passwd"> <link rel="attachment" href="file:///etc/hostname"> '
           "@import url(http://127.0.0.1:9/)")


def secret_lines() -> list[str]:
    """Content of the files the payload points to, which must never reach a PDF."""
    found = [line for line in Path("/etc/passwd").read_text().splitlines() if line.startswith("root:")]
    hostname = Path("/etc/hostname")
    if hostname.exists() and hostname.read_text().strip():
        found.append(hostname.read_text().strip())
    return found


def embedded_files(path: Path) -> list[Any]:
    reader = PdfReader(str(path))
    names = reader.trailer["/Root"].get("/Names")
    files = names.get_object().get("/EmbeddedFiles") if names is not None else None
    annotations = [annot.get_object().get("/Subtype") for page in reader.pages
                   for annot in (page.get("/Annots") or [])]
    return [files] if files is not None else [a for a in annotations if a == "/FileAttachment"]


class Listener:
    """A TCP server on a free local port that records every connection made to it."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        while self.running:
            try:
                conn, _ = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.running = False
        self.thread.join(2)
        self.server.close()


@pytest.fixture
def listener() -> Any:
    server = Listener()
    yield server
    server.close()


def injected_html(port: int) -> str:
    """Raw HTML as if an answer had slipped through unescaped: every way to make WeasyPrint fetch."""
    return f"""<!DOCTYPE html><html lang="en"><head>
      <link rel="stylesheet" href="asset:profile.css">
      <link rel="stylesheet" href="http://127.0.0.1:{port}/style.css">
      <link rel="stylesheet" href="asset:../pdf.py">
      <link rel="attachment" href="file:///etc/hostname">
      <style>@import url(http://127.0.0.1:{port}/import.css);
             body {{ background: url(ftp://127.0.0.1:{port}/x.png); }}
             @font-face {{ font-family: X; src: url(http://127.0.0.1:{port}/font.woff2); }}</style>
      </head><body><p>Marker text</p>
      <img src="file:///etc/passwd"> <img src="http://127.0.0.1:{port}/img.png">
      <img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=">
      <a rel="attachment" href="file:///etc/passwd">attached</a>
      <object data="file:///etc/passwd"></object><iframe src="file:///etc/passwd"></iframe>
      <svg><image href="file:///etc/passwd" width="10" height="10"/></svg>
      </body></html>"""


# -- the fetcher -------------------------------------------------------------------------------------
def test_fetcher_serves_only_packaged_assets(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    refused: list[str] = []
    fetcher = pdf.asset_fetcher(refused)
    response = fetcher.fetch("asset:profile.css")
    assert b"@page" in response.read() and response.content_type == "text/css"
    outside = tmp_path / "secret.css"
    outside.write_text("secret")
    (pdf.STATIC / "link-test.css").unlink(missing_ok=True)
    bad = ["file:///etc/passwd", "FILE:///etc/passwd", "http://127.0.0.1:9/", "https://example.org/a.css",
           "ftp://example.org/a", "data:text/css,body{}", "asset:../pdf.py", "asset:%2e%2e/pdf.py",
           "asset:/../../etc/passwd", "asset:", "asset:nothing.css", "asset:profile.css?x=1", "javascript:x",
           "profile.css", f"asset:{outside}", "gopher://x"]
    with caplog.at_level(logging.WARNING, logger="exports.pdf"):
        for url in bad:
            with pytest.raises(pdf.RefusedURL):
                fetcher.fetch(url)
    assert refused == [url[:200] for url in bad]
    assert sum("refused to fetch" in record.getMessage() for record in caplog.records) == len(bad)


def test_fetcher_follows_no_link_out_of_its_folder(tmp_path: Path) -> None:
    root = tmp_path / "static"
    root.mkdir()
    (root / "ok.css").write_text("p {}")
    secret = tmp_path / "secret.css"
    secret.write_text("secret")
    (root / "escape.css").symlink_to(secret)
    (root / "inside.css").symlink_to(root / "ok.css")
    fetcher = pdf.asset_fetcher(root=root)
    assert fetcher.fetch("asset:inside.css").read() == b"p {}"
    with pytest.raises(pdf.RefusedURL):
        fetcher.fetch("asset:escape.css")


def test_weasyprint_api_is_the_one_we_rely_on(monkeypatch: pytest.MonkeyPatch) -> None:
    assert pdf.check_weasyprint() == []
    import weasyprint
    from weasyprint import urls

    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    assert any("71.0" in problem for problem in pdf.check_weasyprint())
    monkeypatch.undo()

    def fetch(self: Any, url: str, timeout: int = 10) -> None: ...

    monkeypatch.setattr(urls.URLFetcher, "fetch", fetch)
    assert any("URLFetcher.fetch" in problem for problem in pdf.check_weasyprint())
    monkeypatch.undo()
    assert "url_fetcher(url)" in inspect.getsource(urls.fetch)


def test_rendering_refuses_to_start_when_the_api_changed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(pdf, "check_weasyprint", lambda: ["URLFetcher.fetch changed"])
    with pytest.raises(pdf.RenderError) as caught:
        pdf.render_here("<p>x</p>", tmp_path / "x.pdf")
    assert caught.value.code == "api" and not (tmp_path / "x.pdf").exists()


def test_the_fetcher_is_what_weasyprint_calls(tmp_path: Path) -> None:
    """If WeasyPrint stopped calling our fetcher, nothing would be refused here."""
    refused: list[str] = []
    pages = pdf.render_here('<link rel="stylesheet" href="asset:profile.css"><p>x</p>'
                            '<img src="http://127.0.0.1:9/a.png">', tmp_path / "x.pdf", refused)
    assert pages == 1 and refused == ["http://127.0.0.1:9/a.png"]


# -- whole renders -----------------------------------------------------------------------------------
def test_answers_with_markup_render_as_text(checklist: Any, data_of: Any, tmp_path: Path) -> None:
    answers = parse(checklist, {
        "framework_overview": PAYLOAD, "p5_1.compliance": "partial",
        "p5_1.measures": [{"instrument": "Act <b>bold</b>", "link": "file:///etc/passwd"}],
        "p5_1.measures_summary": PAYLOAD, "p5_1.steps": [{"step": PAYLOAD}], "p5_1.challenges": ["legislation"],
        "p5_1.challenges_detail": PAYLOAD, "p5_1.ta_needed": False, "p5_1.ta_received": False,
    })
    rendered = pdf.render_pdf(build_html(data_of(answers), "en", "full"), tmp_path / "p.pdf")
    assert rendered.refused == [] and rendered.connections == []  # the answers asked for nothing
    text = pdf_text(rendered.path)
    assert '<img src="file:///etc/passwd">' in text  # shown as the State wrote it
    assert "@import url(http://127.0.0.1:9/)" in text
    for secret in secret_lines():
        assert secret not in text
    assert embedded_files(rendered.path) == []


def test_injected_markup_fetches_nothing(listener: Listener, tmp_path: Path,
                                         caplog: pytest.LogCaptureFixture) -> None:
    """Even HTML that bypassed the templates reaches no file, no network and embeds nothing."""
    with caplog.at_level(logging.WARNING, logger="exports.pdf"):
        rendered = pdf.render_pdf(injected_html(listener.port), tmp_path / "x.pdf")
    assert listener.connections == 0 and rendered.connections == []
    assert "Marker text" in pdf_text(rendered.path)
    for secret in secret_lines():
        assert secret not in pdf_text(rendered.path)
        if len(secret) >= 8:  # a short host name ("vm") turns up in compressed bytes by chance
            assert secret.encode() not in rendered.path.read_bytes()
    assert embedded_files(rendered.path) == []
    refused = set(rendered.refused)
    assert "file:///etc/hostname" not in refused  # attachments are dropped before anything fetches them
    for url in ("file:///etc/passwd", f"http://127.0.0.1:{listener.port}/import.css",
                f"http://127.0.0.1:{listener.port}/img.png", f"http://127.0.0.1:{listener.port}/style.css",
                "asset:../pdf.py"):
        assert url in refused, (url, refused)
    assert any(url.startswith("data:") for url in refused)
    logged = [record.getMessage() for record in caplog.records if "refused to fetch" in record.getMessage()]
    assert len(logged) == len(rendered.refused)


def test_no_socket_is_opened_in_process(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The same render in this process, with every way to connect watched."""
    attempts: list[Any] = []

    def watch(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args)
        raise OSError("blocked by the test")

    monkeypatch.setattr(socket.socket, "connect", watch)
    monkeypatch.setattr(socket.socket, "connect_ex", watch)
    monkeypatch.setattr(socket, "create_connection", watch)
    monkeypatch.setattr(socket, "getaddrinfo", watch)
    pdf.render_here(injected_html(9), tmp_path / "x.pdf")
    assert attempts == []


def test_the_worker_has_no_network() -> None:
    with pdf.no_network() as attempts:
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", 9), timeout=1)
        with pytest.raises(OSError):
            socket.getaddrinfo("example.org", 80)
    assert len(attempts) == 2
    assert socket.create_connection is not None and "refuse" not in socket.create_connection.__name__


# -- limits ------------------------------------------------------------------------------------------
def big_html(paragraphs: int = 6000) -> str:
    body = "".join(f"<p>Paragraph {i} of a long document that takes a while to lay out.</p>"
                   for i in range(paragraphs))
    return f'<html><head><link rel="stylesheet" href="asset:profile.css"></head><body>{body}</body></html>'


def test_a_slow_render_is_stopped(tmp_path: Path) -> None:
    with pytest.raises(pdf.RenderError) as caught:
        pdf.render_pdf(big_html(), tmp_path / "slow.pdf", timeout=1.0)
    assert caught.value.code == "timeout"
    assert list(tmp_path.iterdir()) == []  # neither the file nor a partial one


def test_a_render_over_the_memory_limit_fails_cleanly(tmp_path: Path) -> None:
    with pytest.raises(pdf.RenderError) as caught:
        pdf.render_pdf(big_html(200), tmp_path / "big.pdf", memory=100 * 2 ** 20)
    assert caught.value.code == "memory" and "100 MB" in caught.value.detail
    assert list(tmp_path.iterdir()) == []


def test_a_render_within_limits_reports_its_cost(tmp_path: Path) -> None:
    rendered = pdf.render_pdf(big_html(50), tmp_path / "ok.pdf", timeout=60)
    assert rendered.pages >= 1 and rendered.path.stat().st_size == rendered.size > 1000
    assert 0 < rendered.peak_memory < pdf.DEFAULT_MEMORY and rendered.cpu_seconds > 0
    assert [p.name for p in tmp_path.iterdir()] == ["ok.pdf"]
    assert os.access(rendered.path, os.R_OK)


def test_render_many_reports_each_result(tmp_path: Path) -> None:
    done: list[str] = []

    def broken() -> str:
        raise ValueError("no data")

    jobs = [("a", lambda: big_html(5), tmp_path / "a.pdf"), ("b", broken, tmp_path / "b.pdf"),
            ("c", lambda: big_html(5), tmp_path / "c.pdf")]
    results = pdf.render_many(jobs, workers=2, done=lambda name, rendered, error: done.append(name))
    assert sorted(done) == ["a", "b", "c"]
    assert isinstance(results["a"], pdf.Rendered) and isinstance(results["c"], pdf.Rendered)
    assert isinstance(results["b"], pdf.RenderError) and "no data" in str(results["b"])


def test_attachments_are_dropped_even_when_fetchable(tmp_path: Path) -> None:
    html = ('<link rel="attachment" href="asset:profile.css"><p>x '
            '<a rel="attachment" href="asset:profile-rtl.css">file</a></p>')
    from weasyprint import HTML  # what WeasyPrint alone would do with our fetcher: embed both

    HTML(string=html, url_fetcher=pdf.asset_fetcher()).write_pdf(tmp_path / "plain.pdf")
    assert embedded_files(tmp_path / "plain.pdf") != []
    pdf.render_here(html, tmp_path / "ours.pdf")
    assert embedded_files(tmp_path / "ours.pdf") == []
    assert b"@page" not in (tmp_path / "ours.pdf").read_bytes()
