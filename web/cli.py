"""The ``checklist`` command: the app's CLI (a Flask CLI group) and the questionnaire tools."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import FlaskGroup

import engine
from engine.schema import schema_text
from engine.stats import compute


def _create_app():  # imported lazily: `checklist validate` needs no app and no database
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
    """Check questionnaire files; print FILE:LINE:COL: CODE message (hint) per problem."""
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
        for diagnostic in diagnostics:
            errors += diagnostic.is_error
            warnings += not diagnostic.is_error
            report.append(diagnostic.as_dict())
            if not as_json:
                click.echo(diagnostic.format())
                if verbose:
                    for detail in diagnostic.details:
                        click.echo("    " + detail.format())
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    click.echo(f"{len(files)} file(s): {errors} error(s), {warnings} warning(s)", err=True)
    if errors or (strict and warnings):
        sys.exit(1)


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
