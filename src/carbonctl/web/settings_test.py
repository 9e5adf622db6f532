"""Settings for the test suite: the production settings with a throwaway key, plain HTTP on
loopback and a temporary data folder. The database still comes from CARBONCTL_DATABASE_URL, so
the same tests run on SQLite and on PostgreSQL."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("CARBONCTL_SECRET_KEY", "carbonctl-test-key-" + "t" * 48)
os.environ.setdefault("CARBONCTL_INSECURE_HTTP", "1")
os.environ.setdefault("CARBONCTL_DATA_DIR", str(Path(tempfile.gettempdir()) / "carbonctl-test"))

from carbonctl.web.settings import *  # noqa: F403

# Fast hashing: password strength is not what these tests measure.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Whitenoise's manifest needs collectstatic; tests use the plain storage.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Static files come from the apps (no collectstatic in tests); whitenoise wants the root.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
