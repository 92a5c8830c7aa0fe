"""Settings of the real `manage.py worker` processes tests/jobs/test_workers.py starts: the test
settings (on the database queue when CCHC_TASKS_BACKEND=database) plus the test tasks' app."""

from tests.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.jobs.worker_app"]  # noqa: F405
