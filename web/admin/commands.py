"""``checklist users import`` and ``checklist users invite``: accounts from the command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and list the accounts; create nothing.")
@with_appcontext
def users_import(file: Path, dry_run: bool) -> None:
    """Create the accounts of a CSV file (email,name,role,state,language,assignments), all or none;
    each receives an invitation to choose its password."""
    from ..extensions import db
    from .bulk import create, read
    from .users import AccountError

    plan = read(file.read_bytes())
    for error in plan.errors:
        click.echo(f"{file}: {error}", err=True)
    if plan.errors:
        click.echo(f"{len(plan.errors)} problem(s): no account was created", err=True)
        sys.exit(1)
    for row in plan.rows:
        click.echo(f"row {row.number:5}  {row.email:40} {row.role:22} {row.state or '-':4} {row.language or '-':3} "
                   f"{row.assignments}")
    if dry_run:
        click.echo(f"dry run: {len(plan.rows)} account(s) would be created; nothing was stored")
        return
    try:
        made = create(plan)
    except AccountError as exc:
        db.session.rollback()
        raise click.ClickException(f"{exc}: no account was created") from None
    db.session.commit()
    click.echo(f"{len(made)} account(s) created; invitations are in the outbox")


@click.command("invite")
@click.option("--email", required=True)
@click.option("--print-link", is_flag=True, help="Print the link instead of e-mailing it.")
@with_appcontext
def users_invite(email: str, print_link: bool) -> None:
    """Send an account a link to choose its password (an invitation, or a reset link)."""
    from sqlalchemy import select

    from ..extensions import db
    from ..models import User
    from .users import invite

    user = db.session.scalars(select(User).where(User.email == email.strip().lower())).first()
    if user is None:
        raise click.ClickException(f"no account {email}")
    if print_link:
        click.echo(link_for(user))
    else:
        invite(user)
        click.echo(f"a link is in the outbox for {user.email}")
    db.session.commit()


def link_for(user: object) -> str:
    """A set-password link for ``user``, made now (for scripts, and for the first administrator
    before a mail server is set)."""
    from ..auth import tokens
    from ..auth.passwords import usable
    from ..mail.links import external

    raw = tokens.issue(user, "reset" if usable(user) else "invitation")  # type: ignore[arg-type]
    return external("auth.set_password", token=raw)
