from django.core.management.base import BaseCommand

from inspections.services import notify_new_recommendations, send_due_reminders


class Command(BaseCommand):
    help = (
        "E-mail responsible units about newly issued recommendations and those due within "
        "3 days. Safe to run daily: what was sent is recorded and never sent again."
    )

    def handle(self, *args, **options):
        issued = notify_new_recommendations()
        reminded = send_due_reminders()
        self.stdout.write(f"Thông báo kiến nghị mới: {issued}; nhắc sắp đến hạn: {reminded}.")
