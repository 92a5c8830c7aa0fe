"""The client's address, the one rule every part of the portal uses (login throttling, the
password-reset limits, the audit trail).

Behind `PROXY_COUNT` proxies (env `AXES_PROXY_COUNT`) each one appends the address it received
the request from to `X-Forwarded-For` (nginx: `$proxy_add_x_forwarded_for`), so the client is
the entry that many places from the right: whatever a client writes into the header itself
stays on the left and is never read. Without a proxy (count 0) the header is ignored and the
address is `REMOTE_ADDR`.

django-ipware was considered: its `proxy_count` counts the entries after the client, so with
one nginx and an honest client (`X-Forwarded-For: 203.0.113.5`) it finds no address at all,
which would put every such client in one bucket again.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

FORWARDED_FOR = "HTTP_X_FORWARDED_FOR"


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The address of the client as the outermost trusted proxy saw it (see the module doc)."""
    remote = _valid(request.META.get("REMOTE_ADDR", "") or "")
    proxies = int(getattr(settings, "PROXY_COUNT", 0) or 0)
    if proxies <= 0:
        return remote
    entries = [e for e in (request.META.get(FORWARDED_FOR, "") or "").split(",") if e.strip()]
    if len(entries) < proxies:  # not through all the proxies: only the peer is known
        return remote
    return _valid(entries[-proxies]) or remote
