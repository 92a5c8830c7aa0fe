"""Writes for notifications and outgoing mail.

Mail: `mail_queue` records an e-mail and enqueues its delivery; `mail_deliver` (run by the
delivery task, in the worker) sends it with the configured backend and, when that fails,
records the error and the time of the next attempt (`BACKOFF`), until the last attempt marks it
failed. The scheduled `mails_enqueue_due` puts whatever is due back on the queue every minute,
so a retry needs no deferred task and survives a worker's restart.

Notifications: `notify` turns events into notifications for the users who may open the object
they are about (the owning app's `visible_to`, applied to every candidate), once per key, and
queues an e-mail for those who want that kind by mail. It costs a fixed number of queries
however many objects and recipients, so a bulk transition of a whole criteria set stays flat.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import models
from django.db.models import F, Q
from django.db.models.query import EmptyQuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from notifications.choices import MailState
from notifications.kinds import KINDS, Kind, default_email_kinds
from notifications.models import Notification, NotificationPreference, OutgoingMail
from units.choices import Role
from units.models import AdministrativeUnit, User

logger = logging.getLogger(__name__)

# The wait after the 1st, 2nd, … failed attempt; the attempt after the last wait is the last.
BACKOFF = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=12),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
# An attempt holds its mail this long; a worker that died mid-send frees it when it ends.
LEASE = dt.timedelta(minutes=10)
# Mails per delivery task, and candidate users per visibility query.
BATCH = 100

NOT_RETRYABLE = _("Thư này đã được gửi.")
_MAIL_MUTED = contextvars.ContextVar("notifications_mail_muted", default=False)
SUBJECT_PREFIX = "[CCHC] "


# --- outgoing mail ---------------------------------------------------------------------------


def _enqueue_delivery(mail_ids: Sequence[int], *, due_by: dt.datetime | None = None) -> None:
    from notifications.tasks import deliver_mail

    ids = list(mail_ids)
    for start in range(0, len(ids), BATCH):
        deliver_mail.enqueue(ids[start : start + BATCH], due_by.isoformat() if due_by else None)


def mail_queue(*, to: str, subject: str, body: str, recipient: User | None = None) -> OutgoingMail:
    """Record an e-mail and put its delivery on the queue (in the caller's transaction: a
    request that fails sends nothing)."""
    [mail] = mails_queue([OutgoingMail(to=to, subject=subject, body=body, recipient=recipient)])
    return mail


def mails_queue(mails: Sequence[OutgoingMail]) -> list[OutgoingMail]:
    """Several e-mails at once: one insert and one delivery task per `BATCH`."""
    now = timezone.now()
    for mail in mails:
        mail.subject = " ".join(mail.subject.split())[:255]  # one line, as SMTP wants
        mail.created_at = mail.next_attempt_at = now
    created = OutgoingMail.objects.bulk_create(list(mails))
    _enqueue_delivery([m.pk for m in created if m.pk is not None])
    return created


def mail_deliver(*, mail_id: int, now: dt.datetime | None = None) -> str:
    """One attempt at sending one mail: "sent", "retry" (the next attempt is scheduled),
    "failed" (that was the last), or "skipped" (sent already, not due, or another worker has
    it: the conditional update below is the claim, so no mail goes out twice at once)."""
    now = now or timezone.now()
    claimed = OutgoingMail.objects.filter(
        pk=mail_id, state=MailState.PENDING, next_attempt_at__lte=now
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + LEASE)
    if not claimed:
        return "skipped"
    mail = OutgoingMail.objects.get(pk=mail_id)
    try:
        EmailMessage(mail.subject, mail.body, None, [mail.to]).send()
    except Exception as exc:  # SMTP refused, timed out, connection refused: all the same here
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if mail.attempts >= MAX_ATTEMPTS:
            logger.error(
                "Mail %s to %s failed for good after %s attempts: %s",
                mail.pk,
                mail.to,
                mail.attempts,
                error,
            )
            OutgoingMail.objects.filter(pk=mail.pk).update(state=MailState.FAILED, last_error=error)
            return "failed"
        wait = BACKOFF[mail.attempts - 1]
        logger.warning(
            "Mail %s to %s failed (attempt %s), next in %s: %s",
            mail.pk,
            mail.to,
            mail.attempts,
            wait,
            error,
        )
        OutgoingMail.objects.filter(pk=mail.pk).update(next_attempt_at=now + wait, last_error=error)
        return "retry"
    OutgoingMail.objects.filter(pk=mail.pk).update(
        state=MailState.SENT, sent_at=timezone.now(), last_error=""
    )
    return "sent"


def mails_deliver(*, mail_ids: Sequence[int], now: dt.datetime | None = None) -> dict[str, int]:
    outcomes: dict[str, int] = defaultdict(int)
    for mail_id in mail_ids:
        outcomes[mail_deliver(mail_id=mail_id, now=now)] += 1
    return dict(outcomes)


def mails_enqueue_due(*, now: dt.datetime | None = None) -> int:
    """Put every pending mail whose next attempt is due back on the queue (every minute)."""
    now = now or timezone.now()
    due = list(
        OutgoingMail.objects.filter(state=MailState.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:1000]
    )
    if due:
        _enqueue_delivery(due, due_by=now)
    return len(due)


def mail_retry(*, mail: OutgoingMail, by: User) -> OutgoingMail:
    """An admin sends a failed (or waiting) mail again now, with a fresh round of attempts."""
    now = timezone.now()
    # Read and changed in one statement: the row, not the caller's copy, says whether it went.
    retried = (
        OutgoingMail.objects.filter(pk=mail.pk)
        .exclude(state=MailState.SENT)
        .update(state=MailState.PENDING, attempts=0, next_attempt_at=now)
    )
    if not retried:
        raise ValueError(str(NOT_RETRYABLE))
    logger.info("Mail %s to %s retried by %s", mail.pk, mail.to, by.username)
    _enqueue_delivery([mail.pk], due_by=now)
    mail.refresh_from_db()
    return mail


def prune(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Forget what has served its purpose (daily, on the workers' schedule): mail sent more than
    `MAIL_KEEP_DAYS` ago (its body may hold a reset link or personal data; the audit trail keeps
    who was sent what kind of thing) and notifications read more than `NOTIFICATIONS_KEEP_DAYS`
    ago. Failed and waiting mail stay for an admin to see; unread notifications stay."""
    now = now or timezone.now()
    mail, _by_model = OutgoingMail.objects.filter(
        state=MailState.SENT, sent_at__lt=now - dt.timedelta(days=settings.MAIL_KEEP_DAYS)
    ).delete()
    read, _by_model = Notification.objects.filter(
        read_at__lt=now - dt.timedelta(days=settings.NOTIFICATIONS_KEEP_DAYS)
    ).delete()
    return {"mail": mail, "notifications": read}


# --- notifications ---------------------------------------------------------------------------


@contextmanager
def mail_muted() -> Iterator[None]:
    """Notifications without their e-mail while the block runs: the demo world is built
    through the real services and must not write to its users' addresses."""
    token = _MAIL_MUTED.set(True)
    try:
        yield
    finally:
        _MAIL_MUTED.reset(token)


@dataclass(frozen=True)
class Notice:
    """One event about one object, and who it is for.

    `target` is the object the notification opens (its `get_absolute_url`, its manager's
    `visible_to`); `unit` the unit it belongs to. The audience: the unit staff of `unit`
    (`staff`), the holders of provincial `roles` who see it, and/or given `users`. Whoever of
    them cannot open `target` (the owning app's rule) is left out, as is `actor`.
    """

    target: models.Model
    params: dict[str, Any]
    unit: AdministrativeUnit | None = None
    staff: bool = False
    roles: tuple[str, ...] = ()
    users: tuple[int, ...] = ()
    key: str = ""
    url: str = ""
    actor: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # for the e-mail template only


def _candidates(notices: Sequence[Notice]) -> list[User]:
    """Everyone who might be meant, in one query (the exact check comes after)."""
    q = Q()
    staff_units = {n.unit.pk for n in notices if n.staff and n.unit is not None}
    if staff_units:
        q |= Q(role=Role.UNIT_STAFF, unit_id__in=staff_units)
    for roles in {n.roles for n in notices if n.roles and n.unit is not None}:
        provinces = {n.unit.province_id for n in notices if n.roles == roles and n.unit}
        # The province's own users, and those of a province formed from it (a merged province
        # inherits the old one's paths, which start with "/<old province>/").
        around = Q(unit_id__in=provinces)
        for province in provinces:
            around |= Q(unit__inherited_paths__contains=f"/{province}/")
        q |= Q(role__in=roles) & around
    users = {u for n in notices for u in n.users}
    if users:
        q |= Q(pk__in=users)
    if not q:
        return []
    return list(
        User.objects.filter(q, is_active=True).select_related("unit", "notification_preference")
    )


def _meant(notice: Notice, user: User) -> bool:
    if user.pk == notice.actor:
        return False
    if user.pk in notice.users:
        return True
    if notice.unit is None:
        return False
    if notice.staff and user.role == Role.UNIT_STAFF and user.unit_id == notice.unit.pk:
        return True
    return user.role in notice.roles


def _may_open(
    pairs: set[tuple[int, int]], model: type[models.Model], users: dict[int, User]
) -> set[tuple[int, int]]:
    """Which (user, object) pairs pass the model's own `visible_to(user)`: one query per
    `BATCH` users (a UNION of each user's visible rows among the objects meant for them)."""
    by_user: dict[int, set[int]] = defaultdict(set)
    for user_id, pk in pairs:
        by_user[user_id].add(pk)
    allowed: set[tuple[int, int]] = set()
    user_ids = sorted(by_user)
    manager: Any = model._default_manager
    for start in range(0, len(user_ids), BATCH):
        parts = []
        for user_id in user_ids[start : start + BATCH]:
            qs = manager.visible_to(users[user_id]).filter(pk__in=by_user[user_id])
            if isinstance(qs, EmptyQuerySet):
                continue
            parts.append(
                qs.order_by()
                .annotate(_reader=models.Value(user_id, output_field=models.BigIntegerField()))
                .values_list("_reader", "pk")
            )
        if not parts:
            continue
        combined = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        allowed.update((int(u), int(pk)) for u, pk in combined)
    return allowed


def _email_kinds(user: User) -> list[str]:
    try:
        preference = user.notification_preference
    except NotificationPreference.DoesNotExist:
        return default_email_kinds()
    return list(preference.email_kinds)


def _mail_for(kind: Kind, notice: Notice, notification: Notification, user: User) -> OutgoingMail:
    # Mail is written in the portal's language, whoever's request raised the event.
    with translation.override(settings.LANGUAGE_CODE):
        text = notification.text
        body = render_to_string(
            kind.email_template or "notifications/email/notification.txt",
            {
                "message": text,
                "url": notification.url,
                "target": notice.target,
                "user": user,
                **notice.params,
                **notice.extra,
            },
        )
        return OutgoingMail(recipient=user, to=user.email, subject=SUBJECT_PREFIX + text, body=body)


def notify(
    *, kind: Kind, notices: Sequence[Notice], now: dt.datetime | None = None
) -> list[Notification]:
    """Notifications of `kind` for each notice's audience who may open its object, skipping
    those already told (same key); e-mail for those who want this kind by mail. Returns the
    notifications created."""
    if not notices:
        return []
    assert kind.name in KINDS, kind.name
    now = now or timezone.now()
    candidates = {u.pk: u for u in _candidates(notices)}
    meant: dict[type[models.Model], set[tuple[int, int]]] = defaultdict(set)
    for notice in notices:
        for user in candidates.values():
            if _meant(notice, user):
                meant[type(notice.target)].add((user.pk, notice.target.pk))
    allowed: set[tuple[type[models.Model], int, int]] = set()
    for model, pairs in meant.items():
        allowed |= {(model, u, pk) for u, pk in _may_open(pairs, model, candidates)}
    keys = {n.key for n in notices if n.key}
    told: set[tuple[int, str]] = set()
    if keys:
        told = set(
            Notification.objects.filter(key__in=keys, recipient_id__in=candidates).values_list(
                "recipient_id", "key"
            )
        )
    rows: list[tuple[Notice, Notification, User]] = []
    seen: set[tuple[int, type[models.Model], int, str]] = set()
    for notice in notices:
        url = notice.url or notice.target.get_absolute_url()  # type: ignore[attr-defined]
        for user in candidates.values():
            if (type(notice.target), user.pk, notice.target.pk) not in allowed:
                continue
            if not _meant(notice, user) or (notice.key and (user.pk, notice.key) in told):
                continue
            once = (user.pk, type(notice.target), notice.target.pk, notice.key)
            if once in seen:
                continue
            seen.add(once)
            if notice.key:
                told.add((user.pk, notice.key))
            rows.append(
                (
                    notice,
                    Notification(
                        recipient=user,
                        kind=kind.name,
                        params=notice.params,
                        url=url[:300],
                        key=notice.key,
                        created_at=now,
                    ),
                    user,
                )
            )
    if not rows:
        return []
    created = Notification.objects.bulk_create([n for _, n, _ in rows], ignore_conflicts=True)
    mails = [
        _mail_for(kind, notice, notification, user)
        for notice, notification, user in rows
        if user.email and kind.name in _email_kinds(user) and not _MAIL_MUTED.get()
    ]
    if mails:
        mails_queue(mails)
    return created


def notifications_mark_read(*, user: User, pk: int | None = None) -> int:
    """Mark one of the user's notifications (or all of them) read; returns how many changed."""
    qs = Notification.objects.visible_to(user).unread()
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=timezone.now())


def preference_save(*, user: User, email_kinds: Sequence[str]) -> NotificationPreference:
    kinds = [k for k in KINDS if k in set(email_kinds)]
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email_kinds": kinds}
    )
    return preference


def preference_of(user: User) -> list[str]:
    return _email_kinds(user)
