from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.choices import Action

NOT_EDITABLE = "The audit trail is append-only: an event is never changed or deleted."


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """Reads only: bulk updates and deletes are refused like single ones."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionError(NOT_EDITABLE)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError(NOT_EDITABLE)

    def visible_to(self, user: Any) -> AuditEventQuerySet:
        """Provincial admins: the events of their province's users and units; superuser: all."""
        from units.querysets import scope_q

        if not getattr(user, "is_authenticated", False) or not user.is_provincial_admin:
            return self.none()
        q = scope_q(user, via="unit")
        return self.none() if q is None else self.filter(q)


class AuditEvent(models.Model):
    """One line of the audit trail (nhật ký hệ thống): who did what to what, when, from where.

    Written only by `audit.services.record`; never changed or deleted (save() of an existing row,
    delete() and the queryset's update()/delete() raise; on PostgreSQL a trigger refuses them
    too). Names are copied, so the line still reads the same after a user or unit is renamed.
    """

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,  # the trail outlives the user (its name is kept)
    )
    actor_name = models.CharField(_("tên đăng nhập"), max_length=150, blank=True)
    action = models.CharField(_("hành động"), max_length=40, choices=Action.choices)
    # The unit the event belongs to (the actor's, or the object's): who may read it.
    unit = models.ForeignKey(
        "units.AdministrativeUnit",
        verbose_name=_("đơn vị"),
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    target = models.CharField(_("đối tượng"), max_length=300, blank=True)
    detail = models.TextField(_("chi tiết"), blank=True)
    ip_address = models.GenericIPAddressField(_("địa chỉ"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("sự kiện nhật ký")
        verbose_name_plural = _("nhật ký hệ thống")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["action", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor_name} {self.get_action_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError(NOT_EDITABLE)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError(NOT_EDITABLE)
