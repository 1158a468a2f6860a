"""WSGI entry point for production servers; it insists on a real secret key."""

import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

if not os.environ.get("HANDOFF_SECRET_KEY"):
    raise ImproperlyConfigured("Set HANDOFF_SECRET_KEY before serving Handoff in production.")

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
