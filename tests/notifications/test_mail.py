"""Outgoing mail goes through the queue: recorded, delivered by a task, retried with backoff
(1 min, 5 min, 30 min, 2 h, 12 h, then failed), each failure logged. Tasks run through the
immediate backend, so a delivery happens inside `mail_queue` and a retry when the minute's
task (`mails_enqueue_due`) finds it due."""

from __future__ import annotations

import datetime as dt
import itertools
import logging

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from notifications import services, tasks
from notifications.choices import MailState
from notifications.models import OutgoingMail
from tests.notifications.backends import DOWN, REFUSING

pytestmark = pytest.mark.django_db

MINUTE = dt.timedelta(minutes=1)


def _queue(**kw):
    fields = {"to": "noivu@cumgar.local", "subject": "[CCHC] Kiến nghị", "body": "Nội dung"}
    return services.mail_queue(**{**fields, **kw})


def test_a_queued_mail_is_delivered_by_its_task():
    queued = _queue()
    queued.refresh_from_db()
    assert (queued.state, queued.attempts, queued.last_error) == (MailState.SENT, 1, "")
    assert queued.sent_at is not None
    [sent] = mail.outbox
    assert (sent.to, sent.subject, sent.body) == (
        ["noivu@cumgar.local"],
        "[CCHC] Kiến nghị",
        "Nội dung",
    )


def test_a_subject_is_one_line():
    queued = _queue(subject="Dòng một\nDòng hai")
    assert queued.subject == "Dòng một Dòng hai"
    assert mail.outbox[0].subject == "Dòng một Dòng hai"


@pytest.mark.parametrize("backend", [REFUSING, DOWN])
def test_a_failed_attempt_keeps_the_error_and_waits_a_minute(backend, caplog):
    with override_settings(EMAIL_BACKEND=backend), caplog.at_level(logging.WARNING):
        before = timezone.now()
        queued = _queue()
    queued.refresh_from_db()
    assert queued.state == MailState.PENDING and queued.attempts == 1
    assert (
        "SMTPException" if backend == REFUSING else "ConnectionRefusedError"
    ) in queued.last_error
    assert before + MINUTE <= queued.next_attempt_at <= timezone.now() + MINUTE
    assert f"Mail {queued.pk} to noivu@cumgar.local failed (attempt 1)" in caplog.text
    assert not mail.outbox


def test_backoff_then_failed_and_an_admin_retry_sends_it(personas, caplog):
    waits = []
    with override_settings(EMAIL_BACKEND=REFUSING):
        queued = _queue()
        for _attempt in range(5):
            queued.refresh_from_db()
            waits.append(queued.next_attempt_at)
            # Not yet due: the minute's task leaves it alone.
            assert (
                services.mails_enqueue_due(now=queued.next_attempt_at - dt.timedelta(seconds=1))
                == 0
            )
            assert services.mails_enqueue_due(now=queued.next_attempt_at) == 1
        queued.refresh_from_db()
    assert round((waits[0] - queued.created_at).total_seconds() / 60) == 1
    gaps = [round((b - a).total_seconds() / 60) for a, b in itertools.pairwise(waits)]
    # The wait after attempt n is measured from attempt n, which ran when attempt n-1's wait ended.
    assert gaps == [5, 30, 120, 720]
    assert (queued.state, queued.attempts) == (MailState.FAILED, 6)
    assert "failed for good after 6 attempts" in caplog.text
    assert services.mails_enqueue_due(now=timezone.now() + dt.timedelta(days=2)) == 0
    services.mail_retry(mail=queued, by=personas.admin)  # the server is back
    queued.refresh_from_db()
    assert (queued.state, queued.attempts) == (MailState.SENT, 1)
    assert len(mail.outbox) == 1


def test_a_sent_mail_is_never_sent_again(personas):
    queued = _queue()
    assert services.mail_deliver(mail_id=queued.pk) == "skipped"
    assert services.mails_enqueue_due(now=timezone.now() + dt.timedelta(days=1)) == 0
    with pytest.raises(ValueError):
        services.mail_retry(mail=queued, by=personas.admin)
    assert len(mail.outbox) == 1


def test_an_attempt_in_flight_holds_its_mail_until_the_lease_ends():
    now = timezone.now()
    queued = OutgoingMail.objects.create(to="a@b.vn", subject="s", body="b", next_attempt_at=now)
    # A worker claims it (as mail_deliver does) and dies before it reports back.
    OutgoingMail.objects.filter(pk=queued.pk).update(
        attempts=1, next_attempt_at=now + services.LEASE
    )
    assert services.mail_deliver(mail_id=queued.pk, now=now) == "skipped"  # another worker
    assert services.mails_enqueue_due(now=now + services.LEASE - MINUTE) == 0
    assert services.mails_enqueue_due(now=now + services.LEASE) == 1
    queued.refresh_from_db()
    assert (queued.state, queued.attempts) == (MailState.SENT, 2)


def test_the_delivery_task_honours_the_time_its_enqueuer_saw():
    later = timezone.now() + dt.timedelta(minutes=3)
    queued = OutgoingMail.objects.create(to="a@b.vn", subject="s", body="b", next_attempt_at=later)
    assert tasks.deliver_mail.call([queued.pk]) == {"skipped": 1}
    assert tasks.deliver_mail.call([queued.pk], later.isoformat()) == {"sent": 1}


def test_the_minute_and_the_reminders_are_on_the_workers_schedule():
    from jobs import schedule

    assert schedule.SCHEDULE["notifications.mail_due"].every == MINUTE
    assert schedule.SCHEDULE["notifications.mail_due"].task is tasks.enqueue_due_mail
    assert schedule.SCHEDULE["inspections.reminders"].daily_at == dt.time(7, 0)


def test_no_code_sends_mail_itself():
    """Every e-mail leaves through the queue: only notifications/services.py builds one (the
    password-reset form overrides Django's `send_mail` method to queue its mail instead)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    sends = re.compile(
        r"(?<!def )\bsend_mail\(|django\.core\.mail(?!\.backends)|mail_admins|send_mass_mail|EmailM"
    )
    for top in sorted(root.iterdir()):
        if not top.is_dir() or top.name.startswith(".") or top.name in ("tests", "build"):
            continue
        for path in top.rglob("*.py"):
            if sends.search(path.read_text(encoding="utf-8")):
                offenders.append(str(path.relative_to(root)))
    assert offenders == ["notifications/services.py"]
