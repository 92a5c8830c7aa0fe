from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from units.agencies import AgencyImportError, agencies_import


class Command(BaseCommand):
    help = (
        "Nhập các sở, ban, ngành của tỉnh từ tệp CSV hoặc XLSX (docs/formats.md). "
        "Có lỗi thì không lưu gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            result = agencies_import(path=file)
        except AgencyImportError as exc:
            raise CommandError("\n".join(exc.errors)) from None
        self.stdout.write(f"Sở, ban, ngành: {result.summary()}.")
