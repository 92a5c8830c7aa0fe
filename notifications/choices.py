from django.db import models
from django.utils.translation import gettext_lazy as _


class MailState(models.TextChoices):
    """Where an outgoing e-mail stands (thư gửi đi)."""

    PENDING = "pending", _("Đang chờ gửi")
    SENT = "sent", _("Đã gửi")
    # Every attempt of the backoff failed; an admin may retry it.
    FAILED = "failed", _("Gửi lỗi")
