import datetime as dt
import re

from django.core.management.base import BaseCommand, CommandError

from cchc_portal.tabular import write_csv
from cchc_portal.xlsx import period_status, write_xlsx
from procedures.management.commands.dossier_stats import period_unit
from procedures.service_exports import indicator_headers, indicator_rows
from procedures.service_selectors import month_end, service_index_report
from units.resolver import UnitCodeError

_MONTH = re.compile(r"(\d{4})-(\d{2})")


def _month(value: str) -> dt.date:
    match = _MONTH.fullmatch(value)
    if not match or not 1 <= int(match[2]) <= 12:
        raise CommandError(f"Tháng «{value}» không đúng dạng YYYY-MM.")
    return dt.date(int(match[1]), int(match[2]), 1)


class Command(BaseCommand):
    help = (
        "Chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ (Quyết định 766/QĐ-TTg) "
        "của một đơn vị trong một tháng: từng chỉ số, cộng nhóm và tổng điểm."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--unit",
            required=True,
            help="Mã đơn vị: đơn vị mang mã đó vào ngày cuối tháng (hoặc ngày đầu tháng).",
        )
        parser.add_argument("--month", required=True, help="Tháng, dạng YYYY-MM.")
        parser.add_argument("--format", choices=["table", "csv", "xlsx"], default="table")
        parser.add_argument("-o", "--output")

    def handle(self, *args, unit, month, format, output, **options):
        first = _month(month)
        last = month_end(first)
        if format == "xlsx" and not output:
            raise CommandError("Định dạng xlsx cần -o TỆP.")
        try:
            target = period_unit(unit, start=first, end=last)
        except UnitCodeError as exc:
            raise CommandError(exc.message) from None
        report = service_index_report(unit=target, first=first, last=first)
        (scored,) = report.months
        headers = indicator_headers()
        rows = list(indicator_rows(report, scored))
        title = f"{target.name}: {first:%m/%Y}"
        if format == "xlsx":
            write_xlsx(
                output,
                sheets=[("Chỉ số 766", headers, rows)],
                title_rows=[title],
                status=period_status(last),
            )
            self.stdout.write(f"Đã ghi {output}.")
            return
        stream = open(output, "w", encoding="utf-8", newline="") if output else self.stdout  # noqa: SIM115
        try:
            if format == "csv":
                write_csv(stream, headers, rows)
            else:
                stream.write(f"{title}\n")
                for code, group, name, _formula, rate, points, maximum in rows:
                    shown_rate = "" if rate is None else f"{rate} %"
                    label = f"{code} {name}".strip() if code else f"{name}: {group}".strip(": ")
                    stream.write(f"{label[:70]:<70} {shown_rate:>9} {points:>6} / {maximum}\n")
        finally:
            if output:
                stream.close()
