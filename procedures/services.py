"""Writes: importing the TTHC catalogue and the one-stop system's dossier export.

An import is all or nothing: rows are streamed and checked one by one, written in batches inside
one transaction, and any error rolls the whole file back. Errors name the row (as Excel numbers
it: the first data row is 2), the column and the reason; the first `MAX_ERRORS` are kept.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from cchc_portal.tabular import TabularFileError, iter_table
from procedures.choices import Channel, DossierImportStatus, DossierStatus, OnlineService
from procedures.models import Dossier, DossierImport, Procedure, ProcedureField
from units.choices import CODE_WIDTH, Level
from units.models import AdministrativeUnit

MAX_ERRORS = 100
BATCH_SIZE = 2000

DOSSIER_COLUMNS = [
    "ma_ho_so",
    "ma_tthc",
    "ma_don_vi",
    "kenh",
    "ngay_tiep_nhan",
    "ngay_hen_tra",
    "ngay_ket_thuc",
    "ngay_tra_ket_qua",
    "trang_thai",
    "so_hoa_ho_so",
    "so_hoa_ket_qua",
    "thanh_toan_truc_tuyen",
]
REQUIRED_DOSSIER_COLUMNS = ["ma_ho_so", "ma_tthc", "ma_don_vi", "kenh", "ngay_tiep_nhan"]
PROCEDURE_COLUMNS = [
    "ma_tthc",
    "ten_tthc",
    "ma_linh_vuc",
    "ten_linh_vuc",
    "cap_thuc_hien",
    "thoi_han_ngay",
    "muc_do",
    "dvc_truc_tuyen",
    "ma_tinh",
    "con_hieu_luc",
]
REQUIRED_PROCEDURE_COLUMNS = ["ma_tthc", "ten_tthc", "ma_linh_vuc", "cap_thuc_hien"]

ERR_MISSING_COLUMN = "Thiếu cột bắt buộc."
ERR_REQUIRED = "Không được để trống."
ERR_UNKNOWN_UNIT = "Không có đơn vị hành chính mã «{value}»."
ERR_UNKNOWN_PROCEDURE = "Không có thủ tục hành chính mã «{value}»."
ERR_BAD_DATE = "Không đọc được ngày giờ «{value}» (dùng dd/mm/yyyy [hh:mm[:ss]] hoặc yyyy-mm-dd)."
ERR_DUE_BEFORE_RECEIVED = "Ngày hẹn trả trước ngày tiếp nhận."
ERR_FINISHED_BEFORE_RECEIVED = "Ngày kết thúc trước ngày tiếp nhận."
ERR_UNKNOWN_STATUS = "Trạng thái «{value}» không hợp lệ."
ERR_UNKNOWN_CHANNEL = "Kênh tiếp nhận «{value}» không hợp lệ."
ERR_BAD_BOOLEAN = "Giá trị «{value}» không phải có/không."
ERR_DUPLICATE_CODE = "Mã hồ sơ «{value}» lặp lại trong tệp (dòng {first})."
ERR_TOO_LONG = "Dài quá {limit} ký tự."
ERR_UNKNOWN_LEVEL = "Cấp thực hiện «{value}» không hợp lệ (tỉnh, huyện, xã)."
ERR_BAD_INTEGER = "«{value}» không phải số nguyên hợp lệ."
ERR_BAD_ONLINE_LEVEL = "Mức độ «{value}» không hợp lệ (1–4)."
ERR_UNKNOWN_ONLINE = "Dịch vụ công trực tuyến «{value}» không hợp lệ."
ERR_UNKNOWN_PROVINCE = "Không có tỉnh mã «{value}»."
ERR_NOT_PROVINCIAL = "Chỉ quản trị và cán bộ kiểm tra cấp tỉnh được nhập hồ sơ."


def _key(value: Any) -> str:
    """Lower case, no diacritics, single spaces: "Đã trả kết quả" → "da tra ket qua"."""
    text = str(value).strip().lower().replace("đ", "d")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.replace("_", " ").replace("-", " ").split())


def _aliases(choices, extra: dict[str, str]) -> dict[str, str]:
    mapping = {}
    for value, label in choices.choices:
        mapping[_key(value)] = value
        mapping[_key(str(label))] = value
    mapping.update({_key(k): v for k, v in extra.items()})
    return mapping


# The one-stop systems (VNPT iGate, Viettel…) label statuses and channels in several ways.
STATUS_ALIASES = _aliases(
    DossierStatus,
    {
        "Đang giải quyết": DossierStatus.IN_PROGRESS,
        "Đang thụ lý": DossierStatus.IN_PROGRESS,
        "Chờ bổ sung": DossierStatus.SUPPLEMENT_REQUESTED,
        "Bổ sung hồ sơ": DossierStatus.SUPPLEMENT_REQUESTED,
        "Nghĩa vụ tài chính": DossierStatus.FINANCIAL_OBLIGATION,
        "Đã xử lý xong": DossierStatus.FINISHED,
        "Hoàn thành": DossierStatus.FINISHED,
        "Trả kết quả": DossierStatus.RETURNED,
        "Đã trả": DossierStatus.RETURNED,
        "Từ chối": DossierStatus.NOT_ACCEPTED,
        "Rút": DossierStatus.WITHDRAWN,
        "Dừng xử lý": DossierStatus.SUSPENDED,
        "Mới": DossierStatus.RECEIVED,
        "Tiếp nhận": DossierStatus.RECEIVED,
        "done": DossierStatus.FINISHED,
    },
)
CHANNEL_ALIASES = _aliases(
    Channel,
    {
        "Trực tiếp tại bộ phận một cửa": Channel.IN_PERSON,
        "Tại quầy": Channel.IN_PERSON,
        "direct": Channel.IN_PERSON,
        "Trực tuyến (DVC)": Channel.ONLINE,
        "Dịch vụ công trực tuyến": Channel.ONLINE,
        "DVCTT": Channel.ONLINE,
        "Bưu chính": Channel.POSTAL,
        "BCCI": Channel.POSTAL,
        "post": Channel.POSTAL,
    },
)
TRUE_VALUES = {"1", "x", "co", "true", "yes", "y", "da so hoa", "da thanh toan"}
FALSE_VALUES = {"", "0", "khong", "false", "no", "n", "chua"}
LEVEL_ALIASES = _aliases(
    Level, {"tinh": Level.PROVINCE, "huyen": Level.DISTRICT, "xa": Level.COMMUNE}
)
ONLINE_ALIASES = _aliases(OnlineService, {"": OnlineService.NONE, "toan trinh": "online_full"})

# dd/mm/yyyy [hh:mm[:ss]] (the one-stop systems' export) or yyyy-mm-dd[ hh:mm[:ss]] (ISO);
# a regular expression is several times faster than strptime over 300,000 rows.
VN_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")


@dataclass
class ImportError_:
    row: int | None
    column: str
    reason: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "reason": self.reason}

    def __str__(self) -> str:
        where = f"Dòng {self.row}" if self.row else "Tệp"
        return f"{where}, cột {self.column}: {self.reason}"


@dataclass
class ImportResult:
    """What an import did (or, in a dry run, would do)."""

    total_rows: int = 0
    created: int = 0
    updated: int = 0
    rejected: int = 0
    error_count: int = 0
    errors: list[ImportError_] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add_error(self, row: int | None, column: str, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(ImportError_(row, column, reason))


class ImportRejected(Exception):
    """The file had errors; nothing was saved. `result` lists them."""

    def __init__(self, result: ImportResult):
        super().__init__(f"{result.error_count} lỗi")
        self.result = result


class _Rollback(Exception):
    pass


class ImportAlreadyStarted(Exception):
    """The upload is no longer waiting for confirmation."""


def parse_datetime_cell(value: Any, *, end_of_day: bool = False) -> dt.datetime | None:
    """A cell as an aware datetime in the portal's time zone; None when empty.

    A date without a time means the start of that day, or its last second for a due date
    (ngày hẹn trả: the dossier is due by the end of that day). Raises ValueError.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    tz = timezone.get_default_timezone()
    if isinstance(value, dt.datetime):
        naive = value.replace(tzinfo=None) if value.tzinfo is None else None
        if naive is None:
            return value
        return naive.replace(tzinfo=tz)
    if isinstance(value, dt.date):
        time = dt.time(23, 59, 59) if end_of_day else dt.time.min
        return dt.datetime.combine(value, time, tzinfo=tz)
    text = str(value).strip()
    match = VN_DATE.fullmatch(text)
    if match:
        day, month, year, hour, minute, second = match.groups()
    else:
        match = ISO_DATE.fullmatch(text)
        if not match:
            raise ValueError(text)
        year, month, day, hour, minute, second = match.groups()
    if hour is None:
        hour, minute, second = (23, 59, 59) if end_of_day else (0, 0, 0)
    # datetime() itself rejects 31/02 or 25:00 with ValueError.
    return dt.datetime(
        int(year), int(month), int(day), int(hour), int(minute), int(second or 0), tzinfo=tz
    )


def _bool(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value)
    key = _key(value)
    if key in TRUE_VALUES:
        return True
    if key in FALSE_VALUES:
        return False
    raise ValueError(str(value))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def unit_code_map() -> dict[str, int]:
    """Official code (as given or zero-padded) → unit id; the latest unit wins a reused code."""
    mapping: dict[str, int] = {}
    units = AdministrativeUnit.objects.order_by("valid_from").values_list("code", "level", "pk")
    for code, _level, pk in units:
        mapping[code] = pk
        mapping.setdefault(code.lstrip("0") or "0", pk)
    return mapping


def _resolve_unit(mapping: dict[str, int], code: str) -> int | None:
    if code in mapping:
        return mapping[code]
    for width in CODE_WIDTH.values():
        if code.zfill(width) in mapping:
            return mapping[code.zfill(width)]
    return None


@dataclass
class _DossierRow:
    code: str
    procedure_id: int
    unit_id: int
    channel: str
    received_at: dt.datetime
    due_at: dt.datetime | None
    finished_at: dt.datetime | None
    returned_at: dt.datetime | None
    status: str
    digitised_dossier: bool
    digitised_result: bool
    paid_online: bool


def _check_columns(header: list[str], required: list[str], result: ImportResult) -> dict[str, int]:
    index = {name: i for i, name in enumerate(header) if name}
    for column in required:
        if column not in index:
            result.add_error(None, column, ERR_MISSING_COLUMN)
    return index


def _dossier_row(
    number: int,
    values: list[Any],
    index: dict[str, int],
    units: dict[str, int],
    procedures: dict[str, int],
    result: ImportResult,
) -> _DossierRow | None:
    errors_before = result.error_count

    def cell(column: str) -> Any:
        i = index.get(column)
        return values[i] if i is not None and i < len(values) else None

    def err(column: str, reason: str) -> None:
        result.add_error(number, column, reason)

    code = _text(cell("ma_ho_so"))
    if not code:
        err("ma_ho_so", ERR_REQUIRED)
    elif len(code) > 64:
        err("ma_ho_so", ERR_TOO_LONG.format(limit=64))
    procedure_code = _text(cell("ma_tthc"))
    procedure_id = procedures.get(procedure_code)
    if not procedure_code:
        err("ma_tthc", ERR_REQUIRED)
    elif procedure_id is None:
        err("ma_tthc", ERR_UNKNOWN_PROCEDURE.format(value=procedure_code))
    unit_code = _text(cell("ma_don_vi"))
    unit_id = _resolve_unit(units, unit_code) if unit_code else None
    if not unit_code:
        err("ma_don_vi", ERR_REQUIRED)
    elif unit_id is None:
        err("ma_don_vi", ERR_UNKNOWN_UNIT.format(value=unit_code))
    channel_raw = _text(cell("kenh"))
    channel = CHANNEL_ALIASES.get(_key(channel_raw))
    if not channel_raw:
        err("kenh", ERR_REQUIRED)
    elif channel is None:
        err("kenh", ERR_UNKNOWN_CHANNEL.format(value=channel_raw))
    stamps: dict[str, dt.datetime | None] = {}
    for column in ("ngay_tiep_nhan", "ngay_hen_tra", "ngay_ket_thuc", "ngay_tra_ket_qua"):
        raw = cell(column)
        try:
            stamps[column] = parse_datetime_cell(raw, end_of_day=column == "ngay_hen_tra")
        except ValueError:
            stamps[column] = None
            err(column, ERR_BAD_DATE.format(value=_text(raw)))
            continue
        if column == "ngay_tiep_nhan" and stamps[column] is None:
            err(column, ERR_REQUIRED)
    received = stamps["ngay_tiep_nhan"]
    if received and stamps["ngay_hen_tra"] and stamps["ngay_hen_tra"] < received:
        err("ngay_hen_tra", ERR_DUE_BEFORE_RECEIVED)
    if received and stamps["ngay_ket_thuc"] and stamps["ngay_ket_thuc"] < received:
        err("ngay_ket_thuc", ERR_FINISHED_BEFORE_RECEIVED)
    status_raw = _text(cell("trang_thai"))
    if status_raw:
        status = STATUS_ALIASES.get(_key(status_raw))
        if status is None:
            err("trang_thai", ERR_UNKNOWN_STATUS.format(value=status_raw))
    else:
        # No status column in some exports: the timestamps say where the dossier stands.
        if stamps["ngay_tra_ket_qua"]:
            status = DossierStatus.RETURNED
        elif stamps["ngay_ket_thuc"]:
            status = DossierStatus.FINISHED
        else:
            status = DossierStatus.IN_PROGRESS
    flags = {}
    for column in ("so_hoa_ho_so", "so_hoa_ket_qua", "thanh_toan_truc_tuyen"):
        try:
            flags[column] = _bool(cell(column))
        except ValueError:
            flags[column] = False
            err(column, ERR_BAD_BOOLEAN.format(value=_text(cell(column))))
    if result.error_count > errors_before:
        result.rejected += 1
        return None
    return _DossierRow(
        code=code,
        procedure_id=procedure_id,
        unit_id=unit_id,
        channel=channel,
        received_at=received,
        due_at=stamps["ngay_hen_tra"],
        finished_at=stamps["ngay_ket_thuc"],
        returned_at=stamps["ngay_tra_ket_qua"],
        status=status,
        digitised_dossier=flags["so_hoa_ho_so"],
        digitised_result=flags["so_hoa_ket_qua"],
        paid_online=flags["thanh_toan_truc_tuyen"],
    )


UPDATE_FIELDS = [
    "procedure_id",
    "unit_id",
    "channel",
    "received_at",
    "due_at",
    "finished_at",
    "returned_at",
    "status",
    "digitised_dossier",
    "digitised_result",
    "paid_online",
]


STAGING_TABLE = "procedures_dossier_staging"


def _write_batch(batch: list[_DossierRow]) -> None:
    """Insert or update a batch by dossier code (INSERT … ON CONFLICT (code) DO UPDATE).

    On PostgreSQL the batch is COPYed into a temporary staging table and upserted from there in
    one statement: the ORM's multi-row INSERT spends more time building SQL than the database
    spends writing. Elsewhere (SQLite) bulk_create does the same upsert.
    """
    if connection.vendor == "postgresql":
        _write_batch_postgresql(batch)
        return
    Dossier.objects.bulk_create(
        [Dossier(**row.__dict__) for row in batch],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=[f.removesuffix("_id") for f in UPDATE_FIELDS],
        batch_size=BATCH_SIZE,
    )


def _write_batch_postgresql(batch: list[_DossierRow]) -> None:
    table = Dossier._meta.db_table
    columns = ["code", *UPDATE_FIELDS]
    column_list = ", ".join(columns)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in UPDATE_FIELDS)
    with connection.cursor() as cursor:
        # Dropped with the import's transaction; created once per import.
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {STAGING_TABLE} ON COMMIT DROP AS "
            f"SELECT {column_list} FROM {table} WITH NO DATA"
        )
        cursor.execute(f"TRUNCATE {STAGING_TABLE}")
        with cursor.cursor.copy(f"COPY {STAGING_TABLE} ({column_list}) FROM STDIN") as copy:
            for row in batch:
                copy.write_row([getattr(row, c) for c in columns])
        cursor.execute(
            f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM {STAGING_TABLE} "
            f"ON CONFLICT (code) DO UPDATE SET {updates}"
        )


SEEN_TABLE = "procedures_dossier_seen"


def _seen_codes_reset() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {SEEN_TABLE} (code text, row_no integer) "
            "ON COMMIT DROP"
        )
        cursor.execute(f"TRUNCATE {SEEN_TABLE}")


def _seen_codes_add(codes: dict[str, int]) -> None:
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {SEEN_TABLE} (code, row_no) FROM STDIN") as copy,
    ):
        for code, number in codes.items():
            copy.write_row((code, number))


def _seen_codes_repeated() -> list[tuple[str, int, int]]:
    """(code, row, first row) of every code seen in an earlier batch, in row order."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT code, row_no, first FROM (SELECT code, row_no, "
            f"min(row_no) OVER (PARTITION BY code) AS first FROM {SEEN_TABLE}) AS s "
            "WHERE row_no > first ORDER BY row_no"
        )
        return cursor.fetchall()


def _count_existing(codes: list[str]) -> int:
    return Dossier.objects.filter(code__in=codes).count()


def dossiers_import_file(
    *,
    path: Path | str,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import (or, with `dry_run`, check) a one-stop system export; all or nothing.

    Raises ImportRejected (nothing saved) when any row is wrong; the result lists the errors.
    `progress(rows_done)` is called after each batch.
    """
    result = ImportResult(dry_run=dry_run)
    try:
        header, rows = iter_table(Path(path))
    except TabularFileError as exc:
        result.add_error(None, "", str(exc))
        raise ImportRejected(result) from None
    index = _check_columns(header, REQUIRED_DOSSIER_COLUMNS, result)
    if not result.ok:
        raise ImportRejected(result)
    units = unit_code_map()
    procedures = dict(Procedure.objects.values_list("code", "pk"))
    # Codes already seen, to report a code repeated in the file. On PostgreSQL only the current
    # batch is kept here and earlier batches' codes go to a temporary table, so memory stays flat
    # whatever the file size; SQLite (development) keeps them all.
    codes_in_database = connection.vendor == "postgresql"
    first_seen: dict[str, int] = {}
    try:
        with transaction.atomic():
            batch: list[_DossierRow] = []
            if codes_in_database:
                _seen_codes_reset()

            def flush() -> None:
                existing = _count_existing([r.code for r in batch])
                result.updated += existing
                result.created += len(batch) - existing
                if not dry_run and result.ok:
                    _write_batch(batch)
                if codes_in_database:
                    _seen_codes_add(first_seen)
                    first_seen.clear()
                batch.clear()
                if progress:
                    progress(result.total_rows)

            for number, values in _rows_guarded(rows, result):
                result.total_rows += 1
                row = _dossier_row(number, values, index, units, procedures, result)
                if row is None:
                    continue
                if row.code in first_seen:
                    result.add_error(
                        number,
                        "ma_ho_so",
                        ERR_DUPLICATE_CODE.format(value=row.code, first=first_seen[row.code]),
                    )
                    result.rejected += 1
                    continue
                first_seen[row.code] = number
                batch.append(row)
                if len(batch) >= BATCH_SIZE:
                    flush()
            if batch:
                flush()
            if codes_in_database:
                for code, number, first in _seen_codes_repeated():
                    result.add_error(
                        number, "ma_ho_so", ERR_DUPLICATE_CODE.format(value=code, first=first)
                    )
                    result.rejected += 1
            if not result.ok or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    if not result.ok:
        raise ImportRejected(result)
    return result


def _rows_guarded(
    rows: Iterator[tuple[int, list[Any]]], result: ImportResult
) -> Iterator[tuple[int, list[Any]]]:
    try:
        yield from rows
    except TabularFileError as exc:
        result.add_error(None, "", str(exc))


# --- Procedures catalogue -------------------------------------------------------------------


def procedures_import_file(*, path: Path | str) -> ImportResult:
    """Import the TTHC catalogue (create or update by code); all or nothing."""
    result = ImportResult()
    try:
        header, rows = iter_table(Path(path))
    except TabularFileError as exc:
        result.add_error(None, "", str(exc))
        raise ImportRejected(result) from None
    index = _check_columns(header, REQUIRED_PROCEDURE_COLUMNS, result)
    if not result.ok:
        raise ImportRejected(result)
    provinces = dict(
        AdministrativeUnit.objects.filter(level=Level.PROVINCE).values_list("code", "pk")
    )
    fields_by_code = {f.code: f for f in ProcedureField.objects.all()}
    existing = set(Procedure.objects.values_list("code", flat=True))
    try:
        with transaction.atomic():
            for number, values in _rows_guarded(rows, result):
                result.total_rows += 1
                _procedure_row(number, values, index, provinces, fields_by_code, existing, result)
            if not result.ok:
                raise _Rollback
    except _Rollback:
        pass
    if not result.ok:
        raise ImportRejected(result)
    return result


def _procedure_row(number, values, index, provinces, fields_by_code, existing, result) -> None:
    def cell(column: str) -> str:
        i = index.get(column)
        return _text(values[i]) if i is not None and i < len(values) else ""

    errors_before = result.error_count
    code, name, field_code = cell("ma_tthc"), cell("ten_tthc"), cell("ma_linh_vuc")
    for column, value in (("ma_tthc", code), ("ten_tthc", name), ("ma_linh_vuc", field_code)):
        if not value:
            result.add_error(number, column, ERR_REQUIRED)
    # Too long for its column: an error of the row, not a database error for the whole file.
    for column, value, model, name_of in (
        ("ma_tthc", code, Procedure, "code"),
        ("ten_tthc", name, Procedure, "name"),
        ("ma_linh_vuc", field_code, ProcedureField, "code"),
        ("ten_linh_vuc", cell("ten_linh_vuc"), ProcedureField, "name"),
    ):
        limit = model._meta.get_field(name_of).max_length
        if len(value) > limit:
            result.add_error(number, column, ERR_TOO_LONG.format(limit=limit))
    level = LEVEL_ALIASES.get(_key(cell("cap_thuc_hien")))
    if level is None:
        result.add_error(
            number, "cap_thuc_hien", ERR_UNKNOWN_LEVEL.format(value=cell("cap_thuc_hien"))
        )
    days = None
    if cell("thoi_han_ngay"):
        try:
            days = int(float(cell("thoi_han_ngay").replace(",", ".")))
        except ValueError:
            result.add_error(
                number, "thoi_han_ngay", ERR_BAD_INTEGER.format(value=cell("thoi_han_ngay"))
            )
    legacy = None
    if cell("muc_do"):
        if cell("muc_do") in {"1", "2", "3", "4"}:
            legacy = int(cell("muc_do"))
        else:
            result.add_error(number, "muc_do", ERR_BAD_ONLINE_LEVEL.format(value=cell("muc_do")))
    online = ONLINE_ALIASES.get(_key(cell("dvc_truc_tuyen")))
    if online is None:
        result.add_error(
            number, "dvc_truc_tuyen", ERR_UNKNOWN_ONLINE.format(value=cell("dvc_truc_tuyen"))
        )
    province_id = None
    if cell("ma_tinh"):
        province_id = provinces.get(cell("ma_tinh").zfill(2))
        if province_id is None:
            result.add_error(number, "ma_tinh", ERR_UNKNOWN_PROVINCE.format(value=cell("ma_tinh")))
    active = True
    if cell("con_hieu_luc"):
        try:
            active = _bool(cell("con_hieu_luc"))
        except ValueError:
            result.add_error(
                number, "con_hieu_luc", ERR_BAD_BOOLEAN.format(value=cell("con_hieu_luc"))
            )
    if result.error_count > errors_before:
        result.rejected += 1
        return
    proc_field = fields_by_code.get(field_code)
    if proc_field is None:
        proc_field = ProcedureField.objects.create(
            code=field_code, name=cell("ten_linh_vuc") or field_code
        )
        fields_by_code[field_code] = proc_field
    Procedure.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "field": proc_field,
            "level": level,
            "processing_days": days,
            "legacy_online_level": legacy,
            "online_service": online,
            "province_id": province_id,
            "active": active,
        },
    )
    if code in existing:
        result.updated += 1
    else:
        existing.add(code)
        result.created += 1


# --- Upload page: preview, confirm, background run ------------------------------------------


def _progress_key(record_id: int) -> str:
    return f"procedures:dossier-import:{record_id}:progress"


def dossier_import_progress(record: DossierImport) -> int:
    """Rows done so far: the running import's own transaction hides its writes, so it reports
    through the cache, not the record."""
    if record.status == DossierImportStatus.RUNNING:
        return cache.get(_progress_key(record.pk), record.processed_rows)
    return record.processed_rows


def _store_result(record: DossierImport, result: ImportResult, status: str) -> None:
    record.total_rows = result.total_rows
    record.created_count = result.created
    record.updated_count = result.updated
    record.rejected_count = result.rejected
    record.error_count = result.error_count
    record.errors = [e.as_dict() for e in result.errors]
    record.status = status


def dossier_import_preview(*, record: DossierImport) -> DossierImport:
    """Dry run of an uploaded file: fill in what would be created, updated and rejected."""
    try:
        result = dossiers_import_file(path=record.stored_file, dry_run=True)
        status = DossierImportStatus.PREVIEWED
    except ImportRejected as exc:
        result = exc.result
        status = DossierImportStatus.REJECTED
    _store_result(record, result, status)
    record.processed_rows = 0
    record.save()
    if status == DossierImportStatus.REJECTED:
        _discard_upload(record)
    return record


def dossier_import_run(*, record: DossierImport) -> DossierImport:
    """The real import of a previewed upload (called in a background thread by the page)."""

    def progress(done: int) -> None:
        cache.set(_progress_key(record.pk), done, 3600)

    try:
        result = dossiers_import_file(path=record.stored_file, progress=progress)
        status = DossierImportStatus.DONE
    except ImportRejected as exc:  # the data changed between preview and confirm
        result = exc.result
        status = DossierImportStatus.REJECTED
    except Exception as exc:  # keep the record truthful whatever went wrong
        result = ImportResult()
        result.add_error(None, "", str(exc))
        status = DossierImportStatus.FAILED
    _store_result(record, result, status)
    record.processed_rows = result.total_rows
    record.finished_at = timezone.now()
    record.save()
    cache.delete(_progress_key(record.pk))
    _discard_upload(record)
    return record


def _discard_upload(record: DossierImport) -> None:
    """Uploaded exports hold personal data: keep them only until they are imported or refused."""
    if record.stored_file:
        Path(record.stored_file).unlink(missing_ok=True)


def dossier_import_start(*, record: DossierImport, in_background: bool = True) -> None:
    """Mark a previewed upload running and import it, in a thread of this web process.

    A thread is enough for one province's uploads; a real queue would take over past one
    machine (ARCHITECTURE.md, "Scale").
    """
    claimed = DossierImport.objects.filter(
        pk=record.pk, status=DossierImportStatus.PREVIEWED
    ).update(status=DossierImportStatus.RUNNING)
    if not claimed:  # a second click, or another tab, got there first
        raise ImportAlreadyStarted
    record.status = DossierImportStatus.RUNNING
    if not in_background:
        dossier_import_run(record=record)
        return

    def work() -> None:
        close_old_connections()
        try:
            dossier_import_run(record=record)
        finally:
            connection.close()

    threading.Thread(target=work, daemon=True, name=f"dossier-import-{record.pk}").start()
