"""Demo data for ``make run``: States, the shipped questionnaires, demo accounts and some answers.

Demo passwords are random, made on the first run and kept in ``instance/demo-logins.txt``
(readable by the owner only); every run prints them. Never load demo data in production.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select

import engine
from exports.provisions import layouts

from . import answers, catalog
from .admin.users import set_account
from .extensions import db
from .models import QuestionnaireVersion, Response, State, User
from .progress import refresh
from .reference import load_states

ACCOUNTS = (
    ("admin@demo.example", "secretariat_admin", None, "Secretariat administrator", ""),
    ("reviewer@demo.example", "secretariat_reviewer", None, "Secretariat reviewer", ""),
    ("focal.kenya@demo.example", "focal_point", "KEN", "Focal point, Kenya", ""),
    ("contributor.kenya@demo.example", "contributor", "KEN", "Contributor, Kenya (chapter III)", "chapter:III"),
    ("focal.france@demo.example", "focal_point", "FRA", "Focal point, France", ""),
    ("reader@demo.example", "reader", None, "Delegate (reader)", ""),
)


def load_demo() -> Iterator[str]:
    session = db.session
    added, updated = load_states(session)
    yield f"States: {added} added, {updated} updated"
    for path in sorted(Path(current_app.config["QUESTIONNAIRE_DIR"]).glob("*.yaml")):
        yield _publish(path)
    passwords = _passwords()
    for email, role, state, name, assign in ACCOUNTS:
        user = session.scalars(select(User).where(User.email == email)).first()
        if user is None:
            set_account(User(), email=email, role=role, state_code=state, name=name, assignments=assign,
                         password=passwords[email])
    session.commit()
    yield from _demo_answers()
    session.commit()
    yield ""
    yield "Demo logins (also in instance/demo-logins.txt):"
    for email, role, state, _name, _assign in ACCOUNTS:
        yield f"  {email:34} {passwords[email]:16} {role}{' ' + state if state else ''}"


def _publish(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    stored = db.session.scalars(select(QuestionnaireVersion).where(QuestionnaireVersion.content_hash == digest)).first()
    if stored is not None:  # the same file: nothing to load
        return f"{path.name}: version {stored.version} already published"
    q = engine.load(text, source=str(path)).questionnaire
    same = db.session.scalars(select(QuestionnaireVersion).where(
        QuestionnaireVersion.questionnaire_id == q.id, QuestionnaireVersion.version == q.version)).first()
    if same is not None:
        if same.content_hash != q.content_hash:
            return f"{path.name}: version {q.version} is already stored with other content (change 'version:')"
        return f"{path.name}: version {q.version} already published"
    published = catalog.publish_text(text, str(path))
    return f"{path.name}: published version {published.version.version}"


def _passwords() -> dict[str, str]:
    path = Path(current_app.instance_path) / "demo-logins.txt"
    known: dict[str, str] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            email, _sep, password = line.partition(" ")
            if email and password:
                known[email] = password.strip()
    missing = [email for email, *_rest in ACCOUNTS if email not in known]
    if missing:
        for email in missing:
            known[email] = secrets.token_urlsafe(12)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.writelines(f"{email} {password}\n" for email, password in known.items())
    return known


#: Kenya's answers: the general part by question id (it has no roles), the focal point and the
#: provisions by role (exports.provisions), so that renaming a question id changes nothing here.
GENERAL = {
    "instrument": "ratification", "deposit_date": "2003-12-09", "legal_system": "common_law",
    "framework_overview": "The Constitution of 2010, the Anti-Corruption and Economic Crimes Act and the "
                          "Ethics and Anti-Corruption Commission form the core of the framework.",
}
FOCAL_POINT = {"focal_point_name": "Wanjiru Kamau", "focal_point_institution": "Office of the Attorney General",
               "focal_point_email": "focal.point@example.org"}
PROVISIONS: dict[str, dict[str, Any]] = {
    "5.1": {"compliance": "yes",
            "measures": [{"instrument": "National Ethics and Anti-Corruption Policy", "year": 2018,
                          "link": "https://example.org/policy"}],
            "summary": "The policy sets out coordinated measures across government."},
    "5.2": {"compliance": "partial",
            "measures": [{"instrument": "Public Officer Ethics Act", "reference": "Part III", "year": 2003}],
            "summary": "Codes of conduct apply in most public bodies.",
            "steps": [{"step": "Extend practices to county governments", "authority": "Ethics Commission",
                       "timeframe": "2027"}],
            "challenges": ["resources", "coordination"],
            "assistance_needed": True, "assistance_kinds": ["capacity_building", "good_practices"],
            "assistance_priority": "high", "assistance_received": False},
}


def _demo_answers_of(q: engine.Questionnaire) -> dict[str, Any]:
    """Kenya's answers keyed by the question ids of ``q``."""
    found: dict[str, Any] = {qid: value for qid, value in GENERAL.items() if qid in q.index.items}
    for role, value in FOCAL_POINT.items():
        found.update({question.id: value for question in q.with_role(role)[:1]})
    for layout in layouts(q):
        for role, value in PROVISIONS.get(layout.provision, {}).items():
            if role in layout.roles:
                found[layout.roles[role]] = value
    return found


def _demo_answers() -> Iterator[str]:
    """Kenya's focal point has started the checklist: a few provisions answered."""
    version = next((v for v in catalog.current_versions() if v.questionnaire_id == "uncac_checklist"), None)
    kenya = db.session.scalars(select(State).where(State.code == "KEN")).first()
    focal = db.session.scalars(select(User).where(User.email == "focal.kenya@demo.example")).first()
    if version is None or kenya is None or focal is None:
        return
    response = db.session.scalars(select(Response).where(
        Response.state_id == kenya.id, Response.version_id == version.id)).first()
    if response is not None:
        return
    q = catalog.questionnaire(version)
    response = Response(state_id=kenya.id, version_id=version.id, status="draft")
    db.session.add(response)
    db.session.flush()
    demo = _demo_answers_of(q)
    changes = [answers.Change(qid, value, 0) for qid, value in demo.items()]
    result = answers.save(response, q, changes, focal, source="import", language="en")
    refresh(response, q, answers.values(q, answers.stored(response)))
    yield f"Demo answers for Kenya: {len(result.saved)} saved"
