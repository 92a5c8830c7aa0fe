from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from units.lineage import LineageImportError, unit_lineage_import


class Command(BaseCommand):
    help = (
        "Nhập lịch sử sắp xếp đơn vị hành chính (đơn vị cũ → đơn vị mới) từ tệp CSV hoặc XLSX "
        "(docs/formats.md). Có lỗi thì không lưu gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            result = unit_lineage_import(path=file)
        except LineageImportError as exc:
            raise CommandError("\n".join(exc.errors)) from None
        self.stdout.write(
            f"Lịch sử sắp xếp: {result.summary()}; cập nhật phạm vi kế thừa của "
            f"{result.successors_refreshed} đơn vị."
        )
