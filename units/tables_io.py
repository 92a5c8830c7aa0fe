"""Reading the small tabular files units imports take (lineage, agencies): CSV or XLSX, the
header naming the columns, every row kept with its number so errors can point at it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cchc_portal.tabular import TabularFileError, iter_table

ERR_MISSING_COLUMNS = gettext_noop("Thiếu cột: %(columns)s.")
ERR_BAD_DATE = gettext_noop("ngày «%(value)s» không hợp lệ (dạng YYYY-MM-DD hoặc dd/mm/yyyy).")
ERR_EMPTY = gettext_noop("không được để trống.")

# Data rows are numbered as a spreadsheet shows them: the header is row 1.
FIRST_ROW = 2


@dataclass
class ImportCounts:
    """What a units import did: rows created, updated, and left as they were."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def summary(self) -> str:
        return _("tạo mới %(created)d, cập nhật %(updated)d, không đổi %(unchanged)d") % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


class TableError(ValueError):
    """A file or rows refused whole; `errors` are "Dòng N, cột X: …" lines. Nothing was saved."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def cell_error(number: int, column: str, message: str) -> str:
    return _("Dòng %(n)s, cột %(col)s: %(msg)s") % {"n": number, "col": column, "msg": message}


def numbered(
    rows: Iterable[Mapping[str, Any]], columns: tuple[str, ...]
) -> list[tuple[int, dict[str, str]]]:
    """Rows given as mappings (a service called from code), numbered as if read from a file."""
    out = []
    for number, row in enumerate(rows, start=FIRST_ROW):
        out.append((number, {c: _text(row.get(c)) for c in columns}))
    return out


def read_rows(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """(row number, {column: text}) for every non-empty row; refuses a file lacking a column."""
    try:
        header, rows = iter_table(Path(path))
        missing = [c for c in columns if c not in header]
        if missing:
            raise TableError([_(ERR_MISSING_COLUMNS) % {"columns": ", ".join(missing)}])
        index = {c: header.index(c) for c in columns}
        return [
            (number, {c: _text(values[i] if i < len(values) else None) for c, i in index.items()})
            for number, values in rows
        ]
    except TabularFileError as exc:
        raise TableError([str(exc)]) from None
    except OSError as exc:
        raise TableError(
            [_("Không đọc được tệp %(path)s: %(err)s") % {"path": path, "err": exc}]
        ) from None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an Excel number cell holding a code
    return str(value).strip()


def parse_day(text: str) -> dt.date | None:
    """YYYY-MM-DD or dd/mm/yyyy; None when it is neither."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return dt.datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        return None
