"""``checklist mail ...``: sending the outbox, reminders and digests by hand or from cron (the
workers do it by themselves every ``MAIL_SEND_EVERY`` and ``MAIL_CHECK_EVERY`` seconds)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select


@click.group("mail")
def mail_group() -> None:
    """E-mail: the outbox, reminders, digests."""


@mail_group.command("send-pending")
@with_appcontext
def send_pending() -> None:
    """Send what is due in the outbox now (by SMTP, as set by MAIL_SERVER)."""
    from .outbox import configured
    from .outbox import send_pending as send

    if not configured():
        raise click.ClickException("no mail server is set (MAIL_SERVER): messages wait in the outbox")
    counts = send()
    click.echo(", ".join(f"{n} {name}" for name, n in counts.items()))


@mail_group.command("reminders")
@with_appcontext
def reminders() -> None:
    """Write today's reminders to the outbox (each deadline step once) and send them."""
    from . import reminders as module

    _written(module.run(), "reminder(s)")


@mail_group.command("digests")
@with_appcontext
def digests() -> None:
    """Write the daily digests due now and send them."""
    from . import digest

    _written(digest.run(), "digest(s)")


def _written(count: int, what: str) -> None:
    """Send what was just written to the outbox, and say how much."""
    from .outbox import wake

    wake()
    click.echo(f"{count} {what} written")


@mail_group.command("status")
@with_appcontext
def status() -> None:
    """Messages in the outbox, per status."""
    from ..db import db
    from ..models import OutboxMessage

    for name, count in db.session.execute(select(OutboxMessage.status, func.count())
                                          .group_by(OutboxMessage.status).order_by(OutboxMessage.status)):
        click.echo(f"{name:10} {count}")
