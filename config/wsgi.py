"""WSGI entry point for production servers; it insists on a real secret key."""

import os
from pathlib import Path

from django.core.wsgi import get_wsgi_application

from config.env import production_secret_key_required

production_secret_key_required(Path(__file__).resolve().parent.parent)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
