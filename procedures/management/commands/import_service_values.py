from django.core.management.base import BaseCommand, CommandError

from procedures.service_values import ValuesRejected, service_values_import
from units.models import User


class Command(BaseCommand):
    help = (
        "Nhập giá trị hằng tháng của các chỉ số 766 không tính được từ hồ sơ (CSV/XLSX, cột "
        "ma_don_vi, thang, ma_chi_so, gia_tri: xem docs/formats.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--by",
            dest="username",
            metavar="USERNAME",
            help="Người nhập (ghi nhận và giới hạn theo phạm vi của người đó; mặc định: hệ thống).",
        )

    def handle(self, *args, file, username=None, **options):
        user = None
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(f"Không có người dùng «{username}».")
        try:
            result = service_values_import(path=file, by=user)
        except ValuesRejected as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(f"Tệp bị từ chối: {exc.total} lỗi, không có gì được lưu.") from None
        self.stdout.write(
            f"Đã tạo mới {result.created}, cập nhật {result.updated}, "
            f"giữ nguyên {result.unchanged} giá trị."
        )
