from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Signing in: passwords and their reset, two-factor sign-in, login lockouts."""

    name = "accounts"
    verbose_name = _("Đăng nhập và bảo mật")
    nav_label = _("Quản trị")
    nav_order = 90
    nav_items = [
        (_("Tạm khóa đăng nhập"), "accounts:lockout_list", "is_provincial_admin"),
        (_("Bảo mật tài khoản"), "accounts:user_security_list", "is_provincial_admin"),
        (_("Nhật ký hệ thống"), "audit:event_list", "is_provincial_admin"),
    ]

    def ready(self) -> None:
        from accounts import signals  # noqa: F401
