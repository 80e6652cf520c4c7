"""Accounts people manage themselves: an invitation link to choose one's password (no password
typed by an administrator), a reset by e-mail that never tells whether an address has an account,
tokens stored hashed, single-use, expiring, and worthless after a password change."""

from __future__ import annotations

import re
from datetime import timedelta

from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select, update

from tests.conftest import add_user, context, csrf_token, login
from tests.smtp import SMTPServer
from tests.web.mail_helpers import RecordingQueue, outbox

LINK = re.compile(r"https://checklist\.test(/account/set-password/[A-Za-z0-9_\-]+)")


def link_in(message: object) -> str:
    found = LINK.search(message.text)  # type: ignore[attr-defined]
    assert found, message.text  # type: ignore[attr-defined]
    return found.group(1)


def choose(client: FlaskClient, path: str, password: str) -> object:
    token = csrf_token(client, path)
    return client.post(path, data={"csrf_token": token, "password": password, "confirm": password})


def test_an_invited_person_chooses_a_password_from_the_link(app: Flask, client: FlaskClient, mailer: SMTPServer,
                                                            queue: RecordingQueue) -> None:
    from web.extensions import db
    from web.models import AccountToken, User

    login(client, add_user("secretariat_admin"))
    token = csrf_token(client, "/admin/users")
    made = client.post("/admin/users", data={"csrf_token": token, "email": "New.Person@Ken.example",
                                             "role": "focal_point", "state": "KEN", "language": "fr", "active": "y"})
    assert made.status_code == 302, made.get_data(as_text=True)[-3000:]
    invitation, = outbox()
    assert (invitation.kind, invitation.address, invitation.params) == ("invitation", "new.person@ken.example", {})
    person = app.test_client()
    assert person.post("/login", data={"email": "new.person@ken.example", "password": "",
                                       "csrf_token": csrf_token(person)}).status_code == 200  # no password yet
    queue.run(app)
    message, = mailer.wait(1)
    assert message.subject == "Votre compte pour l'auto-évaluation de la CNUCC"
    path = link_in(message)
    with context():
        stored = db.session.scalars(select(AccountToken)).one()
        assert path.rsplit("/", 1)[1] not in (stored.token_hash, str(stored.__dict__))  # only its hash is kept
        assert stored.purpose == "invitation" and stored.expires_at - stored.created_at == timedelta(days=14)
    assert person.get(path).status_code == 200  # opening the link changes nothing (mail scanners open links)
    assert person.get(path).status_code == 200
    assert choose(person, path, "short").status_code == 400
    assert choose(person, path, "a passphrase of my own").status_code == 302
    assert person.get("/").status_code in (200, 302) and "/login" not in person.get("/").headers.get("Location", "")
    assert person.get(path).status_code == 410  # single use
    fresh = app.test_client()
    with context():
        user = db.session.scalars(select(User).where(User.email == "new.person@ken.example")).one()
    login(fresh, user, "a passphrase of my own")


def test_a_reset_says_the_same_and_does_the_same_whether_or_not_the_address_exists(
        app: Flask, client: FlaskClient, mailer: SMTPServer, queue: RecordingQueue) -> None:
    from web.extensions import db

    user = add_user("focal_point", "KEN", email="known@ken.test")
    answers = {}
    statements: dict[str, list[str]] = {}
    for address in ("known@ken.test", "unknown@nowhere.test"):
        seen: list[str] = []

        def count(conn: object, cursor: object, statement: str, *args: object, seen: list[str] = seen) -> None:
            seen.append(re.sub(r"\d+", "N", statement.split(" ")[0]))

        token = csrf_token(client, "/account/reset")
        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            reply = client.post("/account/reset", data={"csrf_token": token, "email": address})
        finally:
            event.remove(engine, "before_cursor_execute", count)
        answers[address] = (reply.status_code, reply.headers["Location"],
                            client.get(reply.headers["Location"]).get_data(as_text=True))
        statements[address] = seen
    assert answers["known@ken.test"] == answers["unknown@nowhere.test"]
    assert statements["known@ken.test"] == statements["unknown@nowhere.test"]  # the same work either way
    assert mailer.received == []  # nothing sent in the request
    queue.run(app)
    mailer.wait(1)
    assert [r.to for r in mailer.received] == [["known@ken.test"]]
    kinds = {m.address: m.status for m in outbox()}
    assert kinds == {"known@ken.test": "sent", "unknown@nowhere.test": "dropped"}
    path = link_in(mailer.received[0])
    assert choose(app.test_client(), path, "my new long passphrase").status_code == 302
    login(app.test_client(), user, "my new long passphrase")


def test_links_expire_end_with_a_password_change_and_with_a_newer_link(app: Flask, queue: RecordingQueue) -> None:
    from web.auth import tokens
    from web.extensions import db
    from web.models import AccountToken, User

    user = add_user("focal_point", "KEN")

    def issue(purpose: str = "reset") -> str:
        with context():
            raw = tokens.issue(db.session.get(User, user.id), purpose)
            db.session.commit()
        return f"/account/set-password/{raw}"

    client = app.test_client()
    expired = issue()
    with context():
        from web.models.base import utcnow

        db.session.execute(update(AccountToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert client.get(expired).status_code == 410
    older, newer = issue(), issue()
    assert client.get(older).status_code == 410 and client.get(newer).status_code == 200
    login(client, user)  # the person changes the password by the usual form: the link is worthless
    token = csrf_token(client, "/account/password")
    assert client.post("/account/password", data={"csrf_token": token, "current": "correct horse battery staple",
                                                  "password": "changed the usual way", "confirm":
                                                  "changed the usual way"}).status_code == 302
    assert app.test_client().get(newer).status_code == 410
    moved = issue()
    with context():
        db.session.get(User, user.id).email = "moved@ken.test"
        db.session.commit()
    assert app.test_client().get(moved).status_code == 410  # sent to an address the account no longer has
    assert app.test_client().get("/account/set-password/" + "x" * 43).status_code == 410


def test_the_cli_adds_accounts_with_a_password_an_invitation_or_a_printed_link(app: Flask,
                                                                              queue: RecordingQueue) -> None:
    from web.cli import cli

    runner = CliRunner()
    with app.app_context():
        invited = runner.invoke(cli, ["users", "add", "--email", "a@un.test", "--role", "reader"])
        printed = runner.invoke(cli, ["users", "add", "--email", "b@un.test", "--role", "reader", "--invite"])
        scripted = runner.invoke(cli, ["users", "add", "--email", "c@un.test", "--role", "reader",
                                       "--password", "a scripted long password"])
    assert invited.exit_code == printed.exit_code == scripted.exit_code == 0, invited.output + printed.output
    assert "invitation is in the outbox" in invited.output
    path = LINK.search(printed.output.replace("http://127.0.0.1:5000", "https://checklist.test"))
    assert path and app.test_client().get(path.group(1)).status_code == 200
    assert [m.address for m in outbox()] == ["a@un.test"]
