"""Streaming Excel writer on openpyxl's write_only mode: memory stays flat with the row count."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, Any

from django.http import FileResponse
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from cchc_portal.tabular import FORMULA_PREFIXES, safe_cell

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


_DATE_FORMATS = {dt.datetime: "DD/MM/YYYY HH:MM", dt.date: "DD/MM/YYYY"}


class _RowWriter:
    """Turns a data row into what `append` takes: the plain value when openpyxl's own cell is
    right (numbers, booleans, text that is no formula), else a formula-safe cell.

    Naive dates and datetimes (most exports have several per row) reuse one styled cell per
    column: write-only mode serialises each row as it is appended, so only the value changes;
    a new styled cell per date cost as much as the rest of the row (bench_export)."""

    def __init__(self, sheet: Any):
        self.sheet = sheet
        self.date_cells: dict[tuple[int, type], Any] = {}

    def row(self, values: Iterable[Any]) -> list[Any]:
        return [self.value(column, v) for column, v in enumerate(values)]

    def value(self, column: int, value: Any) -> Any:
        kind = type(value)
        if value is None or kind is int or kind is bool:
            return value
        if kind is str:
            if value.startswith(FORMULA_PREFIXES) or ILLEGAL_CHARACTERS_RE.search(value):
                return _cell(self.sheet, value)
            return value
        if kind in _DATE_FORMATS and (kind is dt.date or value.tzinfo is None):
            cell = self.date_cells.get((column, kind))
            if cell is None:
                cell = self.date_cells[(column, kind)] = _cell(self.sheet, value)
            else:
                cell.value = value
            return cell
        return _cell(self.sheet, value)


def _cell(sheet: Any, value: Any, *, bold: bool = False, number_format: str | None = None):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.astimezone(dt.timezone(dt.timedelta(hours=7))).replace(tzinfo=None)
    # Text that starts like a formula is quoted, as in CSV exports: typed-in text is never a
    # formula, not even after the user edits the cell or saves the sheet as CSV.
    if isinstance(value, str):  # control characters (pasted from Word) make openpyxl raise
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    value = safe_cell(value)
    cell = WriteOnlyCell(sheet, value=value)
    if bold:
        cell.font = Font(bold=True)
    if number_format:
        cell.number_format = number_format
    elif isinstance(value, Decimal | float):
        cell.number_format = "0.00"
    elif isinstance(value, dt.datetime):
        cell.number_format = "DD/MM/YYYY HH:MM"
    elif isinstance(value, dt.date):
        cell.number_format = "DD/MM/YYYY"
    return cell


def write_xlsx(
    stream: IO[bytes] | str,
    *,
    sheets: Iterable[tuple[str, list[str], Iterable[Iterable[Any]]]],
    title_rows: Iterable[str] = (),
) -> None:
    """Write sheets of (title, headers, rows) to `stream`, row by row.

    `title_rows` are lines above the header of the first sheet (report title, unit, period).
    """
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    titles = list(title_rows)
    for index, (title, headers, rows) in enumerate(sheets):
        sheet = workbook.create_sheet(title=title[:31])
        if index == 0 and titles:
            for line in titles:
                sheet.append([_cell(sheet, line, bold=True)])
            sheet.append([])
        sheet.append([_cell(sheet, h, bold=True) for h in headers])
        writer = _RowWriter(sheet)
        for row in rows:
            sheet.append(writer.row(row))
    workbook.save(stream)


def xlsx_response(
    *,
    filename: str,
    sheets: Iterable[tuple[str, list[str], Iterable[Iterable[Any]]]],
    title_rows: Iterable[str] = (),
) -> FileResponse:
    """An attachment response; the workbook is spooled to a temporary file, not held in memory."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write_xlsx(spool, sheets=sheets, title_rows=title_rows)
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )
