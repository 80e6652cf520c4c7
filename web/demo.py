"""Demo data for ``make run``: States, the shipped questionnaires, demo accounts and some answers.

The demo goes through the same path as a real secretariat. On a new database it publishes the
earlier versions kept in ``questionnaires/archive/`` first, lets Kenya's focal point answer the
checklist there, then publishes the shipped versions with their mapping files
(``questionnaires/mappings/<id>-<version>.yaml``, as ``checklist questionnaires publish --mapping``
does) and moves Kenya's response to them, so the demo shows the current checklist with answers
carried over or mapped. Run again, it adds only what is missing.

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

from . import answers, catalog, versions
from .admin.users import set_account, set_contact
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
    ("provider@demo.example", "provider", None, "Provider of assistance (UNDP)", ""),
)
#: Contact details: the organization of the provider, Kenya's focal point for technical assistance.
CONTACTS: dict[str, dict[str, Any]] = {
    "provider@demo.example": {"organization": "United Nations Development Programme"},
    "focal.kenya@demo.example": {"organization": "Ethics and Anti-Corruption Commission", "ta_focal_point": True,
                                 "position": "Director, technical assistance", "phone": "+254 20 000 0000"},
}

#: Kenya's answers, given on the checklist's first version (2026.1): the general part by question id
#: (it has no roles), the focal point and the provisions by role (engine.roles), so that they do
#: not depend on the ids of a version. The demo then moves them to the current version through
#: the version's mapping ("compliance" of a provision that does not bind becomes "adopted",
#: "legal_advice" becomes "legal_advisory" and "legislative_drafting").
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
            "assistance_needed": True, "assistance_kinds": ["legal_advice", "capacity_building", "good_practices"],
            "assistance_priority": "high", "assistance_received": False},
    "15.a": {"compliance": "yes",
             "measures": [{"instrument": "Anti-Corruption and Economic Crimes Act", "reference": "s. 46",
                           "year": 2003}],
             "summary": "Offering or giving a bribe to a public officer is an offence."},
    "23.2.d": {"compliance": "no",
               "steps": [{"step": "Send the Proceeds of Crime and Anti-Money Laundering Act and its amendments",
                          "authority": "Office of the Attorney General", "timeframe": "2026"}],
               "challenges": ["coordination"],
               "assistance_needed": True, "assistance_kinds": ["legal_advice"], "assistance_priority": "medium",
               "assistance_received": False},
    "27.2": {"compliance": "yes",
             "measures": [{"instrument": "Penal Code", "reference": "s. 388", "year": 1930}],
             "summary": "Attempts to commit any offence are punishable."},
}


def kenya_answers(q: engine.Questionnaire, mapping: versions.Mapping | None = None) -> dict[str, Any]:
    """Kenya's answers keyed by the question ids of ``q``. Given a later version than the first,
    they are expressed as its ``mapping`` moves answers: the status of a provision that does not
    bind goes to its "adopted" question, and choice codes are recoded."""
    found: dict[str, Any] = {qid: value for qid, value in GENERAL.items() if qid in q.index.items}
    for role, value in FOCAL_POINT.items():
        found.update({question.id: value for question in q.with_role(role)[:1]})
    for block in q.blocks:
        for role, value in PROVISIONS.get(block.provision or "", {}).items():
            if role == "compliance" and block.get(role) is None:
                role = "adopted"  # same codes: yes, partial, no
            qid = block.get(role)
            if qid is None:
                continue
            question = q.question(qid)
            if mapping is not None and question.choices is not None and isinstance(value, list):
                codes = mapping.code_map(qid, question.choices.name)
                found[qid] = list(dict.fromkeys(new for code in value for new in codes.get(code, [code])))
            else:
                found[qid] = value
    return found


def load_demo() -> Iterator[str]:
    session = db.session
    added, updated = load_states(session)
    yield f"States: {added} added, {updated} updated"
    passwords = _passwords()
    for email, role, state, name, assign in ACCOUNTS:
        user = session.scalars(select(User).where(User.email == email)).first()
        if user is None:
            user = set_account(User(), email=email, role=role, state_code=state, name=name, assignments=assign,
                               password=passwords[email])
            set_contact(user, **CONTACTS.get(email, {}))
    session.commit()
    folder = Path(current_app.config["QUESTIONNAIRE_DIR"])
    for path in _history(folder):
        yield _publish(path, folder)
    session.commit()
    yield from _demo_answers()
    session.commit()
    for path in sorted(folder.glob("*.yaml")):
        yield _publish(path, folder)
        session.commit()
    yield from _move_demo_response()
    session.commit()
    yield from _provider_activities()
    session.commit()
    yield ""
    yield "Demo logins (also in instance/demo-logins.txt):"
    for email, role, state, _name, _assign in ACCOUNTS:
        yield f"  {email:34} {passwords[email]:16} {role}{' ' + state if state else ''}"


def _history(folder: Path) -> list[Path]:
    """Archived versions of the questionnaires the database holds no version of, oldest first."""
    stored = set(db.session.scalars(select(QuestionnaireVersion.questionnaire_id)))
    hashes = set(db.session.scalars(select(QuestionnaireVersion.content_hash)))
    found: list[tuple[str, tuple[tuple[int, int | str], ...], Path]] = []
    for path in (folder / "archive").glob("*.yaml"):
        if hashlib.sha256(path.read_bytes()).hexdigest() in hashes:
            continue
        q = engine.load_file(path).questionnaire
        if q.id not in stored:
            found.append((q.id, versions.version_key(q.version), path))
    return [path for _id, _key, path in sorted(found)]


def _publish(path: Path, folder: Path) -> str:
    """Publish one file the way the secretariat does: compared with the live version, through
    the version's mapping file when there is one; nothing is published while a change would
    leave answers behind undecided."""
    text = path.read_text(encoding="utf-8")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    stored = db.session.scalars(select(QuestionnaireVersion).where(QuestionnaireVersion.content_hash == digest)).first()
    if stored is not None:  # the same file: nothing to load
        return f"{path.name}: version {stored.version} already published"
    loaded = engine.load(text, source=str(path))
    q = loaded.questionnaire
    same = db.session.scalars(select(QuestionnaireVersion).where(
        QuestionnaireVersion.questionnaire_id == q.id, QuestionnaireVersion.version == q.version)).first()
    if same is not None:
        if same.content_hash != q.content_hash:
            return f"{path.name}: version {q.version} is already stored with other content (change 'version:')"
        return f"{path.name}: version {q.version} already published"
    live = versions.live_version(q.id)
    if live is None:  # the first version: nothing to compare with
        return f"{path.name}: published version {catalog.publish_text(text, str(path), loaded=loaded).version.version}"
    mapping_path = folder / "mappings" / f"{q.id}-{q.version}.yaml"
    found = versions.Mapping.from_file(mapping_path) if mapping_path.exists() else None
    if found is None or found.source != live.version:
        return f"{path.name}: not published over {live.version}: no mapping file {mapping_path.name} from it"
    plan = versions.plan(loaded, found.mapping, text)
    if not plan.can_publish or plan.refusals:
        problems = ([f"{b.kind} {b.question_id}" for b in plan.blockers] + plan.mapping_errors
                    + [refusal.message(path.name) for refusal in plan.refusals])
        return f"{path.name}: not published, decisions needed: {'; '.join(problems)}"
    published = versions.publish(plan, text, str(path), found.mapping, None, notes=found.notes)
    return f"{path.name}: published version {published.version} over {live.version} with mappings/{mapping_path.name}"


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


def _kenya() -> tuple[State | None, User | None]:
    kenya = db.session.scalars(select(State).where(State.code == "KEN")).first()
    focal = db.session.scalars(select(User).where(User.email == "focal.kenya@demo.example")).first()
    return kenya, focal


def _checklist_responses(state: State) -> list[Response]:
    return list(db.session.scalars(select(Response).join(QuestionnaireVersion).where(
        Response.state_id == state.id, QuestionnaireVersion.questionnaire_id == "uncac_checklist")))


def _demo_answers() -> Iterator[str]:
    """Kenya's focal point has started the checklist: a few provisions answered."""
    version = next((v for v in catalog.current_versions() if v.questionnaire_id == "uncac_checklist"), None)
    kenya, focal = _kenya()
    if version is None or kenya is None or focal is None or _checklist_responses(kenya):
        return
    q = catalog.questionnaire(version)
    mapping_path = Path(current_app.config["QUESTIONNAIRE_DIR"]) / "mappings" / f"{q.id}-{q.version}.yaml"
    mapping = versions.Mapping.from_file(mapping_path).mapping if mapping_path.exists() else None
    values = kenya_answers(q, mapping)
    response = Response(state_id=kenya.id, version_id=version.id, status="draft")
    db.session.add(response)
    db.session.flush()
    changes = [answers.Change(qid, value, 0) for qid, value in values.items()]
    result = answers.save(response, q, changes, focal, source="import", language="en")
    refresh(response, q, answers.values(q, answers.stored(response)))
    yield f"Demo answers for Kenya (version {version.version}): {len(result.saved)} saved"


def _provider_activities() -> Iterator[str]:
    """The demo provider has submitted the provider questionnaire: one activity for Kenya."""
    from . import workflow
    from .providers import questionnaires, start

    provider = db.session.scalars(select(User).where(User.email == "provider@demo.example")).first()
    found = questionnaires()
    if provider is None or not provider.organization or not found:
        return
    response, new = start(provider.organization, found[0])
    if not new:
        return
    q = catalog.questionnaire(found[0])
    activity = {"title": "Strengthening the Ethics and Anti-Corruption Commission", "country": "KEN",
                "articles": ["5", "6"], "categories": ["institution_building", "capacity_building"],
                "start_date": "2026-01-01", "end_date": "2027-12-31", "status": "ongoing", "budget": 1200000,
                "currency": "USD"}
    answers.save(response, q, [answers.Change(q.with_role("provider_activities")[0].id, [activity], 0)], provider,
                 source="import", language="en")
    workflow.submit(response, provider)
    yield f"Demo provider ({provider.organization}): one activity for Kenya, submitted"


def _move_demo_response() -> Iterator[str]:
    """Kenya's response moves to the live checklist, as its focal point would move it."""
    live = versions.live_version("uncac_checklist")
    kenya, focal = _kenya()
    if live is None or kenya is None or focal is None:
        return
    responses = _checklist_responses(kenya)
    if not responses or any(r.version_id == live.id for r in responses):
        return
    response = max(responses, key=lambda r: r.version_id)  # the latest version it answered
    before = response.version.version
    moved = versions.migrate(response, live, focal)
    yield (f"Kenya's response moved from version {before} to {live.version}: {moved.carried} answers carried, "
           f"{len(moved.mapped)} mapped, {len(moved.orphans)} without a home")
