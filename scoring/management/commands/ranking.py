import io
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from scoring import exports, selectors
from scoring.models import CriteriaSet
from scoring.services import criteria_set_province
from units.choices import ASSESSED_LEVELS, Level
from units.resolver import UnitCodeError


class Command(BaseCommand):
    help = "Xếp hạng chỉ số CCHC của một tỉnh, một năm (bảng, CSV, XLSX, PDF hoặc DOCX)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--province", required=True, help="mã tỉnh: tỉnh có mã này ngày 31/12 của năm"
        )
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument(
            "--level",
            choices=[str(level) for level in ASSESSED_LEVELS],
            help="cấp được xếp hạng; bỏ trống khi tỉnh chỉ có bộ chỉ số của một cấp năm đó",
        )
        parser.add_argument(
            "--format", default="table", choices=["table", "csv", "xlsx", "pdf", "docx"]
        )
        parser.add_argument("-o", "--output", type=Path)

    def handle(self, *args, **options):
        year, level = options["year"], options["level"]
        try:
            province = criteria_set_province(code=options["province"], year=year)
        except UnitCodeError as exc:
            raise CommandError(exc.message) from None
        sets = CriteriaSet.objects.select_related("province").filter(province=province, year=year)
        if level:
            sets = sets.filter(level=level)
        found = sorted(sets, key=lambda cs: ASSESSED_LEVELS.index(cs.level))
        if not found:
            what = f"bộ chỉ số {Level(level).label.lower()}" if level else "bộ chỉ số nào"
            raise CommandError(f"{province.name} chưa có {what} năm {year}.")
        if len(found) > 1:
            # Several levels assessed that year (communes and departments since 2025): which
            # ranking is meant must be said, never guessed.
            levels = "; ".join(f"{cs.get_level_display()} (--level {cs.level})" for cs in found)
            raise CommandError(
                f"{province.name} có bộ chỉ số năm {year} của nhiều cấp: {levels}. "
                "Chọn một cấp bằng --level."
            )
        criteria_set = found[0]
        ranking = selectors.ranking(criteria_set=criteria_set)
        fmt, output = options["format"], options["output"]
        if fmt in ("xlsx", "pdf", "docx") and output is None:
            raise CommandError(f"Định dạng {fmt} cần -o TỆP.")
        if fmt == "xlsx":
            with open(output, "wb") as fh:
                exports.ranking_xlsx(fh, ranking)
        elif fmt == "pdf":
            output.write_bytes(exports.ranking_pdf(ranking))
        elif fmt == "docx":
            output.write_bytes(exports.ranking_docx(ranking))
        else:
            buffer = io.StringIO()
            if fmt == "csv":
                exports.ranking_csv(buffer, ranking)
            else:
                self._table(buffer, ranking)
            if output:
                output.write_text(buffer.getvalue(), encoding="utf-8")
            else:
                self.stdout.write(buffer.getvalue(), ending="")
        if output:
            self.stdout.write(f"Đã ghi {output}.")

    def _table(self, out, ranking):
        for line in exports.ranking_title(ranking):
            out.write(line + "\n")
        out.write(
            f"{'Hạng':>4}  {'Mã':<5} {'Đơn vị':<28} {'Thẩm định':>9} {'Điều tra':>8} "
            f"{'Thưởng':>6} {'Trừ':>5} {'Chỉ số':>7}  {'Xếp loại':<10} Thay đổi\n"
        )
        for row in ranking.rows:
            survey = "–" if row.survey is None else f"{row.survey}"
            out.write(
                f"{row.rank:>4}  {row.unit_code:<5} {row.unit_name[:28]:<28} {row.appraisal:>9} "
                f"{survey:>8} {row.bonus:>6} {row.penalty:>5} {row.index:>7}  {row.grade:<10} "
                f"{row.change_label}\n"
            )
