from django.core.management.base import BaseCommand

from cchc_portal.demo import load_demo


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu mẫu từ các bài báo nguồn và tài khoản mẫu cho từng vai trò (chạy lại an toàn)."
    )

    def handle(self, *args, **options):
        load_demo(out=self.stdout.write)
