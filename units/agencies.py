"""The province's departments and agencies (sở, ban, ngành): units of level `department`
directly under the province, created by the province (docs/formats.md, "Agencies")."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from units.choices import Level
from units.models import AdministrativeUnit
from units.resolver import UnitCodeError, UnitResolver, code_key
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

COLUMNS = ("ma_co_quan", "ten_co_quan", "ma_tinh", "ngay_hieu_luc")
# "66-STP": the province's code, a hyphen, the department's usual abbreviation.
CODE_RE = re.compile(r"^(?P<province>\d{1,3})-(?P<abbr>[A-Z0-9Đ]{1,7})$")

ERR_BAD_CODE = gettext_noop(
    "mã cơ quan «%(value)s» không hợp lệ: mã tỉnh, dấu gạch ngang và tên viết tắt (ví dụ 66-STP)."
)
ERR_CODE_PROVINCE = gettext_noop("mã cơ quan %(code)s không bắt đầu bằng mã tỉnh %(province)s.")
ERR_DUPLICATE = gettext_noop("mã cơ quan %(code)s đã có ở dòng %(first)s.")
ERR_NAME_TAKEN = gettext_noop("Tỉnh đã có cơ quan mã %(code)s có hiệu lực từ %(day)s.")


class AgencyImportError(TableError):
    """The agencies file was refused whole; nothing was saved."""


@dataclass
class _Agency:
    number: int
    code: str
    name: str
    province: AdministrativeUnit
    valid_from: dt.date


def agencies_import(
    *,
    rows: Iterable[Mapping[str, Any]] | None = None,
    path: Path | None = None,
    scope: QuerySet[AdministrativeUnit] | None = None,
) -> ImportCounts:
    """Create or update the provinces' departments from `rows` or a CSV/XLSX file at `path`.

    Keyed by (code, valid_from): re-importing leaves the same rows. The province code resolves
    on `ngay_hieu_luc` among the provinces in `scope` (all when None). Refused whole, with row
    and column, on any bad row.
    """
    if (rows is None) == (path is None):
        raise TypeError("agencies_import takes rows or path, not both")
    try:
        table = read_rows(path, COLUMNS) if path is not None else numbered(rows or [], COLUMNS)
        agencies = _check(table, scope)
    except TableError as exc:
        raise AgencyImportError(exc.errors) from None
    with transaction.atomic():
        return _save(agencies)


def _check(
    table: list[tuple[int, dict[str, str]]], scope: QuerySet[AdministrativeUnit] | None
) -> list[_Agency]:
    resolver = UnitResolver(scope=scope, levels=[Level.PROVINCE])
    errors: list[str] = []
    agencies: list[_Agency] = []
    first: dict[tuple[str, dt.date], int] = {}
    for number, row in table:
        row_errors: list[str] = []
        for column in COLUMNS:
            if not row[column]:
                row_errors.append(cell_error(number, column, _(ERR_EMPTY)))
        code = row["ma_co_quan"].upper()
        match = CODE_RE.match(code)
        if code and match is None:
            row_errors.append(
                cell_error(number, "ma_co_quan", _(ERR_BAD_CODE) % {"value": row["ma_co_quan"]})
            )
        day = parse_day(row["ngay_hieu_luc"]) if row["ngay_hieu_luc"] else None
        if row["ngay_hieu_luc"] and day is None:
            row_errors.append(
                cell_error(
                    number, "ngay_hieu_luc", _(ERR_BAD_DATE) % {"value": row["ngay_hieu_luc"]}
                )
            )
        province = None
        if day is not None and row["ma_tinh"]:
            try:
                province = resolver.resolve(row["ma_tinh"], on=day)
            except UnitCodeError as exc:
                row_errors.append(cell_error(number, "ma_tinh", exc.message))
        if (
            match
            and province is not None
            and code_key(match["province"]) != code_key(province.code)
        ):
            row_errors.append(
                cell_error(
                    number,
                    "ma_co_quan",
                    _(ERR_CODE_PROVINCE) % {"code": code, "province": province.code},
                )
            )
        if not row_errors and day is not None:
            key = (code, day)
            if key in first:
                row_errors.append(
                    cell_error(
                        number, "ma_co_quan", _(ERR_DUPLICATE) % {"code": code, "first": first[key]}
                    )
                )
            first.setdefault(key, number)
        errors.extend(row_errors)
        if not row_errors:
            assert province is not None and day is not None
            agencies.append(_Agency(number, code, row["ten_co_quan"], province, day))
    if errors:
        raise TableError(errors)
    return agencies


def _save(agencies: list[_Agency]) -> ImportCounts:
    result = ImportCounts()
    existing = {
        (u.code, u.valid_from): u
        for u in AdministrativeUnit.objects.filter(
            level=Level.DEPARTMENT, code__in={a.code for a in agencies}
        )
    }
    to_create: list[AdministrativeUnit] = []
    to_update: list[AdministrativeUnit] = []
    for agency in agencies:
        unit = existing.get((agency.code, agency.valid_from))
        if unit is None:
            to_create.append(
                AdministrativeUnit(
                    code=agency.code,
                    name=agency.name,
                    level=Level.DEPARTMENT,
                    parent=agency.province,
                    valid_from=agency.valid_from,
                )
            )
        elif (unit.name, unit.parent_id) != (agency.name, agency.province.pk):
            unit.name, unit.parent = agency.name, agency.province
            to_update.append(unit)
        else:
            result.unchanged += 1
    AdministrativeUnit.objects.bulk_create(to_create)
    AdministrativeUnit.objects.bulk_update(to_update, ["name", "parent"])
    for unit in (*to_create, *to_update):
        assert unit.parent is not None  # every agency was given its province above
        unit.path = f"{unit.parent.path}{unit.pk}/"
    AdministrativeUnit.objects.bulk_update([*to_create, *to_update], ["path"])
    result.created, result.updated = len(to_create), len(to_update)
    return result


@transaction.atomic
def department_save(
    *,
    province: AdministrativeUnit,
    abbreviation: str,
    name: str,
    valid_from: dt.date | None,
    valid_until: dt.date | None,
    department: AdministrativeUnit | None = None,
) -> AdministrativeUnit:
    """Create (or, given `department`, edit) one department of `province` from the page.

    Its code is the province's code and the abbreviation ("66-STP"); validated by the model.
    """
    unit = department or AdministrativeUnit(level=Level.DEPARTMENT, parent=province)
    unit.code = f"{code_key(province.code).zfill(2)}-{abbreviation.strip().upper()}"
    unit.name = name.strip()
    unit.valid_from, unit.valid_until = valid_from, valid_until
    clash = AdministrativeUnit.objects.filter(code=unit.code, valid_from=valid_from).exclude(
        pk=unit.pk
    )
    if clash.exists():
        raise ValidationError(
            {
                "abbreviation": _(ERR_NAME_TAKEN)
                % {"code": unit.code, "day": f"{valid_from:%d/%m/%Y}" if valid_from else "—"}
            }
        )
    # The unique constraint's own message names the constraint: say it in the user's words above.
    unit.full_clean(validate_constraints=False)
    unit.save()
    return unit
