"""Load-test every public page and the booking steps against the ceiling, at two data sizes,
and time availability against the peer (django-appointment).

Usage: make bench  (or: .venv/bin/python bench/run.py --seconds 8 [--postgres])

Starts gunicorn (2 workers) with production settings on a throwaway database (SQLite, or with
--postgres a new PostgreSQL database), loads the demo clinic and measures each page with wrk:
throughput and p50/p99 at 8 connections, p99 again at 32. Then it grows the clinic to a busy
one's size (bench data: 10 therapists, 200 articles, 20,000 appointments over two years) and
measures again. Ratios are to the bare views of the same server and run (bench/views.py), so
the shared machine's speed cancels out. Last, `free_slots` for 10 therapists x 14 days on the
busy data, and django-appointment on the same schedule in its own virtualenv (bench/peer/).
Results: bench/results/latest.json and latest.png (the README shows the chart).
"""

import argparse
import datetime
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from chart import draw  # bench/chart.py, beside this script (its folder is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PEER_VENV = ROOT / "bench" / ".peer-venv"
SESSION = {"Cookie": "sessionid=bench-visitor"}  # a visitor with a session: always rendered
# (label, path, kind, extra headers). Kinds: the ceilings, pages the same for every anonymous
# visitor (target 0.8 of the bare template view, p99 under 50 ms at 32 connections), and
# booking steps (target 0.4).
PAGES = [
    ("bare: 'ok'", "/bench/ok", "ceiling", {}),
    ("bare: 20-row template", "/bench/twenty-rows", "ceiling", {}),
    ("home", "/", "public", {}),
    ("library", "/articles/", "public", {}),
    ("topic", "/articles/topic/back-pain/", "public", {}),
    ("article", "/articles/does-massage-help-low-back-pain/", "public", {}),
    ("therapists", "/therapists/", "public", {}),
    ("therapist", "/therapists/dana-whitfield/", "public", {}),
    ("services", "/services/", "public", {}),
    ("service", "/services/initial-assessment-and-treatment/", "public", {}),
    ("about", "/about/", "public", {}),
    ("feed", "/articles/feed/", "public", {}),
    ("sitemap", "/sitemap.xml", "public", {}),
    ("book 1: service (form)", "/book/", "booking", {}),
    ("book 2: therapist", "/book/?patient=new&service=1", "booking", {}),
    ("book 3: time", "/book/?patient=new&service=1&therapist=any", "booking", {}),
    ("book 3: time, with a session", "/book/?patient=new&service=1&therapist=any", "booking",
     SESSION),
    ("healthz", "/healthz", "other", {}),
]  # fmt: skip
TARGETS = {"public": 0.8, "booking": 0.4}
P99_LIMIT_MS = 50


def manage(env, *args):
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.DEVNULL,
    )


def milliseconds(text):
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def wrk(url, seconds, connections, headers):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": milliseconds(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
        "p99_ms": milliseconds(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
        "errors": int(errors.group(1)) if errors else 0,
    }


def measure(base, data, args):
    rows = []
    for label, path, kind, headers in PAGES:
        request = urllib.request.Request(base + path, headers=headers)
        urllib.request.urlopen(request).read()  # warm renditions, connections, the cache
        row = {"page": label, "path": path, "kind": kind, "data": data}
        row |= wrk(base + path, args.seconds, args.connections, headers)
        row["p99_ms_at_32"] = wrk(base + path, args.seconds, 32, headers)["p99_ms"]
        rows.append(row)
    ok, template = (rows[0]["requests_per_second"], rows[1]["requests_per_second"])
    for row in rows:
        row["vs_bare_ok"] = round(row["requests_per_second"] / ok, 3)
        row["vs_bare_template"] = round(row["requests_per_second"] / template, 3)
    return rows


def peer_python():
    """django-appointment's own virtualenv (bench/peer/requirements.txt), made once."""
    python = PEER_VENV / "bin" / "python"
    stamp = PEER_VENV / "installed.txt"
    wanted = (ROOT / "bench" / "peer" / "requirements.txt").read_text()
    if not python.exists() or not stamp.exists() or stamp.read_text() != wanted:
        uv = shutil.which("uv", path=Path(sys.executable).parent) or shutil.which("uv")
        subprocess.run(
            [uv, "venv", "--quiet", "--clear", "--python", sys.executable, PEER_VENV], check=True
        )
        subprocess.run(
            [uv, "pip", "install", "--quiet", "--python", python, "-r",
             ROOT / "bench" / "peer" / "requirements.txt"],
            check=True,
        )  # fmt: skip
        stamp.write_text(wanted)
    return python


def availability(env, workdir, peer):
    """Ours and django-appointment's free times for the same schedule, timed in one run."""
    schedule = workdir / "schedule.json"
    ours = json.loads(
        subprocess.run(
            [sys.executable, "bench/availability.py", schedule],
            cwd=ROOT, env=env, check=True, capture_output=True, text=True,
        ).stdout
    )  # fmt: skip
    theirs = json.loads(
        subprocess.run(
            [peer, "bench/peer/django_appointment_bench.py", schedule],
            cwd=ROOT, check=True, capture_output=True, text=True,
        ).stdout
    )  # fmt: skip
    days = [(t, d) for t, by_day in theirs["slots"].items() for d in by_day]
    agree = sum(ours["slots"][t][d] == theirs["slots"][t][d] for t, d in days)
    return {
        "therapists": ours["therapists"],
        "days": ours["days"],
        "appointments_on_record": ours["appointments_on_record"],
        "ours_ms": round(ours["median_seconds"] * 1000, 2),
        "django_appointment_ms": round(theirs["median_seconds"] * 1000, 1),
        "times_faster": round(theirs["median_seconds"] / ours["median_seconds"], 1),
        "therapist_days_with_the_same_free_times": f"{agree} of {len(days)}",
        "free_times_found": sum(len(times) for by_day in ours["slots"].values()
                                for times in by_day.values()),
        "peer_notes": theirs["notes"],
    }  # fmt: skip


def throwaway_database(workdir, postgres):
    """A database URL no one else uses, and how to remove it."""
    if not postgres:
        return f"sqlite:///{workdir}/bench.sqlite3", lambda: None
    name = f"clinic_bench_{secrets.token_hex(4)}"
    subprocess.run(["createdb", name], check=True)
    return f"postgres:///{name}", lambda: subprocess.run(["dropdb", "--if-exists", name])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=4)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL database")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")

    workdir = Path(tempfile.mkdtemp(prefix="clinic-bench-"))
    database_url, drop_database = throwaway_database(workdir, args.postgres)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        "DJANGO_BENCH_VIEWS": "1",
    }
    demo_env = {**env, "DJANGO_SETTINGS_MODULE": "config.settings.development"}
    server = None
    try:
        peer = peer_python()  # first: a failed install should not cost the whole run
        manage(demo_env, "migrate", "--noinput")
        manage(demo_env, "load_demo")
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        manage(env, "createcachetable")  # production's page cache lives in the database
        base = f"http://127.0.0.1:{args.port}"
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi",
             "-b", f"127.0.0.1:{args.port}", "-w", "2", "--access-logfile", "/dev/null"],
            cwd=ROOT, env=env, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(50):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        rows = measure(base, "demo", args)
        manage(demo_env, "load_benchmark_data")
        # That ran with development settings (its own memory cache): empty production's.
        manage(env, "shell", "-c", "from django.core.cache import cache; cache.clear()")
        rows += measure(base, "busy", args)
        server.terminate()
        server.wait()
        server = None
        peer = availability(demo_env, workdir, peer)
    finally:
        if server:
            server.terminate()
            server.wait()
        drop_database()
        shutil.rmtree(workdir, ignore_errors=True)
    report(rows, peer, args)


def report(rows, peer, args):
    print(
        f"\n{'page':<32}{'data':<6}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}{'p99@32':>8}"
        f"{'vs ok':>7}{'vs tmpl':>8}"
    )
    for row in rows:
        print(
            f"{row['page']:<32}{row['data']:<6}{row['requests_per_second']:>8.0f}"
            f"{row['p50_ms']:>8.1f}{row['p99_ms']:>8.1f}{row['p99_ms_at_32']:>8.1f}"
            f"{row['vs_bare_ok']:>7.2f}{row['vs_bare_template']:>8.2f}"
            + (f"  ({row['errors']} errors)" if row["errors"] else "")
        )
    misses = [
        f"{row['page']} ({row['data']}): {row['vs_bare_template']:.2f} < {TARGETS[row['kind']]}"
        for row in rows
        if row["kind"] in TARGETS and row["vs_bare_template"] < TARGETS[row["kind"]]
    ] + [
        f"{row['page']} ({row['data']}): p99 {row['p99_ms_at_32']:.0f} ms at 32 connections"
        for row in rows
        if row["kind"] == "public" and row["p99_ms_at_32"] >= P99_LIMIT_MS
    ]
    print(
        f"\nAvailability, {peer['therapists']} therapists x {peer['days']} days with"
        f" {peer['appointments_on_record']:,} appointments on record: free_slots"
        f" {peer['ours_ms']} ms, django-appointment {peer['django_appointment_ms']} ms"
        f" ({peer['times_faster']}x); the same free times on"
        f" {peer['therapist_days_with_the_same_free_times']} therapist-days."
    )
    print("Targets missed:" if misses else "Every target met.", *misses, sep="\n  ")
    RESULTS.mkdir(exist_ok=True)
    run = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": "PostgreSQL" if args.postgres else "SQLite",
        "seconds": args.seconds,
        "connections": args.connections,
        "rows": rows,
        "availability": peer,
        "targets_missed": misses,
    }
    name = "latest-postgresql" if args.postgres else "latest"
    (RESULTS / f"{name}.json").write_text(json.dumps(run, indent=2) + "\n")
    draw(
        [(f"{row['page']} ({row['data']})", row["vs_bare_template"]) for row in rows
         if row["kind"] in TARGETS],
        RESULTS / f"{name}.png",
        f"Throughput vs the bare 20-row template view ({run['database']}, "
        f"{args.connections} connections)",
        f"free_slots, {peer['therapists']} therapists x {peer['days']} days,"
        f" {peer['appointments_on_record']:,} appointments: {peer['ours_ms']} ms;"
        f" django-appointment {peer['django_appointment_ms']} ms ({peer['times_faster']}x)",
    )  # fmt: skip
    print(f"\nResults: {RESULTS / name}.json and {RESULTS / name}.png")


if __name__ == "__main__":
    main()
