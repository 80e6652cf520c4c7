"""Demo data for ``make run``: States, the shipped questionnaires, demo accounts and some answers.

Demo passwords are random, made on the first run and kept in ``instance/demo-logins.txt``
(readable by the owner only); every run prints them. Never load demo data in production.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from flask import current_app
from sqlalchemy import select

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
    import engine

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
    demo = {
        "focal_name": "Wanjiru Kamau", "focal_institution": "Office of the Attorney General",
        "focal_email": "focal.point@example.org", "instrument": "ratification", "deposit_date": "2003-12-09",
        "legal_system": "common_law",
        "framework_overview": "The Constitution of 2010, the Anti-Corruption and Economic Crimes Act and the "
                              "Ethics and Anti-Corruption Commission form the core of the framework.",
        "p5_1.compliance": "yes",
        "p5_1.measures": [{"instrument": "National Ethics and Anti-Corruption Policy", "year": 2018,
                           "link": "https://example.org/policy"}],
        "p5_1.measures_summary": "The policy sets out coordinated measures across government.",
        "p5_2.compliance": "partial",
        "p5_2.measures": [{"instrument": "Public Officer Ethics Act", "reference": "Part III", "year": 2003}],
        "p5_2.measures_summary": "Codes of conduct apply in most public bodies.",
        "p5_2.steps": [{"step": "Extend practices to county governments", "authority": "Ethics Commission",
                        "timeframe": "2027"}],
        "p5_2.challenges": ["resources", "coordination"],
        "p5_2.ta_needed": True, "p5_2.ta_categories": ["capacity_building", "good_practices"],
        "p5_2.ta_priority": "high", "p5_2.ta_received": False,
    }
    changes = [answers.Change(qid, value, 0) for qid, value in demo.items()]
    result = answers.save(response, q, changes, focal, source="import", language="en")
    refresh(response, q, answers.values(q, answers.stored(response)))
    yield f"Demo answers for Kenya: {len(result.saved)} saved"
