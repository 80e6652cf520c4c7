"""Many accounts from a CSV file: 200 at once, a dry run that stores nothing, located errors that
store nothing either, from the command line and in the browser."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.conftest import add_user, context, csrf_token, login
from tests.web.mail_helpers import RecordingQueue, outbox

STATES = ["KEN", "FRA", "MEX", "EGY", "CHN", "RUS", "ESP", "BRA", "IND", "NGA"]
LANGS = ["ar", "en", "es", "fr", "ru", "zh"]


def two_hundred() -> str:
    lines = ["email,name,role,state,language,assignments"]
    for n in range(200):
        state = STATES[n % len(STATES)]
        if n % 4 == 0:
            lines.append(f"focal{n}@{state.lower()}.example,Focal {n},focal_point,{state},{LANGS[n % 6]},")
        elif n % 4 == 1:
            lines.append(f"helper{n}@{state.lower()}.example,\"Helper, {n}\",contributor,{state},{LANGS[n % 6]},"
                         "chapter:III article:15")
        elif n % 4 == 2:
            lines.append(f"reader{n}@donor.example,Reader {n},reader,,{LANGS[n % 6]},")
        else:
            lines.append(f"reviewer{n}@un.example,Reviewer {n},secretariat_reviewer,,,")
    return "\n".join(lines) + "\n"


def accounts() -> int:
    from web.extensions import db
    from web.models import User

    with context():
        return int(db.session.scalar(select(func.count()).select_from(User)) or 0)


def run(app: Flask, *args: str) -> object:
    from web.cli import cli

    with app.app_context():
        return CliRunner().invoke(cli, ["users", "import", *args])


def test_two_hundred_accounts_with_a_dry_run_first(app: Flask, tmp_path: Path, queue: RecordingQueue) -> None:
    from web.extensions import db
    from web.models import User

    path = tmp_path / "accounts.csv"
    path.write_text(two_hundred(), encoding="utf-8")
    before = accounts()
    dry = run(app, str(path), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "dry run: 200 account(s) would be created" in dry.output and accounts() == before and outbox() == []
    done = run(app, str(path))
    assert done.exit_code == 0, done.output
    assert "200 account(s) created" in done.output and accounts() == before + 200
    with context():
        helper = db.session.scalars(select(User).where(User.email == "helper1@fra.example")).one()
        assert helper.name == "Helper, 1" and helper.state.code == "FRA" and helper.language == "en"
        assert sorted(f"{a.scope}:{a.ref}" for a in helper.assignments) == ["article:15", "chapter:III"]
    invitations = outbox(kind="invitation")
    assert len(invitations) == 200 and {m.status for m in invitations} == {"pending"}
    again = run(app, str(path))  # every address exists now: each row says so, nothing is created
    assert again.exit_code == 1 and "Row 2: an account with the address focal0@ken.example already exists." in \
        again.output and accounts() == before + 200


def test_errors_are_located_and_nothing_is_created(app: Flask, tmp_path: Path, queue: RecordingQueue) -> None:
    rows = two_hundred().splitlines()
    rows[11] = "bad11@ken.example,Bad,focal_point,XYZ,en,"  # row 12 of the file
    rows[20] = "not an address,Bad,reader,,,"
    rows[30] = "focal0@ken.example,Twice,focal_point,KEN,,"
    rows[40] = "x40@un.example,Bad,chief,,,"
    rows[50] = "x50@ken.example,Bad,contributor,KEN,de,chapter:XIX"
    rows[60] = "x60@un.example,Bad,reader,FRA,,"
    rows[70] = "x70@ken.example,Bad,focal_point,,,"
    path = tmp_path / "accounts.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    before = accounts()
    result = run(app, str(path))
    assert result.exit_code == 1
    lines = [line.split(": ", 1)[1] for line in result.output.splitlines() if line.startswith(str(path))]
    assert lines == [
        "Row 12: unknown State code 'XYZ'.",
        "Row 21: 'not an address' is not an e-mail address.",
        "Row 31: the address focal0@ken.example is also on row 2.",
        "Row 41: unknown role 'chief' (use secretariat_admin, secretariat_reviewer, focal_point, contributor, "
        "reader, provider).",
        "Row 51: unknown language 'de' (use ar, en, es, fr, ru, zh).",
        "Row 51: unknown chapter 'XIX'.",
        "Row 61: a Reader (delegate or donor) belongs to no State: leave the State empty.",
        "Row 71: a State focal point needs a State (its ISO code, e.g. KEN).",
    ]
    assert "8 problem(s): no account was created" in result.output
    assert accounts() == before and outbox() == []
    header_only = tmp_path / "bad.csv"
    header_only.write_text("mail,role,colour\nx@un.example,reader,red\n", encoding="utf-8")
    refused = run(app, str(header_only))
    assert refused.exit_code == 1 and "Row 1: unknown column(s) 'colour'" in refused.output
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("email,role,name\nx@un.example,reader,Ren\xe9\n".encode("latin-1"))
    assert "not UTF-8" in run(app, str(latin1)).output


def test_the_browser_checks_the_file_then_creates_the_accounts(app: Flask, client: FlaskClient,
                                                               queue: RecordingQueue) -> None:
    import io

    login(client, add_user("secretariat_admin"))
    token = csrf_token(client, "/admin/users/import")
    text = "email;name;role;state;language;assignments\nnew1@ken.example;Amina;focal_point;KEN;ar;\n" \
           "new2@ken.example;Brian;contributor;KEN;en;chapter:III\n"
    before = accounts()
    checked = client.post("/admin/users/import", data={"csrf_token": token, "action": "check",
                                                       "file": (io.BytesIO(text.encode()), "accounts.csv")},
                          content_type="multipart/form-data")
    page = checked.get_data(as_text=True)
    assert checked.status_code == 200 and "2 accounts will be created" in page and accounts() == before
    content = page[page.index('name="content"'):]
    content = content[content.index(">") + 1:content.index("</textarea>")]
    created = client.post("/admin/users/import", data={"csrf_token": token, "action": "create",
                                                       "content": content.replace("&amp;", "&")})
    assert created.status_code == 302 and accounts() == before + 2
    assert sorted(m.address for m in outbox(kind="invitation")) == ["new1@ken.example", "new2@ken.example"]
    wrong = client.post("/admin/users/import", data={"csrf_token": token, "action": "create",
                                                     "content": "email,role,state\nnew3@ken.example,focal_point,XYZ\n"})
    assert wrong.status_code == 400 and "Row 2: unknown State code &#39;XYZ&#39;." in wrong.get_data(as_text=True)
    assert accounts() == before + 2
