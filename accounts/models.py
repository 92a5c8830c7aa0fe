from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountSecurity(models.Model):
    """What the sign-in of one user still owes, beyond the password (bảo mật tài khoản).

    `must_change_password` is set whenever a password is set by someone else than the user
    (an admin, a command, the demo loader) and cleared when the user sets their own; the
    second factor's devices are django-otp's (TOTP, recovery codes).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        on_delete=models.CASCADE,
        related_name="security",
    )
    must_change_password = models.BooleanField(_("phải đổi mật khẩu"), default=False)
    # Inspectors have two-factor sign-in on by default; an admin may switch it off for one.
    two_factor_exempt = models.BooleanField(_("miễn xác thực hai lớp"), default=False)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    class Meta:
        verbose_name = _("bảo mật tài khoản")
        verbose_name_plural = _("bảo mật tài khoản")

    def __str__(self) -> str:
        return str(self.user)
