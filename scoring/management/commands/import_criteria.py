import datetime as dt
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from scoring.services import ScoringImportError, criteria_set_import, criteria_set_province
from units.choices import ASSESSED_LEVELS
from units.resolver import UnitCodeError


class Command(BaseCommand):
    help = "Nhập bộ chỉ số CCHC từ tệp XLSX/CSV (xem docs/formats.md); lỗi thì không lưu gì."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--province",
            required=True,
            help="mã tỉnh, ví dụ 66: tỉnh có mã này ngày 31/12 của năm đánh giá",
        )
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument(
            "--level", required=True, choices=[str(level) for level in ASSESSED_LEVELS]
        )
        parser.add_argument("--name", default="")
        parser.add_argument("--legal-basis", default="", help="ví dụ 2071/QĐ-UBND")
        parser.add_argument("--bonus-cap", default="0", type=Decimal)
        parser.add_argument("--penalty-cap", default="0", type=Decimal)
        parser.add_argument(
            "--due",
            type=dt.date.fromisoformat,
            default=None,
            help="hạn tự đánh giá, YYYY-MM-DD (ví dụ 2026-12-15)",
        )
        parser.add_argument(
            "--explanation-due",
            type=dt.date.fromisoformat,
            default=None,
            help="hạn giải trình, YYYY-MM-DD",
        )

    def handle(self, *args, **options):
        if not options["file"].is_file():
            raise CommandError(f"Không tìm thấy tệp {options['file']}.")
        try:
            province = criteria_set_province(code=options["province"], year=options["year"])
        except UnitCodeError as exc:
            raise CommandError(exc.message) from None
        try:
            criteria_set = criteria_set_import(
                path=options["file"],
                province=province,
                year=options["year"],
                level=options["level"],
                name=options["name"],
                legal_basis=options["legal_basis"],
                bonus_cap=options["bonus_cap"],
                penalty_cap=options["penalty_cap"],
                self_assessment_due_on=options["due"],
                explanation_due_on=options["explanation_due"],
            )
        except ScoringImportError as exc:
            raise CommandError("Tệp bị từ chối:\n" + "\n".join(exc.errors)) from None
        count = criteria_set.criteria.count()
        self.stdout.write(
            f"Đã nhập bộ chỉ số #{criteria_set.pk}: {criteria_set} ({count} tiêu chí)."
        )
