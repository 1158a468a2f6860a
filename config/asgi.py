"""ASGI entry point for production servers; it insists on a real secret key."""

import os

from django.core.asgi import get_asgi_application
from django.core.exceptions import ImproperlyConfigured

if not os.environ.get("HANDOFF_SECRET_KEY"):
    raise ImproperlyConfigured("Set HANDOFF_SECRET_KEY before serving Handoff in production.")

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_asgi_application()
