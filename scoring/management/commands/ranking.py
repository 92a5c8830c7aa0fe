import io
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from scoring import exports, selectors
from scoring.models import CriteriaSet
from units.models import AdministrativeUnit


class Command(BaseCommand):
    help = "Xếp hạng chỉ số CCHC của một tỉnh, một năm (bảng, CSV, XLSX hoặc PDF)."

    def add_arguments(self, parser):
        parser.add_argument("--province", required=True)
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--level", default="district", choices=["district", "commune"])
        parser.add_argument("--format", default="table", choices=["table", "csv", "xlsx", "pdf"])
        parser.add_argument("-o", "--output", type=Path)

    def handle(self, *args, **options):
        try:
            province = AdministrativeUnit.objects.by_code(options["province"])
        except AdministrativeUnit.DoesNotExist:
            raise CommandError(f"Không có tỉnh mã {options['province']}.") from None
        criteria_set = (
            CriteriaSet.objects.select_related("province")
            .filter(province=province, year=options["year"], level=options["level"])
            .first()
        )
        if criteria_set is None:
            raise CommandError(
                f"{province.name} chưa có bộ chỉ số cấp {options['level']} năm {options['year']}."
            )
        ranking = selectors.ranking(criteria_set=criteria_set)
        fmt, output = options["format"], options["output"]
        if fmt in ("xlsx", "pdf") and output is None:
            raise CommandError(f"Định dạng {fmt} cần -o TỆP.")
        if fmt == "xlsx":
            with open(output, "wb") as fh:
                exports.ranking_xlsx(fh, ranking)
        elif fmt == "pdf":
            output.write_bytes(exports.ranking_pdf(ranking))
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
