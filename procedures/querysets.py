"""Query shaping for procedures and dossiers, and their scoping rule (`visible_to`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

from units.models import AdministrativeUnit

if TYPE_CHECKING:
    from units.models import User


class ProcedureQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> ProcedureQuerySet:
        """The national catalogue plus the lists published by the provinces the user sees.

        Procedures are public documents; the scoping only keeps other provinces' variants out of
        the way.
        """
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self.all()
        scope = user.scope_unit
        if scope is None:
            return self.none()
        province_id = scope.province_id
        return self.filter(Q(province__isnull=True) | Q(province_id=province_id))


class DossierQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> DossierQuerySet:
        """Dossiers received by units the user sees (provincial roles: the whole province)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self.all()
        scope = user.scope_unit
        if scope is None:
            return self.none()
        return self.filter(unit__path__startswith=scope.path)

    def for_list(self) -> DossierQuerySet:
        """What the dossier list shows, in one query with its procedure and unit."""
        return self.select_related("procedure", "unit")


class DossierImportQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> DossierImportQuerySet:
        """Imports are a provincial matter: admins and inspectors see their province's imports."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self.all()
        if not user.is_provincial or user.scope_unit is None:
            return self.none()
        return self.filter(unit__in=AdministrativeUnit.objects.subtree_of(user.scope_unit))
