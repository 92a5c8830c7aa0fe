"""The one resolver of official unit codes: a code names a unit only together with a date.

Codes were reused in the 2025 reorganisation (24280 was Xã Ea KPam until 30/06/2025 and is the
new Xã Cư M'gar since 01/07/2025; 66 is the old and the new Đắk Lắk), so every import, command
and page that takes a code asks this module for "the unit with this code on this day, among the
units this caller may see". Nothing else in the portal matches codes.

Matching: the code as written first; failing that, the same number with or without leading zeros
("3386" finds "03386", "12" finds "12" before "00012"). A code outside the caller's scope gets
exactly the message of an unknown code, so an import can't probe what exists elsewhere.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from units.models import AdministrativeUnit

ERR_UNKNOWN_CODE = "Không có đơn vị mã %(code)s có hiệu lực ngày %(day)s."
ERR_AMBIGUOUS_CODE = "Mã %(code)s ứng với nhiều đơn vị có hiệu lực ngày %(day)s: %(candidates)s."


class UnitCodeError(ValueError):
    """A code that names no unit, or more than one, on the day asked (in the caller's scope)."""

    def __init__(
        self, message: str, *, code: str, day: dt.date, candidates: tuple[str, ...] = ()
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.day = day
        self.candidates = candidates


def code_key(code: object) -> str:
    """The code without leading zeros: the number the statistics office means ("03386" → "3386")."""
    text = str(code).strip()
    return text.lstrip("0") or text[:1]


def describe(unit: AdministrativeUnit) -> str:
    """ "Xã Ea KPam (24280, đến 30/06/2025)": a candidate as an error message lists it."""
    if unit.valid_from and unit.valid_until:
        validity = _("%(a)s–%(b)s") % {
            "a": f"{unit.valid_from:%d/%m/%Y}",
            "b": f"{unit.valid_until:%d/%m/%Y}",
        }
    elif unit.valid_until:
        validity = _("đến %(d)s") % {"d": f"{unit.valid_until:%d/%m/%Y}"}
    elif unit.valid_from:
        validity = _("từ %(d)s") % {"d": f"{unit.valid_from:%d/%m/%Y}"}
    else:
        validity = _("không thời hạn")
    return f"{unit.name} ({unit.code}, {validity})"


@dataclass(frozen=True)
class _Entry:
    pk: int
    code: str
    level: str
    valid_from: dt.date | None
    valid_until: dt.date | None

    def valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


class UnitResolver:
    """Resolves many codes against one scope with one query: what an import uses.

    `scope` is the queryset of units the caller may see (`AdministrativeUnit.objects
    .visible_to(user)`, or a province's subtree); `levels` narrows the candidates (a
    `--province` option takes only provinces).
    """

    def __init__(
        self,
        *,
        scope: QuerySet[AdministrativeUnit] | None = None,
        levels: Iterable[str] | None = None,
    ) -> None:
        qs = scope if scope is not None else AdministrativeUnit.objects.all()
        if levels is not None:
            qs = qs.filter(level__in=list(levels))
        self._by_key: dict[str, list[_Entry]] = defaultdict(list)
        for row in qs.order_by().values_list("pk", "code", "level", "valid_from", "valid_until"):
            entry = _Entry(*row)
            self._by_key[code_key(entry.code)].append(entry)
        self._units: dict[int, AdministrativeUnit] = {}
        self._scope = qs

    def entries(self) -> list[tuple[str, dt.date | None, dt.date | None, int]]:
        """(code key, valid from, valid until, unit id) of every unit in scope: the table an SQL
        import joins its rows against (by key and date) to resolve them the same way."""
        return [
            (key, e.valid_from, e.valid_until, e.pk)
            for key, entries in self._by_key.items()
            for e in entries
        ]

    def resolve_id(self, code: object, *, on: dt.date) -> int:
        """The primary key of the unit with `code` on day `on`; raises UnitCodeError."""
        text = str(code).strip()
        candidates = [e for e in self._by_key.get(code_key(text), ()) if e.valid_on(on)]
        exact = [e for e in candidates if e.code == text]
        matches = exact or candidates
        if len(matches) == 1:
            return matches[0].pk
        if not matches:
            raise UnitCodeError(
                ERR_UNKNOWN_CODE % {"code": text, "day": f"{on:%d/%m/%Y}"}, code=text, day=on
            )
        units = AdministrativeUnit.objects.filter(pk__in=[e.pk for e in matches]).order_by(
            "code", "valid_from", "pk"
        )
        described = tuple(describe(u) for u in units)
        raise UnitCodeError(
            ERR_AMBIGUOUS_CODE
            % {"code": text, "day": f"{on:%d/%m/%Y}", "candidates": "; ".join(described)},
            code=text,
            day=on,
            candidates=described,
        )

    def resolve(self, code: object, *, on: dt.date) -> AdministrativeUnit:
        """The unit with `code` on day `on` (fetched once per unit); raises UnitCodeError."""
        pk = self.resolve_id(code, on=on)
        if pk not in self._units:
            self._units[pk] = self._scope.get(pk=pk)
        return self._units[pk]

    def holders(self, code: object) -> list[int]:
        """Every unit in scope that ever held `code` (as written or zero-padded), oldest first."""
        entries = self._by_key.get(code_key(str(code).strip()), [])
        epoch = dt.date.min
        return [e.pk for e in sorted(entries, key=lambda e: e.valid_from or epoch)]


def resolve_unit(
    code: object,
    *,
    on: dt.date,
    scope: QuerySet[AdministrativeUnit] | None = None,
    levels: Iterable[str] | None = None,
) -> AdministrativeUnit:
    """The unit with an official code on a day, within `scope` (all units when None).

    Raises UnitCodeError naming the code, the day and, when several match, the candidates with
    their validity. For many codes at once build one UnitResolver instead.
    """
    key = code_key(code)
    qs = scope if scope is not None else AdministrativeUnit.objects.all()
    # One small query: only the units whose code could match.
    narrowed = qs.filter(code__in={key, *(key.zfill(w) for w in range(len(key), 11))})
    return UnitResolver(scope=narrowed, levels=levels).resolve(code, on=on)


def year_end(year: int) -> dt.date:
    """The day a yearly figure (criteria set, ranking, assessment) resolves its units on: the
    units that existed at the end of the assessed year (2025 → the new communes)."""
    return dt.date(year, 12, 31)
