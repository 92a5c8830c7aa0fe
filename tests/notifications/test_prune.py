"""The daily pruning (notifications.services.prune, scheduled as `notifications.prune`): sent
mail goes after MAIL_KEEP_DAYS, read notifications after NOTIFICATIONS_KEEP_DAYS; failed or
waiting mail and unread notifications stay, however old."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from jobs import schedule
from notifications import services
from notifications.choices import MailState
from notifications.kinds import KINDS
from notifications.models import Notification, OutgoingMail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def mail(state: str, sent_days_ago: float | None, created_days_ago: float = 400) -> OutgoingMail:
    return OutgoingMail.objects.create(
        to="a@b.local",
        subject="s",
        body="b",
        state=state,
        created_at=NOW - created_days_ago * DAY,
        sent_at=None if sent_days_ago is None else NOW - sent_days_ago * DAY,
    )


def notification(user, read_days_ago: float | None) -> Notification:
    return Notification.objects.create(
        recipient=user,
        kind=next(iter(KINDS)),
        url="/",
        created_at=NOW - 400 * DAY,
        read_at=None if read_days_ago is None else NOW - read_days_ago * DAY,
    )


@override_settings(MAIL_KEEP_DAYS=30, NOTIFICATIONS_KEEP_DAYS=180)
def test_prune_forgets_only_what_has_served_its_purpose():
    user = UserFactory()
    old_sent = mail(MailState.SENT, sent_days_ago=31)
    recent_sent = mail(MailState.SENT, sent_days_ago=29)
    old_failed = mail(MailState.FAILED, sent_days_ago=None)
    old_pending = mail(MailState.PENDING, sent_days_ago=None)
    old_read = notification(user, read_days_ago=181)
    recent_read = notification(user, read_days_ago=179)
    old_unread = notification(user, read_days_ago=None)

    assert services.prune(now=NOW) == {"mail": 1, "notifications": 1}

    assert set(OutgoingMail.objects.values_list("pk", flat=True)) == {
        recent_sent.pk,
        old_failed.pk,
        old_pending.pk,
    }
    assert set(Notification.objects.values_list("pk", flat=True)) == {
        recent_read.pk,
        old_unread.pk,
    }
    assert not OutgoingMail.objects.filter(pk=old_sent.pk).exists()
    assert not Notification.objects.filter(pk=old_read.pk).exists()
    assert services.prune(now=NOW) == {"mail": 0, "notifications": 0}


def test_prune_is_on_the_daily_schedule():
    entry = schedule.SCHEDULE["notifications.prune"]
    assert entry.daily_at == dt.time(3, 0)
    assert entry.slot(timezone.make_aware(dt.datetime(2026, 12, 1, 2, 59))) is None
    assert entry.slot(timezone.make_aware(dt.datetime(2026, 12, 1, 3, 1))) is not None
