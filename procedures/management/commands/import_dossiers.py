import time

from django.core.management.base import BaseCommand, CommandError

from procedures.services import ImportRejected, dossiers_import_file
from units.models import User


class Command(BaseCommand):
    help = "Nhập hồ sơ từ tệp CSV/XLSX xuất từ hệ thống một cửa (cột: xem docs/formats.md)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi gì vào cơ sở dữ liệu."
        )
        parser.add_argument(
            "--as",
            dest="username",
            metavar="USERNAME",
            help="Nhập với phạm vi của người dùng này (mặc định: hệ thống, mọi đơn vị).",
        )

    def handle(self, *args, file, dry_run, username=None, **options):
        user = None
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(f"Không có người dùng «{username}».")
        started = time.monotonic()

        def progress(done: int) -> None:
            rate = done / max(time.monotonic() - started, 1e-6)
            self.stderr.write(f"\r{done:,} dòng ({rate:,.0f} dòng/giây)", ending="")
            self.stderr.flush()

        try:
            result = dossiers_import_file(path=file, user=user, dry_run=dry_run, progress=progress)
        except ImportRejected as exc:
            self.stderr.write("")
            for error in exc.result.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"Tệp bị từ chối: {exc.result.error_count} lỗi "
                f"(hiện {len(exc.result.errors)} lỗi đầu), không có gì được lưu."
            ) from None
        self.stderr.write("")
        verb = "Sẽ" if dry_run else "Đã"
        self.stdout.write(
            f"{verb} tạo mới {result.created}, cập nhật {result.updated} hồ sơ "
            f"({result.total_rows} dòng, {time.monotonic() - started:.1f} giây)."
        )
