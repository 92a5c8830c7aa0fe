"""Query shaping for units, and the one scoping rule every app builds on."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from units.models import AdministrativeUnit, User


class AdministrativeUnitQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> AdministrativeUnitQuerySet:
        """Units a user may see: provincial roles the whole province, staff their own subtree.

        Anonymous users and users without a unit see nothing. Superusers see everything.
        """
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self.all()
        scope = user.scope_unit
        if scope is None:
            return self.none()
        return self.filter(path__startswith=scope.path)

    def subtree_of(self, unit: AdministrativeUnit) -> AdministrativeUnitQuerySet:
        """The unit and every unit below it."""
        return self.filter(path__startswith=unit.path)

    def valid_on(self, day: dt.date) -> AdministrativeUnitQuerySet:
        """Units that existed on a day (the tree changed on 1 July 2025)."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_until__isnull=True) | Q(valid_until__gte=day),
        )

    def by_code(self, code: str | int, *, on: dt.date | None = None) -> AdministrativeUnit:
        """The unit with an official code, as it stood on a day (the latest one when no day).

        Codes are matched as given and, failing that, zero-padded to each level's width, so
        `12`, `112` and `24280` all resolve. Raises DoesNotExist when none matches.
        """
        from units.choices import CODE_WIDTH

        code = str(code).strip()
        candidates = {code} | {code.zfill(width) for width in CODE_WIDTH.values()}
        qs = self.filter(code__in=candidates)
        if on is not None:
            qs = qs.valid_on(on)
        unit = qs.order_by(models.F("valid_from").desc(nulls_last=True), "-level").first()
        if unit is None:
            raise self.model.DoesNotExist(f"No administrative unit with code {code}.")
        return unit
