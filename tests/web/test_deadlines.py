"""Deadlines per round and per State: days left on the dashboards, overdue States in the
secretariat's work queue, and reminders before and after the date, each step written once."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import add_user, context, csrf_token, login, start_response
from tests.smtp import SMTPServer
from tests.web.mail_helpers import RecordingQueue, outbox, send, set_language


def open_round(due: date, questionnaire: str = "uncac_checklist", opens: date | None = None) -> int:
    from web import deadlines
    from web.extensions import db

    with context():
        found = deadlines.open_new(questionnaire, "2027 reporting", due, opens or due - timedelta(days=90), None)
        db.session.commit()
        return found.id


def extend(round_id: int, code: str, due: date) -> None:
    from web import deadlines
    from web.extensions import db
    from web.models import ReportingRound, State

    with context():
        state = db.session.scalars(select(State).where(State.code == code)).one()
        deadlines.set_state_deadline(db.session.get(ReportingRound, round_id), state, due, "asked on 3 March", None)
        db.session.commit()


def reminders_on(app: Flask, day: date) -> int:
    from web.mail import reminders

    with app.app_context():
        return reminders.run(day)


def test_reminders_follow_the_steps_once_each_and_stop_after_submission(app: Flask, mailer: SMTPServer,
                                                                        queue: RecordingQueue) -> None:
    from web.extensions import db
    from web.models import Response

    due = date(2027, 3, 31)
    open_round(due)
    kenya = add_user("focal_point", "KEN", email="focal@ken.test")
    add_user("contributor", "KEN", email="helper@ken.test")
    add_user("focal_point", "FRA", email="focal@fra.test")
    set_language(kenya, "ar")
    response = start_response("KEN")
    assert reminders_on(app, due - timedelta(days=40)) == 0  # no step reached yet
    assert reminders_on(app, due - timedelta(days=10)) == 3  # "14 days": KEN's two people, FRA's one
    assert reminders_on(app, due - timedelta(days=10)) == 0  # never twice
    assert reminders_on(app, due - timedelta(days=9)) == 0  # the same step
    assert reminders_on(app, due - timedelta(days=7)) == 3  # "7 days"
    send(app)
    mailer.wait(6)
    arabic = mailer.to("focal@ken.test")[-1]
    assert arabic.message["Content-Language"] == "ar" and '<html lang="ar" dir="rtl">' in arabic.html
    assert arabic.subject == "بقيت 7 أيام: موعد تقديم التقييم الذاتي لكينيا هو 31 مارس 2027"
    english = mailer.to("focal@fra.test")[-1]
    assert english.subject == "7 days left: the self-assessment of France is due on March 31, 2027"
    assert "The self-assessment is not started yet." in english.text
    with context():
        db.session.get(Response, response.id).status = "submitted"
        db.session.commit()
    assert reminders_on(app, due + timedelta(days=1)) == 1  # only France is late now
    late, = outbox(kind="reminder", address="focal@fra.test")[-1:]
    assert late.params["days"] == -1
    send(app)
    overdue = mailer.wait(7)[-1]
    assert overdue.subject == "Overdue: the self-assessment of France was due on March 31, 2027"


def test_an_extension_starts_its_own_steps_and_a_late_round_sends_only_the_latest(app: Flask,
                                                                                 queue: RecordingQueue) -> None:
    due = date(2027, 3, 31)
    round_id = open_round(due)
    add_user("focal_point", "KEN", email="focal@ken.test")
    # the round is opened 5 days before its date: only the "7 days" step, not 30 and 14 as well
    assert reminders_on(app, due - timedelta(days=5)) == 1
    assert [m.params["days"] for m in outbox(kind="reminder")] == [5]
    extend(round_id, "KEN", due + timedelta(days=30))
    assert reminders_on(app, due + timedelta(days=2)) == 1  # 28 days left: "30 days" of the new date
    assert reminders_on(app, due + timedelta(days=3)) == 0
    assert reminders_on(app, due + timedelta(days=16)) == 1  # "14 days" of the new date
    keys = [m.dedupe_key for m in outbox(kind="reminder")]
    assert keys[-1].endswith(f":{(due + timedelta(days=30)).isoformat()}:14:{keys[-1].rsplit(':', 1)[1]}")


def test_dashboards_show_days_left_and_the_work_queue_lists_overdue_states(app: Flask, client: FlaskClient) -> None:
    from web import deadlines

    today = deadlines.today()
    round_id = open_round(today - timedelta(days=3), opens=today - timedelta(days=60))
    extend(round_id, "FRA", today + timedelta(days=12))
    kenya = start_response("KEN")
    focal = add_user("focal_point", "KEN")
    login(client, focal)
    page = client.get("/states/KEN").get_data(as_text=True)
    assert "Overdue by 3 days" in page and 'data-days-left="-3"' in page
    france = app.test_client()
    login(france, add_user("focal_point", "FRA"))
    start_response("FRA")
    assert "12 days left" in france.get("/states/FRA").get_data(as_text=True)
    reviewer = app.test_client()
    login(reviewer, add_user("secretariat_reviewer"))
    dashboard = reviewer.get("/").get_data(as_text=True)
    assert "192 States past their deadline" in dashboard  # every State but France, started or not
    queue_part = dashboard[dashboard.index('id="overdue"'):dashboard.index("</table>", dashboard.index('id="overdue"'))]
    assert queue_part.count('<th scope="row">') == 10  # the first 10; every one on pages of their own
    assert 'href="/overdue">Every State past its deadline</a>' in dashboard
    pages = [reviewer.get(f"/overdue?page={n}").get_data(as_text=True) for n in (1, 2, 3, 4)]
    assert reviewer.get("/overdue?page=5").status_code == 404
    listed = "".join(page[page.index('id="overdue"'):page.index("</table>", page.index('id="overdue"'))]
                     for page in pages)
    assert listed.count('<th scope="row">') == 192 and "States 151–192 of 192" in pages[3]
    assert f"/responses/{kenya.id}" in listed and "Kenya" in listed
    assert "France" not in listed  # its own date is later
    assert pages[0].count('<th scope="row">') == 50
    first_rows = re.findall(r'<th scope="row">.*?</th>', pages[0])
    assert re.findall(r'<th scope="row">.*?</th>', queue_part) == first_rows[:10]  # the work queue's 10 come first
    assert client.get("/overdue").status_code == 403  # a State's focal point


def test_the_secretariat_sets_rounds_and_state_dates_in_the_browser(app: Flask, client: FlaskClient) -> None:
    from web.extensions import db
    from web.models import ReportingRound

    login(client, add_user("secretariat_reviewer"))
    token = csrf_token(client, "/admin/deadlines/")
    made = client.post("/admin/deadlines/", data={"csrf_token": token, "questionnaire": "uncac_checklist",
                                                  "name": "2027 reporting", "due_on": "2027-03-31"})
    assert made.status_code == 302
    again = client.post("/admin/deadlines/", data={"csrf_token": token, "questionnaire": "uncac_checklist",
                                                   "name": "Another", "due_on": "2027-06-30"})
    assert again.status_code == 400 and "already has an open round" in again.get_data(as_text=True)
    with context():
        found = db.session.scalars(select(ReportingRound)).one()
    url = f"/admin/deadlines/{found.id}"
    bad = client.post(f"{url}/states", data={"csrf_token": token, "state": "XYZ", "due_on": "2027-04-30"})
    assert bad.status_code == 400 and "Unknown State XYZ" in bad.get_data(as_text=True)
    assert client.post(f"{url}/states", data={"csrf_token": token, "state": "ken", "due_on": "2027-04-30",
                                              "note": "asked on 3 March"}).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Kenya" in page and "asked on 3 March" in page and "extended" in page
    assert client.post(f"{url}/close", data={"csrf_token": token}).status_code == 302
    with context():
        assert db.session.get(ReportingRound, found.id).closed_at is not None
    from web import deadlines

    with context():
        assert deadlines.open_rounds() == []
