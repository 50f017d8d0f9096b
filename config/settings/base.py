"""Settings shared by every environment. Environment modules import * from here."""

import datetime
import os
from pathlib import Path

import dj_database_url
import xstatic.pkg.bootstrap
from django.contrib.messages import constants as messages
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# Production overrides this to True; `load_demo` refuses to run when it is set.
IS_PRODUCTION = False

INSTALLED_APPS = [
    "config.apps.ClinicAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.forms",
    "crispy_forms",
    "crispy_bootstrap5",
    "imagekit",
    "django_tasks_db",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "accounts",
    "clinic",
    "emails",
    "articles",
    "booking",
    "articles.comments",
    "articles.mailing",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before everything that renders: a cached anonymous page skips it all (clinic/page_cache.py).
    "clinic.page_cache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): signed in with a code as well (config/two_factor.py).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Records which staff account made each change kept in the history.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "clinic.middleware.PermissionsPolicyMiddleware",
    "clinic.middleware.ClinicTimeZoneMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Staff accounts (see accounts/models.py for why the project has its own user model).
AUTH_USER_MODEL = "accounts.User"


def _totp_issuer(device):
    # The clinic's name in the staff's authenticator apps (imported late: settings load first).
    from config.two_factor import issuer

    return issuer(device)


OTP_TOTP_ISSUER = _totp_issuer
# Nobody reads another staff member's authenticator key or QR code in the admin (each sets up
# their own on the two-factor page); django-otp's key pages then refuse before any lookup.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Staff sign-in throttling: five wrong passwords for one account from one address lock that
# pair out for 15 minutes. Patients never sign in.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/login_locked.html"
AXES_VERBOSE = False

# History is for reading: reverting an appointment would bypass the booking rules.
SIMPLE_HISTORY_REVERT_DISABLED = True

# Widgets render from templates/ too (the article editor's live preview).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clinic.context_processors.clinic",
            ],
        },
    },
    {
        # Plain text (email subjects and bodies): nothing is HTML-escaped, so "Massage & Manual
        # Therapy" does not arrive as "&amp;". Used explicitly, with `using="text"`.
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {"autoescape": False},
    },
]


def database_from_env(default_sqlite_path):
    """DATABASE_URL wins in every environment; SQLite otherwise.

    SQLite runs every transaction as IMMEDIATE so that a check-then-write (the booking overlap
    check) holds the write lock from its first read and two writers cannot interleave.
    """
    url = os.environ.get("DATABASE_URL")
    config = (
        dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        if url
        else {"ENGINE": "django.db.backends.sqlite3", "NAME": default_sqlite_path}
    )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config.setdefault("OPTIONS", {}).update(
            {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            }
        )
    return config


DATABASES = {"default": database_from_env(BASE_DIR / "db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
USE_I18N = True
USE_TZ = True
# Stored times are UTC; each request is shown in the clinic's own zone (ClinicTimeZoneMiddleware).
TIME_ZONE = "UTC"

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Bootstrap comes from an installed package and is served as our own static file.
    ("vendor/bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Portraits: anything larger is refused before Pillow decodes it.
IMAGE_UPLOAD_MAX_BYTES = 5 * 1024 * 1024
IMAGE_UPLOAD_MAX_PIXELS = 40_000_000
# Renditions are written the first time a page asks for them, so a new photo needs no worker.
IMAGEKIT_DEFAULT_CACHEFILE_STRATEGY = "imagekit.cachefiles.strategies.JustInTime"
# Which renditions exist is remembered in each process's memory, never in the default cache,
# which may fail (clinic/images.py).
IMAGEKIT_DEFAULT_CACHEFILE_BACKEND = "clinic.images.ProcessMemoryStateBackend"

# Each level keeps Django's own tag, which the admin styles by, and adds Bootstrap's alert class
# for the site's pages, so templates print message.tags as they are.
MESSAGE_TAGS = {
    messages.DEBUG: "debug alert-secondary",
    messages.INFO: "info alert-info",
    messages.SUCCESS: "success alert-success",
    messages.WARNING: "warning alert-warning",
    messages.ERROR: "error alert-danger",
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# No request from a page may reach a third party: everything comes from our own origin.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    # Bootstrap draws form and toggler icons as data: SVGs.
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-src": [CSP.NONE],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGIN_URL = "admin:login"
# Where a sign-in lands when its next= is refused (Django's default, /accounts/profile/, is a 404).
LOGIN_REDIRECT_URL = "admin:index"
# A staff sign-in lasts a working day of inactivity: every request pushes the end further.
SESSION_COOKIE_AGE = 10 * 60 * 60
SESSION_SAVE_EVERY_REQUEST = True

# Links in emails are absolute; production derives this from its host name.
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://127.0.0.1:8000")
# Where "new request" emails go; empty means the clinic's own email address.
CLINIC_INBOX_EMAIL = os.environ.get("CLINIC_INBOX_EMAIL", "")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "appointments@localhost")

# Phone numbers typed without a country code are read as numbers of this country (ISO code).
PHONE_REGION = os.environ.get("CLINIC_PHONE_REGION", "CA")

# Background tasks (emails) run at once here; production queues them for `manage.py worker`.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

# Who is told of a server error by email: nobody here; production reads DJANGO_ADMINS.
ADMINS = []
# Error emails show which page broke and the code's traceback, never what a patient typed or
# holds (config/error_reports.py); the page's address loses its token first (log_filters.py).
DEFAULT_EXCEPTION_REPORTER_FILTER = "config.error_reports.PrivateExceptionReporterFilter"

# Every handler carries the secret-route filter: a token in a path (a patient's link) never
# reaches the journal or an inbox, whatever logged it (config/log_filters.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "secret_paths": {"()": "config.log_filters.RedactSecretPaths"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["secret_paths"]},
        # Sends nothing while ADMINS is empty. Plain text only: the HTML report would add every
        # frame's local variables.
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "include_html": False,
            "filters": ["secret_paths", "require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        # One handler for Django's own messages (its default one would print them twice).
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Server errors (500s) also go to the admins by email; 4xx warnings only to the journal.
        "django.request": {
            "handlers": ["console", "mail_admins"],
            "level": "WARNING",
            "propagate": False,
        },
    },
}
