"""The public survey form's rate limit per client address (SURVEY_RATE_REQUESTS and
SURVEY_RATE_MISSES per 10 minutes, docs/operations.md).

A table, not the cache, holds the counters, so every web process shares them; the address is
kept only as an HMAC under SECRET_KEY, in that table alone, never next to an answer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from surveys.models import SubmitCounter

WINDOW = dt.timedelta(minutes=10)


def _address_key(address: str | None) -> str:
    secret = str(settings.SECRET_KEY).encode("utf-8")
    return hmac.new(secret, (address or "?").encode("utf-8"), hashlib.sha256).hexdigest()


def throttle_hit(*, address: str | None, miss: bool = False) -> bool:
    """Count a request to the public form from `address` (a miss: an unknown or spent link);
    False when the address is past its limits for the current 10 minutes. The counter is a
    table, so every web process shares it."""
    now = timezone.now()
    window = now.replace(minute=now.minute - now.minute % 10, second=0, microsecond=0)
    key = _address_key(address)
    with transaction.atomic():
        counter, created = SubmitCounter.objects.get_or_create(key=key, window=window)
        if created:
            SubmitCounter.objects.filter(window__lt=now - dt.timedelta(days=1)).delete()
        changes: dict[str, Any] = {"hits": F("hits") + 1}
        if miss:
            changes["misses"] = F("misses") + 1
        SubmitCounter.objects.filter(pk=counter.pk).update(**changes)
        hits, misses = SubmitCounter.objects.filter(pk=counter.pk).values_list("hits", "misses")[0]
    return hits <= settings.SURVEY_RATE_REQUESTS and misses <= settings.SURVEY_RATE_MISSES
