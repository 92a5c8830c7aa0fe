"""The kinds of long work the portal runs, each declared by the app that owns the work.

An app declares a kind in its `tasks.py` (found at start-up by `JobsConfig.ready`):

    DOSSIER_EXPORT = jobs.kinds.register(JobKind(
        name="procedures.dossier_export", label=_("Xuất Excel hồ sơ"), run=run_export,
        per_user_limit=2,
    ))

and starts one with `jobs.services.job_start(kind=DOSSIER_EXPORT, owner=…, params={…})`. The
runner gets the job and a `Progress`; it returns a JSON-able summary (stored in `Job.result`),
may set `job.result_file` / `job.result_name` for a download, and raises `JobFailed` with a
message for the user when the work cannot be done.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

if TYPE_CHECKING:
    from jobs.models import Job
    from jobs.progress import Progress


class JobFailed(Exception):
    """The work cannot be done, for a reason the user can read (and perhaps fix)."""


def _always(job: Job) -> bool:
    return True


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str | Promise
    run: Callable[[Job, Progress], dict[str, Any] | None]
    # At most this many jobs of the kind run at once for one user; the next waits its turn.
    per_user_limit: int | None = None
    # Whether a failed or interrupted job may be run again (its input is still there).
    retryable: Callable[[Job], bool] = _always
    # Where the job's own page sends the user back to (the import's page, the list).
    back_url: Callable[[Job], str] | None = None


KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    if KINDS.get(kind.name, kind) is not kind:
        raise ValueError(f"Job kind {kind.name!r} is declared twice.")
    KINDS[kind.name] = kind
    return kind


def kind_of(name: str) -> JobKind:
    return KINDS[name]
