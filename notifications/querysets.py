"""Query shaping for notifications and outgoing mail; reads only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from units.querysets import visible

if TYPE_CHECKING:
    from notifications.models import Notification, OutgoingMail  # noqa: F401


class NotificationQuerySet(models.QuerySet["Notification"]):
    def visible_to(self, user: Any) -> NotificationQuerySet:
        """A notification is its recipient's alone (a superuser's too: there is nothing of
        anyone else's to support in them)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class OutgoingMailQuerySet(models.QuerySet["OutgoingMail"]):
    def visible_to(self, user: Any) -> OutgoingMailQuerySet:
        """Provincial admins watch the mail to the users of their province (the one scoping
        rule through the recipient's unit); the superuser every mail, also mail to bare
        addresses. Nobody else reads the queue: it holds other people's messages."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self
        if not user.is_provincial_admin:
            return self.none()
        return visible(self, user, via="recipient__unit")
