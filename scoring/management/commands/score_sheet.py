from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from scoring import exports, selectors, services
from scoring.models import Assessment, CriteriaSet
from units.resolver import UnitCodeError, year_end


class Command(BaseCommand):
    help = (
        "Ghi bảng điểm chỉ số CCHC của một đơn vị ra PDF, DOCX hoặc XLSX, theo phần mở rộng "
        "của tệp (dự thảo cho tới khi kết quả được công bố)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--set", dest="set_id", required=True, type=int, help="mã bộ chỉ số")
        parser.add_argument("--unit", required=True, help="mã đơn vị (ngày 31/12 của năm)")
        parser.add_argument("-o", "--output", required=True, type=Path, help="tệp .pdf/.docx/.xlsx")

    def handle(self, *args, **options):
        criteria_set = CriteriaSet.objects.filter(pk=options["set_id"]).first()
        if criteria_set is None:
            raise CommandError(f"Không có bộ chỉ số số {options['set_id']}.")
        try:
            unit_id = services.set_units(criteria_set).resolve_id(
                options["unit"], on=year_end(criteria_set.year)
            )
        except UnitCodeError as exc:
            raise CommandError(exc.message) from None
        assessments = Assessment.objects.for_sheet().filter(criteria_set=criteria_set)
        assessment = assessments.filter(unit_id=unit_id).first()
        if assessment is None:
            raise CommandError(
                f"Đơn vị {options['unit']} không có bản đánh giá trong bộ chỉ số này."
            )
        target: Path = options["output"]
        suffix = target.suffix.lower()
        if suffix not in (".pdf", ".docx", ".xlsx"):
            raise CommandError(f"Tệp {target} phải có phần mở rộng .pdf, .docx hoặc .xlsx.")
        if not target.parent.exists():
            raise CommandError(f"Thư mục {target.parent} không tồn tại.")
        sheet = selectors.score_sheet(assessment=assessment)
        if suffix == ".xlsx":
            with open(target, "wb") as fh:
                exports.sheet_xlsx(fh, sheet)
        else:
            writer = exports.sheet_pdf if suffix == ".pdf" else exports.sheet_docx
            target.write_bytes(writer(sheet))
        self.stdout.write(f"{target}")
