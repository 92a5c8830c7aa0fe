from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from surveys import exports, services
from surveys.choices import RespondentGroup
from surveys.models import Survey


class Command(BaseCommand):
    help = (
        "Tạo mã khảo sát dùng một lần cho một đơn vị và nhóm đối tượng, ghi ra PDF (mã QR, "
        "24 mã mỗi trang A4) hoặc CSV (đường dẫn). Cổng chỉ lưu dấu băm: tệp này là bản duy nhất."
    )

    def add_arguments(self, parser):
        parser.add_argument("--survey", required=True, type=int, dest="survey_id")
        parser.add_argument("--unit", required=True, metavar="CODE")
        parser.add_argument(
            "--group", required=True, choices=RespondentGroup.values, metavar="GROUP",
            help=", ".join(RespondentGroup.values),
        )  # fmt: skip
        parser.add_argument("--count", required=True, type=int)
        parser.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.pdf|.csv")

    def handle(self, *args, **options):
        output: Path = options["output"]
        if output.suffix.lower() not in (".pdf", ".csv"):
            raise CommandError("Tệp ra phải là .pdf hoặc .csv.")
        if output.exists():
            raise CommandError(f"Tệp {output} đã có: chọn tên khác (mã cũ không in lại được).")
        survey = (
            Survey.objects.select_related("criteria_set", "criteria_set__province")
            .filter(pk=options["survey_id"])
            .first()
        )
        if survey is None:
            raise CommandError(f"Không có đợt khảo sát #{options['survey_id']}.")
        build = exports.token_sheet_pdf if output.suffix.lower() == ".pdf" else exports.token_csv
        # The links exist only if their one copy was written: a failed write keeps none.
        with transaction.atomic():
            try:
                unit = services.survey_unit(survey, options["unit"])
                raws = services.tokens_create(
                    survey=survey, unit=unit, group=options["group"], count=options["count"],
                    by=None,
                )  # fmt: skip
            except services.SurveyError as exc:
                raise CommandError(" ".join(str(m) for m in exc.messages)) from None
            output.write_bytes(build(survey=survey, unit=unit, group=options["group"], raws=raws))
        self.stdout.write(f"Đã tạo {len(raws)} mã cho {unit.name} · {options['group']}: {output}")
