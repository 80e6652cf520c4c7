"""``checklist answers export`` and ``checklist answers import``: the Word, Excel and JSON copies for
the secretariat and scripts, through the same code as the web pages (``copies``, ``review``)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..db import db
from ..models import QuestionnaireVersion, Response, State, User


@click.group("answers")
def answers_group() -> None:
    """A State's answers as Word, Excel or JSON copies, and back."""


def _response(state_code: str, questionnaire: str) -> Response:
    state = db.session.scalars(select(State).where(State.code == state_code.strip().upper())).first()
    if state is None:
        raise click.ClickException(f"no State with the code {state_code}")
    found = db.session.scalars(select(Response).join(QuestionnaireVersion).where(
        Response.state_id == state.id, QuestionnaireVersion.questionnaire_id == questionnaire)
        .order_by(Response.version_id.desc())).first()
    if found is None:
        raise click.ClickException(f"{state.code} has not started {questionnaire}")
    return found


def _user(email: str | None) -> User:
    query = select(User).where(User.active.is_(True))
    query = query.where(User.email == email.strip().lower()) if email else \
        query.where(User.role == "secretariat_admin").order_by(User.id)
    user = db.session.scalars(query).first()
    if user is None:
        raise click.ClickException(f"no active account {email}" if email else "no secretariat administrator: use --as")
    return user


@answers_group.command("export")
@click.option("--state", "state_code", required=True, help="ISO 3166 alpha-3 code, e.g. KEN.")
@click.option("--format", "fmt", type=click.Choice(["docx", "xlsx", "json"]), default="docx", show_default=True)
@click.option("--chapter", help="Only the questions of this chapter, e.g. III.")
@click.option("--article", help="Only the questions of this article, e.g. 15.")
@click.option("--lang", type=click.Choice(["ar", "en", "es", "fr", "ru", "zh"]), default="en", show_default=True)
@click.option("--questionnaire", default="uncac_checklist", show_default=True)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False))
@with_appcontext
def answers_export(state_code: str, fmt: str, chapter: str | None, article: str | None, lang: str,
                   questionnaire: str, output: str) -> None:
    """Write a copy of a State's answers (its latest response) to fill offline."""
    from .. import catalog
    from ..workflow import log
    from . import copies

    response = _response(state_code, questionnaire)
    q = catalog.questionnaire(response.version)
    if chapter and article:
        raise click.ClickException("give --chapter or --article, not both")
    try:
        scope = copies.in_scope(q, chapter, article)
    except copies.ScopeError as exc:
        raise click.ClickException(str(exc)) from None
    name = f"chapter {chapter}" if chapter else f"article {article}" if article else "all"
    copy = copies.build(response, lang, scope, name)
    Path(output).write_bytes(copies.write(copy, fmt))
    log(response, None, "exported", format=fmt, scope=name, lang=lang, questions=len(copies.questions_of(copy)),
        source="cli")
    db.session.commit()
    click.echo(f"{output}: {len(copies.questions_of(copy))} questions of {response.owner_code} ({name}, {lang})")


@answers_group.command("import")
@click.option("--state", "state_code", required=True)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--accept-all", is_flag=True,
              help="Also take the file's value where the answer changed since the file was made (conflicts).")
@click.option("--dry-run", is_flag=True, help="Print the differences; save nothing.")
@click.option("--questionnaire", default="uncac_checklist", show_default=True)
@click.option("--as", "as_email", help="The account the changes are recorded under (default: the first "
                                       "secretariat administrator).")
@with_appcontext
def answers_import(state_code: str, file: str, accept_all: bool, dry_run: bool, questionnaire: str,
                   as_email: str | None) -> None:
    """Print the per-question differences of a returned copy, and save them (changes; --accept-all: conflicts
    too). Nothing is saved if a value cannot be read or the answers changed meanwhile."""
    from .. import catalog
    from ..answers import Change, save, stored
    from ..evidence import checks
    from ..models.responses import EDITABLE_STATUSES as EDITABLE
    from ..workflow import log
    from . import review

    response = _response(state_code, questionnaire)
    user = _user(as_email)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "copy"
        shutil.copyfile(file, path)
        try:
            fmt = review.kind_of(path)
            result = review.review(response, path, fmt, lambda qid: True, stored(response))
        except checks.Refused as refused:
            raise click.ClickException(f"{file}: refused ({refused.code})") from None
        except review.Unreadable as exc:
            raise click.ClickException(f"{file}: {exc}") from None
    for issue in result.issues:
        click.echo(f"{file}: {issue}", err=True)
    for line in result.lines:
        if line.status == "same":
            continue
        said = line.problem if line.status == "invalid" else f"{line.current_text!r} -> {line.incoming_text!r}"
        click.echo(f"{line.question.id} [{line.where}] {line.status}: {said}")
    taken = [line for line in result.changes if line.status == "changed" or accept_all]
    invalid = sum(line.status == "invalid" for line in result.lines)
    conflicts = sum(line.status == "conflict" for line in result.lines)
    click.echo(f"{len(result.changes)} differences ({conflicts} conflicts), {invalid} values that cannot be read")
    if dry_run:
        click.echo("dry run: nothing saved")
        return
    if response.status not in EDITABLE:
        raise click.ClickException(f"the response is {response.status}: it takes no answers")
    if invalid:
        raise click.ClickException("nothing saved: correct the values above in the file first")
    q = catalog.questionnaire(response.version)
    changes = [Change(line.question.id, line.incoming,
                      line.current_version if line.status == "conflict" else line.base_version) for line in taken]
    outcome = save(response, q, changes, user, source="import")
    if outcome.conflicts or outcome.refused:
        db.session.rollback()
        raise click.ClickException("nothing saved: answers changed meanwhile; run the import again")
    log(response, user, "imported", format=fmt, name=Path(file).name, saved=len(outcome.saved), source="cli")
    db.session.commit()
    click.echo(f"{len(outcome.saved)} answers saved" + ("" if accept_all or not conflicts else
                                                         f"; {conflicts} conflicts left (--accept-all takes them)"))
