"""gunicorn settings for production: ``gunicorn -c python:web.gunicorn_conf "web:create_app()"``.

* The app is created once, in the master, with the published questionnaires loaded
  (``preload_app``, ``PRELOAD_QUESTIONNAIRES``): a new or respawned worker is a fork that already
  holds them, so no user waits for the 600 KB checklist to load. Database connections are never
  shared across the fork (``web.db`` drops the pool in a new child).
* Several workers share nothing in memory: the login rate limits must then be counted in Redis
  (``RATELIMIT_STORAGE_URI=redis://...``); the master says so loudly at start-up otherwise.

Every value can be changed on the command line (``--workers 8``) or through the environment
variables named below.
"""

from __future__ import annotations

import gc
import os
from typing import Any

os.environ.setdefault("CHECKLIST_PRELOAD_QUESTIONNAIRES", "1")

bind = os.environ.get("BIND", "127.0.0.1:8000")
# One process per core, one request at a time each, and sync workers: measured with bench/load.py
# (50 clients without pause, the database and the load generator on the same 2 cores; README, issue 16):
# 2 workers x 1 thread served 85-97 requests/s where 4 x 4 threads served 64-65, 3 x 1 75-77 and 2 x 2
# 77-79 (threads of one process contend for its interpreter lock, and every extra process costs
# switches, so each request took more CPU); and sync workers, which take each request from the one
# queue of connections, kept the slowest requests closer to the median than gthread's workers, each
# of which serves the keep-alive connections it accepted (p95 480-520 ms against 530-550 at the same
# throughput). With the database on another machine, requests wait longer on it: then raise
# WEB_CONCURRENCY. WEB_THREADS above 1 runs threaded workers (gunicorn's gthread).
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 1))
threads = int(os.environ.get("WEB_THREADS", 1))
worker_class = "gthread" if threads > 1 else "sync"
preload_app = True
timeout = int(os.environ.get("WEB_TIMEOUT", 60))  # PDFs render in job workers, never in a request
graceful_timeout = 30
keepalive = 5
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("ACCESS_LOG", "-")
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms pid=%(p)s'


def when_ready(server: Any) -> None:
    """In the master, once the app is loaded and before the workers start."""
    from .security import shared_state_warning

    warning = shared_state_warning(server.app.wsgi().config, server.cfg.workers)
    if warning:
        server.log.warning(warning)


def pre_fork(server: Any, worker: Any) -> None:
    """In the master, just before it forks a worker: what it holds now (the app, the questionnaires,
    the compiled templates: some 250,000 objects) is moved out of the garbage collector's reach
    (``gc.freeze``). A worker's collections then never walk them again (about 6 % of a request's CPU
    in one process, alternating; within the noise of bench/load.py), and do not write to the memory
    pages it shares with the master."""
    gc.freeze()
