from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from inspections import exports
from inspections.models import Inspection

WRITERS = {
    ("notice", ".pdf"): exports.inspection_report_pdf,
    ("notice", ".docx"): exports.inspection_report_docx,
    ("minutes", ".pdf"): exports.minutes_pdf,
    ("minutes", ".docx"): exports.minutes_docx,
}


class Command(BaseCommand):
    help = (
        "Ghi thông báo kết luận (hoặc biên bản) của một cuộc kiểm tra ra PDF hoặc DOCX, theo "
        "phần mở rộng của tệp (bản đã chốt khi đã kết luận, bản dự thảo trước đó)."
    )

    def add_arguments(self, parser):
        parser.add_argument("id", type=int)
        parser.add_argument(
            "-o", "--output", help="tệp .pdf hoặc .docx (mặc định ket-luan-kiem-tra-ID.pdf)"
        )
        parser.add_argument(
            "--document",
            choices=["notice", "minutes"],
            default="notice",
            help="notice: thông báo kết luận (mặc định); minutes: biên bản kiểm tra",
        )

    def handle(self, *args, **options):
        inspection = Inspection.objects.filter(pk=options["id"]).first()
        if inspection is None:
            raise CommandError(f"Không có cuộc kiểm tra số {options['id']}.")
        default = "ket-luan" if options["document"] == "notice" else "bien-ban"
        target = Path(options["output"] or f"{default}-kiem-tra-{inspection.pk}.pdf")
        writer = WRITERS.get((options["document"], target.suffix.lower()))
        if writer is None:
            raise CommandError(f"Tệp {target} phải có phần mở rộng .pdf hoặc .docx.")
        if not target.parent.exists():
            raise CommandError(f"Thư mục {target.parent} không tồn tại.")
        target.write_bytes(writer(inspection))
        self.stdout.write(f"{target}")
