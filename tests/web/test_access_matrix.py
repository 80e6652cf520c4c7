"""Access control over every route x role x own / other State.

Each route of the app has an entry below: for each role and target (the user's own State "A" =
KEN, another State "B" = FRA) whether the request is allowed, refused (403/404), or sent to the
login page. Every refused request must leave the database exactly as it was. A new route without
an entry makes :func:`test_every_route_has_an_entry` fail.

A provider of technical assistance gets what a reader gets unless its entry says otherwise.

Requests that are allowed and would change data are marked ``"ok*"``: they are checked by the
functional tests (their effect), not executed here, so that the other checks keep a known state.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from tests.conftest import add_user, context, csrf_token, login

ROLES = ("anonymous", "secretariat_admin", "secretariat_reviewer", "focal_point", "contributor", "reader",
         "provider", "expert")
#: A governmental expert (a contributor of MEX flagged ``expert``): MEX reviews State A (KEN) in the
#: cycle, not State B (FRA). Routes without an "expert" entry treat the expert as any account of a
#: third State: its outcome is the contributor's for the other State.
DENY = "deny"  # 403 or 404
LOGIN = "login"
OK = "ok"  # 2xx or 3xx (not to the login page), or 400/409 (processed, refused on its merits)
OK_STAR = "ok*"  # allowed, changes data: not executed here


@dataclass
class Route:
    methods: tuple[str, ...]
    url: Callable[[dict[str, Any], str], str]  # (scenario, "A" | "B") -> URL
    expect: dict[str, str | tuple[str, str]]  # role -> outcome, or (outcome for A, outcome for B)
    data: Callable[[dict[str, Any], str], dict[str, Any]] = field(default=lambda s, t: {})
    json: bool = False
    targets: tuple[str, ...] = ("A", "B")


def r(s: dict[str, Any], t: str) -> int:
    return s[f"response_{t}"]


SECRETARIAT_ONLY = {"secretariat_admin": OK, "secretariat_reviewer": OK, "focal_point": DENY, "contributor": DENY,
                    "reader": DENY}
ADMIN_ONLY = {"secretariat_admin": OK, "secretariat_reviewer": DENY, "focal_point": DENY, "contributor": DENY,
              "reader": DENY}
ADMIN_WRITES = {**ADMIN_ONLY, "secretariat_admin": OK_STAR}
READ_RESPONSE = {"secretariat_admin": OK, "secretariat_reviewer": OK, "focal_point": (OK, DENY),
                 "contributor": (OK, DENY), "reader": DENY}
WRITE_RESPONSE = {"secretariat_admin": DENY, "secretariat_reviewer": DENY, "focal_point": (OK_STAR, DENY),
                  "contributor": (OK_STAR, DENY), "reader": DENY}
EVERYONE = {role: OK for role in ROLES if role != "anonymous"}
ASSISTANCE = {**EVERYONE, "reader": DENY}
#: Reading a response's data with a trace in its activity log (file downloads, copies).
READ_LOGGED = {"secretariat_admin": OK_STAR, "secretariat_reviewer": OK_STAR, "focal_point": (OK_STAR, DENY),
               "contributor": (OK_STAR, DENY), "reader": DENY}
SECRETARIAT_WRITES = {**SECRETARIAT_ONLY, "secretariat_admin": OK_STAR, "secretariat_reviewer": OK_STAR}

MATRIX: dict[str, Route] = {
    "dashboard.index": Route(("GET",), lambda s, t: "/", EVERYONE, targets=("A",)),
    "dashboard.overdue": Route(("GET",), lambda s, t: "/overdue", SECRETARIAT_ONLY, targets=("A",)),
    "auth.login": Route(("GET", "POST"), lambda s, t: "/login", {**EVERYONE, "anonymous": OK}, targets=("A",),
                        data=lambda s, t: {"email": "nobody@test.example", "password": "not the password"}),
    "auth.logout": Route(("POST",), lambda s, t: "/logout", {role: OK_STAR for role in EVERYONE}, targets=("A",)),
    "auth.change_password": Route(("GET", "POST"), lambda s, t: "/account/password", EVERYONE, targets=("A",),
                                  data=lambda s, t: {"current": "not the password", "password": "x", "confirm": "x"}),
    "auth.language": Route(("POST",), lambda s, t: "/language", {**EVERYONE, "anonymous": OK},
                           data=lambda s, t: {"lang": "fr", "next": "/"}, targets=("A",)),
    "states.view": Route(("GET",), lambda s, t: f"/states/{s['code_' + t]}", READ_RESPONSE),
    "states.start": Route(("POST",), lambda s, t: f"/states/{s['code_' + t]}/start/{s['version']}",
                          {"secretariat_admin": DENY, "secretariat_reviewer": DENY, "focal_point": (OK_STAR, DENY),
                           "contributor": DENY, "reader": DENY}),
    "fill.overview": Route(("GET",), lambda s, t: f"/responses/{r(s, t)}", READ_RESPONSE),
    "fill.resume": Route(("GET",), lambda s, t: f"/responses/{r(s, t)}/resume", READ_RESPONSE),
    "fill.page": Route(("GET",), lambda s, t: f"/responses/{r(s, t)}/pages/p15_a", READ_RESPONSE),
    "fill.print_response": Route(("GET",), lambda s, t: f"/responses/{r(s, t)}/print", READ_RESPONSE),
    "fill.print_blank": Route(("GET",), lambda s, t: f"/questionnaires/{s['version']}/print", EVERYONE,
                              targets=("A",)),
    "fill.save_page": Route(("POST",), lambda s, t: f"/responses/{r(s, t)}/pages/p15_a", WRITE_RESPONSE,
                            data=lambda s, t: {"p15_a.compliance": "no", "_p-p15_a.compliance": "1",
                                               "_v-p15_a.compliance": "1"}),
    "fill.autosave": Route(("POST",), lambda s, t: f"/responses/{r(s, t)}/autosave", WRITE_RESPONSE, json=True,
                           data=lambda s, t: {"page": "p15_a", "changes": [
                               {"q": "p15_a.compliance", "value": "no", "base": 1}]}),
    "fill.resolve": Route(("POST",), lambda s, t: f"/responses/{r(s, t)}/resolve", WRITE_RESPONSE,
                          data=lambda s, t: {"q": "p15_a.compliance", "keep-p15_a.compliance": "mine",
                                             "mine-p15_a.compliance": '"no"', "version-p15_a.compliance": "1"}),
    "review.submit": Route(("POST",), lambda s, t: f"/responses/{r(s, t)}/submit",
                           {"secretariat_admin": DENY, "secretariat_reviewer": DENY, "focal_point": (OK, DENY),
                            "contributor": DENY, "reader": DENY}),
    "review.check": Route(("GET",), lambda s, t: f"/responses/{r(s, t)}/check", READ_RESPONSE),
    "review.submit_page": Route(("GET",), lambda s, t: f"/responses/{r(s, t)}/submit", READ_RESPONSE),
    "review.submitted": Route(("GET",), lambda s, t: f"/responses/{r(s, t)}/submitted/1", READ_RESPONSE),
    "review.return_": Route(("POST",), lambda s, t: f"/responses/{r(s, t)}/return",
                            {**SECRETARIAT_ONLY, "focal_point": (DENY, DENY)}, data=lambda s, t: {"note": "x"}),
    "review.accept": Route(("POST",), lambda s, t: f"/responses/{r(s, t)}/accept", SECRETARIAT_ONLY),
    "review.publish": Route(("POST",), lambda s, t: f"/responses/{r(s, t)}/publish", SECRETARIAT_ONLY,
                            data=lambda s, t: {"published": "1"}),
    "review.set_consent": Route(("POST",), lambda s, t: f"/responses/{r(s, t)}/consent",
                                {"secretariat_admin": DENY, "secretariat_reviewer": DENY,
                                 "focal_point": (OK_STAR, DENY), "contributor": DENY, "reader": DENY},
                                data=lambda s, t: {"consent": "profile"}),
    "review.amend": Route(("POST",), lambda s, t: f"/responses/{r(s, t)}/amend",
                          {"secretariat_admin": DENY, "secretariat_reviewer": DENY, "focal_point": (OK, DENY),
                           "contributor": DENY, "reader": DENY}),
    "review.migrate": Route(("POST",), lambda s, t: f"/responses/{r(s, t)}/migrate",
                            {"secretariat_admin": OK, "secretariat_reviewer": OK, "focal_point": (OK, DENY),
                             "contributor": DENY, "reader": DENY}, data=lambda s, t: {"version_id": s["version"]}),
    "review.comments": Route(("GET", "POST"), lambda s, t: f"/responses/{r(s, t)}/comments",
                             {"GET": READ_RESPONSE,
                              "POST": {"secretariat_admin": OK_STAR, "secretariat_reviewer": OK_STAR,
                                       "focal_point": DENY, "contributor": DENY, "reader": DENY}},
                             data=lambda s, t: {"body": "A new thread", "question_id": "p15_a.compliance"}),
    "review.resolve_comment": Route(("POST",), lambda s, t: f"/comments/{s['comment_' + t]}/resolve",
                                    {"secretariat_admin": OK_STAR, "secretariat_reviewer": OK_STAR,
                                     "focal_point": DENY, "contributor": DENY, "reader": DENY}),
    "review.history": Route(("GET",), lambda s, t: f"/responses/{r(s, t)}/history/p15_a.compliance", READ_RESPONSE),
    "review.activity": Route(("GET",), lambda s, t: f"/responses/{r(s, t)}/activity", READ_RESPONSE),
    "review.snapshot": Route(("GET",), lambda s, t: f"/responses/{r(s, t)}/snapshots/1", READ_RESPONSE),
    "admin.users": Route(("GET",), lambda s, t: "/admin/users", ADMIN_ONLY, targets=("A",)),
    "admin.create_user": Route(("POST",), lambda s, t: "/admin/users", ADMIN_WRITES, targets=("A",),
                               data=lambda s, t: {"email": "x@test.example", "role": "secretariat_admin",
                                                  "password": "a long enough password", "active": "y"}),
    "admin.edit_user": Route(("GET", "POST"), lambda s, t: f"/admin/users/{s['user_' + t]}",
                             {"GET": ADMIN_ONLY, "POST": ADMIN_WRITES},
                             data=lambda s, t: {"email": "x@test.example", "role": "secretariat_admin"}),
    "admin.send_link": Route(("POST",), lambda s, t: f"/admin/users/{s['user_' + t]}/link", ADMIN_WRITES),
    "admin.import_users": Route(("GET", "POST"), lambda s, t: "/admin/users/import",
                                {"GET": ADMIN_ONLY, "POST": ADMIN_WRITES}, targets=("A",),
                                data=lambda s, t: {"action": "check",
                                                   "content": "email,role\nx@test.example,reader\n"}),
    "admin.questionnaires": Route(("GET",), lambda s, t: "/admin/questionnaires", SECRETARIAT_ONLY, targets=("A",)),
    "admin.new_draft": Route(("POST",), lambda s, t: f"/admin/questionnaires/{s['version']}/draft", ADMIN_WRITES,
                             targets=("A",)),
    "admin.edit_draft": Route(("GET",), lambda s, t: f"/admin/questionnaires/drafts/{s['draft']}", ADMIN_ONLY,
                              targets=("A",)),
    "admin.edit_text": Route(("GET", "POST"), lambda s, t: f"/admin/questionnaires/drafts/{s['draft']}/text",
                             {"GET": ADMIN_ONLY, "POST": ADMIN_WRITES}, targets=("A",),
                             data=lambda s, t: {"source": "id: hijacked\n"}),
    "admin.outline_json": Route(("GET",), lambda s, t: f"/admin/questionnaires/drafts/{s['draft']}/outline.json",
                                ADMIN_ONLY, targets=("A",)),
    "admin.source_json": Route(("GET",), lambda s, t: f"/admin/questionnaires/drafts/{s['draft']}/source.json",
                               ADMIN_ONLY, targets=("A",)),
    "admin.diagnostics_json": Route(("GET",),
                                    lambda s, t: f"/admin/questionnaires/drafts/{s['draft']}/diagnostics.json",
                                    ADMIN_ONLY, targets=("A",)),
    "admin.item": Route(("GET", "POST"), lambda s, t: f"/admin/questionnaires/drafts/{s['draft']}/items/focal_name",
                        {"GET": ADMIN_ONLY, "POST": ADMIN_WRITES}, targets=("A",),
                        data=lambda s, t: {"show_if": "true"}),
    "admin.check_item": Route(("POST",),
                              lambda s, t: f"/admin/questionnaires/drafts/{s['draft']}/items/focal_name/check",
                              ADMIN_ONLY, targets=("A",), data=lambda s, t: {"show_if": "true"}),
    "admin.export_xlsform": Route(("GET",), lambda s, t: f"/admin/questionnaires/{s['version']}/xlsform",
                                  ADMIN_ONLY, targets=("A",)),
    "admin.import_xlsform": Route(("POST",), lambda s, t: "/admin/questionnaires/xlsform", ADMIN_WRITES,
                                  targets=("A",)),
    "admin.preview": Route(("GET",), lambda s, t: f"/admin/questionnaires/drafts/{s['draft']}/preview",
                           ADMIN_ONLY, targets=("A",)),
    "admin.publish_draft": Route(("GET", "POST"), lambda s, t: f"/admin/questionnaires/drafts/{s['draft']}/publish",
                                 {"GET": ADMIN_ONLY, "POST": ADMIN_WRITES}, targets=("A",),
                                 data=lambda s, t: {"confirm": "1"}),
    "admin.check": Route(("POST",), lambda s, t: "/admin/questionnaires/check", ADMIN_ONLY, json=True,
                         targets=("A",), data=lambda s, t: {"source": "id: x\n"}),
    "admin.translations": Route(("GET",), lambda s, t: f"/admin/questionnaires/{s['version']}/translations",
                                ADMIN_ONLY, targets=("A",)),
    "admin.export_po": Route(("GET",), lambda s, t: f"/admin/questionnaires/{s['version']}/translations/fr.po",
                             ADMIN_ONLY, targets=("A",)),
    "admin.export_xliff": Route(("GET",), lambda s, t: f"/admin/questionnaires/{s['version']}/translations/fr.xlf",
                                ADMIN_ONLY, targets=("A",)),
    "admin.mark_reviewed": Route(("POST",), lambda s, t: f"/admin/questionnaires/{s['version']}/translations/review",
                                 ADMIN_WRITES, targets=("A",), data=lambda s, t: {"lang": "fr", "key": "title"}),
    "admin.import_po": Route(("POST",), lambda s, t: f"/admin/questionnaires/{s['version']}/translations/import",
                             ADMIN_WRITES, targets=("A",), data=lambda s, t: {"lang": "fr"}),
    "analysis.index": Route(("GET",), lambda s, t: "/analysis/", EVERYONE, targets=("A",)),
    "analysis.assistance": Route(("GET",), lambda s, t: "/analysis/assistance", EVERYONE, targets=("A",)),
    "analysis.assistance_csv": Route(("GET",), lambda s, t: "/analysis/assistance.csv", EVERYONE, targets=("A",)),
    "analysis.compliance": Route(("GET",), lambda s, t: "/analysis/compliance", EVERYONE, targets=("A",)),
    "analysis.compliance_csv": Route(("GET",), lambda s, t: "/analysis/compliance.csv", EVERYONE, targets=("A",)),
    "data.index": Route(("GET",), lambda s, t: "/data/", EVERYONE, targets=("A",)),
    "data.export": Route(("GET",), lambda s, t: f"/data/export.csv?state={s['code_' + t]}",
                         {"secretariat_admin": OK, "secretariat_reviewer": OK, "focal_point": (OK, DENY),
                          "contributor": (OK, DENY), "reader": DENY}),
    "data.import_answers": Route(("POST",), lambda s, t: "/data/import", ADMIN_WRITES, targets=("A",)),
    "repository.search": Route(("GET",), lambda s, t: "/repository/", EVERYONE, targets=("A",)),
    "repository.entry": Route(("GET",), lambda s, t: f"/repository/{r(s, t)}/p15_a.measures/0",
                              {"secretariat_admin": OK, "secretariat_reviewer": OK, "focal_point": (OK, DENY),
                               "contributor": (OK, DENY), "reader": DENY}),
    "profiles.download": Route(("GET",), lambda s, t: f"/states/{s['code_' + t]}/profile.pdf?lang=en&kind=summary",
                               {"secretariat_admin": OK_STAR, "secretariat_reviewer": OK_STAR,
                                "focal_point": (OK_STAR, DENY), "contributor": (OK_STAR, DENY), "reader": DENY}),
    # -- e-mail, account links and deadlines (issue 20) --
    "auth.forgot_password": Route(("GET", "POST"), lambda s, t: "/account/reset", {**EVERYONE, "anonymous": OK},
                                  targets=("A",), data=lambda s, t: {"email": "nobody@test.example"}),
    "auth.reset_sent": Route(("GET",), lambda s, t: "/account/reset/sent", {**EVERYONE, "anonymous": OK},
                             targets=("A",)),
    "auth.set_password": Route(("GET", "POST"), lambda s, t: "/account/set-password/not-a-token",
                               {**EVERYONE, "anonymous": OK}, targets=("A",),
                               data=lambda s, t: {"password": "a long enough password",
                                                  "confirm": "a long enough password"}),
    "mail.preferences": Route(("GET", "POST"), lambda s, t: "/account/notifications",
                              {"GET": EVERYONE, "POST": {role: OK_STAR for role in EVERYONE}}, targets=("A",),
                              data=lambda s, t: {"delivery": "digest"}),
    "mail.log": Route(("GET",), lambda s, t: "/admin/mail?status=failed", SECRETARIAT_ONLY, targets=("A",)),
    "mail.resend": Route(("POST",), lambda s, t: f"/admin/mail/{s['message']}/resend", ADMIN_WRITES, targets=("A",)),
    "deadlines.index": Route(("GET",), lambda s, t: "/admin/deadlines/", SECRETARIAT_ONLY, targets=("A",)),
    "deadlines.open_round": Route(("POST",), lambda s, t: "/admin/deadlines/", SECRETARIAT_WRITES, targets=("A",),
                                  data=lambda s, t: {"questionnaire": "technical_assistance", "name": "x",
                                                     "due_on": "2030-01-31"}),
    "deadlines.round_view": Route(("GET", "POST"), lambda s, t: f"/admin/deadlines/{s['round']}",
                                  {"GET": SECRETARIAT_ONLY, "POST": SECRETARIAT_WRITES}, targets=("A",),
                                  data=lambda s, t: {"name": "x", "due_on": "2030-01-31"}),
    "deadlines.state_deadline": Route(("POST",), lambda s, t: f"/admin/deadlines/{s['round']}/states",
                                      SECRETARIAT_WRITES, targets=("A",),
                                      data=lambda s, t: {"state": s["code_" + t], "due_on": "2030-02-28"}),
    "deadlines.close": Route(("POST",), lambda s, t: f"/admin/deadlines/{s['round']}/close", SECRETARIAT_WRITES,
                             targets=("A",)),
    # -- technical assistance (issue 15): providers see what States share with them, readers figures only --
    "assistance.index_page": Route(("GET",), lambda s, t: "/assistance/?by=article", ASSISTANCE, targets=("A",)),
    "assistance.export": Route(("GET",), lambda s, t: "/assistance/matching.csv", ASSISTANCE, targets=("A",)),
    "assistance.focal_points": Route(("GET",), lambda s, t: "/assistance/focal-points", ASSISTANCE, targets=("A",)),
    "pack.download": Route(("GET",), lambda s, t: f"/assistance/states/{s['code_' + t]}/pack.pdf?lang=en",
                           {"secretariat_admin": OK_STAR, "secretariat_reviewer": OK_STAR,
                            "focal_point": (OK_STAR, DENY), "contributor": (OK_STAR, DENY), "reader": DENY,
                            "provider": DENY}),  # providers: only a State sharing its needs (test_pack)
    # providers answer provider questionnaires for their organization (the matrix's provider names none)
    "providers.index": Route(("GET",), lambda s, t: "/providers/", {**SECRETARIAT_ONLY, "provider": OK},
                             targets=("A",)),
    "providers.start_response": Route(("POST",), lambda s, t: f"/providers/start/{s['version']}",
                                      {**{r: DENY for r in EVERYONE}, "provider": DENY}, targets=("A",)),
    "repository.contributions": Route(("GET", "POST"), lambda s, t: "/repository/contributions",
                                      {"GET": {**{r: DENY for r in EVERYONE}, "provider": OK},
                                       "POST": {**{r: DENY for r in EVERYONE}, "provider": OK_STAR}},
                                      targets=("A",), data=lambda s, t: {"title": "x", "articles": "15"}),
    "repository.review_contributions": Route(("GET", "POST"), lambda s, t: "/repository/contributions/review",
                                             {"GET": SECRETARIAT_ONLY, "POST": SECRETARIAT_WRITES}, targets=("A",),
                                             data=lambda s, t: {"id": "1", "decision": "published"}),
    # the API answers its tokens only: a session is not enough (401, as a login is asked)
    "api.needs": Route(("GET",), lambda s, t: "/api/v1/needs", {role: LOGIN for role in EVERYONE}, targets=("A",)),
    "api.summary": Route(("GET",), lambda s, t: "/api/v1/summary", {role: LOGIN for role in EVERYONE},
                         targets=("A",)),
    "api.profiles": Route(("GET",), lambda s, t: "/api/v1/profiles", {role: LOGIN for role in EVERYONE},
                          targets=("A",)),
    "api.openapi": Route(("GET",), lambda s, t: "/api/openapi.json", {**EVERYONE, "anonymous": OK}, targets=("A",)),
    "api.tokens": Route(("GET", "POST"), lambda s, t: "/admin/api-tokens",
                        {"GET": SECRETARIAT_ONLY, "POST": SECRETARIAT_WRITES}, targets=("A",),
                        data=lambda s, t: {"name": "x", "scope": "needs"}),
    "api.revoke": Route(("POST",), lambda s, t: f"/admin/api-tokens/{s['token']}/revoke", SECRETARIAT_WRITES,
                        targets=("A",)),
    # -- review cycles and country reviews (issue 19) --
    "fill.confirm": Route(("POST",), lambda s, t: f"/responses/{r(s, t)}/pages/p15_a/confirm", WRITE_RESPONSE),
    "reviews.index": Route(("GET",), lambda s, t: "/reviews/", EVERYONE, targets=("A",)),
    "reviews.assign_reviewers": Route(("POST",), lambda s, t: "/reviews/", SECRETARIAT_WRITES, targets=("A",),
                                      data=lambda s, t: {"cycle": s["round"], "state": "ARG", "reviewers": "BRA,CHL"}),
    "reviews.view": Route(("GET",), lambda s, t: f"/reviews/{s['review_' + t]}", {**READ_RESPONSE,
                                                                                 "expert": (OK, DENY)}),
    "reviews.comment": Route(("POST",), lambda s, t: f"/reviews/{s['review_' + t]}/comments",
                             {**SECRETARIAT_WRITES, "focal_point": DENY, "contributor": DENY,
                              "expert": (OK_STAR, DENY)},
                             data=lambda s, t: {"question_id": "p15_a.compliance", "body": "Which law?"}),
    "reviews.report": Route(("POST",), lambda s, t: f"/reviews/{s['review_' + t]}/report",
                            {**SECRETARIAT_WRITES, "expert": (OK_STAR, DENY)},
                            data=lambda s, t: {"successes": "A new law."}),
    "reviews.finalise_report": Route(("POST",), lambda s, t: f"/reviews/{s['review_' + t]}/finalise",
                                     {**SECRETARIAT_WRITES, "expert": DENY}),
    "reviews.set_timeline": Route(("POST",), lambda s, t: f"/reviews/{s['review_' + t]}/timeline",
                                  {**SECRETARIAT_WRITES, "expert": DENY},
                                  data=lambda s, t: {"desk_review_on": "2030-02-01"}),
    "reviews.report_pdf": Route(("GET",), lambda s, t: f"/reviews/{s['review_' + t]}/report.pdf?lang=ar",
                                {"secretariat_admin": OK_STAR, "secretariat_reviewer": OK_STAR,
                                 "focal_point": (OK_STAR, DENY), "contributor": (OK_STAR, DENY), "reader": DENY,
                                 "expert": (OK_STAR, DENY)}),
    # -- evidence files (issue 13); downloads are logged, so allowed ones are checked in test_evidence.py --
    "evidence.upload": Route(("POST",), lambda s, t: f"/responses/{r(s, t)}/files", WRITE_RESPONSE,
                             data=lambda s, t: {"question": "p15_a.measures", "row": "0", "column": "text_file",
                                                "_v": "1"}),
    "evidence.remove": Route(("POST",), lambda s, t: f"/responses/{r(s, t)}/files/remove", WRITE_RESPONSE,
                             data=lambda s, t: {"question": "p15_a.measures", "row": "0", "column": "text_file",
                                                "sha256": s["sha_" + t], "_v": "1"}),
    "evidence.download": Route(("GET",), lambda s, t: f"/responses/{r(s, t)}/files/{s['sha_' + t]}", READ_LOGGED),
    # -- Word, Excel and JSON copies (issue 13); exports are logged, checked in test_transfer.py --
    "transfer.index": Route(("GET",), lambda s, t: f"/responses/{r(s, t)}/transfer", READ_RESPONSE),
    "transfer.export": Route(("GET",), lambda s, t: f"/responses/{r(s, t)}/transfer/export?format=docx&article=15",
                             READ_LOGGED),
    "transfer.upload": Route(("POST",), lambda s, t: f"/responses/{r(s, t)}/transfer/import", WRITE_RESPONSE),
    "transfer.accept": Route(("POST",), lambda s, t: f"/responses/{r(s, t)}/transfer/accept", WRITE_RESPONSE,
                             data=lambda s, t: {"sha256": s["sha_" + t], "format": "docx", "take": "p15_a.compliance"}),
    "health.healthz": Route(("GET",), lambda s, t: "/healthz", {**EVERYONE, "anonymous": OK}, targets=("A",)),
    "health.readyz": Route(("GET",), lambda s, t: "/readyz", {**EVERYONE, "anonymous": OK}, targets=("A",)),
}
NO_LOGIN = {"auth.login", "auth.language", "health.healthz", "health.readyz", "auth.forgot_password",
            "auth.reset_sent", "auth.set_password", "api.openapi"}


@pytest.fixture
def scenario(app: Flask) -> dict[str, Any]:
    """Two States with a response each, an answer, a snapshot, a comment; a draft questionnaire."""
    from web import catalog
    from web.answers import Change, save
    from web.extensions import db
    from web.models import Comment, QuestionnaireVersion, Response, Snapshot, State

    users = {role: add_user(role, "KEN" if role in ("focal_point", "contributor") else None)
             for role in ROLES if role not in ("anonymous", "expert")}
    users["expert"] = add_user("contributor", "MEX")
    other_focal = add_user("focal_point", "FRA")
    with context():
        version = db.session.scalars(select(QuestionnaireVersion).where(
            QuestionnaireVersion.questionnaire_id == "uncac_checklist")).one()
        q = catalog.questionnaire(version)
        s: dict[str, Any] = {"version": version.id, "users": users, "code_A": "KEN", "code_B": "FRA",
                             "user_A": users["focal_point"].id, "user_B": other_focal.id}
        for target, code, author in (("A", "KEN", users["focal_point"]), ("B", "FRA", other_focal)):
            state = db.session.scalars(select(State).where(State.code == code)).one()
            response = Response(state_id=state.id, version_id=version.id, status="draft")
            db.session.add(response)
            db.session.flush()
            sha = hashlib.sha256(code.encode()).hexdigest()
            law = {"instrument": f"Penal Code of {code}",
                   "text_file": [{"sha256": sha, "name": "code.pdf", "size": 10, "type": "application/pdf"}]}
            save(response, q, [Change("p15_a.compliance", "yes", 0), Change("p15_a.measures", [law], 0)], author,
                 "save")
            s[f"sha_{target}"] = sha
            db.session.add(Snapshot(response_id=response.id, number=1, revision=1, version_id=version.id,
                                    content_hash=version.content_hash, answers={}, summary={}, answers_hash="0" * 64))
            comment = Comment(response_id=response.id, question_id="p15_a.compliance", body="Why?")
            db.session.add(comment)
            db.session.flush()
            s[f"response_{target}"], s[f"comment_{target}"] = response.id, comment.id
        draft = QuestionnaireVersion(questionnaire_id="uncac_checklist", version="draft-test", content_hash="",
                                     source=version.source, title=version.title, status="draft", notes={})
        db.session.add(draft)
        from datetime import date

        from web.models import OutboxMessage, ReportingRound

        reporting = ReportingRound(questionnaire_id="uncac_checklist", name="2030", opens_on=date(2029, 1, 1),
                                   due_on=date(2030, 1, 31))
        failed = OutboxMessage(user_id=users["focal_point"].id, address=users["focal_point"].email, kind="reminder",
                               params={}, status="failed", attempts=3)
        db.session.add_all([reporting, failed])
        from web.api import issue

        api_token, _plain = issue("platform", ["needs"], None)
        db.session.flush()
        from web.models import CountryReview, ReviewingState, User

        db.session.get(User, users["expert"].id).expert = True
        reporting.chapters, reporting.version_id = ["III"], version.id  # a review cycle
        codes = {st.code: st.id for st in db.session.scalars(select(State))}
        for target, code, reviewers in (("A", "KEN", ("MEX", "BRA")), ("B", "FRA", ("BRA", "ARG"))):
            db.session.get(Response, s[f"response_{target}"]).round_id = reporting.id
            review = CountryReview(round_id=reporting.id, state_id=codes[code])
            review.reviewers = [ReviewingState(state_id=codes[c]) for c in reviewers]
            db.session.add(review)
            db.session.flush()
            s[f"review_{target}"] = review.id
        db.session.commit()
        s["draft"], s["round"], s["message"], s["token"] = draft.id, reporting.id, failed.id, api_token.id
    return s


TABLES = ("users", "assignments", "questionnaire_versions", "responses", "answers", "answer_revisions",
          "snapshots", "comments", "activities", "mail_outbox", "mail_preferences", "account_tokens",
          "reporting_rounds", "state_deadlines", "api_tokens", "repository_contributions", "country_reviews",
          "reviewing_states")


def fingerprint() -> str:
    """A digest of every row that a request could change."""
    from web.extensions import db

    digest = hashlib.sha256()
    with context():
        for table in TABLES:
            rows = db.session.execute(text(f"SELECT * FROM {table} ORDER BY 1")).all()  # noqa: S608
            digest.update(json.dumps([list(row) for row in rows], default=str, sort_keys=True).encode())
    return digest.hexdigest()


def outcome(name: str, route: Route, method: str, role: str, target: str) -> str:
    if role == "anonymous":
        return OK if name in NO_LOGIN else LOGIN
    spec: Any = route.expect[method] if method in route.expect else route.expect
    if role == "expert" and "expert" not in spec:  # an account of a third State
        value = spec["contributor"]
        return value[1] if isinstance(value, tuple) else value
    value = spec[role] if role in spec else spec["reader"]  # providers get what readers get unless listed
    if isinstance(value, tuple):
        return value[0] if target == "A" else value[1]
    return value


def request(client: FlaskClient, token: str, route: Route, method: str, s: dict[str, Any], target: str) -> Any:
    url = route.url(s, target)
    if method == "GET":
        return client.get(url)
    data = route.data(s, target)
    if route.json:
        return client.post(url, json=data, headers={"X-CSRFToken": token, "Accept": "application/json"})
    return client.post(url, data={**data, "csrf_token": token})


def check(status: int, location: str, expected: str) -> bool:
    if expected == LOGIN:
        return (status == 302 and "/login" in location) or status == 401
    if expected == DENY:
        return status in (403, 404)
    return status < 500 and status not in (401, 403, 404) and "/login" not in location


def test_every_route_has_an_entry(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - {"static"}
    assert endpoints == set(MATRIX), f"missing: {endpoints - set(MATRIX)}; stale: {set(MATRIX) - endpoints}"
    for name, route in MATRIX.items():
        methods = {m for rule in app.url_map.iter_rules() if rule.endpoint == name
                   for m in rule.methods - {"HEAD", "OPTIONS"}}  # type: ignore[operator]
        assert methods == set(route.methods), name


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(app: Flask, scenario: dict[str, Any], role: str) -> None:
    client = app.test_client()
    if role != "anonymous":
        login(client, scenario["users"][role])
    token = csrf_token(client, "/" if role != "anonymous" else "/login")
    failures = []
    for name, route in MATRIX.items():
        for method in route.methods:
            for target in route.targets:
                expected = outcome(name, route, method, role, target)
                if expected == OK_STAR or (name == "auth.logout"):
                    continue
                before = fingerprint() if method != "GET" and expected != OK else None
                response = request(client, token, route, method, scenario, target)
                response.get_data()  # consume streamed bodies (exports) before the next request
                response.close()
                location = response.headers.get("Location", "")
                if not check(response.status_code, location, expected):
                    failures.append(f"{method} {name} [{target}] as {role}: {response.status_code} {location} "
                                    f"(expected {expected})")
                if before is not None and fingerprint() != before:
                    failures.append(f"{method} {name} [{target}] as {role}: refused but the database changed")
    assert not failures, "\n".join(failures)


def test_ids_in_forms_cannot_reach_another_state(app: Flask, scenario: dict[str, Any]) -> None:
    """Ids carried in bodies (not URLs) are checked too: a reply to another State's comment, a
    move to another questionnaire's version, a resolve posted for another response."""
    client = app.test_client()
    login(client, scenario["users"]["focal_point"])
    token = csrf_token(client, "/")
    own = scenario["response_A"]
    before = fingerprint()
    reply = client.post(f"/responses/{own}/comments", data={"body": "hello", "parent_id": scenario["comment_B"],
                                                            "csrf_token": token})
    assert reply.status_code == 404
    from web.extensions import db
    from web.models import QuestionnaireVersion

    with context():
        other_questionnaire = db.session.scalars(select(QuestionnaireVersion.id).where(
            QuestionnaireVersion.questionnaire_id == "technical_assistance")).first()
    moved = client.post(f"/responses/{own}/migrate", data={"version_id": other_questionnaire, "csrf_token": token})
    assert moved.status_code == 409
    assert fingerprint() == before


# -- the helpers of web/access.py agree with the matrix ---------------------------------------------------
def _helpers() -> dict[tuple[str, str], Callable[[Any, Any], bool]]:
    """route (method) -> the helper its view asks: is the user one who may make the request?"""
    from web import access

    return {("fill.overview", "GET"): access.can_read,
            ("fill.save_page", "POST"): access.can_edit,
            ("fill.autosave", "POST"): access.can_edit,
            ("review.submit", "POST"): access.can_submit,
            ("review.return_", "POST"): lambda u, resp: access.may(u, resp, "return"),
            ("review.accept", "POST"): lambda u, resp: access.may(u, resp, "accept"),
            ("review.amend", "POST"): lambda u, resp: access.may(u, resp, "amend"),
            ("review.publish", "POST"): lambda u, resp: access.may(u, resp, "publish"),
            ("review.migrate", "POST"): lambda u, resp: access.may(u, resp, "migrate"),
            ("review.comments", "POST"): access.can_comment,
            ("review.resolve_comment", "POST"): access.can_resolve,
            ("states.start", "POST"): lambda u, resp: access.can_start(u, resp.state)}


def test_helpers_agree_with_the_matrix(app: Flask, scenario: dict[str, Any]) -> None:
    """For every role and State, each helper says yes exactly where the matrix expects the request to
    be allowed (the scenario's responses are drafts, as the matrix's requests find them)."""
    from web.extensions import db
    from web.models import Response, User

    disagree = []
    with context():
        for (name, method), helper in _helpers().items():
            for role in ROLES[1:]:
                user = db.session.get(User, scenario["users"][role].id)
                for target in MATRIX[name].targets:
                    resp = db.session.get(Response, scenario[f"response_{target}"])
                    allowed = outcome(name, MATRIX[name], method, role, target) in (OK, OK_STAR)
                    if helper(user, resp) != allowed:
                        disagree.append(f"{name} {method} [{target}] as {role}: helper says {not allowed}")
    assert not disagree, "\n".join(disagree)


@pytest.mark.parametrize("status", ("draft", "submitted", "returned", "accepted"))
def test_steps_follow_the_statuses(app: Flask, scenario: dict[str, Any], status: str) -> None:
    """``can`` is ``may`` and a status the step leaves from; the review transitions come from one table."""
    from web import access
    from web.extensions import db
    from web.models import Response, User
    from web.models.responses import EDITABLE_STATUSES, TRANSITIONS

    expected_from = {"submit": EDITABLE_STATUSES, "return": {"submitted"}, "accept": {"submitted"},
                     "amend": {"accepted"}, "publish": {"accepted"}, "migrate": EDITABLE_STATUSES}
    assert {step: leaves for step, (leaves, _) in TRANSITIONS.items()} == \
        {step: expected_from[step] for step in ("submit", "return", "accept", "amend")}
    with context():
        resp = db.session.get(Response, scenario["response_A"])
        resp.status, resp.consent = status, "profile"  # the State's consent allows publishing (test_consent)
        for role in ROLES[1:]:
            user = db.session.get(User, scenario["users"][role].id)
            for step, leaves in expected_from.items():
                assert access.can(user, resp, step) == (access.may(user, resp, step) and status in leaves), \
                    (role, step)
            assert access.can_edit(user, resp) == (role in ("focal_point", "contributor")
                                                   and status in ("draft", "returned"))
        db.session.rollback()


@pytest.mark.parametrize("status", ("draft", "submitted", "accepted"))
def test_workflow_buttons_follow_the_helpers(app: Flask, scenario: dict[str, Any], status: str) -> None:
    """The overview shows a step's button exactly to those the helpers let take it now."""
    from web import access
    from web.extensions import db
    from web.models import Response, User

    with context():
        resp = db.session.get(Response, scenario["response_A"])
        resp.status = status
        db.session.commit()
    # submitting starts on the check page: the overview links there as its main button
    buttons = {"submit": f'class="button" href="/responses/{scenario["response_A"]}/check"',
               "return": "/return\"", "accept": "/accept\"", "amend": "/amend\"", "publish": "/publish\""}
    for role in ROLES[1:]:
        if outcome("fill.overview", MATRIX["fill.overview"], "GET", role, "A") != OK:
            continue
        client = app.test_client()
        login(client, scenario["users"][role])
        page = client.get(f"/responses/{scenario['response_A']}").get_data(as_text=True)
        with context():
            user = db.session.get(User, scenario["users"][role].id)
            resp = db.session.get(Response, scenario["response_A"])
            for step, action in buttons.items():
                assert (action in page) == access.can(user, resp, step), (role, status, step)


def test_an_expert_cannot_reach_a_third_state_through_ids_in_forms(app: Flask, scenario: dict[str, Any]) -> None:
    """An expert reviewing State A replying, through A's review, to a thread of State B: refused, nothing stored."""
    client = app.test_client()
    login(client, scenario["users"]["expert"])
    token = csrf_token(client, "/")
    before = fingerprint()
    reply = client.post(f"/reviews/{scenario['review_A']}/comments", data={
        "body": "hello", "parent_id": scenario["comment_B"], "csrf_token": token})
    assert reply.status_code == 404
    assert client.get(f"/responses/{scenario['response_A']}/snapshots/1").status_code == 404  # no live access
    assert fingerprint() == before
