"""Load-test the public pages with wrk against gunicorn, at two data sizes.

Usage: make bench  (or: .venv/bin/python bench/run.py --seconds 10)

Starts gunicorn with production settings on a throwaway SQLite file (or $DATABASE_URL), loads the
demo clinic, measures each page, then adds many therapists and services and measures again. The
ratio column is what to read: a page whose throughput falls with the data size does work per row.
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
# The ceilings, in the same server and run (bench/views.py), then the pages read against them.
BARE_OK, BARE_TEMPLATE = "/bench/ok", "/bench/twenty-rows"
PAGES = [
    BARE_OK,
    BARE_TEMPLATE,
    "/",
    "/therapists/",
    "/therapists/dana-whitfield/",
    "/services/",
    "/articles/",
    "/articles/does-massage-help-low-back-pain/",
    "/book/?patient=new&service=1&therapist=any",  # the demo's first service: initial assessment
    "/healthz",
]


def manage(env, *args):
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.DEVNULL,
    )


def wrk(url, seconds, connections):
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+\w+)", out).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, p99, int(errors.group(1)) if errors else 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--grow", type=int, default=200, help="therapists and services to add")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")

    workdir = Path(tempfile.mkdtemp(prefix="clinic-bench-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3"),
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        "DJANGO_BENCH_VIEWS": "1",
    }
    demo_env = {**env, "DJANGO_SETTINGS_MODULE": "config.settings.development"}
    manage(demo_env, "migrate", "--noinput")
    manage(demo_env, "load_demo")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    manage(env, "createcachetable")  # production's page cache lives in the database

    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "-b",
            f"127.0.0.1:{args.port}",
            "-w",
            "2",
            "--access-logfile",
            "/dev/null",
        ],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(50):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        results = {}
        for label in ("demo", f"+{args.grow}"):
            if label != "demo":
                manage(demo_env, "load_benchmark_data", "--count", str(args.grow))
                # That ran with development settings (its own memory cache): empty production's.
                manage(env, "shell", "-c", "from django.core.cache import cache; cache.clear()")
            for page in PAGES:
                urllib.request.urlopen(base + page).read()  # warm renditions and connections
                results[(label, page)] = wrk(base + page, args.seconds, args.connections)
        grown = f"+{args.grow}"
        print(
            f"\n{'page':<46}{'req/s demo':>12}{'req/s ' + grown:>14}{'grown':>7}"
            f"{'vs ok':>7}{'vs tmpl':>8}{'p99 demo':>10}{'p99 ' + grown:>10}"
        )
        ceiling_ok = results[("demo", BARE_OK)][0]
        ceiling_template = results[("demo", BARE_TEMPLATE)][0]
        for page in PAGES:
            small, large = results[("demo", page)], results[(grown, page)]
            errors = small[2] + large[2]
            print(
                f"{page:<46}{small[0]:>12.0f}{large[0]:>14.0f}{large[0] / small[0]:>7.2f}"
                f"{small[0] / ceiling_ok:>7.2f}{small[0] / ceiling_template:>8.2f}"
                f"{small[1]:>10}{large[1]:>10}" + (f"  ({errors} errors)" if errors else "")
            )
        save_results(results, grown, ceiling_ok, ceiling_template, args)
        print(
            f"\nThe grown data adds {args.grow} therapists, {args.grow} services and up to"
            f" {args.grow} appointment requests. List pages show every therapist or service, so"
            " their HTML grows with the data; the query count per page stays fixed (see the"
            " test_queries modules)."
        )
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(workdir, ignore_errors=True)


def save_results(results, grown, ceiling_ok, ceiling_template, args):
    """bench/results/latest.json and latest.png (the README shows the chart)."""
    RESULTS.mkdir(exist_ok=True)
    rows = [
        {
            "page": page,
            "data": label,
            "requests_per_second": round(rps, 1),
            "p99": p99,
            "errors": errors,
            "vs_bare_ok": round(rps / ceiling_ok, 3),
            "vs_bare_template": round(rps / ceiling_template, 3),
        }
        for (label, page), (rps, p99, errors) in results.items()
    ]
    run = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": "PostgreSQL"
        if os.environ.get("DATABASE_URL", "").startswith("postgres")
        else "SQLite",
        "seconds": args.seconds,
        "connections": args.connections,
        "grown_by": args.grow,
        "rows": rows,
    }
    (RESULTS / "latest.json").write_text(json.dumps(run, indent=2) + "\n")
    demo = [row for row in rows if row["data"] == "demo" and not row["page"].startswith("/bench/")]
    draw(
        [(row["page"], row["vs_bare_template"]) for row in demo],
        RESULTS / "latest.png",
        f"Throughput vs the bare 20-row template view ({run['database']}, demo data, "
        f"{args.connections} connections)",
    )
    print(f"\nResults: {RESULTS / 'latest.json'} and {RESULTS / 'latest.png'}")


if __name__ == "__main__":
    main()
