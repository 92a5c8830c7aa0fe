"""WSGI entry of the throughput benchmark: one gunicorn serves the portal's pages through the
portal's full middleware stack and the bare views (under BARE_PREFIX) through only the session
and authentication middleware, so the bare side is the limit of the same work."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.benchmarks.settings")
portal = get_wsgi_application()

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

with override_settings(MIDDLEWARE=settings.BARE_MIDDLEWARE):
    bare = WSGIHandler()  # reads MIDDLEWARE once, here


def application(environ, start_response):
    handler = bare if environ.get("PATH_INFO", "").startswith(settings.BARE_PREFIX) else portal
    return handler(environ, start_response)
