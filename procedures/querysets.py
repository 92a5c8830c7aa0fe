"""Query shaping for procedures and dossiers; `visible_to` applies units' one scoping rule."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

from units.querysets import province_scope_q, visible

if TYPE_CHECKING:
    from units.models import User


class ProcedureQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> ProcedureQuerySet:
        """The national catalogue plus the lists published by the provinces the user sees.

        Procedures are public documents; the scoping only keeps other provinces' variants out of
        the way.
        """
        q = province_scope_q(user)
        if q is None:
            return self.none()
        if not q:  # everything (a superuser): `Q(...) | Q()` would narrow it again
            return self.all()
        return self.filter(Q(province__isnull=True) | q)


class DossierQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> DossierQuerySet:
        """Dossiers received by units the user sees (provincial roles: the whole province)."""
        return visible(self, user, via="unit")

    def for_list(self) -> DossierQuerySet:
        """What the dossier list shows, in one query with its procedure and unit."""
        return self.select_related("procedure", "unit")


class DossierImportQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> DossierImportQuerySet:
        """Imports are a provincial matter: admins and inspectors see their province's imports."""
        if not getattr(user, "is_authenticated", False) or not user.is_provincial:
            return self.none()
        return visible(self, user, via="unit")
