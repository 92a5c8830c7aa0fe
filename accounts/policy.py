"""Who must do what to sign in: the second factor by role, the forced password change, the demo
users' exemption in development."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django_otp import user_has_device

from accounts.models import AccountSecurity
from units.choices import Role


def security_of(user: Any) -> AccountSecurity | None:
    try:
        return user.security
    except AccountSecurity.DoesNotExist:
        return None


def is_demo_user(user: Any) -> bool:
    """A user of the demo world (`load_demo`), exempt from the sign-in steps with DEBUG=1 only."""
    if not settings.DEBUG:
        return False
    from units.demo import DEMO_USERS, SUPERUSER

    return user.get_username() in {row[0] for row in DEMO_USERS} | {SUPERUSER[0]}


def two_factor_required_for(user: Any, security: AccountSecurity | None, has_device: bool) -> bool:
    """Provincial admins (and the superuser): always. Inspectors: unless an admin exempted them.
    Unit staff: only once they have enrolled a device themselves."""
    if user.is_superuser or user.role == Role.PROVINCIAL_ADMIN:
        return True
    if user.role == Role.PROVINCIAL_INSPECTOR:
        return not (security and security.two_factor_exempt)
    return has_device


def two_factor_required(user: Any) -> bool:
    return two_factor_required_for(user, security_of(user), user_has_device(user))


def may_turn_off_two_factor(user: Any) -> bool:
    """Unit staff may switch their own second factor off again; provincial roles may not."""
    return not user.is_superuser and user.role == Role.UNIT_STAFF


def must_change_password(user: Any) -> bool:
    security = security_of(user)
    return bool(security and security.must_change_password) and not is_demo_user(user)


def must_enrol(user: Any) -> bool:
    return two_factor_required(user) and not user_has_device(user) and not is_demo_user(user)
