from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.choices import MailState
from notifications.kinds import kind_of
from notifications.querysets import NotificationQuerySet, OutgoingMailQuerySet


class OutgoingMail(models.Model):
    """One outgoing e-mail (thư gửi đi). Nothing in the portal sends mail itself: it records
    one of these and a delivery task of the queue sends it, so an SMTP server that is down or
    slow never reaches a request. A failed attempt is retried after a growing delay
    (`notifications.services.BACKOFF`), then the mail is marked failed for an admin to see."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhận"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    to = models.EmailField(_("địa chỉ nhận"))
    subject = models.CharField(_("tiêu đề"), max_length=255)
    body = models.TextField(_("nội dung"))
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=MailState.choices, default=MailState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    # When the next attempt may run; while one runs, a lease (an attempt that never reported
    # back, because its worker died, is tried again once the lease is over).
    next_attempt_at = models.DateTimeField(_("lần gửi tới"), default=timezone.now)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    created_at = models.DateTimeField(_("thời điểm tạo"), default=timezone.now)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)

    objects = OutgoingMailQuerySet.as_manager()

    class Meta:
        verbose_name = _("thư gửi đi")
        verbose_name_plural = _("thư gửi đi")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="mail_due_idx")]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"


class Notification(models.Model):
    """A notification (thông báo) in the portal: what happened (`kind`, `params`), for whom,
    and the page of the object it is about. Its text is written when shown, in the reader's
    language. Recipients are chosen among the users who may open that object."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhận"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("loại"), max_length=64)
    params = models.JSONField(_("tham số thông báo"), default=dict, blank=True)
    url = models.CharField(_("đường dẫn"), max_length=300)
    # A notification that must reach each recipient once ("due in 3 days" of a recommendation)
    # carries a key; two runs of the daily reminders, or two workers, cannot repeat it.
    key = models.CharField(max_length=120, blank=True, editable=False)
    created_at = models.DateTimeField(_("thời điểm tạo"), default=timezone.now)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["recipient", "-created_at"], name="notification_list_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~Q(key=""), name="notification_once"
            )
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        kind = kind_of(self.kind)
        return kind.render(self.params) if kind else self.kind

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class NotificationPreference(models.Model):
    """Which kinds of notification a user also wants by e-mail (nhận thông báo qua thư). A
    user without a row gets the defaults of the catalogue (`notifications.kinds`)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email_kinds = models.JSONField(_("loại thông báo gửi kèm thư"), default=list, blank=True)

    class Meta:
        verbose_name = _("tùy chọn thông báo")
        verbose_name_plural = _("tùy chọn thông báo")

    def __str__(self) -> str:
        return str(self.user)
