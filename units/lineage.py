"""Lineage of units (which old units formed which new ones, and when), and the inherited paths
it gives each successor (docs/formats.md, "Unit lineage")."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from units.choices import LineageKind
from units.models import AdministrativeUnit, UnitLineage
from units.resolver import UnitCodeError, UnitResolver
from units.tables_io import (
    ERR_BAD_DATE,
    ERR_EMPTY,
    ImportCounts,
    TableError,
    cell_error,
    numbered,
    parse_day,
    read_rows,
)

COLUMNS = (
    "ma_don_vi_moi",
    "ten_don_vi_moi",
    "ma_don_vi_cu",
    "ten_don_vi_cu",
    "ngay_hieu_luc",
    "hinh_thuc",
)
KINDS = {"nhap": LineageKind.MERGE, "chia": LineageKind.SPLIT}

ERR_BAD_KIND = gettext_noop("hình thức «%(value)s» không hợp lệ (nhap hoặc chia).")
ERR_OLD_STILL_VALID = gettext_noop("đơn vị cũ %(unit)s vẫn còn hiệu lực ngày %(day)s.")
ERR_MERGE_TWICE = gettext_noop(
    "đơn vị cũ %(unit)s «nhap» (nhập toàn bộ) vào nhiều đơn vị mới (dòng %(rows)s): "
    "một đơn vị bị chia ghi «chia»."
)
ERR_DUPLICATE = gettext_noop("cặp đơn vị mới %(new)s – cũ %(old)s đã có ở dòng %(first)s.")
ERR_CYCLE = gettext_noop("tạo thành vòng lặp: %(chain)s.")


class LineageImportError(TableError):
    """The lineage file was refused whole; nothing was saved."""


@dataclass
class LineageImportResult(ImportCounts):
    successors_refreshed: int = 0


@dataclass
class _Link:
    number: int
    successor: AdministrativeUnit
    predecessor: AdministrativeUnit
    effective_on: dt.date
    kind: str


def unit_lineage_import(
    *,
    rows: Iterable[Mapping[str, Any]] | None = None,
    path: Path | None = None,
) -> LineageImportResult:
    """Record lineage rows (from `rows` as mappings, or from a CSV/XLSX file at `path`).

    Each row links an old unit (its code resolved on the day before `ngay_hieu_luc`) to a new
    one (code resolved on `ngay_hieu_luc`). Refused whole, every error with its row and column,
    on an unknown code, a date the units' validity contradicts, a bad `hinh_thuc`, or a row that
    closes a cycle. Keyed by (old, new): re-importing leaves the same rows. Then every
    successor's inherited paths are recomputed.
    """
    if (rows is None) == (path is None):
        raise TypeError("unit_lineage_import takes rows or path, not both")
    try:
        table = read_rows(path, COLUMNS) if path is not None else numbered(rows or [], COLUMNS)
        links = _check(table)
    except TableError as exc:
        raise LineageImportError(exc.errors) from None
    with transaction.atomic():
        return _save(links)


def _check(table: list[tuple[int, dict[str, str]]]) -> list[_Link]:
    resolver = UnitResolver()
    errors: list[str] = []
    links: list[_Link] = []
    for number, row in table:
        row_errors: list[str] = []
        day = None
        if not row["ngay_hieu_luc"]:
            row_errors.append(cell_error(number, "ngay_hieu_luc", _(ERR_EMPTY)))
        else:
            day = parse_day(row["ngay_hieu_luc"])
            if day is None:
                row_errors.append(
                    cell_error(
                        number, "ngay_hieu_luc", _(ERR_BAD_DATE) % {"value": row["ngay_hieu_luc"]}
                    )
                )
        kind = KINDS.get(row["hinh_thuc"].lower())
        if kind is None:
            row_errors.append(
                cell_error(number, "hinh_thuc", _(ERR_BAD_KIND) % {"value": row["hinh_thuc"]})
            )
        new = old = None
        for column in ("ma_don_vi_moi", "ma_don_vi_cu"):
            if not row[column]:
                row_errors.append(cell_error(number, column, _(ERR_EMPTY)))
        if day is not None and row["ma_don_vi_moi"]:
            try:
                new = resolver.resolve(row["ma_don_vi_moi"], on=day)
            except UnitCodeError as exc:
                row_errors.append(cell_error(number, "ma_don_vi_moi", exc.message))
        if day is not None and row["ma_don_vi_cu"]:
            try:
                old = resolver.resolve(row["ma_don_vi_cu"], on=day - dt.timedelta(days=1))
            except UnitCodeError as exc:
                row_errors.append(cell_error(number, "ma_don_vi_cu", exc.message))
        if old is not None and day is not None and old.is_valid_on(day):
            row_errors.append(
                cell_error(
                    number,
                    "ngay_hieu_luc",
                    _(ERR_OLD_STILL_VALID) % {"unit": _describe(old), "day": f"{day:%d/%m/%Y}"},
                )
            )
        errors.extend(row_errors)
        if not row_errors:
            assert new is not None and old is not None and day is not None and kind is not None
            links.append(_Link(number, new, old, day, kind))
    errors.extend(_check_together(links))
    if errors:
        raise TableError(errors)
    return links


def _describe(unit: AdministrativeUnit) -> str:
    return f"{unit.name} ({unit.code})"


def _check_together(links: list[_Link]) -> list[str]:
    """What no single row shows: a pair twice, a merge into two units, a cycle."""
    errors: list[str] = []
    first: dict[tuple[int, int], int] = {}
    for link in links:
        pair = (link.predecessor.pk, link.successor.pk)
        if pair in first:
            errors.append(
                cell_error(
                    link.number,
                    "ma_don_vi_cu",
                    _(ERR_DUPLICATE)
                    % {
                        "new": link.successor.code,
                        "old": link.predecessor.code,
                        "first": first[pair],
                    },
                )
            )
        else:
            first[pair] = link.number
    by_old: dict[int, list[_Link]] = defaultdict(list)
    for link in links:
        by_old[link.predecessor.pk].append(link)
    for group in by_old.values():
        successors = {link.successor.pk for link in group}
        if len(successors) > 1:
            numbers = ", ".join(str(link.number) for link in group)
            for link in group:
                if link.kind == LineageKind.MERGE:
                    errors.append(
                        cell_error(
                            link.number,
                            "hinh_thuc",
                            _(ERR_MERGE_TWICE)
                            % {"unit": _describe(link.predecessor), "rows": numbers},
                        )
                    )
    errors.extend(_cycles(links))
    return errors


def _cycles(links: list[_Link]) -> list[str]:
    """Rows that, with the lineage already recorded, lead from a unit back to itself."""
    graph: dict[int, set[int]] = defaultdict(set)
    for old, new in UnitLineage.objects.values_list("predecessor_id", "successor_id"):
        graph[old].add(new)
    for link in links:
        graph[link.predecessor.pk].add(link.successor.pk)
    described = {}
    for link in links:
        described[link.predecessor.pk] = _describe(link.predecessor)
        described[link.successor.pk] = _describe(link.successor)
    errors = []
    for link in links:
        # A path from the new unit back to the old one closes a cycle through this row.
        chain = _path(graph, link.successor.pk, link.predecessor.pk)
        if chain is not None:
            missing = [pk for pk in chain if pk not in described]
            for unit in AdministrativeUnit.objects.filter(pk__in=missing):
                described[unit.pk] = _describe(unit)
            text = " → ".join(described[pk] for pk in [link.predecessor.pk, *chain])
            errors.append(cell_error(link.number, "ma_don_vi_moi", _(ERR_CYCLE) % {"chain": text}))
    return errors


def _path(graph: dict[int, set[int]], start: int, goal: int) -> list[int] | None:
    """The units from `start` to `goal` following the graph (depth first), or None."""
    stack = [(start, [start])]
    seen = {start}
    while stack:
        node, chain = stack.pop()
        if node == goal:
            return chain
        for nxt in graph.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*chain, nxt]))
    return None


def _save(links: list[_Link]) -> LineageImportResult:
    result = LineageImportResult()
    existing = {
        (row.predecessor_id, row.successor_id): row
        for row in UnitLineage.objects.filter(
            successor_id__in={link.successor.pk for link in links}
        )
    }
    to_create, to_update = [], []
    for link in links:
        row = existing.get((link.predecessor.pk, link.successor.pk))
        if row is None:
            to_create.append(
                UnitLineage(
                    predecessor=link.predecessor,
                    successor=link.successor,
                    effective_on=link.effective_on,
                    kind=link.kind,
                )
            )
        elif (row.effective_on, row.kind) != (link.effective_on, link.kind):
            row.effective_on, row.kind = link.effective_on, link.kind
            to_update.append(row)
        else:
            result.unchanged += 1
    UnitLineage.objects.bulk_create(to_create, batch_size=500)
    UnitLineage.objects.bulk_update(to_update, ["effective_on", "kind"], batch_size=500)
    result.created, result.updated = len(to_create), len(to_update)
    result.successors_refreshed = inherited_paths_refresh()
    return result


def inherited_paths_refresh() -> int:
    """Recompute every unit's `inherited_paths` from the lineage and the current paths.

    A successor inherits each predecessor's path and, transitively, what that predecessor
    inherited. Called after a lineage import and whenever units move (their paths change).
    One read of the lineage, one of the paths involved, one bulk update; returns the number of
    units whose inherited paths changed.
    """
    predecessors: dict[int, set[int]] = defaultdict(set)
    for old, new in UnitLineage.objects.values_list("predecessor_id", "successor_id"):
        predecessors[new].add(old)
    stale = AdministrativeUnit.objects.exclude(inherited_paths="").values_list("pk", flat=True)
    involved = set(predecessors) | {p for ps in predecessors.values() for p in ps} | set(stale)
    units = {
        u.pk: u
        for u in AdministrativeUnit.objects.filter(pk__in=involved).only(
            "pk", "path", "inherited_paths"
        )
    }
    closure: dict[int, frozenset[str]] = {}

    def inherited(pk: int, visiting: frozenset[int]) -> frozenset[str]:
        if pk in closure:
            return closure[pk]
        paths: set[str] = set()
        for old in predecessors.get(pk, ()):
            if old in visiting or old not in units:
                continue  # a cycle can't be imported; never loop on one put in by hand
            paths.add(units[old].path)
            paths |= inherited(old, visiting | {pk})
        closure[pk] = frozenset(paths)
        return closure[pk]

    changed = []
    for pk, unit in units.items():
        own = inherited(pk, frozenset({pk})) - {unit.path}
        text = " ".join(sorted(own))
        if text != unit.inherited_paths:
            unit.inherited_paths = text
            changed.append(unit)
    AdministrativeUnit.objects.bulk_update(changed, ["inherited_paths"], batch_size=500)
    return len(changed)
