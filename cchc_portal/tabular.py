"""Reading and writing rows: CSV/XLSX readers for imports, safe cells for exports.

Imports stream rows (memory flat whatever the file size) and report positions as the user sees
them in Excel: row 2 is the first data row under the header.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings

from cchc_portal.uploads import zip_too_large

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class TabularFileError(ValueError):
    """The file cannot be read as a table; the message says why, for the user."""


def safe_cell(value: Any) -> Any:
    """A value that a spreadsheet will show, never execute: text starting a formula is quoted.

    A lone "=" (the ranking's "rank unchanged") is no formula and stays as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and value != "=":
        return "'" + value
    return value


def write_csv(
    stream: SupportsWrite[str], headers: list[str], rows: Iterable[Iterable[Any]]
) -> None:
    writer = csv.writer(stream)
    writer.writerow(headers)
    _write_rows(writer, rows)


def _write_rows(writer: Any, rows: Iterable[Iterable[Any]]) -> None:
    for row in rows:
        writer.writerow([safe_cell(_plain(v)) for v in row])


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else value


def check_xlsx_archive(path: Path) -> None:
    """Refuse an xlsx whose zip entries would expand beyond sane limits (cchc_portal.uploads)."""
    with open(path, "rb") as fh:
        verdict = zip_too_large(fh, path.stat().st_size)
    if verdict is None:
        raise TabularFileError("Tệp không phải là tệp Excel (.xlsx) hợp lệ.")
    if verdict:
        raise TabularFileError(
            "Tệp Excel giải nén quá lớn so với kích thước tệp (nghi là tệp độc hại); đã từ chối."
        )


def detect_format(path: Path) -> str:
    with open(path, "rb") as fh:
        head = fh.read(4)
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    return "csv"


def iter_table(path: Path) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    """Header (normalised to lower case) and an iterator of (row number, values).

    CSV (UTF-8, with or without BOM, comma or semicolon) or XLSX (first sheet), decided by the
    file's content, not its name. Fully empty rows are skipped.
    """
    path = Path(path)
    max_bytes = getattr(settings, "UPLOAD_MAX_BYTES", None)
    if max_bytes and path.stat().st_size > max_bytes:
        raise TabularFileError(f"Tệp lớn hơn giới hạn {max_bytes // (1024 * 1024)} MB.")
    if detect_format(path) == "xlsx":
        return _iter_xlsx(path)
    return _iter_csv(path)


def _normalise_header(values: Iterable[Any]) -> list[str]:
    return [str(v).strip().lower() if v is not None else "" for v in values]


def _sniff_dialect(sample: str) -> type[csv.Dialect]:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t") if sample else csv.excel
    except csv.Error:
        return csv.excel


def csv_dialect(path: Path) -> type[csv.Dialect]:
    """The dialect `iter_table` reads a CSV file with (sniffed from its first 4,096 characters)."""
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
        return _sniff_dialect(fh.read(4096))


def _iter_csv(path: Path) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    fh = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed by the generator
    try:
        sample = fh.read(4096)
        fh.seek(0)
        dialect = _sniff_dialect(sample)
    except UnicodeDecodeError:
        fh.close()
        raise TabularFileError("Tệp CSV phải được mã hóa UTF-8.") from None
    reader = csv.reader(fh, dialect)
    try:
        header = _normalise_header(next(reader, []))
    except UnicodeDecodeError:
        fh.close()
        raise TabularFileError("Tệp CSV phải được mã hóa UTF-8.") from None

    def rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            for number, row in enumerate(reader, start=2):
                if any("\x00" in cell for cell in row):  # PostgreSQL text cannot hold NUL
                    column = next(i for i, cell in enumerate(row) if "\x00" in cell)
                    name = header[column] if column < len(header) else column + 1
                    raise TabularFileError(
                        f"Dòng {number}, cột {name}: ô chứa ký tự NUL (tệp nhị phân?)."
                    )
                if any(cell.strip() for cell in row):
                    yield number, row
        except UnicodeDecodeError:
            raise TabularFileError("Tệp CSV phải được mã hóa UTF-8.") from None
        finally:
            fh.close()

    return header, rows()


def _iter_xlsx(path: Path) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    from openpyxl import load_workbook

    check_xlsx_archive(path)
    handle = open(path, "rb")  # noqa: SIM115 - a file object: openpyxl would judge by extension
    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        handle.close()
        raise TabularFileError(f"Không đọc được tệp Excel: {exc}") from None
    sheet = workbook.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    header = _normalise_header(next(iterator, ()))

    def rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            for number, row in enumerate(iterator, start=2):
                if any(v is not None and str(v).strip() for v in row):
                    yield number, list(row)
        finally:
            workbook.close()
            handle.close()

    return header, rows()


def csv_bytes(headers: list[str], rows: Iterable[Iterable[Any]]) -> bytes:
    buffer = io.StringIO()
    write_csv(buffer, headers, rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 correctly


def csv_chunks(
    headers: list[str], rows: Iterable[Iterable[Any]], *, rows_per_chunk: int = 2000
) -> Iterator[bytes]:
    """`csv_bytes` for a streaming response: the same file, a chunk of rows at a time, so
    memory stays flat whatever the row count."""
    rows = iter(rows)
    yield csv_bytes(headers, islice(rows, rows_per_chunk))
    while True:
        buffer = io.StringIO()
        before = buffer.tell()
        _write_rows(csv.writer(buffer), islice(rows, rows_per_chunk))
        if buffer.tell() == before:
            return
        yield buffer.getvalue().encode("utf-8")
