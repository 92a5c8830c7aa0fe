import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from cchc_portal.tabular import write_csv
from cchc_portal.xlsx import period_status, write_xlsx
from procedures.exports import stats_headers, stats_rows
from procedures.selectors import BREAKDOWNS, dossier_stats, dossier_stats_breakdown
from units.models import AdministrativeUnit
from units.resolver import UnitCodeError, resolve_unit


def period_unit(code: str, *, start: dt.date, end: dt.date) -> AdministrativeUnit:
    """The unit a code names for a period: as it stands on the period's last day or, when the
    code names no unit that day (a unit dissolved within the period), the one of its first day.
    Raises UnitCodeError (the last day's, when neither day has exactly one unit)."""
    try:
        return resolve_unit(code, on=end)
    except UnitCodeError as at_end:
        if at_end.candidates or start == end:  # two units at the end: ambiguous, say so
            raise
        try:
            return resolve_unit(code, on=start)
        except UnitCodeError as at_start:
            raise (at_start if at_start.candidates else at_end) from None


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Ngày «{value}» không đúng dạng YYYY-MM-DD.") from None


def _write_table(stream, headers: list[str], rows: list[list]) -> None:
    """One line per figure, one column per row (the unit first), aligned: a breakdown of a few
    rows reads like the province's report; the unit code line is left out of the table."""
    width = max(len(h) for h in headers)
    if len(rows) == 1:
        for header, value in zip(headers, rows[0], strict=True):
            stream.write(f"{header:<{width}}  {'' if value is None else value}\n")
        return
    cells = [["" if v is None else str(v) for v in row] for row in rows]
    widths = [max(len(c) for c in column) for column in cells]
    for i, header in enumerate(headers):
        if i == 0:
            continue
        shown = "  ".join(f"{column[i]:>{w}}" for column, w in zip(cells, widths, strict=True))
        stream.write(f"{header:<{width}}  {shown}".rstrip() + "\n")


class Command(BaseCommand):
    help = "Thống kê hồ sơ của một đơn vị trong một kỳ."

    def add_arguments(self, parser):
        parser.add_argument(
            "--unit",
            required=True,
            help="Mã đơn vị, ví dụ 648: đơn vị mang mã đó vào ngày cuối kỳ (hoặc ngày đầu kỳ).",
        )
        parser.add_argument(
            "--descendants", action="store_true", help="Gộp cả các đơn vị cấp dưới."
        )
        parser.add_argument(
            "--by",
            choices=BREAKDOWNS,
            help=(
                "Chia dòng như trên trang thống kê: child = bộ phận một cửa của đơn vị và từng "
                "đơn vị trực thuộc (gồm cả cấp dưới của nó); level = bộ phận một cửa của đơn vị "
                "và mỗi cấp bên dưới gộp chung (mọi xã một dòng)."
            ),
        )
        parser.add_argument("--from", dest="start", required=True)
        parser.add_argument("--to", dest="end", required=True)
        parser.add_argument("--format", choices=["table", "csv", "xlsx"], default="table")
        parser.add_argument("-o", "--output")

    def handle(self, *args, unit, descendants, by, start, end, format, output, **options):
        start_date, end_date = _date(start), _date(end)
        if end_date < start_date:
            raise CommandError("Ngày kết thúc trước ngày bắt đầu.")
        try:
            target = period_unit(unit, start=start_date, end=end_date)
        except UnitCodeError as exc:
            raise CommandError(exc.message) from None
        if by:
            lines = [
                (line.code, line.name, line.stats)
                for line in dossier_stats_breakdown(
                    unit=target, by=by, start=start_date, end=end_date
                )
            ]
        else:
            stats = dossier_stats(
                units=[target], start=start_date, end=end_date, include_descendants=descendants
            )[target.pk]
            lines = [(target.code, target.name, stats)]
        headers = stats_headers()
        rows = list(stats_rows(lines, None))
        if format == "xlsx":
            if not output:
                raise CommandError("Định dạng xlsx cần -o TỆP.")
            write_xlsx(
                output,
                sheets=[("Thống kê hồ sơ", headers, rows)],
                title_rows=[
                    "THỐNG KÊ TÌNH HÌNH GIẢI QUYẾT HỒ SƠ THỦ TỤC HÀNH CHÍNH",
                    f"{target.name}: {start_date:%d/%m/%Y}–{end_date:%d/%m/%Y}",
                ],
                status=period_status(end_date),
            )
            self.stdout.write(f"Đã ghi {output}.")
            return
        stream = open(output, "w", encoding="utf-8", newline="") if output else self.stdout  # noqa: SIM115
        try:
            if format == "csv":
                write_csv(stream, headers, rows)
            else:
                _write_table(stream, headers, rows)
        finally:
            if output:
                stream.close()
