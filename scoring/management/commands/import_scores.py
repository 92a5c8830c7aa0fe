from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from scoring.models import CriteriaSet
from scoring.services import ScoringImportError, scores_import, survey_answers_import


class Command(BaseCommand):
    help = (
        "Nhập điểm tự đánh giá, thẩm định, điều tra XHH, điểm thưởng/trừ từ XLSX/CSV "
        "(hoặc câu trả lời điều tra thô với --survey-answers); lỗi thì không lưu gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--set", required=True, type=int, dest="set_id")
        parser.add_argument(
            "--survey-answers",
            action="store_true",
            help="tệp là câu trả lời phiếu điều tra (ma_don_vi, nhom, ma_tieu_chi, tra_loi)",
        )
        parser.add_argument("--scale-min", type=int, default=1)
        parser.add_argument("--scale-max", type=int, default=5)

    def handle(self, *args, **options):
        if not options["file"].is_file():
            raise CommandError(f"Không tìm thấy tệp {options['file']}.")
        criteria_set = (
            CriteriaSet.objects.select_related("province").filter(pk=options["set_id"]).first()
        )
        if criteria_set is None:
            raise CommandError(f"Không có bộ chỉ số #{options['set_id']}.")
        try:
            if options["survey_answers"]:
                count = survey_answers_import(
                    path=options["file"],
                    criteria_set=criteria_set,
                    scale_min=options["scale_min"],
                    scale_max=options["scale_max"],
                )
                self.stdout.write(f"Đã tính điểm điều tra cho {count} cặp đơn vị × tiêu chí.")
                return
            count = scores_import(path=options["file"], criteria_set=criteria_set)
        except ScoringImportError as exc:
            raise CommandError("Tệp bị từ chối:\n" + "\n".join(exc.errors)) from None
        self.stdout.write(f"Đã nhập {count} dòng điểm vào {criteria_set}.")
