from django.core.management.base import BaseCommand, CommandError

from procedures.services import ImportRejected, procedures_import_file


class Command(BaseCommand):
    help = "Nhập danh mục thủ tục hành chính từ tệp CSV/XLSX (cột: xem docs/formats.md)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            result = procedures_import_file(path=file)
        except ImportRejected as exc:
            for error in exc.result.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"Tệp bị từ chối: {exc.result.error_count} lỗi, không có gì được lưu."
            ) from None
        self.stdout.write(f"Đã tạo mới {result.created}, cập nhật {result.updated} thủ tục.")
