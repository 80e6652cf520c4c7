"""Many accounts at once from a CSV file: in the browser (Accounts > Create many accounts) and with
``checklist users import FILE.csv [--dry-run]``.

The file's first row names the columns: ``email`` and ``role`` are required; ``name``, ``state``
(ISO alpha-3 code), ``language`` (ar, en, es, fr, ru, zh) and ``assignments`` (contributors:
``chapter:III article:15``) are optional. Every row is checked before anything is stored, and
every problem is reported with its row (the header is row 1, as in a spreadsheet): ``row 12:
unknown State code 'XYZ'``. One problem and nothing is created; otherwise every account is
created in one transaction, each with an invitation to choose its password.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.wrappers import Response as WerkzeugResponse

from .. import catalog
from ..access import require_roles
from ..extensions import db
from ..i18n import languages
from ..models import ROLES, State, User
from ..models.users import STATE_ROLES
from . import bp
from .forms import role_label
from .users import AccountError, invite, set_account

COLUMNS = ("email", "name", "role", "state", "language", "assignments")
REQUIRED = ("email", "role")
ALIASES = {"e-mail": "email", "mail": "email", "state_code": "state", "country": "state", "lang": "language",
           "assignment": "assignments"}
MAX_ROWS = 5000
MAX_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Row:
    number: int  # the row in the file (the header is row 1)
    email: str
    name: str
    role: str
    state: str
    language: str
    assignments: str


@dataclass
class Plan:
    rows: list[Row] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def read(data: bytes) -> Plan:
    """Check a CSV file: the accounts it would create, or every problem with its row."""
    plan = Plan()
    if len(data) > MAX_BYTES:
        plan.errors.append(_("The file is larger than %(n)d MB.", n=MAX_BYTES // 2 ** 20))
        return plan
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        plan.errors.append(_("The file is not UTF-8 text: save it as “CSV UTF-8” and try again."))
        return plan
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text), delimiter=";" if first.count(";") > first.count(",") else ",")
    records = list(reader)
    if not records or not any(cell.strip() for cell in records[0]):
        plan.errors.append(_("The file is empty: its first row must name the columns (email, name, role, state, "
                             "language, assignments)."))
        return plan
    header = [ALIASES.get(cell.strip().lower(), cell.strip().lower()) for cell in records[0]]
    unknown = [name for name in header if name and name not in COLUMNS]
    missing = [name for name in REQUIRED if name not in header]
    if unknown:
        plan.errors.append(_("Row 1: unknown column(s) %(names)s; the columns are %(known)s.",
                             names=", ".join(f"'{n}'" for n in unknown), known=", ".join(COLUMNS)))
    if missing:
        plan.errors.append(_("Row 1: the column(s) %(names)s are missing.", names=", ".join(missing)))
    if unknown or missing:
        return plan
    if len(records) - 1 > MAX_ROWS:
        plan.errors.append(_("The file has more than %(n)d rows: split it.", n=MAX_ROWS))
        return plan
    _rows(plan, header, records[1:])
    if not plan.rows and not plan.errors:
        plan.errors.append(_("The file has no account: add one row per account under the first row."))
    return plan


def _rows(plan: Plan, header: list[str], records: list[list[str]]) -> None:
    states = {code for code in db.session.scalars(select(State.code))}
    existing = {email for email in db.session.scalars(select(func.lower(User.email)))}
    chapters, articles = _framework_refs()
    seen: dict[str, int] = {}
    for index, cells in enumerate(records, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            plan.errors.append(_("Row %(row)d: %(n)d cells, but the first row names %(m)d columns.", row=index,
                                 n=len(cells), m=len(header)))
            continue
        value = dict(zip(header, (cell.strip() for cell in cells), strict=False))
        errors = len(plan.errors)
        email = _email(plan, index, value.get("email", ""))
        if email and email in seen:
            plan.errors.append(_("Row %(row)d: the address %(email)s is also on row %(other)d.", row=index,
                                 email=email, other=seen[email]))
        elif email and email in existing:
            plan.errors.append(_("Row %(row)d: an account with the address %(email)s already exists.", row=index,
                                 email=email))
        if email:
            seen.setdefault(email, index)
        role = value.get("role", "").lower().replace(" ", "_")
        state = value.get("state", "").upper()
        if role not in ROLES:
            plan.errors.append(_("Row %(row)d: unknown role '%(value)s' (use %(roles)s).", row=index,
                                 value=value.get("role", ""), roles=", ".join(ROLES)))
        elif role in STATE_ROLES and not state:
            plan.errors.append(_("Row %(row)d: a %(role)s needs a State (its ISO code, e.g. KEN).", row=index,
                                 role=role_label(role)))
        elif role not in STATE_ROLES and state:
            plan.errors.append(_("Row %(row)d: a %(role)s belongs to no State: leave the State empty.", row=index,
                                 role=role_label(role)))
        if state and state not in states:
            plan.errors.append(_("Row %(row)d: unknown State code '%(value)s'.", row=index, value=value["state"]))
        language = value.get("language", "").lower()
        if language and language not in languages():
            plan.errors.append(_("Row %(row)d: unknown language '%(value)s' (use %(codes)s).", row=index,
                                 value=value["language"], codes=", ".join(languages())))
        assignments = " ".join(value.get("assignments", "").replace(",", " ").split())
        if assignments:
            _assignments(plan, index, assignments, role, chapters, articles)
        if len(plan.errors) == errors:
            plan.rows.append(Row(index, email, value.get("name", "")[:200], role, state, language, assignments))


def _email(plan: Plan, row: int, raw: str) -> str:
    if not raw:
        plan.errors.append(_("Row %(row)d: give an e-mail address.", row=row))
        return ""
    try:
        return validate_email(raw, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        plan.errors.append(_("Row %(row)d: '%(value)s' is not an e-mail address.", row=row, value=raw[:254]))
        return ""


def _assignments(plan: Plan, row: int, text: str, role: str, chapters: set[str], articles: set[str]) -> None:
    if role != "contributor":
        plan.errors.append(_("Row %(row)d: only contributors have assignments.", row=row))
        return
    for entry in text.split():
        scope, _sep, ref = entry.partition(":")
        if scope not in ("chapter", "article") or not ref:
            plan.errors.append(_("Row %(row)d: '%(value)s' is not an assignment (write chapter:III or article:15).",
                                 row=row, value=entry))
        elif scope == "chapter" and chapters and ref not in chapters:
            plan.errors.append(_("Row %(row)d: unknown chapter '%(value)s'.", row=row, value=ref))
        elif scope == "article" and articles and ref not in articles:
            plan.errors.append(_("Row %(row)d: unknown article '%(value)s'.", row=row, value=ref))


def _framework_refs() -> tuple[set[str], set[str]]:
    """Chapters and articles of the published questionnaires' frameworks (empty: none to check)."""
    chapters: set[str] = set()
    articles: set[str] = set()
    for version in catalog.current_versions():
        framework = catalog.questionnaire(version).framework
        if framework is not None:
            chapters.update(chapter.id for chapter in framework.chapters)
            articles.update(framework.articles)
    return chapters, articles


def create(plan: Plan) -> list[User]:
    """Create every account of a checked plan, each with an invitation (the caller commits; on any
    error the caller rolls everything back)."""
    if not plan.ok:
        raise AccountError(_("The file has problems: nothing was created."))
    made = []
    for row in plan.rows:
        user = set_account(User(), email=row.email, role=row.role, state_code=row.state or None, name=row.name,
                           assignments=row.assignments, language=row.language)
        invite(user)
        made.append(user)
    return made


# -- the page -------------------------------------------------------------------------------------------
@bp.route("/users/import", methods=["GET", "POST"])
@require_roles("secretariat_admin")
def import_users() -> str | WerkzeugResponse | tuple[str, int]:
    if request.method == "GET":
        return render_template("admin/import_users.html", plan=None, content="", columns=COLUMNS)
    upload = request.files.get("file")
    data = upload.read(MAX_BYTES + 1) if upload and upload.filename else (request.form.get("content") or "").encode()
    if not data.strip():
        flash(_("Choose a CSV file."), "error")
        return render_template("admin/import_users.html", plan=None, content="", columns=COLUMNS), 400
    plan = read(data)
    content = data.decode("utf-8-sig", errors="replace") if len(data) <= MAX_BYTES else ""
    if request.form.get("action") != "create" or not plan.ok:
        return render_template("admin/import_users.html", plan=plan, content=content, columns=COLUMNS,
                               role_label=role_label), (200 if plan.ok else 400)
    try:
        made = create(plan)
    except AccountError as exc:
        db.session.rollback()
        plan.errors.append(str(exc))
        return render_template("admin/import_users.html", plan=plan, content=content, columns=COLUMNS,
                               role_label=role_label), 400
    db.session.commit()
    flash(_("%(n)d accounts were created; each receives an invitation to choose its password.", n=len(made)),
          "success")
    return redirect(url_for("admin.users"))
