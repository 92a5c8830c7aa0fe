"""Throttles of the sign-in: the growing delay of django-axes' lockouts and the limits of
password-reset requests.

A lockout is keyed on the username *and* the client address (AXES_LOCKOUT_PARAMETERS), so
wrong passwords typed elsewhere never lock a user out at their own desk. Its length grows with
the lockouts the same pair has had in the last 24 hours: AXES_COOLOFF_MINUTES, then twice, four
times as long …, capped at AXES_COOLOFF_MAX_MINUTES, so guessing stays slow without a hard lock.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from axes.helpers import get_client_username
from axes.models import AccessFailureLog
from django.conf import settings
from django.utils import timezone

from audit.choices import Action
from audit.models import AuditEvent

DAY = dt.timedelta(hours=24)


def lockouts_today(*, username: str | None, ip_address: str | None) -> int:
    """Lockouts of the pair in the last 24 hours. axes logs every failed attempt, also those
    made while locked out, so a lockout is a locked attempt that follows an unlocked one."""
    flags = AccessFailureLog.objects.filter(
        username=username, ip_address=ip_address, attempt_time__gte=timezone.now() - DAY
    ).order_by("attempt_time", "pk")
    count, previous = 0, False
    for locked in flags.values_list("locked_out", flat=True):
        count += bool(locked and not previous)
        previous = locked
    return count


def cool_off_for(lockouts: int) -> dt.timedelta:
    """The length of a lockout after `lockouts` lockouts of the pair in the last 24 hours (the
    current one included): base, 2 × base, 4 × base …, at most the cap."""
    base = settings.AXES_COOLOFF_MINUTES
    minutes = base * 2 ** max(min(lockouts, 32) - 1, 0)
    return dt.timedelta(minutes=min(minutes, settings.AXES_COOLOFF_MAX_MINUTES))


def cool_off(request: Any = None) -> dt.timedelta:
    """AXES_COOLOFF_TIME: axes asks with the request of the attempt (None from commands)."""
    if request is None:
        return cool_off_for(0)
    ip_address = getattr(request, "axes_ip_address", None)
    username = get_client_username(request) if getattr(request, "POST", None) is not None else None
    if username is None:
        return cool_off_for(0)
    return cool_off_for(lockouts_today(username=username, ip_address=ip_address))


def reset_requests_in_last_hour(*, ip_address: str | None = None, target: str | None = None) -> int:
    """Password-reset requests of the last hour from one address or for one account (the audit
    trail is the counter: it is shared by every web worker and survives restarts)."""
    events = AuditEvent.objects.filter(
        action=Action.PASSWORD_RESET_REQUESTED, at__gte=timezone.now() - dt.timedelta(hours=1)
    )
    if ip_address is not None:
        events = events.filter(ip_address=ip_address)
    if target is not None:
        events = events.filter(target=target)
    return events.count()
