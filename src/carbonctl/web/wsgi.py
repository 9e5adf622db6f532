"""WSGI entry point for gunicorn (`carbonctl serve`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carbonctl.web.settings")
application = get_wsgi_application()
