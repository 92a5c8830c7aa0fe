from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """What the portal tells its users: notifications in the portal, and every outgoing
    e-mail, which leaves only through the queue (a delivery task, retried with backoff)."""

    name = "notifications"
    verbose_name = _("Thông báo")
    # The bell in the top bar opens the user's own notifications; the mail queue is the
    # provincial admins' (and the superuser's) to watch.
    nav_label = _("Quản trị")
    nav_order = 90
    nav_items: list = [
        (_("Thư gửi đi"), "notifications:mail_list", "is_provincial_admin"),
    ]
