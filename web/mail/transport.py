"""SMTP through the standard library: one connection per sending run, opened when the first
message is ready, and failures sorted into temporary (try again later) and permanent (give up)."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from types import TracebackType
from typing import Any

from .render import Rendered


class Temporary(Exception):
    """Try again later (the server is down or busy, a 4xx answer)."""

    def __init__(self, message: str, unreachable: bool = False):
        super().__init__(message)
        self.unreachable = unreachable  # no point trying the next messages now


class Permanent(Exception):
    """The server refused this message for good (a 5xx answer about it or its recipient)."""


def build(sender: str, address: str, rendered: Rendered, message_id: str,
          headers: Mapping[str, str] | None = None) -> EmailMessage:
    """A multipart/alternative message: plain text first, then HTML."""
    message = EmailMessage()
    message.set_content(rendered.text, charset="utf-8")  # (set first: it clears Content-* headers)
    message.add_alternative(rendered.html, subtype="html", charset="utf-8")
    message["From"] = sender
    message["To"] = address
    message["Subject"] = rendered.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id
    message["Content-Language"] = rendered.lang
    message["Auto-Submitted"] = "auto-generated"
    for name, value in (headers or {}).items():
        message[name] = value
    return message


def sender_domain(sender: str) -> str:
    address = parseaddr(sender)[1]
    try:
        return Address(addr_spec=address).domain or "localhost"
    except (ValueError, IndexError):
        return "localhost"


class SMTPTransport:
    """``with SMTPTransport(config) as smtp: smtp.send(message)``."""

    def __init__(self, config: Mapping[str, Any]):
        self.host = str(config.get("MAIL_SERVER") or "")
        self.port = int(config.get("MAIL_PORT") or 25)
        self.security = str(config.get("MAIL_SECURITY") or "").lower()
        self.username = str(config.get("MAIL_USERNAME") or "")
        self.password = str(config.get("MAIL_PASSWORD") or "")
        self.timeout = float(config.get("MAIL_TIMEOUT") or 20)
        self.connection: smtplib.SMTP | None = None

    def __enter__(self) -> SMTPTransport:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        try:
            if self.security == "ssl":
                connection: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                                            context=ssl.create_default_context())
            else:
                connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
                if self.security == "starttls":
                    connection.starttls(context=ssl.create_default_context())
            if self.username:
                connection.login(self.username, self.password)
        except (OSError, smtplib.SMTPException) as exc:
            raise Temporary(f"cannot reach the mail server {self.host}:{self.port}: {exc}", unreachable=True) from exc
        return connection

    def send(self, message: EmailMessage) -> None:
        if self.connection is None:
            self.connection = self._connect()
        try:
            refused = self.connection.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _text in exc.recipients.values()]
            why = "; ".join(f"{code} {text!r}" for code, text in exc.recipients.values())
            if codes and all(code >= 500 for code in codes):
                raise Permanent(f"recipient refused: {why}") from exc
            raise Temporary(f"recipient refused for now: {why}") from exc
        except smtplib.SMTPDataError as exc:
            if exc.smtp_code >= 500:
                raise Permanent(f"message refused: {exc.smtp_code} {exc.smtp_error!r}") from exc
            raise Temporary(f"message refused for now: {exc.smtp_code} {exc.smtp_error!r}") from exc
        except (OSError, smtplib.SMTPException) as exc:  # disconnected, sender refused (a setting), timeouts
            self.close()
            raise Temporary(f"sending failed: {type(exc).__name__}: {exc}", unreachable=True) from exc
        if refused:
            raise Permanent(f"recipient refused: {refused}")

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except (OSError, smtplib.SMTPException):
                self.connection.close()
            self.connection = None
