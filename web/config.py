"""Configuration: defaults here, then the instance folder's ``config.py``, then environment variables.

No secret is written in code. ``SECRET_KEY`` comes from the environment or the instance config;
for local use, :func:`ensure_secret_key` creates a random one in the instance folder (mode 0600).
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

DEFAULTS: dict[str, Any] = {
    "DATABASE_URL": None,  # default: SQLite in the instance folder
    "DATABASE_BUSY_TIMEOUT": 30,  # SQLite: seconds a write waits for another writer before a 503
    "RETRY_AFTER": 5,  # seconds a client is told to wait after a database fault (503)
    "SQLALCHEMY_ECHO": False,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,  # True in production (see docs/deploy.md)
    "SESSION_COOKIE_NAME": "checklist_session",
    "REMEMBER_COOKIE_DURATION": timedelta(days=0),
    "SESSION_IDLE_TIMEOUT": 8 * 3600,  # seconds without a request after which a session ends (server side)
    "SESSION_MAX_AGE": 12 * 3600,  # seconds after login after which a session ends, however active
    "SESSION_REFRESH_EACH_REQUEST": True,
    "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,
    "WTF_CSRF_SSL_STRICT": True,
    "RATELIMIT_STORAGE_URI": "memory://",  # production: redis://127.0.0.1:6379 (shared by every worker)
    "RATELIMIT_KEY_PREFIX": "checklist",
    "RATELIMIT_HEADERS_ENABLED": True,
    # failed logins: per account (what stops password guessing), and per address (a training room of 30
    # focal points behind one address must be able to log in together, with a few typing mistakes each)
    "LOGIN_RATE_LIMIT_ACCOUNT": "5 per minute;20 per hour",
    "LOGIN_RATE_LIMIT_ADDRESS": "100 per minute;1000 per hour",
    "PROXY_COUNT": 0,  # reverse proxies in front of the app whose X-Forwarded-For/-Proto are trusted
    "BABEL_DEFAULT_LOCALE": "en",
    "LANGUAGES": ("ar", "en", "es", "fr", "ru", "zh"),
    "PREFERRED_URL_SCHEME": "http",
    "QUESTIONNAIRE_DIR": str(Path(__file__).resolve().parent.parent / "questionnaires"),
    "PRELOAD_QUESTIONNAIRES": False,
    "PASSWORD_MIN_LENGTH": 12,
    "PASSWORD_HASH_METHOD": "scrypt",  # a memory-hard modern scheme (Werkzeug)
    "RATELIMIT_ENABLED": True,
    "PROFILE_DIR": None,  # default: instance/profiles (the cache of rendered PDF profiles)
    "PROFILE_TIMEOUT": 120,  # seconds a PDF rendering worker may run
    "PROFILE_MEMORY": 2 * 1024 ** 3,  # address-space limit of a rendering worker, in bytes
    "PROFILE_CONCURRENCY": None,  # without Redis: jobs at once in the app's threads (default: one per core)
}

# -- background jobs and backups (web/jobs, web/profiles/refresh.py, web/backup.py; docs/deploy.md) --
DEFAULTS.update({
    "REDIS_URL": "redis://127.0.0.1:6379/0",  # the job queue; "" (or no answer): jobs run in app threads
    "JOBS_QUEUE": "checklist",  # RQ queues <name> and <name>-batch; also the prefix of the app's own keys
    "JOBS_DEBOUNCE": 30,  # seconds: steps in this window re-render each profile file once
    "PROFILE_RERENDER": "summary,full",  # kinds re-rendered (every language) after submit/accept/publish
    "FIGURES_AHEAD": True,  # count the figures across States again after each step (web/analysis/aggregates.py)
    "BACKUP_DIRS": "",  # data folders to back up beside the instance folder (os.pathsep-separated)
})

# -- evidence files (web/evidence; docs/deploy.md) --
DEFAULTS.update({
    "FILES_DIR": None,  # default: instance/files (outside the web root; one file per content hash)
    "FILES_S3_BUCKET": "",  # set: files in this bucket of an S3-compatible server instead (several app servers)
    "FILES_S3_PREFIX": "",  # key prefix inside the bucket, e.g. "evidence/"
    "FILES_S3_ENDPOINT": "",  # the server's URL, e.g. http://127.0.0.1:9000 ("" : AWS); credentials: AWS_* variables
})

# -- the cover of PDF country profiles (exports.profile.Cover; README "Country profiles") --
DEFAULTS.update({
    "PROFILE_ORGANIZATION": "",  # the organization's name: one text, or {language: name} (JSON in the environment)
    "PROFILE_SYMBOL": "",  # document symbol pattern, e.g. CAC/COSP/SA/{state}/{year}; "" for none
})

# -- e-mail, reminders and account links (web/mail, web/deadlines, web/auth/links.py; docs/deploy.md) --
DEFAULTS.update({
    "MAIL_SERVER": "",  # SMTP host; "": nothing is sent, messages wait in the outbox
    "MAIL_PORT": 25,
    "MAIL_SECURITY": "",  # "" (plain, e.g. a local relay), "starttls" or "ssl"
    "MAIL_USERNAME": "",
    "MAIL_PASSWORD": "",
    "MAIL_SENDER": "UNCAC self-assessment <no-reply@localhost>",
    "MAIL_TIMEOUT": 20,  # seconds for the SMTP connection and each command
    "MAIL_BATCH": 200,  # messages one sending job sends at most (the next job goes on)
    "MAIL_RETRY_BASE": 60,  # seconds before the first retry after a temporary failure; doubles each time
    "MAIL_RETRY_MAX": 3600,  # the longest wait between two attempts
    "MAIL_GIVE_UP_AFTER": 3 * 86400,  # seconds after which a message still failing is marked failed (resendable)
    "MAIL_DIGEST_HOUR": 7,  # UTC hour after which each day's digests are written
    "MAIL_SEND_EVERY": 60,  # seconds between two runs of the worker's periodic sending
    "MAIL_CHECK_EVERY": 3600,  # seconds between two runs of the periodic reminders and digests
    "REMINDER_DAYS_BEFORE": "30,14,7,1",  # reminders this many days before a deadline
    "REMINDER_DAYS_AFTER": "1,7,30",  # and this many days after it, while nothing is submitted
    "PUBLIC_URL": "",  # e.g. https://checklist.example.org: links in e-mails (default: SERVER_NAME)
    "INVITATION_MAX_AGE": 14 * 86400,  # seconds an invitation link works
    "PASSWORD_RESET_MAX_AGE": 2 * 3600,  # seconds a password reset link works
    "RESET_RATE_LIMIT_ACCOUNT": "3 per hour",  # reset requests per address typed
    "RESET_RATE_LIMIT_ADDRESS": "30 per hour",  # reset requests per client address
})


def _flag(raw: str) -> bool:
    return raw.strip().lower() in ("1", "true", "yes", "on")


#: Environment variables read at start-up, each with how its text becomes the setting's value.
ENVIRONMENT: dict[str, Callable[[str], Any]] = {
    "SECRET_KEY": str, "DATABASE_URL": str, "SESSION_COOKIE_SECURE": _flag, "RATELIMIT_STORAGE_URI": str,
    "SERVER_NAME": str, "PREFERRED_URL_SCHEME": str, "PRELOAD_QUESTIONNAIRES": _flag,
    "LOGIN_RATE_LIMIT_ACCOUNT": str, "LOGIN_RATE_LIMIT_ADDRESS": str, "RATELIMIT_KEY_PREFIX": str,
    "RATELIMIT_ENABLED": _flag, "PROXY_COUNT": int, "SESSION_IDLE_TIMEOUT": int, "SESSION_MAX_AGE": int,
    "DATABASE_BUSY_TIMEOUT": float, "RETRY_AFTER": int,
    "PROFILE_DIR": str, "PROFILE_TIMEOUT": float, "PROFILE_MEMORY": int, "PROFILE_CONCURRENCY": int,
}


def _text_or_languages(raw: str) -> str | dict[str, str]:
    """A text, or a JSON object of texts by language (``{"en": "...", "fr": "..."}``)."""
    if not raw.lstrip().startswith("{"):
        return raw
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not a JSON object of texts by language: {exc}") from None
    if not isinstance(value, dict) or not all(isinstance(text, str) for text in value.values()):
        raise ValueError("not a JSON object of texts by language")
    return value


ENVIRONMENT.update({"PROFILE_ORGANIZATION": _text_or_languages, "PROFILE_SYMBOL": str})

ENVIRONMENT.update({"REDIS_URL": str, "JOBS_QUEUE": str, "JOBS_DEBOUNCE": float, "PROFILE_RERENDER": str,
                    "BACKUP_DIRS": str, "FIGURES_AHEAD": _flag})

ENVIRONMENT.update({"FILES_DIR": str, "FILES_S3_BUCKET": str, "FILES_S3_PREFIX": str, "FILES_S3_ENDPOINT": str})

ENVIRONMENT.update({
    "MAIL_SERVER": str, "MAIL_PORT": int, "MAIL_SECURITY": str, "MAIL_USERNAME": str, "MAIL_PASSWORD": str,
    "MAIL_SENDER": str, "MAIL_TIMEOUT": float, "MAIL_BATCH": int, "MAIL_RETRY_BASE": float, "MAIL_RETRY_MAX": float,
    "MAIL_GIVE_UP_AFTER": float, "MAIL_DIGEST_HOUR": int, "MAIL_SEND_EVERY": int, "MAIL_CHECK_EVERY": int,
    "REMINDER_DAYS_BEFORE": str, "REMINDER_DAYS_AFTER": str, "PUBLIC_URL": str, "INVITATION_MAX_AGE": int,
    "PASSWORD_RESET_MAX_AGE": int, "RESET_RATE_LIMIT_ACCOUNT": str, "RESET_RATE_LIMIT_ADDRESS": str,
})


def from_environment() -> dict[str, Any]:
    """Settings given as ``CHECKLIST_<NAME>`` (or ``<NAME>``) in the environment."""
    values: dict[str, Any] = {}
    for name, convert in ENVIRONMENT.items():
        raw = os.environ.get(f"CHECKLIST_{name}", os.environ.get(name))
        if raw is None:
            continue
        try:
            values[name] = convert(raw)
        except ValueError as exc:
            detail = str(exc) if convert is _text_or_languages else "give a number"
            raise ValueError(f"environment variable {name}={raw!r}: {detail}") from None
    return values


def ensure_secret_key(instance_path: str) -> str:
    """A random key kept in ``instance/secret_key`` (created once, readable by the owner only)."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
