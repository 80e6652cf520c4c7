"""E-mail: notifications, reminders, digests and account links, in each recipient's language.

Nothing is sent inside a web request. An event writes its messages to the outbox
(``web.models.OutboxMessage``) in its own transaction; once that commits, a job (``web.jobs``: RQ
on Redis) sends them by SMTP, retrying with growing waits; a periodic run of the workers
(``web.jobs.periodic``: every ``MAIL_SEND_EVERY`` seconds) sends whatever a lost job or an outage
of Redis left behind, and each hour writes the reminders and digests due. An outage of Redis or of
the mail server delays messages; it never loses them. The secretariat reads what happened to each
message on the delivery log (``/admin/mail``).

* ``kinds``: what each kind of message says; ``render``: subject, text and HTML in a language;
* ``outbox``: writing, sending, retrying; ``transport``: SMTP;
* ``events``: who is told of which step of a response; ``reminders``; ``digest``;
* ``views``: the notification preferences of each person and the delivery log;
* ``tasks``: the jobs; ``commands``: ``checklist mail ...``.
"""

from __future__ import annotations

from flask import Flask

from . import events, outbox
from .outbox import add, wake

__all__ = ["add", "init_app", "wake"]


def init_app(app: Flask) -> None:
    outbox.init_app(app)
    events.init_app(app)
    from .views import bp

    app.register_blueprint(bp)
