from django.db import models
from django.utils.translation import gettext_lazy as _


class JobState(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang chạy")
    DONE = "done", _("Hoàn tất")
    FAILED = "failed", _("Lỗi")
    # The worker stopped (killed, restarted) while the job ran: its heartbeat went silent.
    INTERRUPTED = "interrupted", _("Bị gián đoạn")


ACTIVE_STATES = (JobState.QUEUED, JobState.RUNNING)
FINISHED_STATES = (JobState.DONE, JobState.FAILED, JobState.INTERRUPTED)
