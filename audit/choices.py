from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    """What happened. New kinds are added here (a choices change needs no data migration)."""

    LOGIN = "login", _("Đăng nhập")
    LOGIN_FAILED = "login_failed", _("Đăng nhập sai")
    LOCKED_OUT = "locked_out", _("Bị tạm khóa đăng nhập")
    LOGOUT = "logout", _("Đăng xuất")
    UNLOCK = "unlock", _("Mở khóa đăng nhập")
    PASSWORD_CHANGED = "password_changed", _("Đổi mật khẩu")
    PASSWORD_RESET_REQUESTED = "password_reset_requested", _("Yêu cầu đặt lại mật khẩu")
    PASSWORD_RESET = "password_reset", _("Đặt lại mật khẩu")
    TWO_FACTOR_ENABLED = "two_factor_enabled", _("Bật xác thực hai lớp")
    TWO_FACTOR_RESET = "two_factor_reset", _("Đặt lại xác thực hai lớp")
    TWO_FACTOR_FAILED = "two_factor_failed", _("Mã xác thực sai")
    RECOVERY_CODE_USED = "recovery_code_used", _("Dùng mã khôi phục")
    USER_CHANGED = "user_changed", _("Thay đổi người dùng")
    ROLE_CHANGED = "role_changed", _("Thay đổi vai trò")
    IMPORT = "import", _("Nhập dữ liệu")
    EXPORT = "export", _("Xuất dữ liệu")
    DOWNLOAD = "download", _("Tải tệp")
    TRANSITION = "transition", _("Chuyển trạng thái")
