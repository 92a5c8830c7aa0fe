"""Writes for administrative units and users."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from units.choices import CODE_WIDTH, Level
from units.models import AdministrativeUnit
from units.tables_io import ImportCounts

ERR_NOT_A_LIST = "Tệp không đúng định dạng vietnam-provinces: cần một danh sách tỉnh."
ERR_MISSING_KEY = "Mục {where} thiếu trường «{key}»."


class UnitImportError(ValueError):
    """The file is not in the vietnam-provinces shape; nothing was saved."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class UnitImportResult(ImportCounts):
    by_level: dict[str, int] = field(default_factory=dict)


# The official types a unit's name starts with. In the pre-2025 data `division_type` is the tier
# ("huyện" for "Thành phố Buôn Ma Thuột", "xã" for "Phường 1"), so a name that starts with any
# type is kept; only a bare name ("Đắk Lắk", 2025.x data) gets its own type in front.
_TYPES = ("thành phố", "tỉnh", "huyện", "quận", "thị xã", "thị trấn", "xã", "phường", "đặc khu")
# A centrally-run city is "Thành phố Hà Nội", not "Thành phố trung ương Hà Nội".
_NAME_PREFIX = {"thành phố trung ương": "thành phố"}


def official_name(name: str, division_type: object) -> str:
    """The name with its type, as documents print it: ("Đắk Lắk", "tỉnh") → "Tỉnh Đắk Lắk".

    Names that already carry a type stay as they are ("Thành phố Hà Nội", "Huyện Cư M'gar").
    """
    name = unicodedata.normalize("NFC", str(name).strip())
    if not isinstance(division_type, str) or not division_type.strip():
        return name
    folded = name.casefold()
    if any(folded.startswith(t + " ") for t in _TYPES):
        return name
    kind = unicodedata.normalize("NFC", division_type.strip()).casefold()
    kind = _NAME_PREFIX.get(kind, kind)
    return f"{kind[:1].upper()}{kind[1:]} {name}"


@dataclass
class _Row:
    code: str
    name: str
    level: str
    parent_code: str | None


def _name(item: dict[str, Any]) -> str:
    return official_name(item["name"], item.get("division_type"))


def _flatten(data: Any) -> list[_Row]:
    """Rows of the nested vietnam-provinces JSON, parents first.

    Accepts the pre-2025 shape (province → districts → wards, package 0.6.x) and the post-2025
    one (province → wards, package 2025.x).
    """
    if not isinstance(data, list):
        raise UnitImportError([ERR_NOT_A_LIST])
    rows: list[_Row] = []
    errors: list[str] = []

    def code_of(item: dict[str, Any], level: Level, where: str) -> str | None:
        for key in ("code", "name"):
            if key not in item:
                errors.append(ERR_MISSING_KEY.format(where=where, key=key))
                return None
        return str(item["code"]).zfill(CODE_WIDTH[level])

    for i, province in enumerate(data, start=1):
        if not isinstance(province, dict):
            errors.append(_("Mục tỉnh thứ %(n)s không phải là một đối tượng JSON.") % {"n": i})
            continue
        pcode = code_of(province, Level.PROVINCE, f"#{i}")
        if pcode is None:
            continue
        rows.append(_Row(pcode, _name(province), Level.PROVINCE, None))
        for district in province.get("districts", []):
            dcode = code_of(district, Level.DISTRICT, f"{province['name']} › ?")
            if dcode is None:
                continue
            rows.append(_Row(dcode, _name(district), Level.DISTRICT, pcode))
            for ward in district.get("wards", []):
                wcode = code_of(ward, Level.COMMUNE, f"{district['name']} › ?")
                if wcode is not None:
                    rows.append(_Row(wcode, _name(ward), Level.COMMUNE, dcode))
        for ward in province.get("wards", []):
            wcode = code_of(ward, Level.COMMUNE, f"{province['name']} › ?")
            if wcode is not None:
                rows.append(_Row(wcode, _name(ward), Level.COMMUNE, pcode))
    seen: set[str] = set()
    for row in rows:
        if row.code in seen:
            errors.append(_("Mã đơn vị %(code)s xuất hiện hai lần.") % {"code": row.code})
        seen.add(row.code)
    if errors:
        raise UnitImportError(errors)
    return rows


@transaction.atomic
def units_import(
    *,
    data: Any,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> UnitImportResult:
    """Create or update units from vietnam-provinces JSON, keyed by (code, valid_from).

    Idempotent: importing the same file twice leaves the same rows. One transaction.
    """
    rows = _flatten(data)
    existing = {u.code: u for u in AdministrativeUnit.objects.filter(valid_from=valid_from)}
    result = UnitImportResult()
    by_code: dict[str, AdministrativeUnit] = {}
    moved_existing = 0
    for level in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE):
        to_create: list[AdministrativeUnit] = []
        to_update: list[AdministrativeUnit] = []
        for row in (r for r in rows if r.level == level):
            parent = by_code[row.parent_code] if row.parent_code else None
            unit = existing.get(row.code)
            if unit is None:
                unit = AdministrativeUnit(
                    code=row.code,
                    name=row.name,
                    level=level,
                    parent=parent,
                    valid_from=valid_from,
                    valid_until=valid_until,
                )
                to_create.append(unit)
            elif (unit.name, unit.level, unit.parent_id, unit.valid_until) != (
                row.name,
                level,
                parent.pk if parent else None,
                valid_until,
            ):
                unit.name, unit.level, unit.parent, unit.valid_until = (
                    row.name,
                    level,
                    parent,
                    valid_until,
                )
                to_update.append(unit)
            else:
                result.unchanged += 1
            by_code[row.code] = unit
        AdministrativeUnit.objects.bulk_create(to_create, batch_size=500)
        AdministrativeUnit.objects.bulk_update(
            to_update, ["name", "level", "parent", "valid_until"], batch_size=500
        )
        # Paths need the primary keys just assigned.
        moved = []
        for unit in (*to_create, *to_update):
            path = f"{unit.parent.path if unit.parent else '/'}{unit.pk}/"
            if unit.path != path:
                unit.path = path
                moved.append(unit)
        AdministrativeUnit.objects.bulk_update(moved, ["path"], batch_size=500)
        updated = {id(unit) for unit in to_update}
        moved_existing += sum(1 for unit in moved if id(unit) in updated)
        result.created += len(to_create)
        result.updated += len(to_update)
        result.by_level[level] = sum(1 for r in rows if r.level == level)
    if moved_existing:
        # Successors inherit their predecessors' paths: a moved predecessor changes them.
        from units.lineage import inherited_paths_refresh

        inherited_paths_refresh()
    return result


def units_import_file(
    *, path: Path, valid_from: dt.date | None = None, valid_until: dt.date | None = None
) -> UnitImportResult:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise UnitImportError(
            [_("Không đọc được tệp %(path)s: %(err)s") % {"path": path, "err": exc}]
        ) from None
    return units_import(data=data, valid_from=valid_from, valid_until=valid_until)
