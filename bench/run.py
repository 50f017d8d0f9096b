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
# (label, path, kind, who asks). Kinds: the ceilings, pages the same for every anonymous
# visitor (target 0.8 of the bare template view, p99 under 50 ms at 32 connections), booking
# steps (target 0.4), and the staff's pages, signed in, whose target is Django's own password
# change page in the same run ("stock"). Who: nobody (no cookie), "visitor" (a live session,
# with a draft in it) or "staff" (the demo's front desk signed in): bench/sessions.py.
CALENDAR = "/admin/booking/appointment/calendar/"
PAGES = [
    ("bare: 'ok'", "/bench/ok", "ceiling", None),
    ("bare: 20-row template", "/bench/twenty-rows", "ceiling", None),
    ("home", "/", "public", None),
    ("library", "/articles/", "public", None),
    ("topic", "/articles/topic/back-pain/", "public", None),
    ("article", "/articles/does-massage-help-low-back-pain/", "public", None),
    ("therapists", "/therapists/", "public", None),
    ("therapist", "/therapists/dana-whitfield/", "public", None),
    ("services", "/services/", "public", None),
    ("service", "/services/initial-assessment-and-treatment/", "public", None),
    ("about", "/about/", "public", None),
    ("feed", "/articles/feed/", "public", None),
    ("sitemap", "/sitemap.xml", "public", None),
    ("book 1: service (form)", "/book/", "booking", None),
    ("book 2: therapist", "/book/?patient=new&service=1", "booking", None),
    ("book 3: time", "/book/?patient=new&service=1&therapist=any", "booking", None),
    ("book 3: time, with a session", "/book/?patient=new&service=1&therapist=any", "booking",
     "visitor"),
    ("admin: password change (stock)", "/admin/password_change/", "stock", "staff"),
    ("admin: dashboard", "/admin/", "staff", "staff"),
    ("admin: calendar, day", CALENDAR, "staff", "staff"),
    ("admin: calendar, a therapist's week", f"{CALENDAR}?view=week&therapist=1", "staff",
     "staff"),
    ("admin: calendar, the clinic's week", f"{CALENDAR}?view=week", "staff", "staff"),
    ("healthz", "/healthz", "other", None),
]  # fmt: skip
TARGETS = {"public": 0.8, "booking": 0.4}
# Availability over ten times the history must cost the same: under 2 ms, 400 times the peer's.
HISTORY = [(40_000, 4), (400_000, 28)]
AVAILABILITY_MS, AVAILABILITY_TIMES = 2, 400
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


def session_cookie(env, who):
    """A live session's cookie for `who` ("visitor" or "staff"), made in the bench database."""
    made = subprocess.run(
        [sys.executable, "bench/sessions.py", who],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return {"Cookie": made.stdout.strip().splitlines()[-1]}


def measure(base, data, args, env):
    rows = []
    cookies = {who: session_cookie(env, who) for who in ("visitor", "staff")}
    for label, path, kind, who in PAGES:
        headers = cookies[who] if who else {}
        request = urllib.request.Request(base + path, headers=headers)
        with urllib.request.urlopen(request) as answer:  # warm renditions, connections, cache
            answer.read()
            # A redirect (to sign-in, to two-factor) would measure the wrong page.
            if answer.url != base + path:
                sys.exit(f"{label}: {path} answered with {answer.url}, not the page itself")
        row = {"page": label, "path": path, "kind": kind, "data": data}
        row |= wrk(base + path, args.seconds, args.connections, headers)
        row["p99_ms_at_32"] = wrk(base + path, args.seconds, 32, headers)["p99_ms"]
        rows.append(row)
    ok, template = (rows[0]["requests_per_second"], rows[1]["requests_per_second"])
    stock = next(row["requests_per_second"] for row in rows if row["kind"] == "stock")
    for row in rows:
        row["vs_bare_ok"] = round(row["requests_per_second"] / ok, 3)
        row["vs_bare_template"] = round(row["requests_per_second"] / template, 3)
        if row["kind"] in ("staff", "stock"):
            row["vs_stock_admin"] = round(row["requests_per_second"] / stock, 3)
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
        rows = measure(base, "demo", args, env)
        manage(demo_env, "load_benchmark_data")
        # That ran with development settings (its own memory cache): empty production's.
        manage(env, "shell", "-c", "from django.core.cache import cache; cache.clear()")
        rows += measure(base, "busy", args, env)
        server.terminate()
        server.wait()
        server = None
        compared = []
        for appointments, years in HISTORY:  # the same coming weeks, ever more history
            manage(demo_env, "load_benchmark_data", "--appointments", str(appointments),
                   "--years", str(years))  # fmt: skip
            compared.append(availability(demo_env, workdir, peer))
    finally:
        if server:
            server.terminate()
            server.wait()
        drop_database()
        shutil.rmtree(workdir, ignore_errors=True)
    report(rows, compared, args)


def report(rows, compared, args):
    print(
        f"\n{'page':<38}{'data':<6}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}{'p99@32':>8}"
        f"{'vs ok':>7}{'vs tmpl':>8}{'vs stock':>9}"
    )
    for row in rows:
        stock = row.get("vs_stock_admin")
        print(
            f"{row['page']:<38}{row['data']:<6}{row['requests_per_second']:>8.0f}"
            f"{row['p50_ms']:>8.1f}{row['p99_ms']:>8.1f}{row['p99_ms_at_32']:>8.1f}"
            f"{row['vs_bare_ok']:>7.2f}{row['vs_bare_template']:>8.2f}"
            + (f"{stock:>9.2f}" if stock is not None else "")
            + (f"  ({row['errors']} errors)" if row["errors"] else "")
        )
    misses = (
        [
            f"{row['page']} ({row['data']}): {row['vs_bare_template']:.2f} < {TARGETS[row['kind']]}"
            for row in rows
            if row["kind"] in TARGETS and row["vs_bare_template"] < TARGETS[row["kind"]]
        ]
        + [
            f"{row['page']} ({row['data']}): p99 {row['p99_ms_at_32']:.0f} ms at 32 connections"
            for row in rows
            if row["kind"] == "public" and row["p99_ms_at_32"] >= P99_LIMIT_MS
        ]
        + [
            f"{row['page']} ({row['data']}): {row['vs_stock_admin']:.2f} of the stock admin page"
            for row in rows
            if row["kind"] == "staff" and row["vs_stock_admin"] < 1
        ]
    )
    for peer in compared:
        print(
            f"\nAvailability, {peer['therapists']} therapists x {peer['days']} days with"
            f" {peer['appointments_on_record']:,} appointments on record: free_slots"
            f" {peer['ours_ms']} ms, django-appointment {peer['django_appointment_ms']} ms"
            f" ({peer['times_faster']}x); the same free times on"
            f" {peer['therapist_days_with_the_same_free_times']} therapist-days."
        )
        if peer["ours_ms"] >= AVAILABILITY_MS or peer["times_faster"] < AVAILABILITY_TIMES:
            misses.append(
                f"free_slots at {peer['appointments_on_record']:,} appointments: "
                f"{peer['ours_ms']} ms, {peer['times_faster']}x"
            )
    print("Targets missed:" if misses else "Every target met.", *misses, sep="\n  ")
    RESULTS.mkdir(exist_ok=True)
    run = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": "PostgreSQL" if args.postgres else "SQLite",
        "seconds": args.seconds,
        "connections": args.connections,
        "rows": rows,
        "availability": compared,
        "targets_missed": misses,
    }
    name = "latest-postgresql" if args.postgres else "latest"
    (RESULTS / f"{name}.json").write_text(json.dumps(run, indent=2) + "\n")
    draw_results(run, RESULTS / f"{name}.png")
    print(f"\nResults: {RESULTS / name}.json and {RESULTS / name}.png")


def draw_results(run, path):
    """The chart of a run (as latest.json holds it): pages against the bare view, the staff's
    against the stock admin page, and availability at each history size underneath."""
    rows, compared = run["rows"], run["availability"]
    availability_lines = "\n".join(
        f"{peer['appointments_on_record']:,} appointments: {peer['ours_ms']} ms"
        f" ({peer['times_faster']}x django-appointment)"
        for peer in compared
    )
    draw(
        [(f"{row['page']} ({row['data']})", row["vs_bare_template"]) for row in rows
         if row["kind"] in TARGETS]
        + [(f"{row['page']} ({row['data']})", row["vs_stock_admin"])
           for row in rows if row["kind"] == "staff"],
        path,
        f"Throughput vs the bare 20-row template view; admin pages vs Django's password change"
        f" ({run['database']}, {run['connections']} connections)",
        f"free_slots, {compared[0]['therapists']} therapists x {compared[0]['days']} days:\n"
        + availability_lines,
    )  # fmt: skip


if __name__ == "__main__":
    if sys.argv[1:] == ["--redraw"]:  # the chart again from the saved results
        for saved in RESULTS.glob("latest*.json"):
            run = json.loads(saved.read_text())
            if isinstance(run.get("availability"), list):
                draw_results(run, saved.with_suffix(".png"))
    else:
        main()
