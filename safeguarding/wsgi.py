"""WSGI entry point (gunicorn safeguarding.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding.settings")

application = get_wsgi_application()
