"""The one way into the audit trail: `record(...)`. Every app calls it where something worth
reading later happens (a login, an export, a download of a personal file, a state change)."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from audit.choices import Action
from audit.models import AuditEvent
from cchc_portal.net import client_address

log = logging.getLogger(__name__)


def record(
    *,
    action: Action | str,
    request: Any = None,
    actor: Any = None,
    unit: Any = None,
    target: Any = "",
    detail: str = "",
    actor_name: str = "",
) -> AuditEvent:
    """Append one event. `actor` defaults to the request's user, `unit` to the actor's unit,
    the address to the request's client (cchc_portal/net.py); `target` may be a model instance
    (its str() is kept) or text. The row is written inside the caller's transaction, so a
    change that rolls back leaves no line saying it happened."""
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    if unit is None and actor is not None:
        unit = getattr(actor, "unit", None)
    event = AuditEvent(
        actor=actor,
        actor_name=actor_name or (actor.get_username() if actor is not None else "")[:150],
        action=str(action),
        unit=unit,
        target=str(target)[:300] if target else "",
        detail=detail,
        ip_address=client_address(request) if request is not None else None,
    )
    with transaction.atomic():
        event.save()
    log.debug("audit %s by %s: %s %s", event.action, event.actor_name, event.target, detail)
    return event
