"""The procedures app's work on the queue (found by `jobs.apps.JobsConfig.ready`): the check and
the import of an uploaded dossier export, the big Excel export of the dossier list, and the daily
sweep of uploads left unconfirmed. The runners live next to the work they run
(`procedures.services`, `procedures.exports`); this module only declares them."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from jobs import kinds, schedule
from jobs.kinds import JobKind
from jobs.models import Job
from procedures import exports, services


def _import_page(job: Job) -> str:
    return reverse("procedures:import_detail", args=[job.params.get("import", 0)])


def _dossier_list(job: Job) -> str:
    query = job.params.get("query", "")
    return reverse("procedures:dossier_list") + (f"?{query}" if query else "")


DOSSIER_IMPORT_PREVIEW = kinds.register(
    JobKind(
        name=services.KIND_PREVIEW,
        label=_("Kiểm tra tệp hồ sơ"),
        run=services.dossier_import_preview,
        retryable=services.dossier_import_retryable,
        back_url=_import_page,
    )
)
DOSSIER_IMPORT = kinds.register(
    JobKind(
        name=services.KIND_IMPORT,
        label=_("Nhập hồ sơ"),
        run=services.dossier_import_run,
        retryable=services.dossier_import_retryable,
        back_url=_import_page,
    )
)
DOSSIER_EXPORT = kinds.register(
    JobKind(
        name=exports.KIND_EXPORT,
        label=_("Xuất Excel danh sách hồ sơ"),
        run=exports.dossier_export_run,
        # Each export holds a worker for up to a minute or two: one user may not take them all.
        per_user_limit=2,
        back_url=_dossier_list,
    )
)


@schedule.daily("procedures.uploads_sweep", at=dt.time(2, 30))
@task()
def uploads_sweep() -> dict[str, int]:
    """Delete uploads left unconfirmed for a week, and export files a killed job left half
    written."""
    return {**services.dossier_uploads_sweep(), **exports.dossier_exports_sweep()}
