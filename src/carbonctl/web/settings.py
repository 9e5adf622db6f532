"""Django settings for the carbonctl platform, read from the environment.

SQLite (a file under ``CARBONCTL_DATA_DIR``) is the embedded default; ``CARBONCTL_DATABASE_URL``
switches to PostgreSQL. Production is the default: ``CARBONCTL_DEBUG=1`` only for development.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("CARBONCTL_DATA_DIR", Path.cwd() / "var")).resolve()


def _number(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


def _flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


DEBUG = _flag("CARBONCTL_DEBUG")
# A development key only when debugging; production must set its own (check --deploy verifies).
SECRET_KEY = os.environ.get("CARBONCTL_SECRET_KEY") or (
    "carbonctl-development-key-not-for-production-use-0123456789abcdef" if DEBUG else ""
)
if not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("set CARBONCTL_SECRET_KEY (or CARBONCTL_DEBUG=1 for development)")

ALLOWED_HOSTS = os.environ.get("CARBONCTL_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
CSRF_TRUSTED_ORIGINS = [
    origin for origin in os.environ.get("CARBONCTL_CSRF_TRUSTED_ORIGINS", "").split(",") if origin
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # serves the API docs' assets locally instead of from a CDN
    "carbonctl.web.regions",
    "carbonctl.web.audit",
    "carbonctl.web.enterprises",
    "carbonctl.web.accounts",
    "carbonctl.web.submissions",
    "carbonctl.web.inventories",
    "carbonctl.web.factors",
    "carbonctl.web.targets",
    "carbonctl.web.electricity",
    "carbonctl.web.budget",
    "carbonctl.web.warnings",
    "carbonctl.web.market",
    "carbonctl.web.metrology",
    "carbonctl.web.footprint",
    "carbonctl.web.projects",
    "carbonctl.web.home",
]

MIDDLEWARE = [
    "carbonctl.web.api_errors.ApiJsonErrors",  # every error under /api/ as JSON (outermost)
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "carbonctl.web.submissions.middleware.UploadSizeMiddleware",  # before the body is read
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "carbonctl.web.csp.ContentSecurityPolicyMiddleware",
    "carbonctl.web.accounts.throttle.LoginLockMiddleware",
    "carbonctl.web.accounts.throttle.BadTokenThrottleMiddleware",
    "carbonctl.web.forms.QueryErrorMiddleware",
]

ROOT_URLCONF = "carbonctl.web.urls"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
WSGI_APPLICATION = "carbonctl.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # {% load display %}: quantities for people; {% load labels %}: names of keys
            "libraries": {"display": "carbonctl.web.display", "labels": "carbonctl.web.labels"},
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("CARBONCTL_DATABASE_URL") or f"sqlite:///{DATA_DIR / 'carbonctl.sqlite3'}",
        conn_max_age=_number("CARBONCTL_DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL: readers never wait for a writer and a writer never waits for readers, so pages and
    # small uploads go on while an import writes its chunks. A writer waits up to 20 s for the
    # lock (busy timeout) instead of failing at once; BEGIN IMMEDIATE takes the write lock at
    # the start of a transaction, so two transactions never deadlock upgrading a read lock.
    # synchronous=NORMAL is safe in WAL mode (a crash loses no committed data, power loss at
    # most the last commits).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": float(os.environ.get("CARBONCTL_SQLITE_TIMEOUT", "20")),
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Warning notifications (预警通知) go out through Django's mail framework: the console backend
# unless an SMTP server is configured (CARBONCTL_EMAIL_BACKEND, EMAIL_HOST …).
EMAIL_BACKEND = os.environ.get(
    "CARBONCTL_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("CARBONCTL_EMAIL_HOST", "localhost")
EMAIL_PORT = _number("CARBONCTL_EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = os.environ.get("CARBONCTL_EMAIL_FROM", "carbonctl@localhost")
# Sessions are read on every page: keep them in each worker's memory cache, backed by the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Uploads (数据报送): limits, each overridable by the environment variable of the same name.
# A request body over the byte limit is refused with 413 from its Content-Length, unread.
CARBONCTL_UPLOAD_MAX_BYTES = _number("CARBONCTL_UPLOAD_MAX_BYTES", 200 * 2**20)
CARBONCTL_UPLOAD_MAX_ROWS = _number("CARBONCTL_UPLOAD_MAX_ROWS", 2_000_000)
CARBONCTL_UPLOAD_MAX_XLSX_UNCOMPRESSED = _number("CARBONCTL_UPLOAD_MAX_XLSX_UNCOMPRESSED", 2**30)
CARBONCTL_UPLOAD_MAX_ERRORS = _number("CARBONCTL_UPLOAD_MAX_ERRORS", 1000)
# Files of up to this many rows are imported during the request (201); larger ones by the
# worker (`carbonctl worker`, started by `carbonctl serve`), answered 202 with a job.
CARBONCTL_UPLOAD_SYNC_ROWS = _number("CARBONCTL_UPLOAD_SYNC_ROWS", 10_000)
# Rows accounted and written per transaction by the worker: each chunk holds SQLite's write
# lock for a fraction of a second, so other writers wait at most that long.
CARBONCTL_IMPORT_CHUNK_ROWS = _number("CARBONCTL_IMPORT_CHUNK_ROWS", 20_000)
# The import worker (and its reading process) runs at this niceness (0-19): when the CPU is
# short, pages and API requests of the web server go first and imports take the rest.
CARBONCTL_WORKER_NICE = _number("CARBONCTL_WORKER_NICE", 10)
# A running import whose worker has not renewed its heartbeat for this long is failed.
CARBONCTL_IMPORT_LEASE_SECONDS = _number("CARBONCTL_IMPORT_LEASE_SECONDS", 120)
# Django's own: an uploaded file above this size goes to a temporary file, not memory; form
# fields other than files may take at most DATA_UPLOAD_MAX_MEMORY_SIZE.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 2**20
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 2**20

# Logins go through a backend that refuses them while the username (from that address) or the
# address is locked after repeated failures (carbonctl.web.accounts.throttle).
AUTHENTICATION_BACKENDS = ["carbonctl.web.accounts.throttle.ThrottledModelBackend"]

# Every user-creation path (accounts.services.create_user, the CLI, the admin) checks these.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]


# Guessing costs (登录限制): failed logins per username and address within the window lock that
# pair; failures from one address over all usernames lock the address. Both locks last LOCKOUT.
CARBONCTL_LOGIN_FAILURES = _number("CARBONCTL_LOGIN_FAILURES", 5)
CARBONCTL_LOGIN_ADDRESS_FAILURES = _number("CARBONCTL_LOGIN_ADDRESS_FAILURES", 30)
CARBONCTL_LOGIN_WINDOW = _number("CARBONCTL_LOGIN_WINDOW", 15 * 60)
CARBONCTL_LOGIN_LOCKOUT = _number("CARBONCTL_LOGIN_LOCKOUT", 15 * 60)
# API tokens (API 令牌): lifetime when none is given, and the longest allowed (days).
CARBONCTL_TOKEN_DAYS = _number("CARBONCTL_TOKEN_DAYS", 90)
CARBONCTL_TOKEN_MAX_DAYS = _number("CARBONCTL_TOKEN_MAX_DAYS", 366)
# Invalid bearer tokens from one address within the window: after this many, 429 until it ends.
CARBONCTL_BAD_TOKEN_LIMIT = _number("CARBONCTL_BAD_TOKEN_LIMIT", 10)
CARBONCTL_BAD_TOKEN_WINDOW = _number("CARBONCTL_BAD_TOKEN_WINDOW", 10 * 60)

# Content-Security-Policy of every response (carbonctl.web.csp); pages load scripts and styles
# only from the platform's own static files.
CARBONCTL_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)

# Chinese first, English second (Django i18n).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]  # vendor libraries installed by `make` (npm)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Production hardening; `manage.py check --deploy` passes with these. Behind a TLS-terminating
# proxy set CARBONCTL_SECURE_PROXY=1; on a plain-HTTP loopback demo CARBONCTL_INSECURE_HTTP=1.
_HTTPS = not (DEBUG or _flag("CARBONCTL_INSECURE_HTTP"))
SECURE_SSL_REDIRECT = _HTTPS
SESSION_COOKIE_SECURE = _HTTPS
CSRF_COOKIE_SECURE = _HTTPS
SECURE_HSTS_SECONDS = 31536000 if _HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _HTTPS
SECURE_HSTS_PRELOAD = _HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if _flag("CARBONCTL_SECURE_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Logs go to stderr (the service manager or `carbonctl serve` keeps them). Django's defaults
# print nothing when DEBUG is off, so a 500 would leave no trace: django.request logs every 5xx
# at ERROR with its traceback (4xx are answers, not faults), django.server the development
# server's. gunicorn writes its own errors (a worker that died, a timeout) to stderr itself.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "carbonctl": {"handlers": ["console"], "level": "INFO"},
        "django.security": {"handlers": ["console"], "level": "WARNING"},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
