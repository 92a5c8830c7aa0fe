"""A job's own pages: progress (polled by htmx), the result download, retry, my jobs."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cchc_portal.http import AuthedHttpRequest
from cchc_portal.permissions import get_visible_or_404
from jobs import progress as live_progress
from jobs.choices import JobState
from jobs.kinds import KINDS, JobFailed
from jobs.models import Job
from jobs.services import job_retry


def _job(request: AuthedHttpRequest, pk: int) -> Job:
    job = live_progress.live(get_visible_or_404(Job.objects.all(), request.user, pk=pk))
    if job.is_silent():
        job.state = JobState.INTERRUPTED  # shown at once; the worker's sweep records it
    return job


def _context(job: Job) -> dict:
    kind = KINDS.get(job.kind)
    return {
        "job": job,
        "kind": kind,
        "State": JobState,
        "can_retry": job.state in (JobState.FAILED, JobState.INTERRUPTED)
        and kind is not None
        and kind.retryable(job),
        "back_url": kind.back_url(job) if kind and kind.back_url else "",
    }


def job_list(request: AuthedHttpRequest) -> HttpResponse:
    rows = []
    for job in Job.objects.visible_to(request.user)[:50]:
        kind = KINDS.get(job.kind)
        rows.append((live_progress.live(job), kind.label if kind else job.kind))
    return render(request, "jobs/job_list.html", {"title": _("Tác vụ của tôi"), "rows": rows})


def job_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    kind = KINDS.get(job.kind)
    title = str(kind.label) if kind else job.kind
    return render(request, "jobs/job_detail.html", {"title": title, **_context(job)})


def job_progress(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The progress bar, polled every second while the job waits or runs."""
    job = _job(request, pk)
    response = render(request, "jobs/_progress.html", _context(job))
    if not job.is_active:
        response["HX-Refresh"] = "true"  # finished: reload so the result shows
    return response


def job_download(request: AuthedHttpRequest, pk: int) -> FileResponse:
    job = _job(request, pk)
    if job.state != JobState.DONE or not job.result_file or not Path(job.result_file).exists():
        raise Http404
    return FileResponse(
        open(job.result_file, "rb"),
        as_attachment=True,
        filename=job.result_name or Path(job.result_file).name,
    )


@require_POST
def job_retry_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    try:
        job_retry(job=job, by=request.user)
    except JobFailed as exc:
        messages.error(request, str(exc))
    return redirect(job)
