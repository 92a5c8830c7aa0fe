"""The one way into the audit trail: `record(...)` (and `record_each(...)` for many lines at
once). Every app calls it where something worth reading later happens: a login, an import, an
export or a download of a personal file, a state change, a change of a user or a role."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from audit.choices import Action
from audit.models import AuditEvent
from cchc_portal.net import client_address

log = logging.getLogger(__name__)


def current_request() -> Any:
    """The request being served in this thread (simple_history's middleware keeps it), so a
    service called from a view records the address without being handed the request; None in
    commands and background work."""
    from simple_history.models import HistoricalRecords

    return getattr(HistoricalRecords.context, "request", None)


def _event(
    *,
    action: Action | str,
    request: Any,
    actor: Any,
    unit: Any,
    target: Any,
    detail: str,
    actor_name: str,
) -> AuditEvent:
    if request is None:
        request = current_request()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    if unit is None and actor is not None:
        unit = getattr(actor, "unit_id", None)
    return AuditEvent(
        actor_id=actor.pk if actor is not None else None,
        actor_name=(actor_name or (actor.get_username() if actor is not None else ""))[:150],
        action=str(action),
        unit_id=unit if isinstance(unit, int) or unit is None else unit.pk,
        target=str(target)[:300] if target else "",
        detail=detail,
        ip_address=client_address(request) if request is not None else None,
    )


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
    """Append one event: who (`actor`, default the request's user), about which unit (`unit`, an
    instance or an id; default the actor's unit: it decides which admins read the line), what
    (`action`, `target`: a model instance's str() or text, `detail`), from where (the client
    address of `request`, default the request being served).

    The row is written inside the caller's transaction, so a change that rolls back leaves no
    line saying it happened."""
    event = _event(
        action=action,
        request=request,
        actor=actor,
        unit=unit,
        target=target,
        detail=detail,
        actor_name=actor_name,
    )
    event.save()
    log.debug("audit %s by %s: %s %s", event.action, event.actor_name, event.target, detail)
    return event


def record_each(
    *,
    action: Action | str,
    items: Iterable[tuple[Any, Any, str]],
    actor: Any = None,
    request: Any = None,
) -> None:
    """One line per (unit, target, detail) of `items`, in one query (a bulk workflow action)."""
    events = [
        _event(
            action=action,
            request=request,
            actor=actor,
            unit=unit,
            target=target,
            detail=detail,
            actor_name="",
        )
        for unit, target, detail in items
    ]
    AuditEvent.objects.bulk_create(events)
