"""Turning our HTML into PDF safely: WeasyPrint (pinned) in a limited worker process.

What protects the machine, whatever the answers contain (see reliability.md, section 2.3):

* the HTML comes from autoescaped templates (:mod:`exports.profile.render`): answers are text;
* :class:`AssetFetcher` serves only files under ``exports/static/`` named by ``asset:`` URLs
  (``realpath`` containment) and refuses every other URL (``file:``, ``http(s):``, ``data:``,
  ``ftp:``...), logging each refusal;
* attachments are dropped from the document before it is written (no ``/EmbeddedFiles``);
* rendering runs in a separate process (forkserver: forked from a clean, single-threaded server
  that has WeasyPrint imported), with an address-space limit (``RLIMIT_AS``), no network at all
  (sockets refuse to connect) and a wall-clock timeout after which it is killed;
* :func:`check_weasyprint` fails closed if WeasyPrint's fetcher API is not the one we know.

The PDF is tagged for assistive technology (PDF/UA-1, WeasyPrint's ``pdf_variant="pdf/ua-1"``):
a structure tree from the HTML elements, the document's title and language, bookmarks from the
headings, table headers, the ``<title>`` of each chart as its alternative text. WeasyPrint 70 gives
no element but the document its language, nor a header its scope; :func:`_tag_details` adds both
(``/Lang`` from each ``lang`` attribute, ``/Scope`` from each ``th``'s ``scope``) and leaves the
repeated mark of a draft (``.watermark``) out of the tree, as WeasyPrint does with running headers.

Errors come back as :class:`RenderError` with a ``code`` the web app turns into a message.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import inspect
import logging
import multiprocessing
import os
import socket
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
SCHEME = "asset"
PINNED_WEASYPRINT = "70.0"
PDF_VARIANT = "pdf/ua-1"  # tagged: structure tree, languages, alternative texts (see the module's docstring)
ASSET_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png", ".woff2": "font/woff2",
               ".ttf": "font/ttf", ".otf": "font/otf"}
DEFAULT_TIMEOUT = 120.0  # seconds
DEFAULT_MEMORY = 2 * 1024 ** 3  # bytes of address space for one render


class RenderError(Exception):
    """A profile could not be rendered. ``code``: ``timeout``, ``memory``, ``crashed``, ``failed``
    or ``api`` (WeasyPrint is not the version whose fetcher API we know)."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass
class Rendered:
    """What a render produced: the file, its size and pages, the URLs refused along the way."""

    path: Path
    pages: int
    size: int
    seconds: float
    refused: list[str] = field(default_factory=list)
    connections: list[str] = field(default_factory=list)  # network attempts stopped in the worker
    cpu_seconds: float = 0.0  # CPU time of the worker
    peak_memory: int = 0  # the worker's peak resident memory, in bytes


# -- the URL fetcher ----------------------------------------------------------------------------
class RefusedURL(ValueError):
    """WeasyPrint asked for something outside our packaged assets."""


@functools.cache
def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class AssetFetcher(URLFetcher):  # type: ignore[misc]
        """Serves ``asset:NAME`` from ``exports/static/``; refuses everything else."""

        def __init__(self, root: Path = STATIC, refused: list[str] | None = None):
            super().__init__(timeout=1, allowed_protocols=(SCHEME,), allow_redirects=False, fail_on_errors=False)
            self.root = os.path.realpath(root)
            self.refused = refused if refused is not None else []

        def fetch(self, url: str, headers: Any = None) -> Any:
            path = self.resolve(url)
            if path is None:
                self.refused.append(url[:200])
                log.warning("profile rendering: refused to fetch %.200s", url)
                raise RefusedURL(f"not a packaged asset: {url[:200]}")
            with open(path, "rb") as handle:
                body = handle.read()
            return URLFetcherResponse(url, body=body, headers={"Content-Type": ASSET_TYPES[Path(path).suffix]})

        def open(self, url: Any, data: Any = None, timeout: Any = None) -> Any:  # urllib's entry point
            return self.fetch(getattr(url, "full_url", url))

        def resolve(self, url: str) -> str | None:
            scheme, colon, rest = url.partition(":")
            if not colon or scheme.lower() != SCHEME or "?" in rest or "#" in rest:
                return None
            name = unquote(rest).lstrip("/")
            if not name or "\x00" in name:
                return None
            target = os.path.realpath(os.path.join(self.root, name))
            if os.path.commonpath([target, self.root]) != self.root or not os.path.isfile(target):
                return None
            if Path(target).suffix not in ASSET_TYPES:
                return None
            return target

    return AssetFetcher


def asset_fetcher(refused: list[str] | None = None, root: Path = STATIC) -> Any:
    """A new deny-all fetcher (its ``refused`` list records what it turned down)."""
    return _fetcher_class()(root, refused)


def check_weasyprint() -> list[str]:
    """What differs from the WeasyPrint API this module relies on (empty when all is as expected)."""
    import weasyprint
    from weasyprint import urls

    problems = []
    if weasyprint.__version__ != PINNED_WEASYPRINT:
        problems.append(f"WeasyPrint {weasyprint.__version__} is installed; {PINNED_WEASYPRINT} is pinned")
    fetcher: Any = getattr(urls, "URLFetcher", None)
    if not inspect.isclass(fetcher):
        problems.append("weasyprint.urls.URLFetcher is not a class")
    else:
        params = list(inspect.signature(getattr(fetcher, "fetch")).parameters)  # noqa: B009 (checked, not typed)
        if params[:3] != ["self", "url", "headers"]:
            problems.append(f"URLFetcher.fetch takes {params}, expected (self, url, headers)")
        init = inspect.signature(fetcher.__init__).parameters
        for name in ("allowed_protocols", "fail_on_errors", "allow_redirects"):
            if name not in init:
                problems.append(f"URLFetcher() has no {name!r} parameter")
    response = getattr(urls, "URLFetcherResponse", None)
    if response is None or list(inspect.signature(response.__init__).parameters)[1:5] != [
            "url", "body", "headers", "status"]:
        problems.append("URLFetcherResponse(url, body, headers, status) changed")
    if "url_fetcher" not in inspect.signature(weasyprint.HTML.__init__).parameters:
        problems.append("HTML() has no url_fetcher parameter")
    source = inspect.getsource(urls.fetch) if hasattr(urls, "fetch") else ""
    if "url_fetcher(url)" not in source:
        problems.append("weasyprint.urls.fetch no longer calls the fetcher as url_fetcher(url)")
    problems.extend(_check_tags())
    return problems


# -- tags WeasyPrint leaves out -----------------------------------------------------------------
_TREE_PARAMETERS = ["box", "parent", "pdf", "page_number", "nums", "annotations", "tags"]


def _check_tags() -> list[str]:
    from weasyprint.pdf import tags

    build = getattr(tags, "_build_box_tree", None)
    if build is None or list(inspect.signature(getattr(build, "__wrapped__", build)).parameters) != _TREE_PARAMETERS:
        return ["weasyprint.pdf.tags._build_box_tree(box, parent, pdf, ...) changed: languages of tagged elements"]
    return []


@functools.cache
def _tag_details() -> None:
    """Wrap WeasyPrint's builder of the structure tree (once per process): each structure element
    made from an HTML element with a ``lang`` attribute gets ``/Lang``, each ``th`` its ``/Scope``;
    the mark repeated on every page (``.watermark``) is mapped but kept out of the tree."""
    import pydyf
    from weasyprint.pdf import tags

    build = tags._build_box_tree

    @functools.wraps(build)
    def build_with_details(box: Any, parent: Any, pdf: Any, *args: Any) -> Iterator[Any]:
        source = getattr(getattr(box, "_box", box), "element", None)
        if source is not None and "watermark" in (source.get("class") or "").split():
            tuple(build(box, parent, pdf, *args))  # its marked content is mapped, not linked to the tree
            return
        own = source is not None and source.tag not in ("html", "body")  # those pass their children's through
        for element in build(box, parent, pdf, *args):
            if own and source is not None:
                if lang := source.get("lang"):
                    element["Lang"] = pydyf.String(lang)
                if element["S"] == "/TH" and "A" in element:
                    element["A"]["Scope"] = "/Row" if source.get("scope") == "row" else "/Column"
            yield element

    tags._build_box_tree = build_with_details


# -- no network in the worker ---------------------------------------------------------------------
@contextlib.contextmanager
def no_network(attempts: list[str] | None = None) -> Iterator[list[str]]:
    """Within the block, opening a network connection or resolving a name raises (and is recorded)."""
    attempts = attempts if attempts is not None else []
    saved = (socket.socket.connect, socket.socket.connect_ex, socket.create_connection, socket.getaddrinfo)

    def refuse(*args: Any, **kwargs: Any) -> Any:
        target = next((a for a in args if not isinstance(a, socket.socket)), "?")
        attempts.append(repr(target)[:200])
        raise OSError("network access is disabled while rendering a profile")

    socket.socket.connect = refuse  # type: ignore[method-assign]
    socket.socket.connect_ex = refuse  # type: ignore[method-assign]
    socket.create_connection = refuse
    socket.getaddrinfo = refuse
    try:
        yield attempts
    finally:
        (socket.socket.connect, socket.socket.connect_ex,  # type: ignore[method-assign]
         socket.create_connection, socket.getaddrinfo) = saved


# -- rendering in this process (the worker calls this) -------------------------------------------
def render_here(html: str, target: Path, refused: list[str] | None = None) -> int:
    """Render ``html`` to the PDF file ``target`` in this process; return the number of pages.

    Only for the worker and for tests: callers use :func:`render_pdf`.
    """
    problems = check_weasyprint()
    if problems:
        raise RenderError("api", "; ".join(problems))
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    fetcher = asset_fetcher(refused)
    fonts = FontConfiguration()
    document = HTML(string=html, base_url=None, url_fetcher=fetcher).render(font_config=fonts)
    document.metadata.attachments = []  # never embed a file, whatever the HTML said
    for page in document.pages:
        page.links = [link for link in page.links if link[0] != "attachment"]
    _tag_details()
    document.write_pdf(target, attachments=None, pdf_variant=PDF_VARIANT)
    return len(document.pages)


def _worker(conn: Any, html: str, target: str, memory: int | None) -> None:
    """The worker process: limits, no network, render, report."""
    import resource

    refused: list[str] = []
    attempts: list[str] = []
    errors = tempfile.TemporaryFile()  # what the libraries print (kept for the error message)
    os.dup2(errors.fileno(), 2)
    reserve = None
    try:
        if memory:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
            reserve = bytearray(4 * 2 ** 20)  # given back when memory runs out, to report it
        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        with no_network(attempts):
            pages = render_here(html, Path(target), refused)
        usage = resource.getrusage(resource.RUSAGE_SELF)
        conn.send(("ok", pages, refused, attempts, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024))
    except MemoryError:
        del reserve
        gc.collect()
        _send(conn, ("memory", f"over the limit of {(memory or 0) // 2 ** 20} MB of address space",
                     refused, attempts))
    except RenderError as exc:
        _send(conn, (exc.code, exc.detail, refused, attempts))
    except BaseException as exc:  # noqa: BLE001 - the parent gets a clean error instead of a traceback
        detail = f"{type(exc).__name__}: {exc} {_tail(errors)}"[:1000]
        if memory and _near_limit(memory):  # libraries short of memory fail in many ways
            reserve = None
            _send(conn, ("memory", f"over the limit of {memory // 2 ** 20} MB of address space ({detail})",
                         refused, attempts))
        else:
            _send(conn, ("failed", detail, refused, attempts))
    finally:
        conn.close()


def _near_limit(memory: int) -> bool:
    """Whether this process's address space came within 10 % of ``memory`` (Linux)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmPeak:"):
                return int(line.split()[1]) * 1024 >= memory * 0.9
    return False


def _tail(handle: Any, size: int = 400) -> str:
    with contextlib.suppress(Exception):
        handle.seek(0, os.SEEK_END)
        handle.seek(max(0, handle.tell() - size))
        return str(handle.read().decode("utf-8", "replace").strip())
    return ""


def _send(conn: Any, message: tuple[Any, ...]) -> None:
    with contextlib.suppress(Exception):
        conn.send(message)


# -- the worker process -------------------------------------------------------------------------
_context: Any = None


def context() -> Any:
    """A forkserver context whose server has WeasyPrint imported (forks are then quick).

    As with any multiprocessing start method but fork, the main module must be safe to import
    (``if __name__ == "__main__":``); the server imports it once, not each worker.
    """
    global _context
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(["__main__", "exports.pdf_preload"])
    return _context


def render_pdf(html: str, target: str | os.PathLike[str], timeout: float = DEFAULT_TIMEOUT,
               memory: int | None = DEFAULT_MEMORY) -> Rendered:
    """Render ``html`` to ``target`` in a worker process; raise :class:`RenderError` on failure.

    The file appears complete or not at all (written beside ``target``, then renamed).
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(prefix=".render-", suffix=".pdf", dir=target.parent)
    os.close(fd)
    started = time.monotonic()
    try:
        message = _run(html, partial, timeout, memory)
        status, detail, refused, attempts, *usage = message
        for url in refused:
            log.warning("profile rendering: refused to fetch %.200s", url)
        for attempt in attempts:
            log.warning("profile rendering: stopped a network connection to %s", attempt)
        if status != "ok":
            raise RenderError(status, str(detail))
        os.replace(partial, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(partial)
    cpu, peak = usage if usage else (0.0, 0)
    return Rendered(target, int(detail), target.stat().st_size, time.monotonic() - started, refused, attempts,
                    cpu, peak)


def _run(html: str, partial: str, timeout: float, memory: int | None) -> tuple[Any, ...]:
    ctx = context()
    receive, send = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_worker, args=(send, html, partial, memory), daemon=True)
    process.start()
    send.close()
    try:
        if not receive.poll(timeout):
            raise RenderError("timeout", f"no result after {timeout:g} s")
        try:
            message: tuple[Any, ...] = receive.recv()
        except EOFError:  # the worker ended without a word: killed, crashed, or too short of memory to say
            process.join(5)
            code = process.exitcode
            if memory:
                raise RenderError("memory", f"the worker ended (exit code {code}) under the limit of "
                                            f"{memory // 2 ** 20} MB of address space") from None
            raise RenderError("crashed", f"the worker ended with exit code {code}") from None
        return message
    finally:
        receive.close()
        if process.is_alive():
            process.kill()
        process.join(5)


def render_many(jobs: Iterable[tuple[str, Callable[[], str], Path]], workers: int | None = None,
                timeout: float = DEFAULT_TIMEOUT, memory: int | None = DEFAULT_MEMORY,
                done: Callable[[str, Rendered | None, RenderError | None], None] | None = None) -> dict[str, Any]:
    """Render many documents, ``workers`` at a time (default: one per core).

    ``jobs`` are ``(name, make_html, target)``; ``make_html`` is called in the calling thread just
    before its job is handed to a worker, so that at most a few documents are held in memory.
    ``done(name, rendered, error)`` is called as each finishes. Returns ``{name: Rendered or RenderError}``.
    """
    from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

    workers = max(1, workers or os.cpu_count() or 1)
    results: dict[str, Any] = {}
    pending: dict[Future[Rendered], str] = {}

    def finish(future: Future[Rendered]) -> None:
        name = pending.pop(future)
        try:
            rendered: Rendered | None = future.result()
            error = None
        except RenderError as exc:
            rendered, error = None, exc
        results[name] = rendered if error is None else error
        if done:
            done(name, rendered, error)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for name, make_html, target in jobs:
            while len(pending) >= workers:
                finished, _ = wait(list(pending), return_when=FIRST_COMPLETED)
                for future in finished:
                    finish(future)
            try:
                html = make_html()
            except Exception as exc:  # noqa: BLE001 - reported like a failed render
                log.exception("could not build %s", name)
                results[name] = error = RenderError("failed", f"{type(exc).__name__}: {exc}")
                if done:
                    done(name, None, error)
                continue
            pending[pool.submit(render_pdf, html, target, timeout, memory)] = name
        while pending:
            finished, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            for future in finished:
                finish(future)
    return results
