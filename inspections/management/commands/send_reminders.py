from django.core.management.base import BaseCommand

from inspections.services import send_reminders


class Command(BaseCommand):
    help = (
        "Notify responsible units (in the portal, and by e-mail for those who want it) of newly "
        "issued recommendations, those due within 3 days and those just overdue. The worker "
        "runs the same every day at 07:00; safe to run again: nobody is told twice."
    )

    def handle(self, *args, **options):
        counts = send_reminders()
        self.stdout.write(
            f"Thông báo kiến nghị mới: {counts['new']}; nhắc sắp đến hạn: {counts['due']}; "
            f"quá hạn: {counts['overdue']}."
        )
