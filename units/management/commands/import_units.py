import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from units.services import UnitImportError, units_import_file


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Ngày không hợp lệ: {value!r} (dạng YYYY-MM-DD).") from None


class Command(BaseCommand):
    help = "Nhập đơn vị hành chính từ tệp JSON theo định dạng vietnam-provinces."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--valid-from", type=_date, default=None, help="YYYY-MM-DD")
        parser.add_argument("--valid-until", type=_date, default=None, help="YYYY-MM-DD")

    def handle(self, *args, file: Path, valid_from, valid_until, **options):
        try:
            result = units_import_file(path=file, valid_from=valid_from, valid_until=valid_until)
        except UnitImportError as exc:
            raise CommandError("\n".join(exc.errors)) from None
        levels = ", ".join(f"{k}: {v}" for k, v in result.by_level.items())
        self.stdout.write(f"Đơn vị: {result.summary()} ({levels}).")
