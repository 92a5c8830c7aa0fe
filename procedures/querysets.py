"""Query shaping for procedures and dossiers; `visible_to` applies units' one scoping rule."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

from units.querysets import province_scope_q, visible

if TYPE_CHECKING:
    # Named in the QuerySet["…"] bases below, which ruff does not read as annotations.
    from procedures.models import Dossier, DossierImport, Procedure  # noqa: F401
    from units.querysets import AnyUser


class ProcedureQuerySet(models.QuerySet["Procedure"]):
    def visible_to(self, user: AnyUser) -> ProcedureQuerySet:
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


class DossierQuerySet(models.QuerySet["Dossier"]):
    def visible_to(self, user: AnyUser) -> DossierQuerySet:
        """Dossiers received by units the user sees (provincial roles: the whole province)."""
        return visible(self, user, via="unit")

    def for_list(self) -> DossierQuerySet:
        """What the dossier list shows, in one query with its procedure and unit."""
        return self.select_related("procedure", "unit")


class DossierImportQuerySet(models.QuerySet["DossierImport"]):
    def visible_to(self, user: AnyUser) -> DossierImportQuerySet:
        """Imports are a provincial matter: admins and inspectors see their province's imports."""
        if not user.is_authenticated or not user.is_provincial:
            return self.none()
        return visible(self, user, via="unit")
