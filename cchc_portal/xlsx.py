"""Streaming Excel writer on openpyxl's write_only mode: memory stays flat with the row count,
and the file opens ready to use.

Every sheet gets title rows: the caller's (what it is, for which unit and period), then the
status every export must state (`status`: provisional or published, working data, an internal
extract) and "Thời điểm xuất: dd/mm/yyyy hh:mm", both written here for every export; then a
bold header row that stays in view (frozen) with an autofilter, column
widths fitted to the header and the first rows, numbers as numbers with thousands separators
and fixed decimals, dates as real dates shown dd/mm/yyyy.

Text is written as text: a cell that starts like a formula (= + - @) carries Excel's own
"quote prefix" flag, the hidden apostrophe Excel sets when one types '=…: Excel shows the text
as it is, never evaluates it, and keeps it text when the user edits the cell. No apostrophe is
ever visible, so the ranking's "=" (rank unchanged) reads "=".
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from itertools import chain, islice
from typing import IO, TYPE_CHECKING, Any

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from cchc_portal.tabular import FORMULA_PREFIXES

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
_DATE_FORMATS = {dt.datetime: DATETIME_FORMAT, dt.date: DATE_FORMAT}
VN = dt.timezone(dt.timedelta(hours=7))

MONTH_FORMAT = "MM/YYYY"  # a month written as the date of its first day

# The status line of an export (besides the ranking's and the score sheet's own).
WORKING_DATA = _("Số liệu tạm thời: dữ liệu đang cập nhật, chưa công bố")
INTERNAL_EXTRACT = _("Bản trích xuất nội bộ, không công bố")
PERIOD_OPEN = _("Số liệu tạm thời: kỳ báo cáo chưa kết thúc (đến hết ngày %(end)s)")
PERIOD_CLOSED = _("Số liệu kỳ báo cáo đã kết thúc (đến hết ngày %(end)s)")
EXPORTED_AT = _("Thời điểm xuất: %(at)s")


def period_status(end: dt.date, *, today: dt.date | None = None) -> str:
    """Provisional while the period has not ended (more dossiers will come in), else closed."""
    today = today or timezone.localdate()
    message = PERIOD_OPEN if end >= today else PERIOD_CLOSED
    return str(message) % {"end": f"{end:%d/%m/%Y}"}


def export_titles(
    title_rows: Iterable[StrOrPromise],
    *,
    status: StrOrPromise,
    generated_at: dt.datetime | None = None,
) -> list[str]:
    """The title rows of every export: the caller's lines, the status, the time of export."""
    at = timezone.localtime(generated_at or timezone.now())
    return [
        *(str(line) for line in title_rows),
        str(status),
        str(EXPORTED_AT) % {"at": f"{at:%d/%m/%Y %H:%M}"},
    ]


SAMPLE_ROWS = 200  # rows read ahead to fit the column widths; the rest streams
MIN_WIDTH, MAX_WIDTH = 6, 60

# A sheet: (title, headers, rows) or (title, headers, rows, {column index: number format}).
SheetSpec = tuple[Any, ...]


def _display_length(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, bool):
        return 5
    if isinstance(value, int):
        return len(f"{value:,}")
    if isinstance(value, Decimal | float):
        return len(f"{value:,.2f}")
    text = str(value)
    return max((len(line) for line in text.splitlines()), default=0)


def column_widths(headers: list[str], rows: list[list[Any]]) -> list[float]:
    """Widths (in characters) fitted to the content: the longest value of the sampled rows, the
    header's longest word (headers wrap), within MIN_WIDTH…MAX_WIDTH."""
    widths = []
    for col, header in enumerate(headers):
        longest_word = max((len(w) for w in str(header).split()), default=0)
        content = max((_display_length(r[col]) for r in rows if col < len(r)), default=0)
        wanted = max(content, longest_word, min(len(str(header)), 14)) + 2
        widths.append(float(min(max(wanted, MIN_WIDTH), MAX_WIDTH)))
    return widths


class _RowWriter:
    """Turns a data row into what `append` takes: the plain value when openpyxl's own cell is
    right (integers shown without a format are not: they get the thousands format), else a
    styled cell.

    Styled cells are reused per column and kind: write-only mode serialises each row as it is
    appended, so only the value changes; a new styled cell per value cost as much as the rest of
    the row (bench_export)."""

    def __init__(self, sheet: Any, formats: dict[int, str] | None = None):
        self.sheet = sheet
        self.formats = formats or {}
        self.cells: dict[tuple[int, str], Any] = {}

    def row(self, values: Iterable[Any]) -> list[Any]:
        return [self.value(column, v) for column, v in enumerate(values)]

    def _styled(self, column: int, kind: str, value: Any, number_format: str | None) -> Any:
        cell = self.cells.get((column, kind))
        if cell is None:
            cell = self.cells[(column, kind)] = _cell(
                self.sheet, value, number_format=number_format
            )
        else:
            cell.value = value
            if kind == "text":
                cell.data_type = "s"
        return cell

    def value(self, column: int, value: Any) -> Any:
        kind = type(value)
        if value is None or kind is bool:
            return value
        if kind is str:
            if ILLEGAL_CHARACTERS_RE.search(value):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            if value.startswith(FORMULA_PREFIXES):
                return self._styled(column, "text", value, None)
            return value
        if kind is int:
            return self._styled(column, "int", value, self.formats.get(column, INTEGER_FORMAT))
        if kind is Decimal or kind is float:
            return self._styled(column, "dec", value, self.formats.get(column, DECIMAL_FORMAT))
        if kind in _DATE_FORMATS:
            if kind is dt.datetime and value.tzinfo is not None:
                value = value.astimezone(VN).replace(tzinfo=None)
            date_format = self.formats.get(column, _DATE_FORMATS[kind])
            return self._styled(column, kind.__name__, value, date_format)
        return _cell(self.sheet, value)


def _cell(
    sheet: Any,
    value: Any,
    *,
    bold: bool = False,
    number_format: str | None = None,
    wrap: bool = False,
    size: float | None = None,
    fill: str | None = None,
) -> Any:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.astimezone(VN).replace(tzinfo=None)
    if isinstance(value, str):  # control characters (pasted from Word) make openpyxl raise
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        # Text, never a formula: a string cell with Excel's quote-prefix flag (no visible ').
        cell.data_type = "s"
        cell.quotePrefix = True
    if bold or size:
        cell.font = Font(bold=bold, size=size or 11)
    if wrap:
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    if fill:
        cell.fill = PatternFill("solid", fgColor=fill)
    if number_format:
        cell.number_format = number_format
    elif isinstance(value, bool):
        pass
    elif isinstance(value, int):
        cell.number_format = INTEGER_FORMAT
    elif isinstance(value, Decimal | float):
        cell.number_format = DECIMAL_FORMAT
    elif isinstance(value, dt.datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT
    return cell


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _write_sheet(
    workbook: Any,
    title: str,
    headers: list[str],
    rows: Iterable[Iterable[Any]],
    *,
    formats: dict[int, str] | None,
    titles: list[str],
) -> None:
    sheet = workbook.create_sheet(title=title[:31])
    iterator: Iterator[list[Any]] = (list(r) for r in rows)
    sample = list(islice(iterator, SAMPLE_ROWS))
    # Write-only mode writes the sheet's top (widths, frozen panes) with the first row: both are
    # set before it; the filter goes in the sheet's tail and is set once the rows are counted.
    for col, width in enumerate(column_widths(headers, sample), start=1):
        sheet.column_dimensions[_column_letter(col)].width = width
    header_row = len(titles) + (2 if titles else 1)
    sheet.freeze_panes = f"A{header_row + 1}"
    for i, line in enumerate(titles):
        sheet.append([_cell(sheet, line, bold=True, size=13 if i == 0 else None)])
    if titles:
        sheet.append([])
    sheet.append([_cell(sheet, h, bold=True, wrap=True, fill="E8EEF4") for h in headers])
    writer = _RowWriter(sheet, formats)
    last = header_row
    for row in chain(sample, iterator):
        sheet.append(writer.row(row))
        last += 1
    if headers:
        sheet.auto_filter.ref = (
            f"A{header_row}:{_column_letter(len(headers))}{max(last, header_row)}"
        )


def write_xlsx(
    stream: IO[bytes] | str,
    *,
    sheets: Iterable[SheetSpec],
    title_rows: Iterable[StrOrPromise] = (),
    status: StrOrPromise | None,
    generated_at: dt.datetime | None = None,
) -> None:
    """Write sheets of (title, headers, rows[, number formats by column]) to `stream`, row by
    row. Above the header of every sheet: `title_rows` (report title, unit, period), `status`
    (provisional or published; required, so no export forgets it) and the time of export.
    `status=None` writes a bare data file, the header in row 1 (a file made to be imported)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    titles = (
        export_titles(title_rows, status=status, generated_at=generated_at)
        if status is not None
        else [str(line) for line in title_rows]
    )
    for spec in sheets:
        title, headers, rows = spec[0], spec[1], spec[2]
        formats = spec[3] if len(spec) > 3 else None
        _write_sheet(workbook, title, headers, rows, formats=formats, titles=titles)
    workbook.save(stream)


def xlsx_response(
    *,
    filename: str,
    sheets: Iterable[SheetSpec],
    title_rows: Iterable[StrOrPromise] = (),
    status: StrOrPromise | None,
) -> FileResponse:
    """An attachment response; the workbook is spooled to a temporary file, not held in memory.
    `status=None` only for a file made to be imported again (a template): no title rows."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write_xlsx(spool, sheets=sheets, title_rows=title_rows, status=status)
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )
