"""Rendered profiles on disk: one file per (State, kind, language, cache key).

The cache key (:func:`exports.profile.cache_key`) changes whenever the content can change, so a
file, once written, is never stale and downloading it again costs a file read. Files are written
beside their final name and renamed (never half a file); a lock file per State, kind and language
makes concurrent requests, in any process, render a profile once; older files of the same profile
are removed when a new one is written (:func:`render_once`). Country review reports are kept the
same way, one file per (review, language, cache key) (:class:`ReportCache`).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import engine

from .pdf import DEFAULT_MEMORY, DEFAULT_TIMEOUT, Rendered, render_pdf
from .profile.model import KINDS

_STATE = re.compile(r"[A-Z]{3}")
_KEY = re.compile(r"[0-9a-f]{16,64}")
_VARIANT = re.compile(r"[a-z]{0,16}")

Renderer = Callable[[str, Path], Rendered]


class ProfileCache:
    def __init__(self, folder: str | os.PathLike[str]):
        self.folder = Path(folder)

    def path(self, state: str, kind: str, lang: str, key: str, variant: str = "") -> Path:
        """Where the file for these values lives; the values are checked, never trusted as paths.
        ``variant`` names another edition of the same profile (``shared``: what readers may see)."""
        if not _STATE.fullmatch(state) or kind not in KINDS or lang not in engine.UN_LANGUAGES \
                or not _KEY.fullmatch(key) or not _VARIANT.fullmatch(variant):
            raise ValueError("invalid profile cache entry")
        prefix = f"{variant}." if variant else ""
        return self.folder / state / f"{prefix}{kind}-{lang}-{key[:32]}.pdf"

    def get(self, state: str, kind: str, lang: str, key: str, variant: str = "") -> Path | None:
        path = self.path(state, kind, lang, key, variant)
        return path if path.is_file() else None

    def get_or_render(self, state: str, kind: str, lang: str, key: str, make_html: Callable[[], str],
                      render: Renderer | None = None, timeout: float = DEFAULT_TIMEOUT,
                      memory: int | None = DEFAULT_MEMORY, variant: str = "") -> tuple[Path, Rendered | None]:
        """The cached file, rendering it first if needed: ``(path, rendered or None if cached)``."""
        path = self.path(state, kind, lang, key, variant)
        return render_once(path, path.parent / f".{variant}{kind}-{lang}.lock", make_html, render, timeout, memory)


class ReportCache:
    """Rendered country review reports, beside the profiles: ``reviews/<review id>/report-<lang>-<key>.pdf``
    (the key: :func:`exports.review_report.cache_key`)."""

    def __init__(self, folder: str | os.PathLike[str]):
        self.folder = Path(folder)

    def report_path(self, review_id: int, lang: str, key: str) -> Path:
        if not isinstance(review_id, int) or review_id < 1 or lang not in engine.UN_LANGUAGES \
                or not _KEY.fullmatch(key):
            raise ValueError("invalid report cache entry")
        return self.folder / "reviews" / str(review_id) / f"report-{lang}-{key[:32]}.pdf"

    def get_report(self, review_id: int, lang: str, key: str) -> Path | None:
        path = self.report_path(review_id, lang, key)
        return path if path.is_file() else None

    def get_or_render_report(self, review_id: int, lang: str, key: str, make_html: Callable[[], str],
                             render: Renderer | None = None) -> tuple[Path, Rendered | None]:
        path = self.report_path(review_id, lang, key)
        return render_once(path, path.parent / f".report-{lang}.lock", make_html, render)


# -- what both caches share: render a file once, under a lock, and remove its older versions ----------
def render_once(path: Path, lock: Path, make_html: Callable[[], str], render: Renderer | None = None,
                timeout: float = DEFAULT_TIMEOUT, memory: int | None = DEFAULT_MEMORY) -> tuple[Path, Rendered | None]:
    """``path``, rendered first under the file lock ``lock`` unless it exists; older files pruned."""
    if path.is_file():
        return path, None
    with _locked(lock):
        if path.is_file():  # another request rendered it while we waited
            return path, None
        html = make_html()
        rendered = render(html, path) if render else render_pdf(html, path, timeout, memory)
        prune(path)
        return path, rendered


def prune(keep: Path) -> None:
    """Remove the older files of the one ``keep`` is the newest of (same name up to the key)."""
    kind_lang = keep.name.rsplit("-", 1)[0]
    for other in keep.parent.glob(f"{kind_lang}-*.pdf"):
        if other != keep:
            with contextlib.suppress(FileNotFoundError):
                other.unlink()


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
