from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from scoring.imports import scores_import, survey_answers_import
from scoring.models import CriteriaSet
from scoring.services import ScoringImportError
from units.models import User


class Command(BaseCommand):
    help = (
        "Nhập điểm tự đánh giá, thẩm định, điều tra XHH, điểm thưởng/trừ từ XLSX/CSV "
        "(hoặc câu trả lời điều tra thô với --survey-answers); lỗi thì không lưu gì. "
        "Ô trống giữ giá trị đã lưu, “-” hoặc “xoa” xóa giá trị."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--set", required=True, type=int, dest="set_id")
        parser.add_argument(
            "--by",
            required=True,
            metavar="USERNAME",
            help="tài khoản người nhập (ghi vào lịch sử điểm)",
        )
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
        by = User.objects.filter(username=options["by"], is_active=True).first()
        if by is None:
            raise CommandError(f"Không có tài khoản đang hoạt động “{options['by']}”.")
        criteria_set = (
            CriteriaSet.objects.select_related("province").filter(pk=options["set_id"]).first()
        )
        if criteria_set is None:
            raise CommandError(f"Không có bộ chỉ số #{options['set_id']}.")
        try:
            if options["survey_answers"]:
                result = survey_answers_import(
                    path=options["file"],
                    criteria_set=criteria_set,
                    by=by,
                    scale_min=options["scale_min"],
                    scale_max=options["scale_max"],
                )
                self.stdout.write(
                    f"Đã tính điểm điều tra cho {result.rows} cặp đơn vị × tiêu chí "
                    f"({result.changed} thay đổi)."
                )
                return
            result = scores_import(path=options["file"], criteria_set=criteria_set, by=by)
        except ScoringImportError as exc:
            raise CommandError("Tệp bị từ chối:\n" + "\n".join(exc.errors)) from None
        self.stdout.write(
            f"Đã nhập {result.rows} dòng điểm vào {criteria_set}: {result.changed} giá trị "
            f"thay đổi, {result.unchanged_rows} dòng không đổi."
        )
