"""What the in-process benchmarks share (``bench/scale.py``, ``bench/figures.py``): a test client
logged in, calls timed into named lists, rounds with a warm-up left out, and the summary figures."""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_of(body: str) -> str:
    """The CSRF token of a page's form."""
    found = CSRF.search(body)
    assert found, "no CSRF token on the page"
    return found.group(1)


def logged_in(app: Any, email: str, password: str) -> Any:
    """A test client of ``app`` logged in as ``email``."""
    client = app.test_client()
    token = csrf_of(client.get("/login").get_data(as_text=True))
    reply = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
    assert reply.status_code == 302, reply.status_code
    return client


class Timings:
    """Server times per name, in seconds, in the order measured."""

    def __init__(self) -> None:
        self.times: dict[Any, list[float]] = {}

    def time(self, name: Any, call: Callable[[], T]) -> T:
        """Call ``call`` and add its time to ``name``'s list; returns what it returned."""
        started = time.perf_counter()
        result = call()
        self.times.setdefault(name, []).append(time.perf_counter() - started)
        return result

    def rounds(self, repeat: int, one: Callable[[int], None], warm_up: int = 0) -> None:
        """``warm_up`` rounds left out (loading, compiling templates), then ``repeat`` measured: each
        round calls ``one(index)``, which times every operation once (interleaved)."""
        for index in range(warm_up + repeat):
            one(index)
            if index == warm_up - 1:
                self.times.clear()

    def median(self, name: Any, start: int = 0) -> float:
        return statistics.median(self.times[name][start:])

    def p95(self, name: Any) -> float:
        values = sorted(self.times[name])
        return values[min(len(values) - 1, round(0.95 * len(values)) - 1)]
