"""Links in e-mails: absolute URLs built from the configured public address (``PUBLIC_URL``, else
``SERVER_NAME``), never from a request's Host header, so a forged header cannot turn a password
link into someone else's."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from flask import current_app

log = logging.getLogger("web.mail")
FALLBACK = "http://127.0.0.1:5000"


def base_url() -> str:
    config = current_app.config
    if config.get("PUBLIC_URL"):
        return str(config["PUBLIC_URL"]).rstrip("/")
    if config.get("SERVER_NAME"):
        return f"{config.get('PREFERRED_URL_SCHEME') or 'https'}://{config['SERVER_NAME']}"
    return FALLBACK


def external(endpoint: str, **values: Any) -> str:
    """The absolute URL of ``endpoint`` on the public address."""
    parts = urlsplit(base_url())
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)
