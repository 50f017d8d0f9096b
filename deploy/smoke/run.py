"""`make smoke`: the whole production stack on this machine, checked end to end.

On a fresh PostgreSQL database: Caddy with its own certificate authority on localhost, two
gunicorn instances with the production settings behind it, the worker and a local SMTP sink.
A patient books over HTTPS, the email arrives at the sink, the front desk confirms, the patient
cancels from the emailed link; headers, compressed static files and a media file are checked.
Exits non-zero on any failure. Everything listens on 127.0.0.1 only.
"""

import datetime
import email
import http.cookiejar
import json
import mailbox
import os
import re
import secrets
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PORTS = {"https": 8443, "http": 8080, "app1": 8101, "app2": 8102, "smtp": 8025}
SITE = f"https://localhost:{PORTS['https']}"


def cluster_on_port(clusters, port):
    """The (version, name) of the cluster `pg_lsclusters --no-header` lists on `port`."""
    for line in clusters.splitlines():
        version, cluster, cluster_port, *_ = line.split()
        if int(cluster_port) == port:
            return version, cluster
    raise SmokeFailure(f"no PostgreSQL cluster listens on port {port} (pg_lsclusters)")


def restart_postgres_command(database_url):
    """How to restart the PostgreSQL that `database_url` reaches: SMOKE_RESTART_POSTGRES, or the
    Debian cluster on the port the connection actually uses (not merely the first one listed)."""
    if os.environ.get("SMOKE_RESTART_POSTGRES"):
        return os.environ["SMOKE_RESTART_POSTGRES"].split()
    with psycopg.connect(database_url) as db:
        port = db.info.port
    clusters = subprocess.run(
        ["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True
    )
    version, cluster = cluster_on_port(clusters.stdout, port)
    return ["pg_ctlcluster", version, cluster, "restart"]


PASSWORD = "smoke-" + secrets.token_urlsafe(12)


class SmokeFailure(Exception):
    pass


def check(condition, what):
    if not condition:
        raise SmokeFailure(what)
    print(f"  ok: {what}")


class Stack:
    """Starts the processes and the database, and takes them all down again."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.processes = []
        self.database = f"clinic_smoke_{secrets.token_hex(4)}"
        self.extra_databases = []
        self.maildir = workdir / "mail"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "localhost",
            "DATABASE_URL": f"postgres:///{self.database}",
            "DJANGO_SITE_URL": SITE,
            "DJANGO_MEDIA_ROOT": str(workdir / "media"),
            "DJANGO_STATIC_ROOT": str(workdir / "static"),
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(PORTS["smtp"]),
            "CLINIC_INBOX_EMAIL": "desk@clinic.example",
        }

    def manage(self, *args, settings=None):
        env = {**self.env, **({"DJANGO_SETTINGS_MODULE": settings} if settings else {})}
        subprocess.run(
            [str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip

    def start(self, name, command, env=None):
        log = open(self.workdir / f"{name}.log", "w")  # noqa: SIM115 (closed with the stack)
        process = subprocess.Popen(
            command, cwd=ROOT, env={**self.env, **(env or {})}, stdout=log, stderr=log,
            start_new_session=True,
        )  # fmt: skip
        self.processes.append((name, process, log))

    def up(self):
        with psycopg.connect(dbname="postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{self.database}"')
        print("== production settings: migrate, collectstatic; demo content (local database)")
        self.manage("migrate", "--noinput")
        self.manage("collectstatic", "--noinput")
        # A real clinic enters its own details in the admin; the demo stands in for them here.
        self.manage("load_demo", "--password", PASSWORD, settings="config.settings.development")
        print("== starting the SMTP sink, two gunicorn instances, the worker and Caddy")
        self.start("smtp", [str(BIN / "python"), "-m", "aiosmtpd", "-n", "-l",
                            f"127.0.0.1:{PORTS['smtp']}", "-c", "aiosmtpd.handlers.Mailbox",
                            str(self.maildir)])  # fmt: skip
        # Every booking in this check comes from 127.0.0.1 (Caddy); a clinic sets its own limit.
        self.manage("shell", "-c", "from clinic.models import Clinic; "
                    "Clinic.objects.update(max_requests_per_address_hour=50)")  # fmt: skip
        for name in ("app1", "app2"):
            self.start(name, [str(BIN / "gunicorn"), "-c", "python:config.gunicorn", "config.wsgi",
                              "-b", f"127.0.0.1:{PORTS[name]}"])  # fmt: skip
        self.start("worker", [str(BIN / "python"), "manage.py", "worker", "--interval", "0.5"])
        self.start(
            "caddy",
            ["caddy", "run", "--config", "deploy/smoke/Caddyfile", "--adapter", "caddyfile"],
            env={
                "SITE_ADDRESS": SITE,
                "SITE_HOST": "localhost",
                "HTTP_PORT": str(PORTS["http"]),
                "HTTPS_PORT": str(PORTS["https"]),
                "STATIC_ROOT": self.env["DJANGO_STATIC_ROOT"],
                "MEDIA_ROOT": self.env["DJANGO_MEDIA_ROOT"],
                "UPSTREAMS": f"127.0.0.1:{PORTS['app1']} 127.0.0.1:{PORTS['app2']}",
                "CADDY_DATA": str(self.workdir / "caddy"),
                "XDG_DATA_HOME": str(self.workdir / "xdg-data"),
                "XDG_CONFIG_HOME": str(self.workdir / "xdg-config"),
            },
        )

    def down(self):
        for _, process, log in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
            log.close()
        with psycopg.connect(dbname="postgres", autocommit=True) as admin:
            for database in [self.database, *self.extra_databases]:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    def show_logs(self):
        for name, _, log in self.processes:
            log.flush()
            text = (self.workdir / f"{name}.log").read_text()[-3000:]
            print(f"---- {name}.log (end) ----\n{text}")

    def root_certificate(self):
        return self.workdir / "caddy" / "pki" / "authorities" / "local" / "root.crt"


class Browser:
    """Enough of a browser: cookies, the CSRF token, a Referer, and Caddy's CA trusted."""

    def __init__(self, cafile):
        self.cookies = http.cookiejar.CookieJar()
        context = ssl.create_default_context(cafile=str(cafile))
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=context),
            urllib.request.HTTPCookieProcessor(self.cookies),
        )
        self.last_url = SITE + "/"

    def open(self, path, data=None, headers=None):
        url = path if path.startswith("http") else SITE + path
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(
            url, data=body, headers={"Referer": self.last_url, **(headers or {})}
        )
        try:
            response = self.opener.open(request, timeout=20)
        except urllib.error.HTTPError as error:
            response = error
        self.last_url = response.geturl()
        response.text = response.read().decode("utf-8", "replace")
        return response

    def csrf(self):
        return next(c.value for c in self.cookies if c.name == "csrftoken")


def hidden_fields(html):
    return dict(re.findall(r'<input type="hidden"\s+name="(\w+)"\s+value="([^"]*)"', html))


def wait_for(what, probe, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = probe()
        if result:
            return result
        time.sleep(0.5)
    raise SmokeFailure(f"timed out waiting for {what}")


def emails(maildir, subject_part, to="smoke@example.com"):
    found = []
    for message in mailbox.Maildir(str(maildir), factory=None):
        parsed = email.message_from_bytes(message.as_bytes())
        if subject_part in str(parsed["Subject"]) and parsed["To"] == to:
            found.append(parsed)
    return found


def body_of(message):
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode()
    return ""


def book(browser, email_address, phone, nth=0):
    """A new patient's request through the real flow; returns the last page."""
    start = browser.open("/book/")
    service = re.search(r'<input[^>]*name="service"[^>]*value="(\d+)"', start.text)
    check(service is not None, "the booking page offers services")
    chosen = browser.open("/book/", {**hidden_fields(start.text), "patient": "new",
                                     "service": service.group(1)})  # fmt: skip
    check(
        urllib.parse.urlsplit(chosen.geturl()).query.startswith("s="),
        "the service form lands on a sealed address",
    )
    # Three days on, past any cancellation notice, so the patient may cancel online later: a
    # plain address, as a clinic's newsletter might link it.
    later = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    times = browser.open(
        f"/book/?patient=new&service={service.group(1)}&therapist=any&from={later}"
    )
    links = re.findall(r'href="(/book/details/\?[^"]+)"', times.text)
    check(len(links) > nth, "free times are offered")
    details = browser.open(links[nth].replace("&amp;", "&"))
    form = {**hidden_fields(details.text), "name": "Smoke Test", "email": email_address,
            "phone": phone, "consent": "on", "action": "submit"}  # fmt: skip
    return browser.open("/book/details/", form)


def reference_on(page):
    found = re.search(r'class="reference">(\w+)<', page.text)
    return found and found.group(1)


def journey(stack):
    cafile = wait_for(
        "Caddy's certificate authority",
        lambda: stack.root_certificate().exists() and stack.root_certificate(),
    )
    patient = Browser(cafile)
    wait_for("the site over HTTPS", lambda: patient.open("/healthz").status == 200)
    print("== a patient books over HTTPS")
    home = patient.open("/")
    check(home.status == 200, "the home page answers over HTTPS through Caddy")
    check("max-age=31536000" in home.headers.get("Strict-Transport-Security", ""), "HSTS is sent")
    check(
        "default-src 'self'" in home.headers.get("Content-Security-Policy", ""), "the CSP is sent"
    )
    check("camera=()" in home.headers.get("Permissions-Policy", ""), "Permissions-Policy is sent")
    booked = book(patient, "smoke@example.com", "416 555 0142")
    check(
        "/book/appointment/" in booked.geturl(),
        f"the request is sent and its page opens ({booked.status} {booked.geturl()})",
    )
    reference = reference_on(booked)

    received = wait_for(
        "the patient's email at the SMTP sink", lambda: emails(stack.maildir, "appointment request")
    )
    check(
        received[0]["To"] == "smoke@example.com",
        f"the request email reached the sink, sent by the worker (to {received[0]['To']})",
    )
    manage_link = re.search(
        r"(https://localhost:\d+/book/appointment/[\w-]+/)", body_of(received[0])
    ).group(1)
    check(
        manage_link in booked.geturl()
        or booked.geturl().endswith(urllib.parse.urlsplit(manage_link).path),
        "the emailed link is the patient's page",
    )

    print("== the front desk confirms")
    desk = Browser(cafile)
    login = desk.open("/admin/login/")
    signed_in = desk.open("/admin/login/", {"csrfmiddlewaretoken": desk.csrf(), "username": "frontdesk",
                                            "password": PASSWORD, "next": "/admin/"})  # fmt: skip
    check(
        signed_in.geturl().endswith("/admin/") and login.status == 200, "staff sign in over HTTPS"
    )
    found = desk.open(f"/admin/booking/appointment/?q={reference}")
    pk = re.search(r'href="/admin/booking/appointment/(\d+)/change/', found.text).group(1)
    confirmed = desk.open(
        f"/admin/booking/appointment/{pk}/transition/confirm/", {"csrfmiddlewaretoken": desk.csrf()}
    )
    check(f"{reference}: confirmed." in confirmed.text, "the request is confirmed from the admin")
    wait_for("the confirmation email", lambda: emails(stack.maildir, "is confirmed"))
    check(True, "the confirmation email reached the sink")

    print("== the patient cancels from the emailed link")
    phone = Browser(cafile)
    page = phone.open(manage_link)
    check("Status: <strong>Confirmed</strong>" in page.text, "the link shows the confirmed visit")
    question = phone.open(manage_link + "cancel/")
    check("Cancel your appointment?" in question.text, "cancelling asks once")
    done = phone.open(manage_link + "cancel/", {"csrfmiddlewaretoken": phone.csrf()})
    check("Status: <strong>Cancelled</strong>" in done.text, "the visit is cancelled")
    wait_for(
        "the clinic's cancellation notice",
        lambda: emails(stack.maildir, "cancelled by the patient", to="desk@clinic.example"),
    )
    check(True, "the clinic inbox is told of the cancellation")

    print("== static and media files from Caddy")
    css = re.search(r'href="(/static/css/site\.[0-9a-f]+\.css)"', home.text)
    check(css is not None, "pages link hashed static files (the manifest is in use)")
    for encoding in ("zstd", "gzip"):
        styles = patient.open(css.group(1), headers={"Accept-Encoding": encoding})
        check(
            styles.headers.get("Content-Encoding") == encoding,
            f"static CSS comes {encoding}-compressed",
        )
        check(
            "immutable" in styles.headers.get("Cache-Control", ""),
            "static files are cached for good",
        )
    team = patient.open("/therapists/")
    photo = re.search(r'src="(/media/[^"]+\.webp)"', team.text)
    check(photo is not None, "therapist photos are linked from /media/")
    image = patient.open(photo.group(1))
    check(
        image.status == 200 and image.headers.get("Content-Type") == "image/webp",
        "a media file is served by Caddy",
    )
    check(
        "max-age=86400" in image.headers.get("Cache-Control", ""), "media files carry cache headers"
    )
    health = patient.open("/healthz")
    check('"worker": "ok"' in health.text, "/healthz sees the worker keeping up")
    return cafile, manage_link


def booked_references(database):
    with psycopg.connect(dbname=database) as db:
        return {row[0] for row in db.execute("SELECT reference FROM booking_appointment")}


def postgres_restart(stack, cafile):
    """PostgreSQL restarted under traffic: the site and the worker come back by themselves, and
    every request the site said it received is in the database."""
    print("== PostgreSQL restarted under traffic")
    statuses, stop = [], threading.Event()

    def visitor():
        browser = Browser(cafile)
        while not stop.is_set():
            try:
                statuses.append((time.monotonic(), browser.open("/therapists/").status))
            except OSError:
                statuses.append((time.monotonic(), "no answer"))

    threads = [threading.Thread(target=visitor) for _ in range(3)]
    for thread in threads:
        thread.start()
    confirmed = []  # references the site showed a patient
    patient = Browser(cafile)
    before = reference_on(book(patient, "before@example.com", "416 555 0150", nth=1))
    confirmed.append(before)
    restarted_at = time.monotonic()
    command = restart_postgres_command(stack.env["DATABASE_URL"])
    subprocess.run(command, check=True, capture_output=True)
    print(f"  restarted PostgreSQL ({' '.join(command)}) while 3 visitors browse")
    attempts = 0

    def book_after():
        nonlocal attempts
        attempts += 1
        try:
            page = book(Browser(cafile), "after@example.com", "416 555 0151", nth=2)
        except (OSError, SmokeFailure):
            return None
        reference = reference_on(page)
        if reference:
            confirmed.append(reference)
        return reference

    after = wait_for("a booking after the restart", book_after, seconds=60)
    recovered = time.monotonic() - restarted_at
    time.sleep(2)
    stop.set()
    for thread in threads:
        thread.join()
    failed = [status for at, status in statuses if at > restarted_at and status != 200]
    last = [status for at, status in statuses[-10:]]
    check(
        last == [200] * len(last),
        f"pages answer again by themselves ({len(statuses)} page views, {len(failed)} failed "
        f"around the restart; a booking went through {recovered:.1f} s after it, "
        f"attempt {attempts})",
    )
    check(
        set(confirmed) <= booked_references(stack.database),
        f"every request the site confirmed is in the database ({', '.join(confirmed)})",
    )
    received = wait_for(
        "the email for the request made after the restart",
        lambda: emails(stack.maildir, "appointment request", to="after@example.com"),
    )
    check(after in body_of(received[0]), "the worker sends email again by itself")
    worker = next(process for name, process, _ in stack.processes if name == "worker")
    check(worker.poll() is None, "the worker process kept running through the restart")


def secret_example_paths(stack, token):
    """A path of every route declared secret (clinic/secret_routes.py), holding `token`."""
    os.environ.update(stack.env)
    sys.path.insert(0, str(ROOT))
    # Django only here: the rest of the check drives the stack from outside, as a visitor would.
    import django

    django.setup()
    from clinic.secret_routes import example_paths

    return example_paths(token)


def access_logs(stack, cafile, manage_link):
    """No log of the stack (Caddy's, gunicorn's access and application logs, the worker's) holds
    a query, a Referer or the token of any secret route: the patient's real link from the
    journey, and a made-up token asked for on every declared route, by GET and by a POST that
    Django refuses and logs (no CSRF cookie)."""
    print("== logs")
    made_up = "smoke-secret-" + secrets.token_hex(8)
    paths = secret_example_paths(stack, made_up)
    for path in paths:
        # A fresh visitor each time: without a CSRF cookie, Django refuses the POST and logs it.
        Browser(cafile).open(path, {"start": "2030-01-07T10:00"})
        Browser(cafile).open(path)
    tokens = [urllib.parse.urlsplit(manage_link).path.split("/")[3], made_up]
    logs = {name: (stack.workdir / f"{name}.log").read_text() for name in ("caddy", "app1", "app2", "worker")}  # fmt: skip
    caddy = [json.loads(line) for line in logs["caddy"].splitlines() if '"http.log.access' in line]
    uris = [entry["request"]["uri"] for entry in caddy]
    check(
        sum(uri.startswith("/book/") for uri in uris) > len(paths),
        f"Caddy logged {len(uris)} requests, the {len(paths)} secret routes among them",
    )
    check(not any("?" in uri for uri in uris), "Caddy logs no query")
    check(
        not any("Referer" in entry["request"].get("headers", {}) for entry in caddy),
        "Caddy logs no Referer",
    )
    gunicorn = [
        line
        for name in ("app1", "app2")
        for line in logs[name].splitlines()
        if '"GET ' in line or '"POST ' in line
    ]
    check(any("/book/" in line for line in gunicorn), f"gunicorn logged {len(gunicorn)} requests")
    check(not any("?" in line for line in gunicorn), "gunicorn logs no query")
    refused = "Forbidden (CSRF cookie not set.): /book/appointment//move/"
    check(
        any(refused in logs[name] for name in ("app1", "app2")),
        f"Django's own log names the refused page without its token ({refused})",
    )
    for name, text in logs.items():
        leaks = [line for line in text.splitlines() if any(token in line for token in tokens)]
        check(
            not leaks,
            f"{name}.log holds no token of the {len(paths)} secret routes"
            + (f" (first found in: {leaks[0][:400]})" if leaks else ""),
        )


TABLES = ["booking_appointment", "booking_patient", "booking_appointmentevent", "clinic_therapist",
          "articles_article", "auth_user", "django_tasks_database_dbtaskresult"]  # fmt: skip


def counts(database):
    with psycopg.connect(dbname=database) as db:
        return {
            table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in TABLES
        }


def media_files(root):
    return sorted(str(path.relative_to(root)) for path in Path(root).rglob("*") if path.is_file())


def backup_and_restore(stack):
    """deploy/backup.sh, then deploy/restore.sh onto an empty database: the same site."""
    print("== backup, and a restore onto an empty database")
    folder = subprocess.run(
        ["deploy/backup.sh", stack.env["DATABASE_URL"], stack.env["DJANGO_MEDIA_ROOT"],
         str(stack.workdir / "backups")],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    restored = f"{stack.database}_restored"
    with psycopg.connect(dbname="postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{restored}"')
    stack.extra_databases.append(restored)
    media = stack.workdir / "media-restored"
    subprocess.run(
        ["deploy/restore.sh", folder, f"postgres:///{restored}", str(media)],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )  # fmt: skip
    check(counts(restored) == counts(stack.database), "the restored database holds the same rows")
    check(
        media_files(media) == media_files(stack.env["DJANGO_MEDIA_ROOT"]),
        "the restored media holds the same files",
    )


def main():
    for tool in ("caddy",):
        if not shutil.which(tool):
            sys.exit(f"{tool} is not installed: apt-get install {tool}")
    workdir = Path(tempfile.mkdtemp(prefix="clinic-smoke-"))
    stack = Stack(workdir)
    try:
        stack.up()
        cafile, manage_link = journey(stack)
        postgres_restart(stack, cafile)
        access_logs(stack, cafile, manage_link)
        backup_and_restore(stack)
    except (SmokeFailure, subprocess.CalledProcessError, OSError, AttributeError) as error:
        print(f"SMOKE FAILED: {error!r}")
        stack.show_logs()
        return 1
    finally:
        stack.down()
        shutil.rmtree(workdir, ignore_errors=True)
    print("== smoke passed: the production stack works end to end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
