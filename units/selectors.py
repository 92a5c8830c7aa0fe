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


@dataclass
class TreeNode:
    """A unit in the browsable tree, with its children grouped by level (in Level order)."""

    unit: AdministrativeUnit
    groups: list[tuple[str, list[TreeNode]]]


def unit_tree(units: QuerySet[AdministrativeUnit]) -> list[TreeNode]:
    """`units` as a forest (one query): each unit under its parent when the parent is among
    them, else a root; children grouped by level (communes, departments, old districts…)."""
    from units.choices import Level

    rows = list(units.order_by("path"))
    nodes = {u.pk: TreeNode(u, []) for u in rows}
    children: dict[int, list[TreeNode]] = {}
    roots = []
    for unit in rows:
        if unit.parent_id in nodes:
            children.setdefault(unit.parent_id, []).append(nodes[unit.pk])
        else:
            roots.append(nodes[unit.pk])
    order = {value: i for i, value in enumerate(Level.values)}
    labels = dict(Level.choices)
    for pk, kids in children.items():
        by_level: dict[str, list[TreeNode]] = {}
        for kid in sorted(kids, key=lambda n: (n.unit.code, n.unit.pk)):
            by_level.setdefault(kid.unit.level, []).append(kid)
        nodes[pk].groups = [
            (str(labels.get(level, level)), by_level[level])
            for level in sorted(by_level, key=lambda lv: order.get(lv, 99))
        ]
    return roots
