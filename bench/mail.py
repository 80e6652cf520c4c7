"""E-mail and accounts benchmark: sending through a real SMTP server on loopback, the CSV import of
many accounts, and the password reset request with and without an account (the same work either
way: their times are measured interleaved in one run).

Sets up its own SQLite database in a temporary folder (States, the shipped questionnaires) and an
aiosmtpd server on 127.0.0.1; nothing leaves the machine.

    python bench/mail.py [--messages 300] [--accounts 200] [--resets 60]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.smtp import SMTPServer  # noqa: E402

STATES = ["KEN", "FRA", "MEX", "EGY", "CHN", "RUS", "ESP", "BRA", "IND", "NGA"]
LANGS = ["ar", "en", "es", "fr", "ru", "zh"]


def csv_text(count: int) -> bytes:
    lines = ["email,name,role,state,language,assignments"]
    for n in range(count):
        state = STATES[n % len(STATES)]
        lines.append(f"person{n}@{state.lower()}.example,Person {n},focal_point,{state},{LANGS[n % 6]},")
    return ("\n".join(lines) + "\n").encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--resets", type=int, default=60)
    options = parser.parse_args()

    from web import catalog, create_app
    from web.admin.bulk import create, read
    from web.extensions import db
    from web.mail.outbox import send_pending
    from web.migrate import upgrade
    from web.models import OutboxMessage
    from web.reference import load_states

    folder = Path(tempfile.mkdtemp(prefix="bench-mail-"))
    server = SMTPServer()
    server.start()
    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}", "REDIS_URL": "",
                      "SECRET_KEY": "bench", "PASSWORD_HASH_METHOD": "scrypt", "RATELIMIT_ENABLED": False,
                      **server.settings(), "MAIL_BATCH": 100000})
    app.instance_path = str(folder)
    app.extensions["jobs"].enqueue = lambda *args, **kwargs: None  # the benchmark runs the sending itself
    with app.app_context():
        upgrade(db)
        load_states(db.session)
        for path in sorted((ROOT / "questionnaires").glob("*.yaml")):
            catalog.publish_file(path)
        db.session.commit()

        data = csv_text(options.accounts)
        started = time.perf_counter()
        plan = read(data)
        checked = time.perf_counter() - started
        started = time.perf_counter()
        made = create(plan)
        db.session.commit()
        created = time.perf_counter() - started
        print(f"CSV import of {len(made)} accounts: check {checked * 1000:.0f} ms, create with invitations "
              f"{created * 1000:.0f} ms")

        invitations = db.session.query(OutboxMessage).count()
        started = time.perf_counter()
        counts = send_pending()
        elapsed = time.perf_counter() - started
        server.wait(invitations, timeout=120)
        print(f"sending {counts['sent']} invitations (six languages, token per link) through SMTP on loopback: "
              f"{elapsed:.2f} s, {counts['sent'] / elapsed:.0f} messages/s")

    client = app.test_client()
    page = client.get("/account/reset").get_data(as_text=True)
    found = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
    assert found, "no CSRF token on the reset page"
    token = found.group(1)
    times: dict[str, list[float]] = {"existing": [], "unknown": []}
    for n in range(options.resets):  # interleaved: the two kinds of address in turn
        for kind, address in (("existing", f"person{n % options.accounts}@{STATES[n % 10].lower()}.example"),
                              ("unknown", f"nobody{n}@nowhere.example")):
            started = time.perf_counter()
            reply = client.post("/account/reset", data={"csrf_token": token, "email": address})
            times[kind].append(time.perf_counter() - started)
            assert reply.status_code == 302, reply.status_code
    for kind, values in times.items():
        values.sort()
        print(f"reset request, {kind:8} address: p50 {statistics.median(values) * 1000:.2f} ms, "
              f"p95 {values[int(len(values) * 0.95) - 1] * 1000:.2f} ms ({len(values)} requests)")
    server.stop()


if __name__ == "__main__":
    main()
