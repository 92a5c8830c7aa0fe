"""Reads for the admins' security pages, each a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import policy
from accounts.throttle import cool_off_for, lockouts_today
from units.querysets import visible


def get_or_404(queryset: QuerySet, **lookup: Any) -> Any:
    """One of the rows of an already scoped queryset (below), else 404 like a missing one."""
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj


def users_visible_to(admin: Any) -> QuerySet:
    """The users of the admin's province (their unit is in the admin's scope)."""
    return visible(get_user_model().objects.all(), admin, via="unit")


def attempts_visible_to(admin: Any) -> QuerySet:
    """Failed-login records for usernames of the admin's province (the superuser: all, also
    those of names that belong to nobody)."""
    attempts = AccessAttempt.objects.all()
    if not admin.is_superuser:
        names = visible(get_user_model().objects.all(), admin, via="unit").values("username")
        attempts = attempts.filter(username__in=names)
    return attempts


@dataclass
class LockoutRow:
    attempt: AccessAttempt
    locked: bool
    until: dt.datetime | None


def lockouts(admin: Any) -> list[LockoutRow]:
    rows = []
    now = timezone.now()
    for attempt in attempts_visible_to(admin).order_by("-attempt_time")[:500]:
        locked = attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT
        until = None
        if locked:
            length = cool_off_for(
                lockouts_today(username=attempt.username, ip_address=attempt.ip_address)
            )
            until = attempt.attempt_time + length
            locked = until > now
        rows.append(LockoutRow(attempt=attempt, locked=locked, until=until))
    return rows


@dataclass
class UserSecurityRow:
    user: Any
    two_factor: bool
    required: bool
    exempt: bool
    must_change: bool


def user_security(admin: Any) -> list[UserSecurityRow]:
    users = list(
        users_visible_to(admin)
        .select_related("unit", "security")
        .order_by("unit__name", "username")
    )
    with_device = set(
        TOTPDevice.objects.filter(user__in=users, confirmed=True).values_list("user_id", flat=True)
    )
    rows = []
    for user in users:
        security = policy.security_of(user)
        rows.append(
            UserSecurityRow(
                user=user,
                two_factor=user.pk in with_device,
                required=policy.two_factor_required_for(user, security, user.pk in with_device),
                exempt=bool(security and security.two_factor_exempt),
                must_change=bool(security and security.must_change_password),
            )
        )
    return rows


def remove_devices(user: Any) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
