"""Settings of the throughput benchmark's gunicorn: the portal's own settings plus the bare
views' URLs and templates, so the bare views never exist in the production URLconf."""

from cchc_portal.settings import *  # noqa: F403

ROOT_URLCONF = "tests.benchmarks.urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "tests" / "benchmarks" / "templates"]  # noqa: F405

# What a bare view needs to know its user, nothing more (tests/benchmarks/wsgi.py).
BARE_MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
BARE_PREFIX = "/bare/"
