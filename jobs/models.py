from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jobs.choices import ACTIVE_STATES, JobState
from jobs.querysets import JobQuerySet
from units.models import AdministrativeUnit


class Job(models.Model):
    """One long task (tác vụ nền): a dossier import, a big export, a reminder run.

    The one record every progress bar reads. The worker that runs it writes its state, phase,
    progress and heartbeat here whenever its own work is not inside a transaction, and through
    the shared "jobs" cache while it is (`jobs.progress`); `live()` merges the two. A running job
    whose heartbeat has gone silent for `JOBS_HEARTBEAT_TIMEOUT` seconds is interrupted: its
    worker died, and what it wrote in a transaction was rolled back.
    """

    kind = models.CharField(_("loại"), max_length=64)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người yêu cầu"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="jobs",
    )
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(
        _("trạng thái"), max_length=12, choices=JobState.choices, default=JobState.QUEUED
    )
    # What the job is doing now, in the users' words ("Kiểm tra tệp", "Ghi hồ sơ").
    phase = models.CharField(_("bước"), max_length=120, blank=True)
    done = models.PositiveIntegerField(_("đã xong"), default=0)
    total = models.PositiveIntegerField(_("tổng số"), default=0)
    # The arguments the kind's runner needs to run (again, on retry): JSON only, no objects.
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    # What the runner returned (counts, a summary), shown on the job's page.
    result = models.JSONField(_("kết quả"), default=dict, blank=True)
    result_file = models.CharField(max_length=500, blank=True, editable=False)
    result_name = models.CharField(_("tên tệp kết quả"), max_length=255, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần chạy"), default=0)
    task_id = models.CharField(max_length=64, blank=True, editable=False)
    worker_id = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    started_at = models.DateTimeField(_("bắt đầu"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("tín hiệu gần nhất"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("tác vụ nền")
        verbose_name_plural = _("tác vụ nền")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "heartbeat_at"], name="job_state_beat_idx"),
            models.Index(fields=["owner", "kind", "state"], name="job_owner_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        return reverse("jobs:job_detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.state == JobState.DONE else 0
        return min(100, self.done * 100 // self.total)

    def is_silent(self, now: dt.datetime | None = None) -> bool:
        """A running job whose last heartbeat is older than the timeout: its worker is gone."""
        if self.state != JobState.RUNNING:
            return False
        beat = self.heartbeat_at or self.started_at or self.created_at
        timeout = dt.timedelta(seconds=settings.JOBS_HEARTBEAT_TIMEOUT)
        return beat < (now or timezone.now()) - timeout


class ScheduledRun(models.Model):
    """One run of a piece of scheduled work in one slot (a day, a minute): the unique pair is
    how two workers agree that only one of them enqueues it."""

    name = models.CharField(max_length=100)
    slot = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "slot"], name="scheduled_run_once_per_slot")
        ]

    def __str__(self) -> str:
        return f"{self.name} @ {self.slot}"
