"""Mail jobs (listed in ``web.jobs.TASKS``): what workers run, periodically or when woken."""

from __future__ import annotations

from typing import Any

from . import digest, outbox, reminders


def send_pending() -> dict[str, Any]:
    """Send what is due in the outbox."""
    return outbox.send_pending()


def check() -> dict[str, Any]:
    """The hourly run: reminders due today and digests due now, then send them."""
    written = {"reminders": reminders.run(), "digests": digest.run()}
    if written["reminders"] or written["digests"]:
        outbox.wake()
    return written
