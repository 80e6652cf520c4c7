"""The test server itself: a browser that drops its connections leaves no file open behind it."""

from __future__ import annotations

import gc
import socket
import struct
import sys
import time
from typing import Any

import pytest

from tests.browser.conftest import LiveServer


def test_reset_connections_close_their_files(live_server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """A client that resets right after the response (as a closing browser does) leaks nothing.

    Werkzeug drains the socket before it closes the body; the reset makes the drain raise, so
    without the live server's wrapper the static file is only closed by the garbage collector,
    with a ResourceWarning that fails whichever test is running then.
    """
    unraisable: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda hook_args: unraisable.append(hook_args.exc_value))
    port = int(live_server.url.rsplit(":", 1)[1])
    for _ in range(30):
        client = socket.create_connection(("127.0.0.1", port))
        client.sendall(b"GET /static/app.css HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert client.recv(100).startswith(b"HTTP/1.1 200")
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close with a reset
        client.close()
    time.sleep(0.5)  # the server's threads finish their drain
    gc.collect()
    assert unraisable == []
