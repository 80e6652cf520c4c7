"""Batch of profiles through the real job queue: N States x 1 language x summary, queued by
`checklist profiles` (whose progress bar is shown as it runs) and rendered by W `checklist worker`
processes on the real Redis (its own queue names; nothing else is touched).

    python bench/batch.py [--states 10] [--workers 2] [--lang en] [--kind summary]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

CODES = ["KEN", "FRA", "BRA", "IND", "EGY", "CHN", "RUS", "MEX", "NGA", "ARG", "DEU", "JPN", "ZAF", "IDN", "PER",
         "MAR", "VNM", "POL", "CAN", "AUS"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--states", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--lang", default="en")
    parser.add_argument("--kind", default="summary", choices=["summary", "full"])
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    args = parser.parse_args()
    from profiles import setup_states, web_app  # bench/profiles.py

    from tests.jobs import forget_namespace

    codes = CODES[: args.states]
    load_before = os.getloadavg()[0]
    namespace = f"checklist-bench-{uuid.uuid4().hex[:8]}"
    checklist = str(Path(sys.executable).parent / "checklist")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        started = time.perf_counter()
        setup_states(web_app(folder), codes)
        print(f"{len(codes)} States with a complete, submitted checklist in {time.perf_counter() - started:.0f} s")
        env = {**os.environ, "CHECKLIST_DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
               "CHECKLIST_REDIS_URL": args.redis, "CHECKLIST_JOBS_QUEUE": namespace,
               "CHECKLIST_PROFILE_DIR": str(folder / "profiles"), "CHECKLIST_INSTANCE_PATH": str(folder),
               "CHECKLIST_SECRET_KEY": "bench", "CHECKLIST_PROFILE_RERENDER": ""}
        workers = [subprocess.Popen([checklist, "worker"], env=env, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL) for _ in range(args.workers)]
        try:
            command = [checklist, "profiles", "--lang", args.lang, "--kind", args.kind, "--out", str(folder / "out")]
            for code in codes:
                command += ["--state", code]
            deadline = time.monotonic() + 60
            while subprocess.run([checklist, "worker", "--check"], env=env, capture_output=True).returncode != 0 \
                    and time.monotonic() < deadline:
                time.sleep(0.5)
            time.sleep(3)  # the workers register and start their rendering fork servers
            print(f"$ checklist profiles --lang {args.lang} --kind {args.kind} --state ... "
                  f"({len(codes)} States, {args.workers} workers)")
            started = time.perf_counter()
            done = subprocess.run(command, env=env, stderr=subprocess.STDOUT, stdout=subprocess.PIPE, text=True)
            seconds = time.perf_counter() - started
            print(done.stdout.replace("\r", "\n").strip().splitlines()[-2])  # the last state of the progress bar
            print(done.stdout.strip().splitlines()[-1])
            renders = job_results(args.redis, namespace)
        finally:
            for worker in workers:
                worker.terminate()
            for worker in workers:
                worker.wait(60)
            forget_namespace(namespace)
    files = len(codes)
    cpu = sum(r.get("cpu_seconds", 0.0) for r in renders)
    wall = sum(r.get("seconds", 0.0) for r in renders)
    print(f"\n{files} {args.kind} profiles ({args.lang}) through {args.workers} workers: {seconds:.1f} s, "
          f"{files / seconds:.2f} files/s, {seconds / files:.2f} s per file; at this rate 193 States x 1 language "
          f"take about {193 * seconds / files / 60:.1f} min")
    print(f"render processes: {len(renders)} renders, {wall / max(1, len(renders)):.2f} s wall and "
          f"{cpu / max(1, len(renders)):.2f} s CPU each (median of the batch's renders: "
          f"{statistics.median([r.get('cpu_seconds', 0.0) for r in renders] or [0]):.2f} s CPU)")
    print(f"load average (1 min) before / after: {load_before:.1f} / {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores (other work on the machine slows the figures above)")


def job_results(url: str, namespace: str) -> list[dict[str, float]]:
    """What each finished job of the batch returned (render wall and CPU seconds)."""
    from redis import Redis
    from rq.job import Job
    from rq.registry import FinishedJobRegistry
    from rq.serializers import JSONSerializer

    connection = Redis.from_url(url)
    registry = FinishedJobRegistry(f"{namespace}-batch", connection=connection, serializer=JSONSerializer)
    jobs = Job.fetch_many(registry.get_job_ids(), connection=connection, serializer=JSONSerializer)
    return [job.return_value() for job in jobs if job is not None and isinstance(job.return_value(), dict)]


if __name__ == "__main__":
    main()
