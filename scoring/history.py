"""A unit's index areas matched across criteria sets: pure Python, no Django.

Provinces reissue their criteria set: an area may be added, dropped, renamed, renumbered or get
another maximum. To compare a unit's points over the years, each year's areas are matched to the
lines of the previous years by code and name (both equal; else the same name under a new code;
else the same code under a new name), and every difference is reported as a `Change`, so the
page can say where the structure changed instead of silently comparing unlike things.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

ADDED, REMOVED, RENAMED, RENUMBERED, MAX_CHANGED = (
    "added",
    "removed",
    "renamed",
    "renumbered",
    "max_changed",
)


@dataclass(frozen=True)
class AreaCell:
    """One area's points in one year."""

    code: str
    title: str
    points: Decimal
    max_points: Decimal

    @property
    def lost(self) -> Decimal:
        return self.max_points - self.points


@dataclass
class AreaLine:
    """One area followed across years; `cells` has one entry per year (None: not in that set)."""

    cells: list[AreaCell | None] = field(default_factory=list)

    @property
    def latest(self) -> AreaCell:
        return next(c for c in reversed(self.cells) if c is not None)


@dataclass(frozen=True)
class Change:
    """A difference in structure between a year's set and the earlier ones."""

    year: int
    kind: str
    code: str
    title: str
    old: str = ""
    new: str = ""


def _name(title: str) -> str:
    return re.sub(r"\s+", " ", title).strip().casefold()


def _sort_key(code: str) -> tuple[int | str, ...]:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"[.\s]+", code.strip()))


# How a year's area is paired with an earlier line, in order of preference.
_PAIRINGS: tuple[tuple[str | None, Callable[[AreaCell, AreaCell], bool]], ...] = (
    (None, lambda a, b: a.code == b.code and _name(a.title) == _name(b.title)),
    (RENUMBERED, lambda a, b: _name(a.title) == _name(b.title)),
    (RENAMED, lambda a, b: a.code == b.code),
)


def _pairing_change(year: int, kind: str | None, before: AreaCell, cell: AreaCell) -> list[Change]:
    out = []
    if kind == RENAMED:
        out.append(Change(year, RENAMED, cell.code, cell.title, before.title, cell.title))
    elif kind == RENUMBERED:
        out.append(Change(year, RENUMBERED, cell.code, cell.title, before.code, cell.code))
    if before.max_points != cell.max_points:
        out.append(
            Change(
                year,
                MAX_CHANGED,
                cell.code,
                cell.title,
                str(before.max_points),
                str(cell.max_points),
            )
        )
    return out


def match_areas(
    years: Sequence[tuple[int, Sequence[AreaCell]]],
) -> tuple[list[AreaLine], list[Change]]:
    """Lines of areas over `years` (oldest first) and the structure changes between them."""
    lines: list[AreaLine] = []
    changes: list[Change] = []
    for i, (year, cells) in enumerate(years):
        unmatched = list(cells)
        taken: dict[int, AreaCell] = {}  # line index → this year's cell
        for kind, same in _PAIRINGS:
            for cell in list(unmatched):
                n = next(
                    (
                        n
                        for n, line in enumerate(lines)
                        if n not in taken and same(line.latest, cell)
                    ),
                    None,
                )
                if n is None:
                    continue
                taken[n] = cell
                unmatched.remove(cell)
                if lines[n].cells[-1] is None:  # back after a year or more away
                    changes.append(Change(year, ADDED, cell.code, cell.title))
                changes.extend(_pairing_change(year, kind, lines[n].latest, cell))
        for n, line in enumerate(lines):
            if n not in taken and line.cells[-1] is not None:
                changes.append(Change(year, REMOVED, line.latest.code, line.latest.title))
            line.cells.append(taken.get(n))
        for cell in unmatched:
            lines.append(AreaLine(cells=[None] * i + [cell]))
            if i:
                changes.append(Change(year, ADDED, cell.code, cell.title))
    lines.sort(key=lambda line: _sort_key(line.latest.code))
    return lines, changes
