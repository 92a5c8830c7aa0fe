"""What signing in writes: audit lines for logins, failures, lockouts and changes of users and
roles, and the forced password change after a password set by someone else."""

from __future__ import annotations

import time
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from accounts.models import AccountSecurity
from audit.choices import Action
from audit.services import current_request, record
from cchc_portal.middleware import IDLE_KEY

User = get_user_model()
WATCHED = ("role", "unit_id", "is_active", "is_staff", "is_superuser")
# Set on a user by the portal's own password change and reset views before saving: the user
# chose this password, so no forced change follows.
SET_BY_OWNER = "_password_set_by_owner"


def _user_named(username: str | None) -> Any:
    if not username:
        return None
    return User.objects.filter(username=username).select_related("unit").first()


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # The idle clock starts at the sign-in (so the first page need not write the session).
    request.session[IDLE_KEY] = int(time.time())
    record(action=Action.LOGIN, request=request, actor=user)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(action=Action.LOGOUT, request=request, actor=user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    username = (credentials or {}).get("username") or ""
    known = _user_named(username)
    record(
        action=Action.LOGIN_FAILED,
        request=request,
        actor=None,
        actor_name=username[:150],
        unit=known.unit if known else None,
    )


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def _locked_out(sender: Any, request: Any, username: Any, ip_address: Any, **kwargs: Any) -> None:
    known = _user_named(username)
    record(
        action=Action.LOCKED_OUT,
        request=request,
        actor_name=(username or "")[:150],
        unit=known.unit if known else None,
    )


@receiver(pre_save, sender=User, dispatch_uid="audit_user_changes")
def _remember_roles(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    if instance.pk is None or (
        update_fields is not None
        and not set(update_fields) & {"role", "unit", "is_active", "is_staff", "is_superuser"}
    ):
        instance._audit_before = None
        return
    instance._audit_before = User.objects.filter(pk=instance.pk).values(*WATCHED).first()


@receiver(post_save, sender=User, dispatch_uid="account_security_on_save")
def _after_user_save(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    request = current_request()
    if getattr(instance, "_password", None) is not None:
        AccountSecurity.objects.update_or_create(
            user=instance,
            defaults={"must_change_password": not getattr(instance, SET_BY_OWNER, False)},
        )
    before = getattr(instance, "_audit_before", None)
    if created:
        record(
            action=Action.USER_CHANGED,
            request=request,
            unit=instance.unit,
            target=instance.get_username(),
            detail=f"created: role={instance.role} unit={instance.unit_id}",
        )
    elif before:
        changes = {
            field: (before[field], getattr(instance, field))
            for field in WATCHED
            if before[field] != getattr(instance, field)
        }
        if changes:
            record(
                action=Action.ROLE_CHANGED if "role" in changes else Action.USER_CHANGED,
                request=request,
                unit=instance.unit,
                target=instance.get_username(),
                detail="; ".join(f"{f}: {old} → {new}" for f, (old, new) in changes.items()),
            )
