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
]

MIDDLEWARE = [
    "carbonctl.web.api_errors.ApiJsonErrors",  # every error under /api/ as JSON (outermost)
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
            # {% load display %}: quantities for people (carbonctl.display)
            "libraries": {"display": "carbonctl.web.display"},
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("CARBONCTL_DATABASE_URL") or f"sqlite:///{DATA_DIR / 'carbonctl.sqlite3'}",
        conn_max_age=int(os.environ.get("CARBONCTL_DB_CONN_MAX_AGE", "60")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Sessions are read on every page: keep them in each worker's memory cache, backed by the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "carbonctl": {"handlers": ["console"], "level": "INFO"},
        "django.security": {"handlers": ["console"], "level": "WARNING"},
    },
}
