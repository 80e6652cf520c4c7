"""E-mail through a real SMTP server on loopback (aiosmtpd): messages written in the event's own
transaction, sent by a job (never in the request), in each recipient's language (Arabic right to
left), with working links; notifications switched off are not written; digests group a day's
notifications; an SMTP outage (or a Redis outage) delays a message but never loses it."""

from __future__ import annotations

import re
import time

from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import add_user, context, login
from tests.smtp import SMTPServer
from tests.web.mail_helpers import RecordingQueue, outbox, prefer, send, set_language
from tests.web.test_workflow import autosave, post, small_response

ARABIC = re.compile(r"[\u0600-\u06FF]")
LATIN_WORD = re.compile(r"\b[A-Za-z]{4,}\b")


def submitted_by(client: FlaskClient, focal: object) -> int:
    rid = small_response()
    login(client, focal)
    autosave(client, rid, [{"q": "compliance", "value": "no", "base": 0}])
    assert post(client, f"/responses/{rid}/submit", token_from=f"/responses/{rid}").status_code == 302
    return rid


def test_a_submission_is_told_in_each_recipients_language_by_a_job(app: Flask, client: FlaskClient,
                                                                  mailer: SMTPServer, queue: RecordingQueue) -> None:
    focal = add_user("focal_point", "KEN", email="focal@ken.test")
    helper = add_user("contributor", "KEN", email="helper@ken.test")
    add_user("secretariat_reviewer", email="reviewer@un.test")
    quiet = add_user("secretariat_admin", email="quiet@un.test")
    set_language(focal, "ar")
    set_language(helper, "fr")
    prefer(quiet, reviews=False)
    rid = submitted_by(client, focal)

    # the request wrote the messages and asked for a job; it sent nothing itself
    assert mailer.received == []
    assert [task for task, *_rest in queue.jobs] == ["web.mail.tasks.send_pending"]
    written = {(m.kind, m.address) for m in outbox()}
    assert written == {("received", "focal@ken.test"), ("received", "helper@ken.test"),
                       ("submitted", "reviewer@un.test")}  # the admin switched reviews off
    queue.run(app)
    mailer.wait(3)
    arabic, = mailer.to("focal@ken.test")
    assert arabic.message["Content-Language"] == "ar"
    assert ARABIC.search(arabic.subject) and not LATIN_WORD.search(arabic.subject), arabic.subject
    assert arabic.subject == "وردت إجابات التقييم الذاتي"
    assert ARABIC.search(arabic.text) and f"https://checklist.test/responses/{rid}" in arabic.text
    assert '<html lang="ar" dir="rtl">' in arabic.html and 'dir="rtl"' in arabic.html
    assert f'href="https://checklist.test/responses/{rid}"' in arabic.html
    french, = mailer.to("helper@ken.test")
    assert french.subject == "Votre auto-évaluation a été reçue" and '<html lang="fr" dir="ltr">' in french.html
    english, = mailer.to("reviewer@un.test")
    assert english.subject == "Kenya submitted its self-assessment"
    assert "List-Unsubscribe" in english.message and english.message["Auto-Submitted"] == "auto-generated"
    assert {m.status for m in outbox()} == {"sent"}
    assert send(app) == {"sent": 0, "retry": 0, "failed": 0, "dropped": 0}  # nothing twice
    assert len(mailer.received) == 3


def test_a_rolled_back_step_writes_and_queues_nothing(app: Flask, mailer: SMTPServer, queue: RecordingQueue) -> None:
    from web import workflow
    from web.extensions import db
    from web.models import Response, User

    add_user("focal_point", "KEN")
    reviewer = add_user("secretariat_reviewer")
    rid = small_response()
    with app.app_context():
        response = db.session.get(Response, rid)
        response.status = "submitted"
        db.session.commit()
        workflow.return_to_state(response, db.session.get(User, reviewer.id), "Please look again")
        db.session.rollback()
    assert outbox() == [] and queue.jobs == []


def test_returns_and_comments_reach_the_people_concerned(app: Flask, client: FlaskClient, mailer: SMTPServer,
                                                         queue: RecordingQueue) -> None:
    focal = add_user("focal_point", "KEN", email="focal@ken.test")
    writer = add_user("contributor", "KEN", email="writer@ken.test")
    reviewer = add_user("secretariat_reviewer", email="reviewer@un.test")
    rid = small_response()
    login(client, writer)
    autosave(client, rid, [{"q": "notes", "value": "Our notes", "base": 0}])
    secretariat = app.test_client()
    login(secretariat, reviewer)
    post(secretariat, f"/responses/{rid}/comments", {"body": "Which law <b>exactly</b>?", "question_id": "notes"},
         token_from=f"/responses/{rid}/comments")
    comment, = outbox(kind="comment")
    assert comment.address == "writer@ken.test"  # the one who wrote the answer, not every focal point
    queue.run(app)
    message, = mailer.wait(1)
    assert message.subject == "New comment: Notes"
    assert "> Which law <b>exactly</b>?" in message.text
    assert "Which law &lt;b&gt;exactly&lt;/b&gt;?" in message.html  # what people write is escaped
    assert f"https://checklist.test/responses/{rid}/comments?q=notes" in message.text
    # the writer answers in the thread: the reviewer hears of it
    from web.extensions import db
    from web.models import Comment

    with context():
        parent = db.session.scalars(select(Comment)).one().id
    post(client, f"/responses/{rid}/comments", {"body": "Article 12 of the Penal Code", "parent_id": parent},
         token_from=f"/responses/{rid}/comments")
    assert [m.address for m in outbox(kind="comment")][-1] == "reviewer@un.test"
    # a return with a note goes to the State's people, the note quoted
    with context():
        from web.models import Response

        db.session.get(Response, rid).status = "submitted"
        db.session.commit()
    post(secretariat, f"/responses/{rid}/return", {"note": "See the comments"}, token_from=f"/responses/{rid}")
    returned = outbox(kind="returned")
    assert {m.address for m in returned} == {"focal@ken.test", "writer@ken.test"}
    queue.run(app)
    mailer.wait(4)
    note, = [r for r in mailer.to("focal@ken.test") if "returned" in r.subject]
    assert note.subject == "The self-assessment of Kenya is returned with comments"
    assert "> See the comments" in note.text and "2 comments are open." in note.text
    assert focal  # the focal point wrote nothing: no comment message for them
    assert not [r for r in mailer.to("focal@ken.test") if r.subject.startswith("New comment")]


def test_switched_off_notifications_are_not_written(app: Flask, client: FlaskClient, queue: RecordingQueue) -> None:
    focal = add_user("focal_point", "KEN")
    login(client, focal)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"',
                      client.get("/account/notifications").get_data(as_text=True)).group(1)
    assert client.post("/account/notifications", data={"csrf_token": token, "delivery": "each",
                                                       "reminders": "y", "comments": "y"}).status_code == 302
    from web import workflow
    from web.extensions import db
    from web.models import Response, User

    rid = small_response()
    reviewer = add_user("secretariat_reviewer")
    with app.app_context():
        response = db.session.get(Response, rid)
        response.status = "submitted"
        workflow.accept(response, db.session.get(User, reviewer.id))
        db.session.commit()
    assert outbox(kind="accepted") == []  # reviews are off for this person


def test_a_daily_digest_groups_the_notifications_of_those_who_want_one(app: Flask, mailer: SMTPServer,
                                                                      queue: RecordingQueue) -> None:
    from datetime import UTC, datetime, timedelta

    from web.mail import add, digest
    from web.models import User

    focal = add_user("focal_point", "KEN", email="digest@ken.test")
    other = add_user("focal_point", "KEN", email="each@ken.test")
    prefer(focal, digest=True)
    rid = small_response()
    from web.extensions import db
    from web.models import Comment

    with app.app_context():
        comment = Comment(response_id=rid, question_id="notes", body="Why?")
        db.session.add(comment)
        db.session.flush()
        for user_id in (focal.id, other.id):
            person = db.session.get(User, user_id)
            add(person, "received", {"response": rid, "snapshot": 1})
            add(person, "accepted", {"response": rid})
            add(person, "comment", {"response": rid, "comment": comment.id})
        db.session.commit()
    assert {m.status for m in outbox(address="digest@ken.test")} == {"held"}
    assert {m.status for m in outbox(address="each@ken.test")} == {"pending"}
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    with app.app_context():
        app.config["MAIL_DIGEST_HOUR"] = tomorrow.hour
        assert digest.run(tomorrow) == 1
        assert digest.run(tomorrow) == 0  # once a day
    send(app)
    received = mailer.wait(4)
    summary, = mailer.to("digest@ken.test")
    assert summary.subject == "Your daily summary: 3 notifications"
    text = summary.text
    assert text.index("Submissions and reviews (2)") < text.index("Comments (1)")
    assert "- Kenya: received by the secretariat" in text and "- Kenya: accepted" in text
    assert "Submissions and reviews (2)" in summary.html
    assert len(mailer.to("each@ken.test")) == 3 and len(received) == 4
    assert {m.status for m in outbox(address="digest@ken.test", kind="comment")} == {"digested"}


def test_an_smtp_outage_delays_but_never_loses_a_message(app: Flask, mailer: SMTPServer,
                                                         queue: RecordingQueue) -> None:
    from web.mail import add
    from web.models import User

    user = add_user("focal_point", "KEN", email="patient@ken.test")
    app.config["MAIL_RETRY_BASE"] = 1
    mailer.stop()
    with app.app_context():
        from web.extensions import db

        add(db.session.get(User, user.id), "assignment", {"refs": ["chapter:III"]})
        db.session.commit()
    assert send(app)["retry"] == 1
    waiting, = outbox()
    assert waiting.status == "pending" and waiting.attempts == 1 and "cannot reach" in waiting.last_error
    assert any(delay > 0 for _task, _args, _id, delay in queue.jobs)  # a retry is scheduled, not lost
    assert send(app)["sent"] == 0  # not due yet
    mailer.start()
    time.sleep(1.1)
    assert send(app)["sent"] == 1
    assert send(app)["sent"] == 0
    time.sleep(0.3)
    assert len(mailer.to("patient@ken.test")) == 1  # delivered once
    done, = outbox()
    assert done.status == "sent" and done.attempts == 2 and done.last_error is None


def test_a_redis_outage_delays_but_never_loses_a_message(app: Flask, client: FlaskClient, mailer: SMTPServer,
                                                         queue: RecordingQueue) -> None:
    queue.fail = True
    focal = add_user("focal_point", "KEN", email="focal@ken.test")
    submitted_by(client, focal)  # the submission itself succeeds
    pending, = outbox()
    assert pending.status == "pending"
    from web.cli import cli

    with app.app_context():
        result = CliRunner().invoke(cli, ["mail", "send-pending"])
    assert result.exit_code == 0, result.output
    assert "1 sent" in result.output
    assert len(mailer.wait(1)) == 1


def test_refused_messages_fail_and_the_secretariat_sends_them_again(app: Flask, client: FlaskClient,
                                                                    mailer: SMTPServer, queue: RecordingQueue) -> None:
    from web.extensions import db
    from web.mail import add
    from web.models import User

    refused = add_user("focal_point", "KEN", email="refused@ken.test")
    admin = add_user("secretariat_admin")
    with app.app_context():
        add(db.session.get(User, refused.id), "assignment", {"refs": ["article:15"]})
        db.session.commit()
    assert send(app)["failed"] == 1
    failed, = outbox()
    assert failed.status == "failed" and "550" in failed.last_error
    login(client, admin)
    page = client.get("/admin/mail?status=failed").get_data(as_text=True)
    assert "refused@ken.test" in page and "550" in page and "Send again" in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post(f"/admin/mail/{failed.id}/resend", data={"csrf_token": token}).status_code == 302
    assert outbox()[0].status == "pending"


def test_a_message_failing_too_long_is_given_up_and_listed(app: Flask, mailer: SMTPServer,
                                                           queue: RecordingQueue) -> None:
    from web.extensions import db
    from web.mail import add
    from web.models import User

    user = add_user("focal_point", "KEN")
    mailer.stop()
    app.config["MAIL_GIVE_UP_AFTER"] = 0
    with app.app_context():
        add(db.session.get(User, user.id), "assignment", {"refs": ["chapter:IV"]})
        db.session.commit()
    assert send(app)["failed"] == 1
    assert outbox()[0].last_error.startswith("gave up after 1 attempts")



def test_comment_messages_link_each_recipient_to_a_page_they_can_open(app: Flask, mailer: SMTPServer,
                                                                      queue: RecordingQueue) -> None:
    """An expert of a reviewing State never opens the response: their link is the review's page, at
    the thread; the State's people keep the response's comments page. An expert no longer reviewing
    the State is sent nothing (the comment is not theirs to read)."""
    from tests.conftest import csrf_token
    from tests.web.test_cycles import cli, expert, open_cycle, review_id, start, submitted
    from web.extensions import db
    from web.models import Comment

    open_cycle(app)
    cli(app, "reviews", "assign", "--state", "KEN", "--reviewers", "FRA,MEX", "--cycle", "2026-II")
    focal = add_user("focal_point", "KEN", email="focal@ken.test")
    kenya = app.test_client()
    login(kenya, focal)
    rid = start(kenya)
    submitted(rid, {"p5_1.compliance": "yes"})
    review = review_id()
    french = expert("FRA")
    france = app.test_client()
    login(france, french)
    assert france.post(f"/reviews/{review}/comments", data={
        "csrf_token": csrf_token(france, f"/reviews/{review}"), "question_id": "p5_1.compliance",
        "body": "Which law?"}).status_code == 302
    with context():
        thread = db.session.scalars(select(Comment)).one().id
    token = csrf_token(kenya, f"/reviews/{review}")
    assert kenya.post(f"/reviews/{review}/comments", data={"csrf_token": token, "parent_id": thread,
                                                           "body": "The Penal Code."}).status_code == 302
    queue.run(app)
    mailer.wait(2)
    to_kenya, = mailer.to("focal@ken.test")
    assert f"https://checklist.test/responses/{rid}/comments?q=p5_1.compliance" in to_kenya.text
    to_france, = mailer.to(french.email)
    link = f"https://checklist.test/reviews/{review}#comment-{thread}"
    assert link in to_france.text and f'href="{link}"' in to_france.html
    page = france.get(f"/reviews/{review}")
    assert page.status_code == 200 and f'id="comment-{thread}"' in page.get_data(as_text=True)
    assert "The Penal Code." in page.get_data(as_text=True)
    assert kenya.get(f"/responses/{rid}/comments?q=p5_1.compliance").status_code == 200
    # France no longer reviews Kenya: a new reply in the thread is not sent to its expert
    moved = cli(app, "reviews", "assign", "--state", "KEN", "--reviewers", "MEX,DEU", "--cycle", "2026-II")
    assert moved.exit_code == 0, moved.output
    assert kenya.post(f"/reviews/{review}/comments", data={"csrf_token": token, "parent_id": thread,
                                                           "body": "And its article 12."}).status_code == 302
    queue.run(app)
    assert [m.status for m in outbox(address=french.email, kind="comment")] == ["sent", "dropped"]
    assert len(mailer.to(french.email)) == 1
