"""The profile cache: a profile is rendered once per key, found again without rendering, written
whole, and older files of the same profile are removed."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from exports.cache import ProfileCache
from exports.pdf import Rendered

KEY = "a" * 64


def fake_render(calls: list[str], delay: float = 0.0) -> Any:
    def render(html: str, path: Path) -> Rendered:
        calls.append(html)
        time.sleep(delay)
        path.write_bytes(b"%PDF-1.7 " + html.encode())
        return Rendered(path, 1, path.stat().st_size, delay)

    return render


def test_rendered_once_then_read_from_disk(tmp_path: Path) -> None:
    cache, calls = ProfileCache(tmp_path), []
    made: list[int] = []

    def make_html() -> str:
        made.append(1)
        return "<p>profile</p>"

    path, rendered = cache.get_or_render("KEN", "full", "ar", KEY, make_html, render=fake_render(calls))
    assert rendered is not None and path.read_bytes() == b"%PDF-1.7 <p>profile</p>"
    again, rendered_again = cache.get_or_render("KEN", "full", "ar", KEY, make_html, render=fake_render(calls))
    assert again == path and rendered_again is None
    assert len(calls) == 1 and len(made) == 1  # the HTML is not even built again
    assert cache.get("KEN", "full", "ar", KEY) == path
    assert cache.get("KEN", "summary", "ar", KEY) is None


def test_a_new_version_replaces_the_old_file(tmp_path: Path) -> None:
    cache, calls = ProfileCache(tmp_path), []
    old, _ = cache.get_or_render("KEN", "full", "ar", KEY, lambda: "old", render=fake_render(calls))
    other, _ = cache.get_or_render("KEN", "full", "fr", KEY, lambda: "fr", render=fake_render(calls))
    new, _ = cache.get_or_render("KEN", "full", "ar", "b" * 64, lambda: "new", render=fake_render(calls))
    assert new != old and new.exists() and not old.exists()
    assert other.exists()  # another language of the same State stays


def test_concurrent_requests_render_once(tmp_path: Path) -> None:
    cache, calls = ProfileCache(tmp_path), []
    paths: list[Path] = []

    def request() -> None:
        path, _ = cache.get_or_render("FRA", "summary", "fr", KEY, lambda: "x", render=fake_render(calls, 0.3))
        paths.append(path)

    threads = [threading.Thread(target=request) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and len(set(paths)) == 1 and len(paths) == 4


@pytest.mark.parametrize("state, kind, lang, key", [
    ("../KEN", "full", "ar", KEY), ("ken", "full", "ar", KEY), ("KEN", "../full", "ar", KEY),
    ("KEN", "full", "de", KEY), ("KEN", "full", "ar", "../" + KEY), ("KEN", "full", "ar", "short")])
def test_entries_are_checked_never_used_as_paths(tmp_path: Path, state: str, kind: str, lang: str,
                                                  key: str) -> None:
    with pytest.raises(ValueError):
        ProfileCache(tmp_path).path(state, kind, lang, key)


def test_a_failed_render_leaves_nothing(tmp_path: Path) -> None:
    cache = ProfileCache(tmp_path)

    def failing(html: str, path: Path) -> Rendered:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        cache.get_or_render("KEN", "full", "en", KEY, lambda: "x", render=failing)
    assert cache.get("KEN", "full", "en", KEY) is None
    assert [p.name for p in (tmp_path / "KEN").iterdir()] == [".full-en.lock"]
