from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from inspections import exports
from inspections.models import InspectionPlan


class Command(BaseCommand):
    help = "Ghi kế hoạch kiểm tra (kèm phụ lục lịch kiểm tra) ra PDF hoặc DOCX."

    def add_arguments(self, parser):
        parser.add_argument("id", type=int)
        parser.add_argument("-o", "--output", help="tệp .pdf hoặc .docx (mặc định ke-hoach-ID.pdf)")

    def handle(self, *args, **options):
        plan = InspectionPlan.objects.select_related("issuer").filter(pk=options["id"]).first()
        if plan is None:
            raise CommandError(f"Không có kế hoạch kiểm tra số {options['id']}.")
        target = Path(options["output"] or f"ke-hoach-{plan.pk}.pdf")
        writers = {".pdf": exports.plan_pdf, ".docx": exports.plan_docx}
        writer = writers.get(target.suffix.lower())
        if writer is None:
            raise CommandError(f"Tệp {target} phải có phần mở rộng .pdf hoặc .docx.")
        if not target.parent.exists():
            raise CommandError(f"Thư mục {target.parent} không tồn tại.")
        target.write_bytes(writer(plan))
        self.stdout.write(f"{target}")
