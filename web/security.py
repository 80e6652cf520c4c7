"""Security by default: headers, request ids, safe redirects, friendly error pages."""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, g, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

log = logging.getLogger("web")
_REQUEST_ID = re.compile(r"[A-Za-z0-9\-]{8,64}")

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


def shared_state_warning(config: Any, workers: int) -> str | None:
    """What is wrong when several worker processes would each keep their own login counts."""
    storage = str(config.get("RATELIMIT_STORAGE_URI") or "memory://")
    if workers > 1 and config.get("RATELIMIT_ENABLED", True) and storage.startswith("memory"):
        return ("!" * 78 + f"\n!! {workers} workers keep login rate limits in their own memory: each counts "
                "apart, so the limits\n!! are {workers} times weaker. Set RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379 "
                "(docs/deploy.md).\n" + "!" * 78)
    return None


def is_safe_redirect(target: str | None) -> bool:
    """Only local paths: '/...' but not '//host', no scheme, no backslash tricks."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and not any(ord(c) < 32 for c in target)


def safe_next(target: str | None, default: str) -> str:
    return target if target and is_safe_redirect(target) else default


def error_page(error: HTTPException) -> tuple[str | Response, int]:
    """The friendly page (or JSON) for an HTTP error: its title and the request id, no stack trace."""
    code = error.code or 500
    if request.accept_mimetypes.best == "application/json" or request.is_json:
        return _json_error(code, error.description or "")
    return render_template("error.html", code=code, title=_error_title(code),
                           request_id=g.get("request_id", "")), code


def init_app(app: Flask) -> None:
    from . import bounds

    bounds.init_app(app)
    proxies = int(app.config.get("PROXY_COUNT") or 0)
    if proxies:  # the client's address (login limits per address) and scheme, as the proxies saw them
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]

    @app.before_request
    def assign_request_id() -> None:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        response.headers["X-Request-ID"] = g.get("request_id", "")
        if request.endpoint and request.endpoint != "static":
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    app.register_error_handler(HTTPException, error_page)  # CSRFError too, except where a blueprint says more

    @app.errorhandler(Exception)
    def crash(error: Exception) -> tuple[str | Response, int] | Response:
        from .db import db
        from .faults import is_database_fault

        if is_database_fault(error):
            log.warning("database fault, request id %s: %s", g.get("request_id", "-"), str(error).splitlines()[0])
            db.discard()
            return _unavailable(app)
        log.exception("unhandled error, request id %s", g.get("request_id", "-"))
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001 - the error page must still render
            log.exception("rollback failed")
        if request.is_json:
            return _json_error(500, "")
        return render_template("error.html", code=500, title=_error_title(500),
                               request_id=g.get("request_id", "")), 500


def _unavailable(app: Flask) -> Response:
    """503 after a database fault: nothing of this request was stored; the saved answers are safe."""
    from flask import jsonify, make_response

    from .extensions import login_manager

    g._login_user = login_manager.anonymous_user()  # the page must not need the database
    wait = int(app.config.get("RETRY_AFTER", 5))
    title = _("The database is not available for a moment. Your saved answers are safe: nothing of this "
              "request was stored. Please try again in a few seconds.")
    if request.is_json or request.accept_mimetypes.best == "application/json":
        reply = make_response(jsonify(error=title, code=503, retry=True, retry_after=wait,
                                      request_id=g.get("request_id", "")), 503)
    else:
        typed = []
        if request.method == "POST" and request.endpoint == "fill.save_page":
            typed = typed_values()
        reply = make_response(render_template("error.html", code=503, title=title, typed=typed,
                                              request_id=g.get("request_id", "")), 503)
    reply.headers["Retry-After"] = str(wait)
    return reply


def typed_values() -> list[tuple[str, str]]:
    """What the user typed into the posted form (not our hidden fields), to show it again to copy."""
    return [(name, value) for name, value in request.form.items(multi=True)
            if value.strip() and not name.startswith("_") and name != "csrf_token"]


def _json_error(code: int, description: str) -> tuple[Response, int]:
    from flask import jsonify

    return jsonify(error=_error_title(code), code=code, request_id=g.get("request_id", "")), code


def _error_title(code: int) -> str:
    titles = {
        400: _("The request could not be understood. Please go back and try again."),
        403: _("You do not have access to this page."),
        404: _("This page does not exist, or you do not have access to it."),
        405: _("This action is not allowed here."),
        409: _("Someone else changed this in the meantime."),
        413: _("What you sent is too large."),
        429: _("Too many attempts. Please wait a moment and try again."),
        503: _("The service is busy. Please try again in a moment."),
    }
    return titles.get(code, _("Something went wrong on our side. Your saved answers are safe."))
