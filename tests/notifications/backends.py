"""Mail backends for tests: a server that refuses every message, and one that is not there."""

from __future__ import annotations

import smtplib

from django.core.mail.backends.base import BaseEmailBackend

SENT_BY_FLAKY: list[str] = []


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPException("451 4.3.0 Mail server temporarily rejected message")


class DownBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError(111, "Connection refused")


REFUSING = "tests.notifications.backends.RefusingBackend"
DOWN = "tests.notifications.backends.DownBackend"
