from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from inspections.exports import inspection_report_pdf
from inspections.models import Inspection


class Command(BaseCommand):
    help = "Write an inspection's conclusion notice as PDF (the frozen one once concluded)."

    def add_arguments(self, parser):
        parser.add_argument("id", type=int)
        parser.add_argument("-o", "--output", help="PDF file (default ket-luan-kiem-tra-ID.pdf)")

    def handle(self, *args, **options):
        inspection = Inspection.objects.filter(pk=options["id"]).first()
        if inspection is None:
            raise CommandError(f"Không có cuộc kiểm tra số {options['id']}.")
        target = Path(options["output"] or f"ket-luan-kiem-tra-{inspection.pk}.pdf")
        if not target.parent.exists():
            raise CommandError(f"Thư mục {target.parent} không tồn tại.")
        target.write_bytes(inspection_report_pdf(inspection))
        self.stdout.write(f"{target}")
