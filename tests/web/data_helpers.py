"""Building small data sets for the data, analysis and repository tests: States answering the small
checklist (``tests.exports.small_checklist``) through the real saving and workflow code."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from tests.conftest import add_user, context
from tests.exports.small_checklist import SMALL_CHECKLIST

HOSTILE = '"><svg onload=alert(1)>'


def small_version() -> int:
    from web import catalog
    from web.extensions import db
    from web.models import QuestionnaireVersion

    with context():
        version = db.session.scalars(select(QuestionnaireVersion).where(
            QuestionnaireVersion.questionnaire_id == "small_checklist")).first()
        if version is None:
            version = catalog.publish_text(SMALL_CHECKLIST, "small_checklist.yaml").version
            db.session.commit()
        return version.id


def respond(state: str, answers: dict[str, Any], status: str = "draft", publish: bool = False,
            language: str = "en") -> int:
    """A response of ``state`` with ``answers`` saved by its focal point, then moved to ``status``
    (``submitted`` or ``accepted``, with ``publish``) through the workflow."""
    from web import answers as saving
    from web import catalog, consent, workflow
    from web.extensions import db
    from web.models import QuestionnaireVersion, Response, State, User

    version_id = small_version()
    focal = add_user("focal_point", state)
    reviewer = add_user("secretariat_reviewer")
    with context():
        version = db.session.get(QuestionnaireVersion, version_id)
        q = catalog.questionnaire(version)
        state_row = db.session.scalars(select(State).where(State.code == state)).one()
        response = Response(state_id=state_row.id, version_id=version.id, status="draft")
        db.session.add(response)
        db.session.flush()
        user = db.session.get(User, focal.id)
        result = saving.save(response, q, [saving.Change(qid, value, 0) for qid, value in answers.items()], user,
                             source="save", language=language)
        assert not result.refused and not result.conflicts, result
        if status in ("submitted", "accepted"):
            workflow.submit(response, user)
        if publish:  # the State lets its profile be published (web.consent)
            consent.set_consent(response, user, "profile")
        if status == "accepted":
            workflow.accept(response, db.session.get(User, reviewer.id), publish=publish)
        db.session.commit()
        return response.id


def change(response_id: int, answers: dict[str, Any], state: str = "KEN") -> None:
    """Change answers of a draft as its State's focal point would (based on the stored versions)."""
    from web import answers as saving
    from web import catalog
    from web.extensions import db
    from web.models import Response, User

    focal = add_user("focal_point", state)
    with context():
        response = db.session.get(Response, response_id)
        q = catalog.questionnaire(response.version)
        rows = saving.stored(response)
        changes = [saving.Change(qid, value, rows[qid].version if qid in rows else 0) for qid, value in answers.items()]
        result = saving.save(response, q, changes, db.session.get(User, focal.id), source="save", language="en")
        assert result.saved and not result.conflicts
        db.session.commit()


def counts() -> dict[str, int]:
    """Rows per table that an import or a request could change."""
    from web.extensions import db
    from web.models import Activity, Answer, AnswerRevision, Response, Snapshot

    with context():
        return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
                for model in (Answer, AnswerRevision, Response, Snapshot, Activity)}


def rename_state(code: str, name: str) -> None:
    """Give a State a hostile name in every language (to test escaping)."""
    from web.extensions import db
    from web.models import State

    with context():
        state = db.session.scalars(select(State).where(State.code == code)).one()
        state.names = {lang: name for lang in ("ar", "en", "es", "fr", "ru", "zh")}
        db.session.commit()


def restore_state(code: str) -> None:
    from web.extensions import db
    from web.models import State
    from web.reference import member_states

    member = next(member for member in member_states() if member.code == code)
    with context():
        state = db.session.scalars(select(State).where(State.code == code)).one()
        state.names = dict(member.names)
        db.session.commit()


def accept(response_id: int, publish: bool = True) -> None:
    """Submit a complete draft as its focal point, and accept it (published or not)."""
    from web import consent, workflow
    from web.extensions import db
    from web.models import Response, User

    with context():
        code = db.session.get(Response, response_id).state.code
    focal = add_user("focal_point", code)
    reviewer = add_user("secretariat_reviewer")
    with context():
        response = db.session.get(Response, response_id)
        workflow.submit(response, db.session.get(User, focal.id))
        if publish:
            consent.set_consent(response, db.session.get(User, focal.id), "profile")
        workflow.accept(response, db.session.get(User, reviewer.id), publish=publish)
        db.session.commit()
