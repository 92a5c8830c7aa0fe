"""Writes: the monthly values of the Decision 766 indicators entered from outside the portal
(the national public-service portal's figures: publicity, feedback, satisfaction), imported from
CSV/XLSX. One transaction; any error refuses the whole file. Format: docs/formats.md."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from cchc_portal.tabular import TabularFileError, iter_table
from procedures.choices import ServiceFormula
from procedures.models import ServiceIndicator, ServiceIndicatorValue
from procedures.service_selectors import month_end
from units.models import AdministrativeUnit, User
from units.resolver import UnitCodeError, UnitResolver

COLUMNS = ("ma_don_vi", "thang", "ma_chi_so", "gia_tri")
ERR_MISSING_COLUMNS = N_("Thiếu cột: %(columns)s.")
ERR_MONTH = N_("Tháng «%(value)s» không đúng dạng YYYY-MM hoặc mm/yyyy.")
ERR_INDICATOR = N_("Không có chỉ số mã «%(value)s».")
ERR_COMPUTED = N_("Chỉ số %(code)s được tính từ hồ sơ, không nhập được.")
ERR_VALUE = N_("Giá trị «%(value)s» không phải tỷ lệ phần trăm từ 0 đến 100.")
ERR_TWICE = N_("Đơn vị, tháng và chỉ số này đã có ở dòng %(row)s.")
MAX_ERRORS = 100
_MONTH = re.compile(r"(\d{4})-(\d{1,2})|(\d{1,2})/(\d{4})")
HUNDRED = Decimal(100)


class ValuesRejected(Exception):
    def __init__(self, errors: list[str], total: int) -> None:
        super().__init__(f"{total} lỗi")
        self.errors = errors
        self.total = total


@dataclass
class ValuesImported:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


def _month(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime | dt.date):
        return dt.date(value.year, value.month, 1)
    match = _MONTH.fullmatch(str(value or "").strip())
    if not match:
        return None
    year, month = (match[1], match[2]) if match[1] else (match[4], match[3])
    if not 1 <= int(month) <= 12:
        return None
    return dt.date(int(year), int(month), 1)


def _rate(value: object) -> Decimal | None:
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or not 0 <= number <= HUNDRED:
        return None
    return (number / HUNDRED).quantize(Decimal("0.0001"))


def service_values_import(*, path: Path | str, by: User | None) -> ValuesImported:
    """Create or update one value per (unit, month, indicator) row. Unit codes resolve on the
    month's last day within `by`'s scope (every unit when None). Raises ValuesRejected."""
    try:
        header, rows = iter_table(Path(path))
    except TabularFileError as exc:
        raise ValuesRejected([str(exc)], 1) from None
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ValuesRejected([_(ERR_MISSING_COLUMNS) % {"columns": ", ".join(missing)}], 1)
    at = {name: header.index(name) for name in COLUMNS}
    indicators = {i.code: i for i in ServiceIndicator.objects.all()}
    scope = AdministrativeUnit.objects.visible_to(by) if by is not None else None
    resolver = UnitResolver(scope=scope)
    errors: list[str] = []
    total = 0
    seen: dict[tuple[int, dt.date, int], int] = {}
    wanted: list[tuple[int, dt.date, ServiceIndicator, Decimal]] = []

    def fail(row: int, column: str, message: str) -> None:
        nonlocal total
        total += 1
        if len(errors) < MAX_ERRORS:
            errors.append(_("Dòng %(row)s, cột %(column)s: %(message)s") % {
                "row": row, "column": column, "message": message,
            })  # fmt: skip

    for number, values in rows:
        cell = {name: values[i] if i < len(values) else None for name, i in at.items()}
        month = _month(cell["thang"])
        if month is None:
            fail(number, "thang", _(ERR_MONTH) % {"value": cell["thang"] or ""})
        indicator = indicators.get(str(cell["ma_chi_so"] or "").strip())
        if indicator is None:
            fail(number, "ma_chi_so", _(ERR_INDICATOR) % {"value": cell["ma_chi_so"] or ""})
        elif indicator.formula != ServiceFormula.ENTERED:
            fail(number, "ma_chi_so", _(ERR_COMPUTED) % {"code": indicator.code})
            indicator = None
        rate = _rate(cell["gia_tri"])
        if rate is None:
            fail(number, "gia_tri", _(ERR_VALUE) % {"value": cell["gia_tri"] or ""})
        unit_id = None
        if month is not None:
            try:
                unit_id = resolver.resolve_id(cell["ma_don_vi"] or "", on=month_end(month))
            except UnitCodeError as exc:
                fail(number, "ma_don_vi", exc.message)
        if unit_id is None or month is None or indicator is None or rate is None:
            continue
        key = (unit_id, month, indicator.pk)
        if key in seen:
            fail(number, "ma_chi_so", _(ERR_TWICE) % {"row": seen[key]})
            continue
        seen[key] = number
        wanted.append((unit_id, month, indicator, rate))
    if total:
        raise ValuesRejected(errors, total)
    result = ValuesImported()
    with transaction.atomic():
        for unit_id, month, indicator, rate in wanted:
            existing = ServiceIndicatorValue.objects.filter(
                unit_id=unit_id, month=month, indicator=indicator
            ).first()
            if existing is None:
                ServiceIndicatorValue.objects.create(
                    unit_id=unit_id, month=month, indicator=indicator, rate=rate, entered_by=by
                )
                result.created += 1
            elif existing.rate == rate:
                result.unchanged += 1
            else:
                existing.rate = rate
                existing.entered_by = by
                existing.save(update_fields=["rate", "entered_by", "updated_at"])
                result.updated += 1
    return result
