"""Review cycles (web/cycles): opening a cycle, responses in it, chapters in scope, reviewing States."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import add_user, context, csrf_token, login, start_response


def cli(app: Flask, *args: str) -> Any:
    from web.cli import cli as command

    return app.test_cli_runner().invoke(command, list(args))


def open_cycle(app: Flask, name: str = "2026-II", chapters: str = "II,V") -> None:
    result = cli(app, "cycles", "open", "--name", name, "--chapters", chapters, "--questionnaire", "uncac_checklist")
    assert result.exit_code == 0, result.output


def expert(state: str) -> Any:
    from web.extensions import db
    from web.models import User

    user = add_user("contributor", state)
    with context():
        db.session.get(User, user.id).expert = True
        db.session.commit()
    user.expert = True
    return user


def start(client: FlaskClient, code: str = "KEN", newest: bool = False) -> int:
    from web.extensions import db
    from web.models import QuestionnaireVersion, Response, State

    with context():
        version = db.session.scalars(select(QuestionnaireVersion).where(
            QuestionnaireVersion.questionnaire_id == "uncac_checklist")).one()
    token = csrf_token(client, f"/states/{code}")
    assert client.post(f"/states/{code}/start/{version.id}", data={"csrf_token": token}).status_code == 302
    with context():
        state = db.session.scalars(select(State).where(State.code == code)).one()
        found = db.session.scalars(select(Response).where(Response.state_id == state.id).order_by(Response.id))
        return found.all()[-1].id if newest else found.one().id


def test_cli_opens_and_lists_cycles_and_refuses_unknown_chapters(app: Flask) -> None:
    from web.extensions import db
    from web.models import ReportingRound

    open_cycle(app)
    listed = cli(app, "cycles", "list").output
    assert "2026-II" in listed and "open" in listed and "chapters II,V" in listed and "2027.1" in listed
    refused = cli(app, "cycles", "open", "--name", "x", "--chapters", "II,IX")
    assert refused.exit_code != 0 and "unknown chapters: IX (II, III, IV, V)" in refused.output
    twice = cli(app, "cycles", "open", "--name", "y", "--chapters", "III")
    assert twice.exit_code != 0 and "already has an open round" in twice.output
    with app.app_context():
        found = db.session.scalars(select(ReportingRound)).one()
        assert found.chapters == ["II", "V"] and found.version_id is not None


def test_a_response_started_in_a_cycle_shows_and_counts_only_its_chapters(app: Flask) -> None:
    from web import catalog, deadlines
    from web.answers import Change, save
    from web.extensions import db
    from web.models import Answer, Response, User

    open_cycle(app)
    focal = add_user("focal_point", "KEN")
    client = app.test_client()
    login(client, focal)
    rid = start(client)
    with app.app_context():
        response = db.session.get(Response, rid)
        assert response.round_id is not None and deadlines.round_of(response).name == "2026-II"
        q = catalog.questionnaire(response.version)
        # an answer outside the cycle's chapters (15 is in chapter III) is kept, never counted
        save(response, q, [Change("p15_a.compliance", "yes", 0)], db.session.get(User, focal.id), "import")
        db.session.commit()
        assert response.answered == 0
    overview = client.get(f"/responses/{rid}").get_data(as_text=True)
    assert f"/responses/{rid}/pages/p5_1" in overview and f"/responses/{rid}/pages/p51" in overview
    assert f"/responses/{rid}/pages/p15_a" not in overview and f"/responses/{rid}/pages/p43_1" not in overview
    assert client.get(f"/responses/{rid}/pages/p15_a").status_code == 404
    assert client.get(f"/responses/{rid}/pages/focal_point").status_code == 200  # general questions stay
    token = csrf_token(client, f"/responses/{rid}/pages/p5_1")
    client.post(f"/responses/{rid}/pages/p5_1", data={"csrf_token": token, "p5_1.compliance": "yes",
                                                      "_p-p5_1.compliance": "1"})
    with app.app_context():
        response = db.session.get(Response, rid)
        assert response.answered == 1  # p5_1 counted, p15_a not
        kept = db.session.scalars(select(Answer).where(Answer.response_id == rid,
                                                       Answer.question_id == "p15_a.compliance")).one()
        assert kept.value == "yes"


def test_reviews_assign_by_cli_and_its_errors(app: Flask) -> None:
    open_cycle(app)
    done = cli(app, "reviews", "assign", "--state", "KEN", "--reviewers", "FRA,MEX", "--cycle", "2026-II")
    assert done.exit_code == 0 and "KEN is reviewed by FRA and MEX in 2026-II" in done.output
    assert "KEN reviewed by FRA, MEX" in cli(app, "cycles", "list").output
    for reviewers, message in (("FRA", "exactly two"), ("KEN,FRA", "cannot review itself"),
                               ("FRA,XXX", "unknown State XXX")):
        refused = cli(app, "reviews", "assign", "--state", "KEN", "--reviewers", reviewers, "--cycle", "2026-II")
        assert refused.exit_code != 0 and message in refused.output, refused.output
    assert "no cycle named 2030" in cli(app, "reviews", "assign", "--state", "KEN", "--reviewers", "FRA,MEX",
                                        "--cycle", "2030").output
    again = cli(app, "reviews", "assign", "--state", "KEN", "--reviewers", "MEX,DEU", "--cycle", "2026-II")
    assert again.exit_code == 0, again.output  # Mexico stays, Germany replaces France
    assert "KEN reviewed by MEX, DEU" in cli(app, "cycles", "list").output


def submitted(rid: int, answers: dict[str, Any]) -> None:
    """Freeze ``answers`` as the response's first submission (what the reviewers read)."""
    from web.extensions import db
    from web.models import Response, Snapshot
    from web.models.base import utcnow

    with context():
        response = db.session.get(Response, rid)
        response.status = "submitted"
        db.session.add(Snapshot(response_id=rid, number=1, revision=1, version_id=response.version_id,
                                content_hash=response.version.content_hash, summary={}, answers_hash="0" * 64,
                                answers={k: {"value": v, "version": 1, "language": None} for k, v in answers.items()},
                                created_at=utcnow()))
        db.session.commit()


def review_id() -> int:
    from web.extensions import db
    from web.models import CountryReview

    with context():
        return db.session.scalars(select(CountryReview)).one().id


def test_experts_read_the_submitted_snapshot_of_the_state_they_review_only(app: Flask) -> None:
    from web.extensions import db
    from web.models import Activity, Comment

    open_cycle(app)
    assigned = cli(app, "reviews", "assign", "--state", "KEN", "--reviewers", "FRA,MEX", "--cycle", "2026-II")
    assert assigned.exit_code == 0
    focal = add_user("focal_point", "KEN")
    kenya = app.test_client()
    login(kenya, focal)
    rid = start(kenya)
    review = review_id()
    french, third, plain = expert("FRA"), expert("BRA"), add_user("contributor", "MEX")
    france = app.test_client()
    login(france, french)
    page = france.get(f"/reviews/{review}").get_data(as_text=True)
    assert "has not submitted its self-assessment in this cycle yet" in page
    token = csrf_token(kenya, f"/responses/{rid}/pages/p5_1")
    kenya.post(f"/responses/{rid}/pages/p5_1", data={"csrf_token": token, "p5_1.compliance": "partial",
                                                     "_p-p5_1.compliance": "1"})
    assert "Partially" not in france.get(f"/reviews/{review}").get_data(as_text=True)  # never the draft
    submitted(rid, {"p5_1.compliance": "yes", "p51.compliance": "yes", "p15_a.compliance": "no"})
    page = france.get(f"/reviews/{review}").get_data(as_text=True)
    assert 'id="q-p5_1.compliance"' in page and 'id="q-p51.compliance"' in page
    assert 'id="q-p15_a.compliance"' not in page  # chapter III: not in this cycle
    # under its provision, the number isolated so that it reads as one in Arabic too
    assert '<h3>Article <bdi dir="ltr">5\u00a0(1)</bdi></h3>' in page
    assert '<h3>Article <bdi dir="ltr">51</bdi></h3>' in page
    for url in (f"/responses/{rid}", f"/responses/{rid}/pages/p5_1", f"/responses/{rid}/snapshots/1",
                f"/responses/{rid}/comments", "/states/KEN"):
        assert france.get(url).status_code == 404, url  # the live response and its pages stay the State's
    for user in (third, plain):  # an expert of a third State, a reviewing State's account not flagged expert
        other = app.test_client()
        login(other, user)
        assert other.get(f"/reviews/{review}").status_code == 404
        assert other.post(f"/reviews/{review}/comments", data={
            "csrf_token": csrf_token(other, "/"), "question_id": "p5_1.compliance", "body": "x"}).status_code == 404
    token = csrf_token(france, f"/reviews/{review}")
    assert france.post(f"/reviews/{review}/comments", data={"csrf_token": token, "question_id": "p5_1.compliance",
                                                            "body": "Which law?"}).status_code == 302
    assert france.post(f"/reviews/{review}/comments", data={"csrf_token": token, "question_id": "p15_a.compliance",
                                                            "body": "x"}).status_code == 400
    with app.app_context():
        from web.models import OutboxMessage

        thread = db.session.scalars(select(Comment)).one()
        assert thread.response_id == rid and thread.question_id == "p5_1.compliance"
        told = db.session.scalars(select(OutboxMessage.user_id).where(OutboxMessage.kind == "comment")).all()
        assert focal.id in told  # the State is told that a reviewer commented on its answer
    # the State answers in the thread (but opens none); both are in the activity log
    token = csrf_token(kenya, f"/reviews/{review}")
    assert kenya.post(f"/reviews/{review}/comments", data={"csrf_token": token, "question_id": "p5_1.compliance",
                                                           "body": "x"}).status_code == 403
    assert kenya.post(f"/reviews/{review}/comments", data={"csrf_token": token, "parent_id": thread.id,
                                                           "body": "The Penal Code."}).status_code == 302
    assert "The Penal Code." in france.get(f"/reviews/{review}").get_data(as_text=True)
    with app.app_context():
        logged = db.session.scalars(select(Activity.action).where(Activity.response_id == rid)).all()
        assert logged.count("commented") == 2 and "reviewers_assigned" not in logged  # assigned before the start


def test_the_report_is_drafted_by_reviewers_and_finalised_by_the_secretariat(app: Flask) -> None:
    from web.extensions import db
    from web.models import Activity, CountryReview

    open_cycle(app)
    cli(app, "reviews", "assign", "--state", "KEN", "--reviewers", "FRA,MEX", "--cycle", "2026-II")
    focal = add_user("focal_point", "KEN")
    kenya = app.test_client()
    login(kenya, focal)
    rid = start(kenya)
    review = review_id()
    france = app.test_client()
    login(france, expert("FRA"))
    token = csrf_token(france, f"/reviews/{review}")
    assert france.post(f"/reviews/{review}/report", data={"csrf_token": token, "successes": "A new law.",
                                                          "recommendations": "Protect reporting persons."}
                       ).status_code == 302
    assert kenya.post(f"/reviews/{review}/report", data={"csrf_token": token, "successes": "x"}).status_code in (
        400, 403)
    assert france.post(f"/reviews/{review}/finalise", data={"csrf_token": token}).status_code == 403
    secretariat = app.test_client()
    login(secretariat, add_user("secretariat_reviewer"))
    token = csrf_token(secretariat, f"/reviews/{review}")
    assert secretariat.post(f"/reviews/{review}/timeline", data={
        "csrf_token": token, "desk_review_on": "2027-01-15", "dialogue_on": "2027-03-01", "dialogue_kind": "visit",
        "stage": "dialogue"}).status_code == 302
    listing = secretariat.get("/reviews/").get_data(as_text=True)
    assert "Direct dialogue or country visit" in listing and "Kenya" in listing and "FRA, MEX" in listing
    for dashboard in (secretariat.get("/"), kenya.get("/states/KEN")):  # the timeline on the dashboards
        shown = dashboard.get_data(as_text=True)
        assert "Country reviews" in shown and "timeline-late" not in shown, shown
        assert "Direct dialogue or country visit" in shown and "March 1, 2027" in shown  # when(): long dates
    assert secretariat.post(f"/reviews/{review}/finalise", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        found = db.session.get(CountryReview, review)
        assert found.report_status == "final" and found.stage == "done" and found.successes == "A new law."
        assert found.dialogue_on.isoformat() == "2027-03-01"
        actions = set(db.session.scalars(select(Activity.action).where(Activity.response_id == rid)))
        assert {"report_saved", "stage", "report_finalised"} <= actions
    token = csrf_token(france, f"/reviews/{review}")
    late = france.post(f"/reviews/{review}/report", data={"csrf_token": token, "successes": "late"})
    assert late.status_code == 302  # refused, saying why (tests/web/test_review_races.py)
    assert "it can no longer be changed" in france.get(f"/reviews/{review}").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(CountryReview, review).successes == "A new law."


def test_the_timeline_says_what_is_done_current_late_and_planned(app: Flask) -> None:
    from datetime import date

    from web import reviews
    from web.extensions import db
    from web.models import CountryReview

    open_cycle(app)
    cli(app, "reviews", "assign", "--state", "KEN", "--reviewers", "FRA,MEX", "--cycle", "2026-II")
    with app.app_context():
        review = db.session.scalars(select(CountryReview)).one()
        review.stage, review.desk_review_on, review.dialogue_on = "desk_review", date(2027, 1, 1), date(2027, 3, 1)
        steps = reviews.timeline(review, day=date(2027, 2, 1))
        assert [(s.code, s.status) for s in steps] == [
            ("self_assessment", "done"), ("desk_review", "late"), ("dialogue", "planned"),
            ("draft_report", "planned"), ("final_report", "planned")]
        assert steps[0].on == review.round.due_on


def test_the_secretariat_opens_a_cycle_in_the_browser_form(app: Flask) -> None:
    from web.extensions import db
    from web.models import ReportingRound

    client = app.test_client()
    login(client, add_user("secretariat_admin"))
    token = csrf_token(client, "/admin/deadlines/")
    refused = client.post("/admin/deadlines/", data={"csrf_token": token, "questionnaire": "uncac_checklist",
                                                     "name": "2026-II", "due_on": "2027-06-30", "chapters": "II,IX"})
    assert refused.status_code == 400 and "Unknown chapters: IX (II, III, IV, V)." in refused.get_data(as_text=True)
    done = client.post("/admin/deadlines/", data={"csrf_token": token, "questionnaire": "uncac_checklist",
                                                  "name": "2026-II", "due_on": "2027-06-30", "chapters": "V, II"})
    assert done.status_code == 302
    assert "Review cycle: chapters II, V" in client.get("/admin/deadlines/").get_data(as_text=True)
    with app.app_context():
        found = db.session.scalars(select(ReportingRound)).one()
        assert found.chapters == ["II", "V"] and found.version_id is not None


def test_answers_of_other_chapters_are_carried_but_never_asked_to_be_confirmed(app: Flask) -> None:
    from web import catalog, cycles
    from web.answers import Change, save
    from web.extensions import db
    from web.models import Response, User

    focal = add_user("focal_point", "KEN")
    earlier = start_response("KEN")  # before any cycle, on the same version
    with app.app_context():
        response = db.session.get(Response, earlier.id)
        save(response, catalog.questionnaire(response.version), [Change("p5_1.compliance", "yes", 0),
                                                                  Change("p15_a.compliance", "no", 0)],
             db.session.get(User, focal.id), "save")
        db.session.commit()
    open_cycle(app)
    client = app.test_client()
    login(client, focal)
    rid = start(client, code="KEN", newest=True)
    with app.app_context():
        response = db.session.get(Response, rid)
        assert response.id != earlier.id and response.round_id is not None
        assert cycles.unconfirmed(response) == {"p5_1.compliance": "2027.1"}  # 15 (chapter III) is kept, not asked


def test_an_earlier_cycles_submission_does_not_answer_a_new_cycle(app: Flask) -> None:
    from datetime import date

    from web import deadlines
    from web.extensions import db
    from web.models import Response

    earlier = start_response("KEN")
    with app.app_context():
        db.session.get(Response, earlier.id).status = "accepted"
        db.session.commit()
    result = cli(app, "cycles", "open", "--name", "2026-II", "--chapters", "II,V", "--opens", "2026-01-01",
                 "--due", "2026-06-30")
    assert result.exit_code == 0, result.output
    with app.app_context():
        late = {row.state.code for row in deadlines.overdue(date(2026, 7, 1))}
        assert "KEN" in late  # accepted in an earlier round: still to answer this cycle


def test_the_list_of_reviews_reads_as_much_for_many_reviews_as_for_one(app: Flask, client: FlaskClient) -> None:
    """Each review's timeline needs the State's response in the cycle: read for all in one query,
    and the timelines equal those worked out one review at a time."""
    from sqlalchemy import event

    from web import reviews
    from web.extensions import db
    from web.models import CountryReview

    open_cycle(app)
    login(client, add_user("secretariat_reviewer"))

    def statements() -> int:
        count = [0]

        def counted(*_args: Any) -> None:
            count[0] += 1

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", counted)
        try:
            assert client.get("/reviews/").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", counted)
        return count[0]

    cli(app, "reviews", "assign", "--state", "KEN", "--reviewers", "FRA,MEX", "--cycle", "2026-II")
    one = statements()
    for state, reviewers in (("FRA", "KEN,MEX"), ("MEX", "KEN,FRA"), ("BRA", "KEN,FRA")):
        assert cli(app, "reviews", "assign", "--state", state, "--reviewers", reviewers, "--cycle", "2026-II"
                   ).exit_code == 0
    with app.app_context():  # KEN's self-assessment is in: its desk review has begun
        from web.models import Response

        ken = db.session.get(Response, start_response("KEN").id)
        ken.round_id, ken.status = db.session.scalars(select(CountryReview)).first().round_id, "submitted"
        db.session.commit()
    assert statements() == one
    with app.app_context():
        found = list(db.session.scalars(select(CountryReview)))
        assert reviews.timelines(found)[found[0].id][1].status == "current"
        assert len(found) == 4
        assert reviews.timelines(found) == {r.id: reviews.timeline(r) for r in found}


def test_reviewers_read_the_threads_of_the_review_never_the_secretariats_threads_on_the_drafts(app: Flask) -> None:
    from web.extensions import db
    from web.models import Comment

    open_cycle(app)
    assert cli(app, "reviews", "assign", "--state", "KEN", "--reviewers", "FRA,MEX", "--cycle", "2026-II"
               ).exit_code == 0
    kenya, secretariat, france = app.test_client(), app.test_client(), app.test_client()
    login(kenya, add_user("focal_point", "KEN"))
    login(secretariat, add_user("secretariat_reviewer"))
    login(france, expert("FRA"))
    rid = start(kenya)
    review = review_id()
    token = csrf_token(secretariat, f"/responses/{rid}/comments")  # on the draft, between the secretariat and KEN
    assert secretariat.post(f"/responses/{rid}/comments", data={
        "csrf_token": token, "question_id": "p5_1.compliance", "body": "Internal: please check the decree"}
    ).status_code == 302
    submitted(rid, {"p5_1.compliance": "yes"})
    token = csrf_token(france, f"/reviews/{review}")
    assert france.post(f"/reviews/{review}/comments", data={"csrf_token": token, "question_id": "p5_1.compliance",
                                                            "body": "Which law?"}).status_code == 302
    with app.app_context():
        draft_thread, review_thread = db.session.scalars(select(Comment).order_by(Comment.id)).all()
        assert (draft_thread.review_id, review_thread.review_id) == (None, review)
    token = csrf_token(kenya, f"/responses/{rid}/comments")  # KEN answers the reviewer from its comments page
    assert kenya.post(f"/responses/{rid}/comments", data={"csrf_token": token, "parent_id": review_thread.id,
                                                          "body": "The Penal Code."}).status_code == 302
    page = france.get(f"/reviews/{review}").get_data(as_text=True)
    assert "Which law?" in page and "The Penal Code." in page
    assert "Internal: please check the decree" not in page
    token = csrf_token(france, f"/reviews/{review}")  # nor can an expert reply into it from the review
    assert france.post(f"/reviews/{review}/comments", data={"csrf_token": token, "parent_id": draft_thread.id,
                                                            "body": "x"}).status_code in (400, 404)
    assert "Internal: please check the decree" in kenya.get(f"/responses/{rid}/comments").get_data(as_text=True)
    with app.app_context():  # migration 0015 finds the review of threads written before it in the activity log
        from web.migrate import downgrade, upgrade

        db.session.close()
        downgrade(db, "0014")
        upgrade(db)
        assert [c.review_id for c in db.session.scalars(select(Comment).order_by(Comment.id))] == [None, review, review]
