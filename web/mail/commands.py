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
    from .outbox import wake

    written = module.run()
    wake()
    click.echo(f"{written} reminder(s) written")


@mail_group.command("digests")
@with_appcontext
def digests() -> None:
    """Write the daily digests due now and send them."""
    from . import digest
    from .outbox import wake

    written = digest.run()
    wake()
    click.echo(f"{written} digest(s) written")


@mail_group.command("status")
@with_appcontext
def status() -> None:
    """Messages in the outbox, per status."""
    from ..db import db
    from ..models import OutboxMessage

    for name, count in db.session.execute(select(OutboxMessage.status, func.count())
                                          .group_by(OutboxMessage.status).order_by(OutboxMessage.status)):
        click.echo(f"{name:10} {count}")
