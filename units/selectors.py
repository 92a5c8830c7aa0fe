"""Reads about units: lineage (predecessors, successors) and the holders of a reused code."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from units.models import AdministrativeUnit, UnitLineage
from units.resolver import code_key


@dataclass(frozen=True)
class LineageStep:
    """One neighbour of a unit in the lineage: the other unit, when, and how."""

    unit: AdministrativeUnit
    effective_on: dt.date
    kind: str

    def get_kind_display(self) -> str:
        return UnitLineage(kind=self.kind).get_kind_display()


def _steps(
    links: QuerySet[UnitLineage], field: str, scope: QuerySet[AdministrativeUnit] | None
) -> list[LineageStep]:
    links = links.select_related(field).order_by("effective_on", f"{field}__code")
    if scope is not None:
        links = links.filter(**{f"{field}__in": scope})
    return [LineageStep(getattr(link, field), link.effective_on, link.kind) for link in links]


def predecessors_of(
    unit: AdministrativeUnit, *, scope: QuerySet[AdministrativeUnit] | None = None
) -> list[LineageStep]:
    """The units `unit` was formed from (one query), narrowed to `scope` when given."""
    return _steps(UnitLineage.objects.filter(successor=unit), "predecessor", scope)


def successors_of(
    unit: AdministrativeUnit, *, scope: QuerySet[AdministrativeUnit] | None = None
) -> list[LineageStep]:
    """The units formed from (all or part of) `unit` (one query), narrowed to `scope`."""
    return _steps(UnitLineage.objects.filter(predecessor=unit), "successor", scope)


def holders_of_code(
    code: object, scope: QuerySet[AdministrativeUnit] | None = None
) -> list[AdministrativeUnit]:
    """Every unit in `scope` that ever held `code` (with or without leading zeros), oldest
    first: 24280 → [Xã Ea KPam (until 30/06/2025), Xã Cư M'gar (from 01/07/2025)]. One query."""
    key = code_key(code)
    qs = scope if scope is not None else AdministrativeUnit.objects.all()
    variants = {key, *(key.zfill(w) for w in range(len(key), 11))}
    units = [u for u in qs.filter(code__in=variants) if code_key(u.code) == key]
    return sorted(units, key=lambda u: (u.valid_from or dt.date.min, u.level, u.pk))
