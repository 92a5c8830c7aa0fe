"""Test settings: the real settings with fast hashing and local mail.

File-system state is never shared between tests: tests/conftest.py gives every test (and every
module- or session-scoped fixture) its own MEDIA_ROOT and jobs cache folder under pytest's
tmp_path. The values below are what code sees outside those fixtures: folders under /dev/null,
which nobody (not even root) can create, so a write that escapes the fixtures fails loudly
instead of leaking into the next test.
"""

import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-" + "x" * 40)
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from cchc_portal.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Outside the fixtures: the nowhere below. Inside a test: a folder of its own (tests/conftest.py).
UNISOLATED = Path(os.devnull) / "cchc-tests-outside-a-fixture"  # noqa: F405
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # The production backend (a folder every worker sees), so progress crosses threads the same way.
    "jobs": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(UNISOLATED / "jobs"),
    },
}
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
MEDIA_ROOT = UNISOLATED / "media"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run at once, inside the caller, through the same API the worker serves (tests of the
# worker itself start real `manage.py worker` processes on the database backend).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# A real `manage.py worker` started by a test runs on these settings outside the fixtures:
# CCHC_TASKS_BACKEND=database gives it the database queue, and the folders the test hands it.
if os.environ.get("CCHC_TASKS_BACKEND") == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    if "JOBS_CACHE_DIR" in os.environ:
        CACHES["jobs"]["LOCATION"] = os.environ["JOBS_CACHE_DIR"]
    if "MEDIA_ROOT" in os.environ:
        MEDIA_ROOT = Path(os.environ["MEDIA_ROOT"])  # noqa: F405
# Throttling is exercised by its own tests (override_settings); elsewhere logins are free.
AXES_ENABLED = False
# The second factor and the forced password change are exercised by their own tests
# (tests/trust/test_sign_in_steps.py); elsewhere `client.force_login` is enough to get in.
SIGN_IN_STEPS_ENFORCED = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
