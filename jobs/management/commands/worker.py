"""`manage.py worker`: run queued tasks and the daily schedule (what `make run` and the compose
`worker` service start). Any number of workers may run, on any number of machines: each task is
claimed under a row lock, each scheduled slot by a unique row."""

from __future__ import annotations

import os
from typing import Any

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from jobs.worker import set_worker_id, start_scheduler, stop_scheduler


class Command(DBWorkerCommand):
    help = "Run queued tasks (imports, exports, mail) and the scheduled work."

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.set_defaults(queue_name="*", reload=False)
        parser.add_argument(
            "--no-schedule",
            action="store_false",
            dest="schedule",
            help="Run tasks only; leave the scheduled work to other workers.",
        )

    def handle(self, *args: Any, schedule: bool = True, **options: Any) -> None:  # type: ignore[override]
        # Export files hold personal data: readable by the portal's own user only, as the web
        # process writes its uploads (cchc_portal/wsgi.py).
        os.umask(0o077)
        set_worker_id(options["worker_id"])
        reloading = options.get("reload") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if not schedule or reloading or options.get("batch"):
            super().handle(*args, **options)
            return
        scheduler = start_scheduler()
        try:
            super().handle(*args, **options)
        finally:
            stop_scheduler(scheduler)
