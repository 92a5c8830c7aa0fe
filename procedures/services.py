"""Writes: importing the TTHC catalogue and the one-stop system's dossier export.

An import is all or nothing: rows are streamed and checked one by one, written in batches inside
one transaction, and any error rolls the whole file back. Errors name the row (as Excel numbers
it: the first data row is 2), the column and the reason; the first `MAX_ERRORS` are kept.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import CharField, QuerySet, TextChoices
from django.utils import timezone
from django.utils.translation import gettext_lazy

from cchc_portal.tabular import TabularFileError, csv_dialect, detect_format, iter_table
from jobs.choices import JobState
from jobs.kinds import JobFailed, kind_of
from jobs.models import Job
from jobs.progress import Progress
from jobs.services import job_retry, job_start, jobs_mark_interrupted
from procedures.choices import Channel, DossierImportStatus, DossierStatus, OnlineService
from procedures.models import Dossier, DossierImport, Procedure, ProcedureField
from units.choices import Level
from units.models import AdministrativeUnit
from units.resolver import ERR_UNKNOWN_CODE, UnitCodeError, UnitResolver, code_key

if TYPE_CHECKING:
    from units.models import User

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
ERR_UNKNOWN_PROCEDURE = "Không có thủ tục hành chính mã «{value}»."
ERR_BAD_DATE = "Không đọc được ngày giờ «{value}» (dùng dd/mm/yyyy [hh:mm[:ss]] hoặc yyyy-mm-dd)."
ERR_DUE_BEFORE_RECEIVED = "Ngày hẹn trả trước ngày tiếp nhận."
ERR_FINISHED_BEFORE_RECEIVED = "Ngày kết thúc trước ngày tiếp nhận."
ERR_UNKNOWN_STATUS = "Trạng thái «{value}» không hợp lệ."
ERR_UNKNOWN_CHANNEL = "Kênh tiếp nhận «{value}» không hợp lệ."
ERR_BAD_BOOLEAN = "Giá trị «{value}» không phải có/không."
ERR_DUPLICATE_CODE = "Mã hồ sơ «{value}» lặp lại trong tệp (dòng {first})."
# The code is taken by a dossier the importer may not see. Unavoidably this says the code exists,
# but never where: the row is refused, the dossier neither moved nor rewritten.
ERR_FOREIGN_DOSSIER = (
    "Mã hồ sơ «{value}» đã là mã của một hồ sơ ngoài phạm vi đơn vị của bạn; không nhập được."
)
ERR_TOO_LONG = "Dài quá {limit} ký tự."
ERR_UNKNOWN_LEVEL = "Cấp thực hiện «{value}» không hợp lệ (tỉnh, huyện, xã)."
ERR_BAD_INTEGER = "«{value}» không phải số nguyên hợp lệ."
ERR_BAD_ONLINE_LEVEL = "Mức độ «{value}» không hợp lệ (1–4)."
ERR_UNKNOWN_ONLINE = "Dịch vụ công trực tuyến «{value}» không hợp lệ."
ERR_NOT_PROVINCIAL = "Chỉ quản trị và cán bộ kiểm tra cấp tỉnh được nhập hồ sơ."


def _key(value: Any) -> str:
    """Lower case, no diacritics, single spaces: "Đã trả kết quả" → "da tra ket qua"."""
    text = str(value).strip().lower().replace("đ", "d")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.replace("_", " ").replace("-", " ").split())


def _aliases(choices: type[TextChoices], extra: dict[str, str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
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

# dd/mm/yyyy [hh:mm[:ss]] (the one-stop systems' export) or yyyy-mm-dd[ hh:mm[:ss]] (ISO), the
# seconds with an optional fraction (how a real Excel date/time cell reads as text);
# a regular expression is several times faster than strptime over 300,000 rows. SQL_DATE below
# is the same pattern for PostgreSQL.
_TIME = r"(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?"
VN_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T]" + _TIME + ")?", re.ASCII)
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]" + _TIME + ")?", re.ASCII)
TIME = re.compile(_TIME, re.ASCII)
NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?", re.ASCII)


@dataclass
class ImportError_:
    row: int | None
    column: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
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
    """The upload is no longer waiting for confirmation, nor for a retry."""


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
    day, at = parse_date_time_text(str(value).strip())
    if at is None:
        at = dt.time(23, 59, 59) if end_of_day else dt.time.min
    return dt.datetime.combine(day, at, tzinfo=tz)


def parse_date_time_text(text: str) -> tuple[dt.date, dt.time | None]:
    """A date with or without a time of day (VN_DATE or ISO_DATE). Raises ValueError."""
    match = VN_DATE.fullmatch(text)
    if match:
        day, month, year, *time = match.groups()
    else:
        match = ISO_DATE.fullmatch(text)
        if not match:
            raise ValueError(text)
        year, month, day, *time = match.groups()
    # date() and time() themselves reject 31/02 or 25:00 with ValueError.
    return dt.date(int(year), int(month), int(day)), _time(*time) if time[0] else None


def parse_time_text(text: str) -> dt.time:
    """hh:mm[:ss[.ffffff]], the part after a date and a space. Raises ValueError."""
    match = TIME.fullmatch(text)
    if not match:
        raise ValueError(text)
    return _time(*match.groups())


def _time(hour: str, minute: str, second: str | None, fraction: str | None) -> dt.time:
    return dt.time(int(hour), int(minute), int(second or 0), int((fraction or "0").ljust(6, "0")))


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
    text = str(value).strip()
    if NUMBER.fullmatch(text):  # as a number cell reads: 0 is no, anything else yes
        return float(text.replace(",", ".")) != 0
    raise ValueError(str(value))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


@dataclass(frozen=True)
class ImportScope:
    """Whose import this is: the units its codes may name (`units`) and whether the dossiers it
    rewrites must be checked to lie among them (`restricted`; not for the system or a superuser).
    """

    units: QuerySet[AdministrativeUnit]
    restricted: bool

    @classmethod
    def of(cls, user: User | None) -> ImportScope:
        """The scope of an import by `user`; None is the system (the command): every unit."""
        if user is None or user.is_superuser:
            return cls(AdministrativeUnit.objects.all(), restricted=False)
        return cls(AdministrativeUnit.objects.visible_to(user), restricted=True)

    def foreign_codes(self, codes: Iterable[str]) -> set[str]:
        """The codes among `codes` of dossiers received by a unit outside the scope."""
        if not self.restricted:
            return set()
        codes = [c for c in codes if c]
        if not codes:
            return set()
        return set(
            Dossier.objects.filter(code__in=codes)
            .exclude(unit__in=self.units)
            .values_list("code", flat=True)
        )


def _received_day(received: dt.datetime) -> dt.date:
    """The local day a dossier was received: the day its unit code names a unit on."""
    return timezone.localtime(received).date()


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


# The rows `iter_table` yields, (row number, cells); and the importer's progress callbacks:
# rows done, and the step it starts (one of the PHASE_* labels).
_Rows = Iterator[tuple[int, list[Any]]]
_Progress = Callable[[int], None]
_Phase = Callable[[str], None]
# The steps an import reports (the upload page shows them): reading and checking every row, then
# writing. On PostgreSQL the whole file is checked before the one statement that writes it; row
# by row (SQLite) each batch is written as soon as it is checked, so a real import only writes.
PHASE_CHECK = gettext_lazy("Kiểm tra tệp")
PHASE_WRITE = gettext_lazy("Ghi hồ sơ")


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
    units: UnitResolver,
    procedures: dict[str, int],
    foreign: set[str],
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
    elif code in foreign:
        err("ma_ho_so", ERR_FOREIGN_DOSSIER.format(value=code))
    procedure_code = _text(cell("ma_tthc"))
    procedure_id = procedures.get(procedure_code)
    if not procedure_code:
        err("ma_tthc", ERR_REQUIRED)
    elif procedure_id is None:
        err("ma_tthc", ERR_UNKNOWN_PROCEDURE.format(value=procedure_code))
    # The dates are read first (the unit code names a unit on the received day), their errors
    # reported after the channel's, in the order of CHECKS.
    stamps: dict[str, dt.datetime | None] = {}
    date_errors: list[tuple[str, str]] = []
    for column in DATE_COLUMNS:
        raw = cell(column)
        try:
            stamps[column] = parse_datetime_cell(raw, end_of_day=column == "ngay_hen_tra")
        except ValueError:
            stamps[column] = None
            date_errors.append((column, ERR_BAD_DATE.format(value=_text(raw))))
            continue
        if column == "ngay_tiep_nhan" and stamps[column] is None:
            date_errors.append((column, ERR_REQUIRED))
    received = stamps["ngay_tiep_nhan"]
    unit_code = _text(cell("ma_don_vi"))
    unit_id = None
    if not unit_code:
        err("ma_don_vi", ERR_REQUIRED)
    elif received is not None:  # without a received day the date's own error says enough
        try:
            unit_id = units.resolve_id(unit_code, on=_received_day(received))
        except UnitCodeError as exc:
            err("ma_don_vi", exc.message)
    channel_raw = _text(cell("kenh"))
    channel = CHANNEL_ALIASES.get(_key(channel_raw))
    if not channel_raw:
        err("kenh", ERR_REQUIRED)
    elif channel is None:
        err("kenh", ERR_UNKNOWN_CHANNEL.format(value=channel_raw))
    for column, reason in date_errors:
        err(column, reason)
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
    # Each of these was reported as an error above when missing; the asserts only say so.
    assert procedure_id is not None and unit_id is not None and channel is not None
    assert received is not None and status is not None
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


def dossiers_import_file(
    *,
    path: Path | str,
    user: User | None = None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    phase: _Phase | None = None,
) -> ImportResult:
    """Import (or, with `dry_run`, check) a one-stop system export; all or nothing.

    Raises ImportRejected (nothing saved) when any row is wrong; the result lists the errors.
    `progress(rows_done)` is called as the rows are read; `phase(label)` as each step
    (PHASE_CHECK, PHASE_WRITE) begins.

    The import is `user`'s (None: the system, every unit): each row's `ma_don_vi` names the unit
    with that code on the dossier's received day among the units the user sees, a code outside
    them gets exactly the unknown-code message, and a row whose `ma_ho_so` is a dossier of a unit
    outside them is an error (the upsert never moves nor rewrites another province's dossier).

    On PostgreSQL the rows are staged as raw text and checked and written by a few set-based
    queries (`_import_in_sql`); elsewhere (SQLite, the development database) each row is checked
    in Python (`_import_row_by_row`). Both report the same errors in the same order.
    """
    result = ImportResult(dry_run=dry_run)
    path = Path(path)
    try:
        header, rows = iter_table(path)
    except TabularFileError as exc:
        result.add_error(None, "", str(exc))
        raise ImportRejected(result) from None
    index = _check_columns(header, REQUIRED_DOSSIER_COLUMNS, result)
    if not result.ok:
        raise ImportRejected(result)
    importer = _import_in_sql if _validates_in_sql() else _import_row_by_row
    scope = ImportScope.of(user)
    try:
        with transaction.atomic():
            importer(
                path=path,
                header=header,
                index=index,
                rows=rows,
                scope=scope,
                units=UnitResolver(scope=scope.units),
                result=result,
                dry_run=dry_run,
                progress=progress,
                phase=phase or _no_phase,
            )
            if not result.ok or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    if not result.ok:
        raise ImportRejected(result)
    return result


def _no_phase(label: str) -> None:
    pass


def _validates_in_sql() -> bool:
    return connection.vendor == "postgresql"


def _chunks(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    while chunk := list(islice(items, size)):
        yield chunk


def _import_row_by_row(
    *,
    index: dict[str, int],
    rows: _Rows,
    scope: ImportScope,
    units: UnitResolver,
    result: ImportResult,
    dry_run: bool,
    progress: _Progress | None,
    phase: _Phase,
    **_: Any,
) -> None:
    """Check each row in Python and upsert in batches (bulk_create with update_conflicts)."""
    phase(str(PHASE_CHECK if dry_run else PHASE_WRITE))
    procedures = dict(Procedure.objects.values_list("code", "pk"))
    first_seen: dict[str, int] = {}  # code → row, to report a code repeated in the file
    batch: list[_DossierRow] = []

    def flush() -> None:
        existing = Dossier.objects.filter(code__in=[r.code for r in batch]).count()
        result.updated += existing
        result.created += len(batch) - existing
        if not dry_run and result.ok:
            Dossier.objects.bulk_create(
                [Dossier(**row.__dict__) for row in batch],
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=[f.removesuffix("_id") for f in UPDATE_FIELDS],
            )
        batch.clear()
        if progress:
            progress(result.total_rows)

    code_at = index["ma_ho_so"]  # a required column, so present (`_check_columns`)
    # Read in chunks so the dossiers outside the scope are looked up once per chunk, before its
    # rows are checked (their errors then come in row order like every other).
    for chunk in _chunks(_rows_guarded(rows, result), BATCH_SIZE):
        foreign = scope.foreign_codes(
            _text(values[code_at]) for _n, values in chunk if code_at < len(values)
        )
        for number, values in chunk:
            result.total_rows += 1
            row = _dossier_row(number, values, index, units, procedures, foreign, result)
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


# --- The same import on PostgreSQL: stage the raw text, check and write with SQL ------------
#
# 1. The rows go as text, with their row numbers, into a temporary table: a CSV file's own bytes
#    through COPY when PostgreSQL's CSV parser reads it as Python's would (the usual case),
#    otherwise the rows `iter_table` yields (XLSX, ragged or oddly quoted CSV).
# 2. The columns with few distinct values (procedure, unit, channel, status, yes/no) are looked
#    up in Python once per distinct value, with the same helpers as the row-by-row path. A unit
#    code names a unit only on a day: the resolver's entries (code key, validity, id, the units
#    of the importer's scope) are staged too, and each distinct (unit code, received day) of the
#    file is joined to them by key and date, as `UnitResolver.resolve_id` matches in Python.
# 3. One CREATE TABLE … AS converts every row (dates parsed by one regular expression, checked
#    field by field, so a bad date is an error bit, never an exception) and records each failed
#    check as a bit; a few queries count the errors and fetch the first ones with their row.
# 4. Only when there is none: one INSERT … SELECT … ON CONFLICT (code) DO UPDATE.

RAW_TABLE = "procedures_dossier_import_raw"
TEXT_TABLE = "procedures_dossier_import_text"
ROWS_TABLE = "procedures_dossier_import_rows"
UNITS_TABLE = "procedures_dossier_import_units"
PAIRS_TABLE = "procedures_dossier_import_unit_days"
COPY_CHUNK = 1 << 20
# The characters Python's str.strip() removes, so SQL trims a cell exactly as `_text` does.
WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
# dd/mm/yyyy or yyyy-mm-dd, then an optional [ T]hh:mm[:ss[.ffffff]]: the formats of
# `parse_datetime_cell`, as one PostgreSQL regular expression (groups read by _DATE_PARTS).
SQL_DATE = (
    r"^(?:([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})|([0-9]{4})-([0-9]{2})-([0-9]{2}))"
    r"(?:[ T]([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,6}))?)?)?$"
)
DATE_COLUMNS = ["ngay_tiep_nhan", "ngay_hen_tra", "ngay_ket_thuc", "ngay_tra_ket_qua"]
BOOLEAN_COLUMNS = ["so_hoa_ho_so", "so_hoa_ket_qua", "thanh_toan_truc_tuyen"]

# Every check, in the order the row-by-row path reports a row's errors; a row's failed checks
# are the bits (1 << position) of its `errors` column. (column, message, quotes the cell?)
CHECKS: list[tuple[str, str, bool]] = [
    ("ma_ho_so", ERR_REQUIRED, False),
    ("ma_ho_so", ERR_TOO_LONG, False),
    ("ma_ho_so", ERR_FOREIGN_DOSSIER, True),
    ("ma_tthc", ERR_REQUIRED, False),
    ("ma_tthc", ERR_UNKNOWN_PROCEDURE, True),
    ("ma_don_vi", ERR_REQUIRED, False),
    # No unit, or several, with the code on the received day: the resolver words the message.
    ("ma_don_vi", ERR_UNKNOWN_CODE, True),
    ("kenh", ERR_REQUIRED, False),
    ("kenh", ERR_UNKNOWN_CHANNEL, True),
    ("ngay_tiep_nhan", ERR_BAD_DATE, True),
    ("ngay_tiep_nhan", ERR_REQUIRED, False),
    ("ngay_hen_tra", ERR_BAD_DATE, True),
    ("ngay_ket_thuc", ERR_BAD_DATE, True),
    ("ngay_tra_ket_qua", ERR_BAD_DATE, True),
    ("ngay_hen_tra", ERR_DUE_BEFORE_RECEIVED, False),
    ("ngay_ket_thuc", ERR_FINISHED_BEFORE_RECEIVED, False),
    ("trang_thai", ERR_UNKNOWN_STATUS, True),
    *((column, ERR_BAD_BOOLEAN, True) for column in BOOLEAN_COLUMNS),
]
CODE_MAX_LENGTH = 64


def _bit(column: str, message: str) -> int:
    for position, (c, m, _quotes) in enumerate(CHECKS):
        if (c, m) == (column, message):
            return 1 << position
    raise KeyError((column, message))


class _NotPlainCsv(Exception):
    """The file's bytes cannot go to COPY as they are; its rows go through Python instead."""


def _import_in_sql(
    *,
    path: Path,
    header: list[str],
    index: dict[str, int],
    rows: _Rows,
    scope: ImportScope,
    units: UnitResolver,
    result: ImportResult,
    dry_run: bool,
    progress: _Progress | None,
    phase: _Phase,
    **_: Any,
) -> None:
    phase(str(PHASE_CHECK))
    width = max(len(header), 1)
    cells = [f"c{i}" for i in range(width)]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '64MB'")  # sorts and hashes of 300,000 codes
        for table in (RAW_TABLE, TEXT_TABLE, ROWS_TABLE, UNITS_TABLE, PAIRS_TABLE):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
        _stage_units(cursor, units)
        cursor.execute(
            f"CREATE TEMP TABLE {RAW_TABLE} (row_no integer GENERATED BY DEFAULT AS IDENTITY "
            f"(START WITH 2), {', '.join(f'{c} text' for c in cells)}) ON COMMIT DROP"
        )
        if detect_format(path) != "csv" or not _stage_csv_bytes(
            cursor, path, header, cells, progress
        ):
            _stage_rows(cursor, rows, cells, result, progress)

        def cell(column: str) -> str:
            i = index.get(column)
            return f"r.c{i}" if i is not None else "NULL::text"

        _convert(cursor, cells, cell)
        if scope.restricted:
            _mark_foreign_dossiers(cursor)

        def unit_reason(code: str, received: dt.datetime) -> str:
            try:
                units.resolve_id(code, on=_received_day(received))
            except UnitCodeError as exc:
                return exc.message
            raise AssertionError(f"{code} resolves in Python but not in SQL")  # pragma: no cover

        _collect_errors(cursor, cell, result, unit_reason)
        exists = f"EXISTS (SELECT FROM {Dossier._meta.db_table} AS d WHERE d.code = x.code)"
        if result.ok and not dry_run:
            phase(str(PHASE_WRITE))
            cursor.execute(UPSERT_SQL)
            created = cursor.fetchone()[0]
            result.created, result.updated = created, result.total_rows - created
        elif result.ok:
            cursor.execute(f"SELECT count(*) FILTER (WHERE {exists}) FROM {ROWS_TABLE} AS x")
            existing = cursor.fetchone()[0]
            result.created, result.updated = result.total_rows - existing, existing
        else:  # what the good rows would do, each code counted once
            cursor.execute(
                f"SELECT count(DISTINCT code), count(DISTINCT code) FILTER (WHERE {exists}) "
                f"FROM {ROWS_TABLE} AS x WHERE errors = 0"
            )
            valid, existing = cursor.fetchone()
            result.created, result.updated = valid - existing, existing
        if progress:
            progress(result.total_rows)


def _stage_units(cursor: CursorWrapper, units: UnitResolver) -> None:
    """The units of the importer's scope, as the resolver matches them (code key, validity)."""
    cursor.execute(
        f"CREATE TEMP TABLE {UNITS_TABLE} (key text, valid_from date, valid_until date, "
        f"unit_id integer) ON COMMIT DROP"
    )
    columns = "key, valid_from, valid_until, unit_id"
    with cursor.cursor.copy(f"COPY {UNITS_TABLE} ({columns}) FROM STDIN") as copy:
        for entry in units.entries():
            copy.write_row(entry)
    cursor.execute(f"ANALYZE {UNITS_TABLE}")


def _mark_foreign_dossiers(cursor: CursorWrapper) -> None:
    """Flag the rows whose code is a dossier received by a unit outside the importer's scope
    (every unit the scope ever held is in UNITS_TABLE)."""
    cursor.execute(
        f"""
        UPDATE {ROWS_TABLE} AS x SET errors = x.errors | {_bit("ma_ho_so", ERR_FOREIGN_DOSSIER)}
        FROM {Dossier._meta.db_table} AS d
        WHERE d.code = x.code
            AND NOT EXISTS (SELECT FROM {UNITS_TABLE} AS u WHERE u.unit_id = d.unit_id)
        """
    )


def _stage_csv_bytes(
    cursor: CursorWrapper,
    path: Path,
    header: list[str],
    cells: list[str],
    progress: _Progress | None,
) -> bool:
    """COPY the file's bytes after its header line; False (nothing staged) when PostgreSQL's
    CSV parser would not read them as `iter_table` does: other quoting, ragged or blank rows,
    broken UTF-8 (then `iter_table` reports it)."""
    dialect = csv_dialect(path)
    if dialect.quotechar != '"' or dialect.escapechar or dialect.skipinitialspace:
        return False
    delimiter = {",": "','", ";": "';'", "\t": "E'\\t'"}.get(dialect.delimiter)
    if delimiter is None:
        return False
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
        start = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
        end = head.find(b"\n", start)
        if end < 0:
            return False
        try:
            line = head[start : end + 1].decode("utf-8")
            if [c.strip().lower() for c in next(csv.reader([line], dialect))] != header:
                return False
        except (UnicodeDecodeError, csv.Error, StopIteration):
            return False
        fh.seek(end + 1)
        columns = ", ".join(cells)
        sql = f"COPY {RAW_TABLE} ({columns}) FROM STDIN (FORMAT csv, DELIMITER {delimiter})"
        try:
            with transaction.atomic(), cursor.cursor.copy(sql) as copy:
                lines, last, pending = 0, b"", b""
                while chunk := fh.read(COPY_CHUNK):
                    # "\." alone on a line would end COPY's input early.
                    if b"\\." in chunk or (last == b"\\" and chunk.startswith(b".")):
                        raise _NotPlainCsv
                    last = chunk[-1:]
                    # Hold back trailing line breaks: blank lines at the end are not rows.
                    data = pending + chunk
                    kept = data.rstrip(b"\r\n")
                    pending = data[len(kept) :]
                    copy.write(kept)
                    lines += chunk.count(b"\n")
                    if progress:
                        progress(lines)
                if pending:
                    copy.write(b"\r\n" if pending.startswith(b"\r\n") else pending[:1])
        except (_NotPlainCsv, psycopg.Error):
            return False
    return True


def _stage_rows(
    cursor: CursorWrapper,
    rows: _Rows,
    cells: list[str],
    result: ImportResult,
    progress: _Progress | None,
) -> None:
    """COPY the rows `iter_table` yields (with their numbers), each cell as `_text` has it."""
    width = len(cells)
    with cursor.cursor.copy(f"COPY {RAW_TABLE} (row_no, {', '.join(cells)}) FROM STDIN") as copy:
        for done, (number, values) in enumerate(_rows_guarded(rows, result), start=1):
            texts = [v if v.__class__ is str else _text(v) for v in values[:width]]
            if len(texts) < width:
                texts += [None] * (width - len(texts))
            copy.write_row((number, *texts))
            if progress and done % BATCH_SIZE == 0:
                progress(done)


@dataclass
class _Lookup:
    """What the distinct texts of one column (an SQL expression over the raw row `r`) mean:
    `fn(text)` gives a tuple of `columns` (name, SQL type), computed once per distinct text."""

    key: str
    columns: list[tuple[str, str]]
    fn: Callable[[str | None], tuple[Any, ...]]

    def join(self, cursor: CursorWrapper, alias: str, params: dict[str, Any]) -> str:
        cursor.execute(f"SELECT DISTINCT {self.key} FROM {TEXT_TABLE}")
        keys = [key for (key,) in cursor.fetchall()]
        found = [self.fn(key) for key in keys]
        params[f"{alias}_raw"] = keys
        for n in range(len(self.columns)):
            params[f"{alias}_{n}"] = [values[n] for values in found]
        unnest = ", ".join(
            [f"%({alias}_raw)s::text[]"]
            + [f"%({alias}_{n})s::{t}[]" for n, (_name, t) in enumerate(self.columns)]
        )
        names = ", ".join(["raw", *(name for name, _type in self.columns)])
        return f"LEFT JOIN unnest({unnest}) AS {alias}({names}) ON {alias}.raw = x.{self.key}"


def _lookups() -> dict[str, _Lookup]:
    """Every column but the dossier code, looked up by distinct text with the same helpers as
    the row-by-row path: a file has few distinct procedures, units, channels, statuses, yes/no
    values, days and times of day, so Python sees each once."""
    procedures = dict(Procedure.objects.values_list("code", "pk"))
    found = [("value", "text"), ("bits", "int")]

    def coded(column: str, mapping: Callable[[str], Any], unknown: str) -> _Lookup:
        def fn(raw: str | None) -> tuple[Any, ...]:
            text = _text(raw)
            if not text:
                return None, _bit(column, ERR_REQUIRED)
            value = mapping(text)
            return value, 0 if value is not None else _bit(column, unknown)

        return _Lookup(column, found, fn)

    # The lookups get NULL (None) for a missing column or cell, as DISTINCT gives it.
    def unit_code(raw: str | None) -> tuple[Any, ...]:  # (code as written, code key)
        text = _text(raw)
        if not text:
            return None, None, _bit("ma_don_vi", ERR_REQUIRED)
        return text, code_key(text), 0

    def status(raw: str | None) -> tuple[Any, ...]:
        if not _text(raw):
            return None, 0  # derived from the dates
        value = STATUS_ALIASES.get(_key(raw))
        return value, 0 if value is not None else _bit("trang_thai", ERR_UNKNOWN_STATUS)

    def boolean(column: str) -> _Lookup:
        def fn(raw: str | None) -> tuple[Any, ...]:
            try:
                return _bool(raw), 0
            except ValueError:
                return None, _bit(column, ERR_BAD_BOOLEAN)

        return _Lookup(column, [("value", "boolean"), ("bits", "int")], fn)

    def day(raw: str | None) -> tuple[Any, ...]:  # (date, time of day if given, ok)
        if not raw:
            return None, None, True
        try:
            return (*parse_date_time_text(raw), True)
        except ValueError:
            return None, None, False

    def time_of_day(raw: str | None) -> tuple[Any, ...]:  # (time, ok)
        if raw is None:
            return None, True
        try:
            return parse_time_text(raw), True
        except ValueError:
            return None, False

    lookups = {
        "ma_tthc": coded("ma_tthc", procedures.get, ERR_UNKNOWN_PROCEDURE),
        "ma_don_vi": _Lookup(
            "ma_don_vi", [("value", "text"), ("key", "text"), ("bits", "int")], unit_code
        ),
        "kenh": coded("kenh", lambda t: CHANNEL_ALIASES.get(_key(t)), ERR_UNKNOWN_CHANNEL),
        "trang_thai": _Lookup("trang_thai", found, status),
        **{column: boolean(column) for column in BOOLEAN_COLUMNS},
    }
    for k in range(len(DATE_COLUMNS)):
        lookups[f"day{k}"] = _Lookup(
            f"day{k}", [("d", "date"), ("tm", "time"), ("ok", "boolean")], day
        )
        lookups[f"time{k}"] = _Lookup(f"time{k}", [("tm", "time"), ("ok", "boolean")], time_of_day)
    return lookups


def _convert(cursor: CursorWrapper, cells: list[str], cell: Callable[[str], str]) -> None:
    """The typed rows, each with the bits of its failed checks (`errors`); blank rows dropped."""
    ws = {"ws": WHITESPACE}

    def trim(column: str) -> str:
        return f"btrim(coalesce({cell(column)}, ''), %(ws)s)"

    # Each cell trimmed once (as `_text` strips), a date cell split into its date and, after
    # the first space, its time of day; blank rows dropped.
    # (The looked-up columns go untrimmed: their lookups strip each distinct text in Python.)
    looked_up = ["ma_tthc", "ma_don_vi", "kenh", "trang_thai", *BOOLEAN_COLUMNS]
    texts = ", ".join(
        [f"{trim('ma_ho_so')} AS ma_ho_so"]
        + [f"coalesce({cell(column)}, '') AS {column}" for column in looked_up]
        + [f"{trim(column)} AS t{k}" for k, column in enumerate(DATE_COLUMNS)]
    )
    splits = ", ".join(
        f"split_part(t{k}, ' ', 1) AS day{k}, "
        f"CASE WHEN strpos(t{k}, ' ') > 0 THEN substr(t{k}, strpos(t{k}, ' ') + 1) END AS time{k}"
        for k in range(len(DATE_COLUMNS))
    )
    others = " AND ".join(f"btrim(coalesce(r.{c}, ''), %(ws)s) = ''" for c in cells)
    cursor.execute(
        f"""
        CREATE TEMP TABLE {TEXT_TABLE} ON COMMIT DROP AS
        SELECT row_no, {", ".join(["ma_ho_so", "ma_tthc", "ma_don_vi", "kenh", "trang_thai"])},
            {", ".join(BOOLEAN_COLUMNS)}, {splits}
        FROM {RAW_TABLE} AS r
        CROSS JOIN LATERAL (SELECT {texts} OFFSET 0) AS t
        WHERE NOT (ma_ho_so = '' AND {others})
        """,
        ws,
    )
    params: dict[str, Any] = {"tz": settings.TIME_ZONE}
    lookups = _lookups()
    unit_codes = lookups.pop("ma_don_vi")
    joins = [lookup.join(cursor, alias, params) for alias, lookup in lookups.items()]
    # The unit codes' lookup only feeds the (code, day) pairs; the rows join the pairs instead
    # (as "ma_don_vi": its `bits` and `key` columns too), so no join is added per row.
    unit_codes.join(cursor, "ma_don_vi", params)
    _resolve_unit_days(cursor, params)
    joins.append(
        f"JOIN {PAIRS_TABLE} AS ma_don_vi ON ma_don_vi.raw = x.ma_don_vi AND ma_don_vi.day = x.day0"
    )

    def valid(k: int) -> str:
        # The date part reads and, after a space, a time of day that reads (then the date
        # part must not carry its own time: "2024-01-02T08:00 09:00").
        return f"(day{k}.ok AND (time{k}.ok IS NULL OR (time{k}.ok AND day{k}.tm IS NULL)))"

    def stamp(k: int) -> str:
        # A date without a time: midnight, or the day's last second for the due date.
        default = "23:59:59" if DATE_COLUMNS[k] == "ngay_hen_tra" else "00:00"
        return (
            f"CASE WHEN {valid(k)} THEN (day{k}.d + coalesce(time{k}.tm, day{k}.tm, "
            f"time '{default}')) AT TIME ZONE %(tz)s END"
        )

    def when(condition: str, bit: int) -> str:
        return f"CASE WHEN {condition} THEN {bit} ELSE 0 END"

    errors = " | ".join(
        [
            when("x.ma_ho_so = ''", _bit("ma_ho_so", ERR_REQUIRED)),
            when(f"length(x.ma_ho_so) > {CODE_MAX_LENGTH}", _bit("ma_ho_so", ERR_TOO_LONG)),
            *(f"{alias}.bits" for alias in ("ma_tthc", "ma_don_vi", "kenh", "trang_thai")),
            *(f"{column}.bits" for column in BOOLEAN_COLUMNS),
            *(when(f"NOT {valid(k)}", _bit(c, ERR_BAD_DATE)) for k, c in enumerate(DATE_COLUMNS)),
            when("day0.d IS NULL AND day0.ok", _bit("ngay_tiep_nhan", ERR_REQUIRED)),
            # A code is resolved on a received day that reads (else that date's error says it).
            when(
                f"ma_don_vi.key IS NOT NULL AND {valid(0)} AND day0.d IS NOT NULL "
                "AND ma_don_vi.unit_id IS NULL",
                _bit("ma_don_vi", ERR_UNKNOWN_CODE),
            ),
        ]
    )
    due_bit = _bit("ngay_hen_tra", ERR_DUE_BEFORE_RECEIVED)
    finished_bit = _bit("ngay_ket_thuc", ERR_FINISHED_BEFORE_RECEIVED)
    # The lookups are bound parameters the planner cannot size: without this it may scan a
    # lookup once per row or sort the rows instead of hashing each lookup once.
    cursor.execute("SET LOCAL enable_nestloop = off")
    cursor.execute("SET LOCAL enable_mergejoin = off")
    cursor.execute(
        f"""
        CREATE TEMP TABLE {ROWS_TABLE} ON COMMIT DROP AS
        SELECT row_no, code, procedure_id, unit_id, channel,
            received_at, due_at, finished_at, returned_at,
            coalesce(status, CASE WHEN returned_at IS NOT NULL THEN '{DossierStatus.RETURNED}'
                WHEN finished_at IS NOT NULL THEN '{DossierStatus.FINISHED}'
                ELSE '{DossierStatus.IN_PROGRESS}' END) AS status,
            digitised_dossier, digitised_result, paid_online,
            errors | CASE WHEN due_at < received_at THEN {due_bit} ELSE 0 END
                | CASE WHEN finished_at < received_at THEN {finished_bit} ELSE 0 END AS errors
        FROM (
            SELECT x.row_no, x.ma_ho_so AS code,
                ma_tthc.value::int AS procedure_id,
                ma_don_vi.unit_id,
                kenh.value AS channel,
                {stamp(0)} AS received_at, {stamp(1)} AS due_at,
                {stamp(2)} AS finished_at, {stamp(3)} AS returned_at,
                trang_thai.value AS status,
                coalesce(so_hoa_ho_so.value, false) AS digitised_dossier,
                coalesce(so_hoa_ket_qua.value, false) AS digitised_result,
                coalesce(thanh_toan_truc_tuyen.value, false) AS paid_online,
                {errors} AS errors
            FROM {TEXT_TABLE} AS x
            {" ".join(joins)}
        ) AS converted
        """,
        params,
    )
    cursor.execute("SET LOCAL enable_nestloop = on")
    cursor.execute("SET LOCAL enable_mergejoin = on")


def _resolve_unit_days(cursor: CursorWrapper, params: dict[str, Any]) -> None:
    """Each distinct (unit code, received day text) of the file, with the code's key and
    required-bit and the unit it names that day, joined from the staged scope by code key and
    validity: the one candidate written as the code is, else the one candidate at all
    (`UnitResolver.resolve_id`); none or several leave `unit_id` empty (an error)."""
    exact = "a.code = u.value"
    cursor.execute(
        f"""
        CREATE TEMP TABLE {PAIRS_TABLE} ON COMMIT DROP AS
        SELECT p.ma_don_vi AS raw, p.day0 AS day, u.key, u.bits,
            CASE WHEN count(e.unit_id) FILTER (WHERE {exact}) = 1
                    THEN min(e.unit_id) FILTER (WHERE {exact})
                WHEN count(e.unit_id) FILTER (WHERE {exact}) = 0 AND count(e.unit_id) = 1
                    THEN min(e.unit_id)
            END AS unit_id
        FROM (SELECT DISTINCT ma_don_vi, day0 FROM {TEXT_TABLE}) AS p
        JOIN unnest(
            %(ma_don_vi_raw)s::text[], %(ma_don_vi_0)s::text[], %(ma_don_vi_1)s::text[],
            %(ma_don_vi_2)s::int[]
        ) AS u(raw, value, key, bits) ON u.raw = p.ma_don_vi
        LEFT JOIN unnest(%(day0_raw)s::text[], %(day0_0)s::date[]) AS d(raw, d)
            ON d.raw = p.day0
        LEFT JOIN (
            {UNITS_TABLE} AS e JOIN {AdministrativeUnit._meta.db_table} AS a ON a.id = e.unit_id
        ) ON e.key = u.key
            AND (e.valid_from IS NULL OR e.valid_from <= d.d)
            AND (e.valid_until IS NULL OR d.d <= e.valid_until)
        GROUP BY p.ma_don_vi, p.day0, u.key, u.bits
        """,
        params,
    )


def _collect_errors(
    cursor: CursorWrapper,
    cell: Callable[[str], str],
    result: ImportResult,
    unit_reason: Callable[[str, dt.datetime], str],
) -> None:
    """Count every error and keep the first MAX_ERRORS, in row order."""
    cursor.execute(
        f"SELECT count(*), count(*) FILTER (WHERE errors <> 0), "
        f"coalesce(sum(bit_count(errors::bit(32))), 0) FROM {ROWS_TABLE}"
    )
    total, bad_rows, bad_checks = cursor.fetchone()
    # A code repeated among otherwise good rows; each repeat names the code's first row.
    cursor.execute(
        f"""
        WITH repeated AS (
            SELECT code, min(row_no) AS first FROM {ROWS_TABLE} WHERE errors = 0
            GROUP BY code HAVING count(*) > 1
        )
        SELECT x.row_no, x.code, repeated.first, count(*) OVER ()
        FROM {ROWS_TABLE} AS x JOIN repeated USING (code)
        WHERE x.errors = 0 AND x.row_no > repeated.first
        ORDER BY x.row_no LIMIT {MAX_ERRORS}
        """
    )
    repeats = cursor.fetchall()
    errors: list[tuple[int, int, str, str]] = []
    for number, code, first, _count in repeats:
        errors.append((number, 0, "ma_ho_so", ERR_DUPLICATE_CODE.format(value=code, first=first)))
    if bad_rows:
        quoted = {column for column, _message, quotes in CHECKS if quotes}
        names = sorted(quoted)
        cursor.execute(
            f"SELECT x.row_no, x.errors, x.received_at, {', '.join(cell(c) for c in names)} "
            f"FROM {ROWS_TABLE} AS x JOIN {RAW_TABLE} AS r USING (row_no) "
            f"WHERE x.row_no IN (SELECT row_no FROM {ROWS_TABLE} WHERE errors <> 0 "
            f"ORDER BY row_no LIMIT {MAX_ERRORS})"
        )
        for number, bits, received, *texts in cursor.fetchall():
            values = dict(zip(names, texts, strict=True))
            for position, (column, message, quotes) in enumerate(CHECKS):
                if bits & (1 << position):
                    value = _text(values[column]) if quotes else ""
                    if message is ERR_UNKNOWN_CODE:
                        reason = unit_reason(value, received)
                    else:
                        reason = message.format(value=value, limit=CODE_MAX_LENGTH)
                    errors.append((number, position, column, reason))
    errors.sort(key=lambda e: (e[0], e[1]))
    repeated = repeats[0][3] if repeats else 0
    # A file that could not be read to its end has its error already; it comes after the rows'.
    unreadable, unreadable_count = result.errors, result.error_count
    result.errors, result.error_count = [], 0
    for number, _position, column, reason in errors[:MAX_ERRORS]:
        result.add_error(number, column, reason)
    for error in unreadable:
        result.add_error(error.row, error.column, error.reason)
    result.total_rows = total
    result.rejected = bad_rows + repeated
    # sum() of integers is numeric in PostgreSQL (a Decimal here): counts are ints.
    result.error_count = int(bad_checks) + repeated + unreadable_count


_UPSERT_COLUMNS = ["code", *UPDATE_FIELDS]
UPSERT_SQL = f"""
    WITH written AS (
        INSERT INTO {Dossier._meta.db_table} AS d ({", ".join(_UPSERT_COLUMNS)})
        SELECT {", ".join(_UPSERT_COLUMNS)} FROM {ROWS_TABLE}
        ON CONFLICT (code) DO UPDATE SET
            {", ".join(f"{c} = EXCLUDED.{c}" for c in UPDATE_FIELDS)}
        -- an unchanged dossier is not rewritten (nor are its five index entries)
        WHERE ({", ".join(f"d.{c}" for c in UPDATE_FIELDS)})
            IS DISTINCT FROM ({", ".join(f"EXCLUDED.{c}" for c in UPDATE_FIELDS)})
        RETURNING xmax = 0 AS created
    )
    SELECT count(*) FILTER (WHERE created) FROM written
"""


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
    # A province code names the province as it stands on the import day (66 is the new Đắk Lắk
    # from 01/07/2025; the old one's catalogue was imported before).
    provinces = _ProvinceCodes(UnitResolver(levels=[Level.PROVINCE]), timezone.localdate())
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


@dataclass(frozen=True)
class _ProvinceCodes:
    resolver: UnitResolver
    day: dt.date


def _procedure_row(
    number: int,
    values: list[Any],
    index: dict[str, int],
    provinces: _ProvinceCodes,
    fields_by_code: dict[str, ProcedureField],
    existing: set[str],
    result: ImportResult,
) -> None:
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
        field = model._meta.get_field(name_of)
        limit = field.max_length if isinstance(field, CharField) else None
        if limit is not None and len(value) > limit:
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
        try:
            province_id = provinces.resolver.resolve_id(cell("ma_tinh"), on=provinces.day)
        except UnitCodeError as exc:
            result.add_error(number, "ma_tinh", exc.message)
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


# --- Upload page: upload, check job, confirm, import job ------------------------------------
#
# An upload is stored under MEDIA_ROOT/dossier-imports (no URL serves it) and checked by a job of
# the queue (KIND_PREVIEW: the dry run of 200,000 rows takes a while, so never in the request);
# confirmed, it is imported, all or nothing, by another (KIND_IMPORT). The record keeps the
# domain side (who, which file, what the check found) and points at its current job, whose live
# progress the page shows. The upload holds personal data: it is deleted once imported, refused
# or failed, and after UPLOAD_KEEP_DAYS unconfirmed (`dossier_uploads_sweep`, daily). An import
# whose worker died keeps it: the job is interrupted, nothing was written, and its retry needs
# the file.

KIND_PREVIEW = "procedures.dossier_import_preview"
KIND_IMPORT = "procedures.dossier_import"
UPLOAD_KEEP_DAYS = 7
ERR_IMPORT_GONE = gettext_lazy("Lần nhập này không còn.")
ERR_UPLOAD_GONE = gettext_lazy("Tệp tải lên không còn (đã xoá); hãy tải lên lại.")
ERR_NOT_AWAITING = gettext_lazy("Lần nhập này không còn chờ xử lý (trạng thái: %(status)s).")
ERR_REJECTED_AT_IMPORT = gettext_lazy(
    "Tệp bị từ chối khi nhập: %(count)d lỗi, không có gì được lưu."
)


def uploads_folder() -> Path:
    """Under MEDIA_ROOT, which no URL serves: an upload is read only by its jobs."""
    return Path(settings.MEDIA_ROOT) / "dossier-imports"


def _store_result(record: DossierImport, result: ImportResult, status: str) -> None:
    record.total_rows = result.total_rows
    record.created_count = result.created
    record.updated_count = result.updated
    record.rejected_count = result.rejected
    record.error_count = result.error_count
    record.errors = [e.as_dict() for e in result.errors]
    record.status = status


def _importer(record: DossierImport) -> User:
    """The user an upload is imported as: whoever uploaded it (never the system's scope)."""
    if record.created_by is None:
        raise PermissionError("An upload without its uploader is not imported.")
    return record.created_by


def _discard_upload(record: DossierImport) -> None:
    """Uploaded exports hold personal data: keep them only until they are imported or refused."""
    if record.stored_file:
        Path(record.stored_file).unlink(missing_ok=True)


def _start_job(record: DossierImport, kind: str, by: User) -> Job:
    """Put the record's next job on the queue and point the record at it. In the caller's
    transaction: the queue's row and the record's link are written together. (The immediate
    backend of the tests runs the job inside `job_start`, so the link is an UPDATE that leaves
    what the job wrote alone.)"""
    job = job_start(kind=kind_of(kind), owner=by, params={"import": record.pk})
    DossierImport.objects.filter(pk=record.pk).update(job=job)
    return job


def dossier_import_upload(*, upload: UploadedFile, by: User) -> DossierImport:
    """Store an uploaded export and put its check (the dry run) on the queue."""
    folder = uploads_folder()
    folder.mkdir(parents=True, exist_ok=True)
    name = Path(upload.name or "").name
    target = folder / f"{uuid.uuid4().hex}{Path(name).suffix.lower()[:5]}"
    with open(target, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    try:
        with transaction.atomic():
            record = DossierImport.objects.create(
                created_by=by, unit=by.scope_unit, file_name=name[:255], stored_file=str(target)
            )
            _start_job(record, KIND_PREVIEW, by)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    record.refresh_from_db()
    return record


def dossier_import_start(*, record: DossierImport, by: User) -> Job:
    """Confirm a previewed upload: import it as a job. An upload whose job was interrupted (its
    worker died: nothing was written) or failed with its file still there is run again instead.
    Raises ImportAlreadyStarted when there is nothing to start (a second click, a stale page, a
    job still running, a finished import)."""
    with transaction.atomic():
        claimed = DossierImport.objects.filter(
            pk=record.pk, status=DossierImportStatus.PREVIEWED
        ).update(status=DossierImportStatus.RUNNING)
        if claimed:
            started = _start_job(record, KIND_IMPORT, by)
            record.refresh_from_db()
            return started
    record.refresh_from_db()
    job = record.job
    if job is None or not dossier_import_retryable(job):
        raise ImportAlreadyStarted
    jobs_mark_interrupted()
    job.refresh_from_db()
    if job.state not in (JobState.INTERRUPTED, JobState.FAILED):
        raise ImportAlreadyStarted
    retried = job_retry(job=job, by=by)
    record.refresh_from_db()
    return retried


def _record_of(job: Job) -> DossierImport:
    record = (
        DossierImport.objects.select_related("created_by")
        .filter(pk=job.params.get("import"))
        .first()
    )
    if record is None:
        raise JobFailed(str(ERR_IMPORT_GONE))
    return record


def dossier_import_retryable(job: Job) -> bool:
    """A check or an import may run again while its record still waits for it and the upload is
    still there (an interrupted import keeps it; a refused or finished one does not)."""
    record = DossierImport.objects.filter(pk=job.params.get("import")).first()
    if record is None or record.job_id != job.pk:
        return False
    waiting = (
        DossierImportStatus.PENDING if job.kind == KIND_PREVIEW else DossierImportStatus.RUNNING
    )
    return (
        record.status == waiting and bool(record.stored_file) and Path(record.stored_file).exists()
    )


def _awaiting(record: DossierImport, status: str) -> None:
    if record.status != status:
        raise JobFailed(str(ERR_NOT_AWAITING % {"status": record.get_status_display()}))
    if not record.stored_file or not Path(record.stored_file).exists():
        raise JobFailed(str(ERR_UPLOAD_GONE))


def _summary(record: DossierImport) -> dict[str, Any]:
    return {  # stored as the job's JSON result
        "status": str(record.status),
        "total_rows": int(record.total_rows),
        "created": int(record.created_count),
        "updated": int(record.updated_count),
        "rejected": int(record.rejected_count),
        "errors": int(record.error_count),
    }


def _failed(record: DossierImport, exc: Exception) -> None:
    """Keep the record truthful whatever went wrong, and the upload no longer."""
    result = ImportResult()
    result.add_error(None, "", str(exc))
    _store_result(record, result, DossierImportStatus.FAILED)
    record.finished_at = timezone.now()
    record.save()
    _discard_upload(record)


def dossier_import_preview(job: Job, progress: Progress) -> dict[str, Any]:
    """The check job (KIND_PREVIEW): the dry run of an upload fills in what would be created,
    updated and rejected, with every error by row and column. A refused file is deleted."""
    record = _record_of(job)
    _awaiting(record, DossierImportStatus.PENDING)
    try:
        result = dossiers_import_file(
            path=record.stored_file,
            user=_importer(record),
            dry_run=True,
            progress=progress,
            phase=progress.phase,
        )
        status = DossierImportStatus.PREVIEWED
    except ImportRejected as exc:
        result, status = exc.result, DossierImportStatus.REJECTED
    except Exception as exc:
        _failed(record, exc)
        raise
    _store_result(record, result, status)
    record.save()
    if status == DossierImportStatus.REJECTED:
        _discard_upload(record)
    return _summary(record)


def dossier_import_run(job: Job, progress: Progress) -> dict[str, Any]:
    """The import job (KIND_IMPORT) of a confirmed upload, all or nothing: the dossiers and the
    record's "done" are committed together. Killed midway, it has written nothing and its retry
    starts again from the file."""
    record = _record_of(job)
    _awaiting(record, DossierImportStatus.RUNNING)

    def phase(label: str) -> None:
        progress.phase(label, record.total_rows)

    try:
        with transaction.atomic():
            result = dossiers_import_file(
                path=record.stored_file, user=_importer(record), progress=progress, phase=phase
            )
            _store_result(record, result, DossierImportStatus.DONE)
            record.finished_at = timezone.now()
            record.save()
    except ImportRejected as exc:  # the data changed between the check and the import
        _store_result(record, exc.result, DossierImportStatus.REJECTED)
        record.finished_at = timezone.now()
        record.save()
        _discard_upload(record)
        raise JobFailed(str(ERR_REJECTED_AT_IMPORT % {"count": exc.result.error_count})) from None
    except Exception as exc:
        _failed(record, exc)
        raise
    _discard_upload(record)
    return _summary(record)


def dossier_uploads_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Uploads hold personal data: one not confirmed within UPLOAD_KEEP_DAYS is deleted and its
    record marked expired; any other file of the folder as old is deleted too (an upload whose
    record was never written), except an interrupted import's, which its retry needs."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=UPLOAD_KEEP_DAYS)
    stale = DossierImport.objects.filter(
        status__in=[DossierImportStatus.PENDING, DossierImportStatus.PREVIEWED],
        created_at__lt=cutoff,
    )
    for record in stale:
        _discard_upload(record)
    expired = stale.update(status=DossierImportStatus.EXPIRED)
    kept = set(
        DossierImport.objects.filter(status=DossierImportStatus.RUNNING).values_list(
            "stored_file", flat=True
        )
    )
    files = 0
    folder = uploads_folder()
    for path in folder.iterdir() if folder.is_dir() else ():
        if str(path) not in kept and path.stat().st_mtime < cutoff.timestamp():
            path.unlink(missing_ok=True)
            files += 1
    return {"expired": expired, "files": files}
