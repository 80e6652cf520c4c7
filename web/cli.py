"""The ``checklist`` command: the app's CLI (a Flask CLI group) and the questionnaire tools."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from flask.cli import FlaskGroup

import engine
from engine.diff import Diff
from engine.schema import schema_text
from engine.source import MAX_BYTES
from engine.stats import compute

if TYPE_CHECKING:
    from flask import Flask

    from .db import Database


def _create_app() -> Flask:  # imported lazily: `checklist validate` needs no app and no database
    from web import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False,
             add_version_option=False, load_dotenv=False)
def cli() -> None:
    """UNCAC self-assessment checklist: questionnaire tools and the web app."""


@cli.command("validate", with_appcontext=False)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--strict", is_flag=True, help="Exit non-zero on warnings too.")
@click.option("-v", "--verbose", is_flag=True, help="List every missing translation, not one line per language.")
@click.option("--json", "as_json", is_flag=True, help="Print the diagnostics as JSON.")
def validate(files: tuple[str, ...], strict: bool, verbose: bool, as_json: bool) -> None:
    """Check questionnaire files; print FILE:LINE:COL: CODE message (hint) per problem, with the
    offending line of the file and a caret under the column."""
    errors = warnings = 0
    report = []
    for name in files:
        try:
            diagnostics = engine.load_file(name).warnings
        except engine.QuestionnaireError as exc:
            diagnostics = exc.diagnostics
        except OSError as exc:
            click.echo(f"{name}:0:0: Y000 cannot read the file: {exc.strerror}", err=True)
            errors += 1
            continue
        lines = _source_lines(name) if diagnostics and not as_json else []
        for diagnostic in diagnostics:
            errors += diagnostic.is_error
            warnings += not diagnostic.is_error
            report.append(diagnostic.as_dict())
            if not as_json:
                click.echo(diagnostic.format())
                if excerpt := diagnostic.excerpt(lines):
                    click.echo(excerpt)
                if verbose:
                    for detail in diagnostic.details:
                        click.echo("    " + detail.format())
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    click.echo(f"{len(files)} file(s): {errors} error(s), {warnings} warning(s)", err=True)
    if errors or (strict and warnings):
        sys.exit(1)


def _source_lines(name: str) -> list[str]:
    """The lines of a file as the diagnostics count them (undecodable bytes shown replaced)."""
    try:
        with open(name, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError:
        return []
    return data.decode("utf-8-sig", errors="replace").splitlines() if len(data) <= MAX_BYTES else []


@cli.command("stats", with_appcontext=False)
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def stats(files: tuple[str, ...]) -> None:
    """Print counts and translation coverage per language."""
    failed = False
    for name in files:
        try:
            q = engine.load_file(name).questionnaire
        except engine.QuestionnaireError as exc:
            click.echo(f"{name}: {len(exc.errors)} error(s); run 'checklist validate {name}'", err=True)
            failed = True
            continue
        s = compute(q)
        click.echo(f"{name}: {q.id} version {q.version}")
        click.echo(f"  sections {s.sections}, groups {s.groups}, questions {s.questions}, conditions {s.conditions}")
        click.echo("  question types: " + ", ".join(f"{k} {v}" for k, v in sorted(s.by_type.items())))
        if s.templates_used:
            click.echo("  template instances: " + ", ".join(f"{k} {v}" for k, v in sorted(s.templates_used.items())))
        if s.articles_covered or s.provisions_covered:
            click.echo(f"  framework: {s.articles_covered}/{s.articles} articles and "
                       f"{s.provisions_covered}/{s.provisions} provisions covered by questions")
        elif s.articles or s.provisions:
            click.echo(f"  framework: {s.articles} articles, {s.provisions} provisions (not mapped to questions)")
        if s.provisions:
            click.echo("  provisions by level: " + ", ".join(f"{k} {v}" for k, v in s.levels.items()))
        if s.roles:
            click.echo("  questions by role: " + ", ".join(f"{k} {v}" for k, v in s.roles.items()))
        click.echo(f"  translations ({s.texts} texts): "
                   + ", ".join(f"{lang} {s.coverage(lang):.1f} %" for lang in q.languages))
    if failed:
        sys.exit(1)


@cli.command("schema", with_appcontext=False)
@click.option("-o", "--output", type=click.Path(dir_okay=False), default="questionnaires/questionnaire.schema.json",
              show_default=True, help="Where to write the JSON Schema ('-' for standard output).")
def schema(output: str) -> None:
    """Write the JSON Schema of the questionnaire language (for editors)."""
    text = schema_text()
    if output == "-":
        click.echo(text, nl=False)
    else:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)


# -- XLSForm in and out ---------------------------------------------------------------------------
@cli.group("xlsform")
def xlsform_group() -> None:
    """Questionnaire definitions as XLSForm spreadsheets (ODK, KoboToolbox, SurveyCTO)."""


@xlsform_group.command("export", with_appcontext=False)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The .xlsx file to write.")
def xlsform_export(file: str, output: str) -> None:
    """Write the definition FILE (YAML) as an XLSForm workbook."""
    from exports.xlsform import export_workbook

    try:
        data = export_workbook(Path(file).read_bytes(), source=file)
    except engine.QuestionnaireError as exc:
        for diagnostic in exc.errors:
            click.echo(diagnostic.format())
        raise click.ClickException(f"{len(exc.errors)} error(s) in {file}: nothing was written") from None
    Path(output).write_bytes(data)
    click.echo(f"wrote {output}", err=True)


@xlsform_group.command("import", with_appcontext=False)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The YAML file to write.")
def xlsform_import(file: str, output: str) -> None:
    """Read the XLSForm FILE into a definition (YAML); print FILE#SHEET:ROW:COL: CODE per problem."""
    from exports.xlsform import import_workbook

    result = import_workbook(Path(file).read_bytes(), Path(file).name)
    for diagnostic in result.diagnostics:
        click.echo(diagnostic.format())
    errors = len(result.errors)
    click.echo(f"{file}: {errors} error(s), {len(result.diagnostics) - errors} warning(s)", err=True)
    if result.text is None:
        raise click.ClickException("nothing was written")
    Path(output).write_text(result.text, encoding="utf-8")
    click.echo(f"wrote {output}", err=True)


# -- the web app ----------------------------------------------------------------------------------
@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Serve the app (threaded; for production use gunicorn, see docs/deploy.md)."""
    from flask import current_app
    from werkzeug.serving import run_simple

    from . import catalog

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with app.app_context():  # load the published questionnaires before the first request
        for version in catalog.current_versions():
            catalog.questionnaire(version)
    click.echo(f"Serving on http://{host}:{port}/  (Ctrl+C to stop)")
    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)


@cli.group("db")
def db_group() -> None:
    """Create or upgrade the database schema (Alembic migrations)."""


@db_group.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Create the schema, or upgrade it to REVISION (default: the newest)."""
    from .extensions import db
    from .migrate import current, upgrade

    upgrade(db, revision)
    click.echo(f"database at revision {current(db)} ({_safe_url(db)})")


@db_group.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Downgrade the schema to REVISION."""
    from .extensions import db
    from .migrate import current, downgrade

    downgrade(db, revision)
    click.echo(f"database at revision {current(db)}")


@db_group.command("current")
def db_current() -> None:
    """Print the schema revision of the database."""
    from .extensions import db
    from .migrate import current

    click.echo(current(db) or "empty")


def _safe_url(db: Database) -> str:
    return db.engine.url.render_as_string(hide_password=True)


@cli.group("states")
def states_group() -> None:
    """The States (UN Member States)."""


@states_group.command("load")
def states_load() -> None:
    """Load or update the 193 UN Member States: UN names in six languages and UN regional groups."""
    from .extensions import db
    from .reference import ReferenceDataError, load_states

    try:
        added, updated = load_states(db.session)
    except ReferenceDataError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"States: {added} added, {updated} updated")


@cli.group("assistance")
def assistance_group() -> None:
    """Technical assistance: needs matched to offers."""


@assistance_group.command("rebuild")
def assistance_rebuild() -> None:
    """Rebuild the needs and offers of every submitted response (after an upgrade: submissions and
    acceptances keep them up to date by themselves)."""
    from .assistance.index import rebuild
    from .extensions import db

    count = rebuild()
    db.session.commit()
    click.echo(f"needs and offers: {count} rows")


@cli.group("users")
def users_group() -> None:
    """Accounts."""


@users_group.command("add")
@click.option("--email", required=True)
@click.option("--password", help="Set this password (scripts, tests); by default an invitation is e-mailed.")
@click.option("--invite", "print_link", is_flag=True,
              help="Print a link to choose the password instead of e-mailing it.")
@click.option("--role", required=True, type=click.Choice(["secretariat_admin", "secretariat_reviewer",
                                                         "focal_point", "contributor", "reader"]))
@click.option("--state", "state_code", help="ISO 3166 alpha-3 code, e.g. KEN (focal points, contributors).")
@click.option("--name", default="")
@click.option("--language", type=click.Choice(["ar", "en", "es", "fr", "ru", "zh"]), help="Language of e-mails.")
@click.option("--assign", default="", help="Contributors: e.g. 'chapter:III article:15' (default: everything).")
@click.option("--expert", is_flag=True, help="A governmental expert of the State (reviews other States in cycles).")
def users_add(email: str, password: str | None, print_link: bool, role: str, state_code: str | None, name: str,
              language: str | None, assign: str, expert: bool) -> None:
    """Create an account: its owner chooses a password from an e-mailed link (or --invite, --password)."""
    from .admin.commands import link_for
    from .admin.users import AccountError, invite, set_account
    from .extensions import db
    from .models import User

    try:
        user = set_account(User(), email=email, role=role, state_code=state_code, name=name, assignments=assign,
                           password=password, language=language, expert=expert)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    how = "with the password given"
    if print_link:
        how = f"choose its password at {link_for(user)}"
    elif not password:
        invite(user)
        how = "an invitation is in the outbox"
    db.session.commit()
    click.echo(f"created {user.email} ({user.role}{', ' + user.state.code if user.state else ''}): {how}")


@users_group.command("list")
def users_list() -> None:
    """List the accounts."""
    from sqlalchemy import select

    from .extensions import db
    from .models import User

    for user in db.session.scalars(select(User).order_by(User.role, User.email)):
        state = user.state.code if user.state else "-"
        flag = "" if user.active else "  (inactive)"
        click.echo(f"{user.email:40} {user.role:22} {state:4} {user.name}{flag}")


@users_group.command("reset-password")
@click.option("--email", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def users_reset_password(email: str, password: str) -> None:
    """Set a new password; the user's open sessions end."""
    from sqlalchemy import select

    from .admin.users import AccountError, set_password
    from .extensions import db
    from .models import User

    user = db.session.scalars(select(User).where(User.email == email.strip().lower())).first()
    if user is None:
        raise click.ClickException(f"no account {email}")
    try:
        set_password(user, password)  # the one password policy; the user's open sessions end
    except AccountError as exc:
        raise click.ClickException(f"password refused: {exc}") from None
    db.session.commit()
    click.echo(f"password of {user.email} reset")


from .admin.commands import users_import, users_invite  # noqa: E402  (checklist users import / invite)
from .cycles.commands import cycles_group, reviews_group  # noqa: E402  (checklist cycles / reviews ...)
from .mail.commands import mail_group  # noqa: E402  (checklist mail ...)
from .transfer.commands import answers_group  # noqa: E402  (checklist answers export / import)

users_group.add_command(users_import)
users_group.add_command(users_invite)
cli.add_command(mail_group)
cli.add_command(cycles_group)
cli.add_command(reviews_group)
cli.add_command(answers_group)


@cli.group("questionnaires")
def questionnaires_group() -> None:
    """Questionnaire versions."""


@questionnaires_group.command("publish")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--map", "maps", multiple=True, metavar="OLD=NEW", help="Answers of question OLD move to NEW.")
@click.option("--map-code", "map_codes", multiple=True, metavar="QUESTION:OLD=NEW[+NEW]",
              help="Answers with choice code OLD of QUESTION become NEW (or several codes: A+B).")
@click.option("--map-list-code", "map_list_codes", multiple=True, metavar="LIST:OLD=NEW[+NEW]",
              help="The same for every question whose choices are the choice list LIST.")
@click.option("--mapping", "mapping_file", type=click.Path(exists=True, dir_okay=False),
              help="A mapping file (questionnaires/mappings/): questions, codes, lists, confirm.")
@click.option("--confirm", "confirmed", multiple=True, metavar="QUESTION",
              help="Publish although answers of QUESTION stay behind (kept, listed as without a home).")
@click.option("--dry-run", is_flag=True, help="Check and show the changes; store nothing.")
@click.option("--notes", default="", help="Publication notes: what changed and why (shown to States). Required.")
@click.option("--notes-file", type=click.File(encoding="utf-8"), help="Read the publication notes from a file.")
def questionnaires_publish(file: str, maps: tuple[str, ...], map_codes: tuple[str, ...],
                           map_list_codes: tuple[str, ...], mapping_file: str | None, confirmed: tuple[str, ...],
                           dry_run: bool, notes: str, notes_file: Any) -> None:
    """Check FILE, compare it with the live version and store it as a new version.

    Nothing is stored if the file has errors, if it changes nothing against the live version, if
    its version is not greater than the live one, without publication notes (--notes, or the
    mapping file's), or if a change would strand stored answers (a removed question, a changed
    type, a removed choice code) without --map, --mapping or --confirm.
    """
    from pathlib import Path

    import engine as engine_

    from . import catalog, versions
    from .extensions import db

    text = Path(file).read_bytes().decode("utf-8", errors="replace")
    try:
        loaded = engine_.load(Path(file).read_bytes(), source=file)
    except engine_.QuestionnaireError as exc:
        for diagnostic in exc.diagnostics:
            click.echo(diagnostic.format())
        raise click.ClickException(f"{len(exc.errors)} error(s): nothing was published") from None
    for warning in loaded.warnings:
        click.echo(warning.format())
    mapping = versions.Mapping()
    if mapping_file:
        try:
            found = versions.Mapping.from_file(mapping_file)
        except versions.MappingFileError as exc:
            raise click.ClickException(str(exc)) from None
        live = versions.live_version(loaded.questionnaire.id)
        expected = (loaded.questionnaire.id, live.version if live else None, loaded.questionnaire.version)
        if (found.questionnaire, found.source, found.target) != expected:
            raise click.ClickException(
                f"{mapping_file} maps {found.questionnaire} {found.source} -> {found.target}, but this publishes "
                f"{expected[0]} {expected[1] or '(nothing yet)'} -> {expected[2]}")
        mapping = found.mapping
        notes = notes or found.notes
    mapping.confirmed |= set(confirmed)
    for item in maps:
        old, _sep, new = item.partition("=")
        mapping.questions[old.strip()] = new.strip()
    pairs = [(item, mapping.codes) for item in map_codes] + [(item, mapping.lists) for item in map_list_codes]
    for item, into in pairs:
        key, _sep, rest = item.partition(":")
        old, _sep, new = rest.partition("=")
        codes = [code.strip() for code in new.split("+") if code.strip()]
        into.setdefault(key.strip(), {})[old.strip()] = codes[0] if len(codes) == 1 else codes
    plan = versions.plan(loaded, mapping, text)
    for refusal in plan.refusals:
        click.echo(refusal.message(file), err=True)
    if plan.diff is not None and not plan.unchanged:
        click.echo(f"changes against version {plan.live.version}:")  # type: ignore[union-attr]
        for line in describe(plan.diff):
            click.echo("  " + line)
    for error in plan.mapping_errors:
        click.echo(f"mapping: {error}", err=True)
    for blocker in plan.blockers:
        click.echo(f"needs a decision: {blocker.kind} {blocker.question_id} ({blocker.answers} answer(s))"
                   f"{' codes ' + ', '.join(blocker.detail['codes']) if 'codes' in blocker.detail else ''}"
                   " -> use --mapping, --map, --map-code, --map-list-code or --confirm", err=True)
    if not plan.can_publish:
        raise click.ClickException("nothing was published")
    notes = (notes_file.read() if notes_file is not None else notes).strip()
    if dry_run:
        click.echo("dry run: nothing was published")
        return
    if not notes:
        raise click.ClickException("give --notes 'what changed and why' (or --notes-file): nothing was published")
    try:
        version = versions.publish(plan, text, file, mapping, None, notes=notes)
    except catalog.PublishError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"published {version.questionnaire_id} version {version.version} ({version.content_hash[:12]})")


def describe(changes: Diff) -> list[str]:
    """One line per change, template instances of the same change folded into one line."""
    folded = changes.folded()
    lines = [f"{f.kind:17} {f.item}{'  (critical)' if f.critical else ''}" for f in folded if not f.template]
    for f in sorted((f for f in folded if f.template), key=lambda f: (f.kind, f.template, f.item)):
        lines.append(f"{f.kind:17} {f.item or '(group)'} in {f.count} uses of template '{f.template}'")
    return lines


@questionnaires_group.command("list")
def questionnaires_list() -> None:
    """List the stored versions."""
    from sqlalchemy import select

    from .extensions import db
    from .models import QuestionnaireVersion

    for v in db.session.scalars(select(QuestionnaireVersion).order_by(QuestionnaireVersion.id)):
        click.echo(f"{v.id:4} {v.questionnaire_id:24} {v.version:12} {v.status:10} {v.content_hash[:12]}")


@cli.group("demo")
def demo_group() -> None:
    """Demo data for trying the app."""


@demo_group.command("load")
def demo_load() -> None:
    """States, the shipped questionnaires, demo accounts (printed) and a few answers."""
    from .demo import load_demo

    for line in load_demo():
        click.echo(line)


@cli.command("export")
@click.option("--format", "fmt", required=True, type=click.Choice(["csv", "xlsx", "json"]))
@click.option("--form", default="long", show_default=True, type=click.Choice(["long", "wide"]),
              help="long: one row per State and answer; wide: one row per State and provision.")
@click.option("--state", "state_code", help="ISO 3166 alpha-3 code, e.g. KEN (default: every State).")
@click.option("--questionnaire", help="Only this questionnaire, e.g. uncac_checklist (default: all).")
@click.option("--lang", default="en", show_default=True, type=click.Choice(["ar", "en", "es", "fr", "ru", "zh"]),
              help="Language of labels and answers as words.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="The file to write ('-' for standard output).")
def export(fmt: str, form: str, state_code: str | None, questionnaire: str | None, lang: str, output: str) -> None:
    """Export answers: submitted self-assessments as submitted, drafts as they are now."""
    from .data.files import ExportError, write

    try:
        if output == "-":
            count = write(sys.stdout.buffer, fmt, form, lang, state_code, questionnaire)
        else:
            with open(output, "wb") as handle:
                count = write(handle, fmt, form, lang, state_code, questionnaire)
    except ExportError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"exported {count} response(s) to {output}", err=True)


# -- country profiles (PDF) -------------------------------------------------------------------------
PROFILE_LANGUAGES = ("ar", "en", "es", "fr", "ru", "zh")


def _waitable() -> None:
    """Fail clearly when jobs would wait for a worker that is not there."""
    from .jobs import backend

    queue = backend()
    if not queue.workers():
        raise click.ClickException(f"no worker listens ({queue.name}): start one with `checklist worker`, "
                                   "or use --no-wait to queue the work only")


@cli.command("profile")
@click.option("--state", "state_code", required=True, help="ISO 3166 alpha-3 code, e.g. KEN.")
@click.option("--lang", default="en", show_default=True, type=click.Choice(PROFILE_LANGUAGES),
              help="Language of the profile.")
@click.option("--summary", is_flag=True, help="The summary profile (a few pages) instead of the full one.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The PDF file to write.")
def profile(state_code: str, lang: str, summary: bool, output: str) -> None:
    """One State's country profile: from the cache, or rendered by a worker (waiting for it)."""
    import shutil
    import time

    from .extensions import db
    from .jobs import JobError, backend
    from .profiles import locate
    from .profiles.batch import latest_responses
    from .profiles.tasks import request_render

    found = latest_responses([state_code])
    if not found:
        raise click.ClickException(f"{state_code.upper()} has no response to the checklist")
    wanted = locate(found[0], lang, "summary" if summary else "full")
    if wanted.path is not None:
        shutil.copyfile(wanted.path, output)
        click.echo(f"wrote {output} (from the cache)", err=True)
        return
    _waitable()
    try:
        job = request_render(wanted, retry=True)
        db.session.rollback()  # no transaction (on SQLite, no lock) held while a worker reads the answers
        while job.pending:
            time.sleep(0.3)
            job = backend().state(job.id)
    except JobError as exc:
        raise click.ClickException(str(exc)) from None
    if job.status != "finished":
        raise click.ClickException(f"the profile could not be rendered: {job.detail or job.error or job.status}")
    shutil.copyfile(job.result["file"], output)
    how = (f"rendered in {job.result['seconds']:.1f} s, {job.result['pages']} pages" if job.result.get("rendered")
           else "from the cache")
    click.echo(f"wrote {output} ({how})", err=True)


@cli.command("profiles")
@click.option("--all", "all_states", is_flag=True, help="Every State with a response.")
@click.option("--state", "state_codes", multiple=True, help="Only these States (ISO alpha-3; repeatable).")
@click.option("--lang", "langs", default="all", show_default=True,
              help="'all' (the six languages) or a comma-separated list, e.g. ar,fr.")
@click.option("--kind", default="both", show_default=True, type=click.Choice(["both", "summary", "full"]))
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Folder to write the PDF files to.")
@click.option("--wait/--no-wait", default=True, show_default=True,
              help="Wait for the workers and collect the files, or only queue the work.")
def profiles_command(all_states: bool, state_codes: tuple[str, ...], langs: str, kind: str, out: str,
                     wait: bool) -> None:
    """Queue many country profiles for the workers; show a progress bar and collect the files."""
    from pathlib import Path

    from tqdm import tqdm

    from .extensions import db
    from .jobs import JobError, backend
    from .profiles.batch import latest_responses, queue_all

    if all_states == bool(state_codes):
        raise click.UsageError("give either --all or one or more --state")
    chosen = list(PROFILE_LANGUAGES) if langs == "all" else [lang.strip() for lang in langs.split(",") if lang.strip()]
    unknown = [lang for lang in chosen if lang not in PROFILE_LANGUAGES]
    if unknown or not chosen:
        raise click.UsageError(f"unknown language(s): {', '.join(unknown) or langs}; use all or "
                               + ",".join(PROFILE_LANGUAGES))
    kinds = ["summary", "full"] if kind == "both" else [kind]
    responses = latest_responses(list(state_codes) or None)
    if not responses:
        raise click.ClickException("no State has a response to the checklist")
    total = len(responses) * len(chosen) * len(kinds)
    try:
        if not wait:
            batch = queue_all(responses, chosen, kinds, Path(out))
            click.echo(f"{len(batch.jobs)} profile(s) queued on {backend().name}; "
                       f"{len(batch.outcome.cached)} copied from the cache to {out}")
            return
        _waitable()
        with tqdm(total=total, unit="file", desc="profiles", dynamic_ncols=True) as bar:
            def advance(name: str) -> None:
                bar.update(1)

            batch = queue_all(responses, chosen, kinds, Path(out), progress=advance)
            db.session.rollback()  # no transaction (on SQLite, no lock) held while the workers read the answers
            outcome = batch.wait(progress=advance)
    except JobError as exc:
        raise click.ClickException(f"{exc}; the jobs already queued go on (run the command again to collect "
                                   "what is done: finished files come from the cache)") from None
    click.echo(f"{len(outcome.rendered)} rendered, {len(outcome.cached)} from the cache, "
               f"{len(outcome.failed)} failed; files in {out}")
    for name, why in sorted(outcome.failed.items()):
        click.echo(f"  FAILED {name}: {why}", err=True)
    if outcome.failed:
        sys.exit(1)


# -- jobs and operations ----------------------------------------------------------------------------
@cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queues are empty.")
@click.option("--check", is_flag=True, help="Only check that the queue's Redis answers (exit status 1 if not).")
def worker(burst: bool, check: bool) -> None:
    """Run a worker of the job queue (PDF profiles): RQ on Redis, as set by REDIS_URL and JOBS_QUEUE."""
    from flask import current_app

    from .jobs import backend
    from .jobs.queue import RedisBackend

    queue = backend()
    if not isinstance(queue, RedisBackend):
        raise click.ClickException("no Redis answers at REDIS_URL "
                                   f"({current_app.config.get('REDIS_URL') or 'empty'}): a worker needs one; "
                                   "meanwhile the app runs its jobs in its own threads")
    if check:
        click.echo(f"{queue.name}: Redis answers")
        return
    from .jobs.worker import run

    run(current_app._get_current_object(), burst=burst)  # type: ignore[attr-defined]


@cli.command("backup")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path),
              help="The archive to write (NAME.tar.gz), or a folder to write a timestamped one into.")
def backup_command(output: Path) -> None:
    """Back up the database and the stored files together, with a manifest of checksums."""
    from flask import current_app

    from .backup import BackupError, backup

    try:
        report = backup(current_app._get_current_object(), output)  # type: ignore[attr-defined]
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"wrote {report.archive} ({report.size / 2 ** 20:.1f} MB): {report.database} database, "
               f"{sum(report.rows.values())} rows in {len(report.rows)} tables, {report.files} stored file(s)")


@cli.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--check", "check_only", is_flag=True, help="Only check the archive against its manifest.")
def restore_command(archive: Path, check_only: bool) -> None:
    """Restore a backup into an empty database and empty data folders (it never overwrites)."""
    import tempfile

    from flask import current_app

    from .backup import BackupError, check, restore

    try:
        if check_only:
            with tempfile.TemporaryDirectory(prefix=".checklist-check-") as work:
                manifest = check(archive, Path(work))
            rows = manifest["database"]["rows"]
            click.echo(f"{archive}: intact ({manifest['database']['kind']} database, {sum(rows.values())} rows, "
                       f"{len(manifest['files']) - 1} stored file(s), made {manifest['created_at']})")
            return
        report = restore(current_app._get_current_object(), archive)  # type: ignore[attr-defined]
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"restored {archive}: {report.database} database, {sum(report.rows.values())} rows in "
               f"{len(report.rows)} tables (as in the manifest), {report.files} stored file(s)")


@cli.group("files")
def files_group() -> None:
    """Evidence files in the file store."""


@files_group.command("clean")
@click.option("--dry-run", is_flag=True, help="Only say what would be removed.")
@click.option("--grace-hours", default=24, show_default=True, type=click.IntRange(min=1),
              help="Keep anything newer than this (uploads in progress).")
def files_clean(dry_run: bool, grace_hours: int) -> None:
    """Remove evidence content that no answer, revision or snapshot refers to (run it daily)."""
    from datetime import timedelta

    from .evidence.cleanup import clean

    done = clean(dry_run=dry_run, grace=timedelta(hours=grace_hours))
    verb = "would remove" if dry_run else "removed"
    click.echo(f"{verb} {len(done.removed)} file(s) nothing refers to ({done.freed / 2 ** 20:.1f} MB recorded), "
               f"{len(done.leftovers)} unfinished upload(s); kept {done.young} newer than {grace_hours} h")
