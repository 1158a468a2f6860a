"""WSGI application for `manage.py runserver` and the demo: no secret-key requirement."""

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
