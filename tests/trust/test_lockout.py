"""Login lockouts can't be aimed: they are keyed on the username and the client address, read
through the documented proxy header (X-Forwarded-For set by nginx, AXES_PROXY_COUNT=1)."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.throttle import cool_off_for, lockouts_today
from audit.models import AuditEvent
from cchc_portal.net import client_address
from tests.factories import UserFactory
from units.choices import Role

PASSWORD = "Mật-khẩu-đủ-dài-2026"
NGINX = "10.0.0.2"  # what gunicorn sees as REMOTE_ADDR behind the proxy


@pytest.fixture
def throttled(settings):
    settings.AXES_ENABLED = True
    settings.PROXY_COUNT = 1
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_MINUTES = 15
    settings.AXES_COOLOFF_MAX_MINUTES = 24 * 60
    return settings


@pytest.fixture
def namnhun(db):
    user = UserFactory(username="namnhun", role=Role.UNIT_STAFF)
    user.set_password(PASSWORD)
    user.save()
    return user


def behind_proxy(address: str, *, claimed: str | None = None) -> Client:
    """A browser at `address` behind nginx; `claimed` is an X-Forwarded-For the client sent
    itself (nginx appends the real address after it)."""
    forwarded = f"{claimed}, {address}" if claimed else address
    return Client(REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=forwarded)


def log_in(client: Client, password: str):
    return client.post(reverse("login"), {"username": "namnhun", "password": password})


def signed_in(response) -> bool:
    return response.status_code == 302 and not response["Location"].startswith(reverse("login"))


def test_a_lockout_from_one_address_does_not_lock_the_user_at_another(throttled, namnhun):
    attacker = behind_proxy("198.51.100.66")
    assert [log_in(attacker, "sai-mat-khau").status_code for _ in range(5)] == [200] * 4 + [429]
    # Now locked out from the attacker's address, even with the right password.
    locked = log_in(attacker, PASSWORD)
    assert locked.status_code == 429
    assert "thử lại sau 15 phút" in locked.content.decode()
    # The user, behind the same proxy at their own address, signs in.
    assert signed_in(log_in(behind_proxy("203.0.113.7"), PASSWORD))
    attempts = AccessAttempt.objects.filter(username="namnhun")
    assert list(attempts.values_list("ip_address", flat=True)) == ["198.51.100.66"]


def test_an_address_the_client_writes_itself_is_never_read(throttled, namnhun):
    """An attacker who sends X-Forwarded-For: <the user's address> is still counted at their own
    address (the entry nginx appended), so they cannot lock the user's address either."""
    attacker = behind_proxy("198.51.100.66", claimed="203.0.113.7")
    for _ in range(5):
        log_in(attacker, "sai-mat-khau")
    assert signed_in(log_in(behind_proxy("203.0.113.7"), PASSWORD))
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.66"}


def test_without_a_proxy_the_header_is_ignored(settings, rf):
    settings.PROXY_COUNT = 0
    request = rf.get("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_address(request) == "203.0.113.7"
    settings.PROXY_COUNT = 1
    assert client_address(request) == "1.2.3.4"
    settings.PROXY_COUNT = 2  # fewer entries than proxies: the request did not come through them
    assert client_address(request) == "203.0.113.7"
    garbage = rf.get("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="<script>")
    settings.PROXY_COUNT = 1
    assert client_address(garbage) == "203.0.113.7"


def test_the_delay_doubles_with_each_lockout_of_the_day(settings):
    settings.AXES_COOLOFF_MINUTES = 15
    settings.AXES_COOLOFF_MAX_MINUTES = 240
    assert [cool_off_for(n) for n in (0, 1, 2, 3, 4, 5, 9)] == [
        dt.timedelta(minutes=m) for m in (15, 15, 30, 60, 120, 240, 240)
    ]


def test_a_second_lockout_lasts_twice_as_long(throttled, namnhun):
    attacker = behind_proxy("198.51.100.66")
    for _ in range(5):
        log_in(attacker, "sai-mat-khau")
    attempt = AccessAttempt.objects.get(username="namnhun")
    # 16 minutes later the first lockout (15 min) is over: five more failures lock again ...
    AccessAttempt.objects.filter(pk=attempt.pk).update(
        attempt_time=timezone.now() - dt.timedelta(minutes=16)
    )
    assert log_in(attacker, "sai-mat-khau").status_code == 200
    for _ in range(4):
        log_in(attacker, "sai-mat-khau")
    assert lockouts_today(username="namnhun", ip_address="198.51.100.66") == 2
    # ... and 16 minutes after that one the pair is still locked (30 minutes this time).
    AccessAttempt.objects.filter(username="namnhun").update(
        attempt_time=timezone.now() - dt.timedelta(minutes=16)
    )
    second = log_in(attacker, PASSWORD)
    assert second.status_code == 429 and "thử lại sau 30 phút" in second.content.decode()


def test_the_lockout_and_the_failures_are_in_the_audit_trail(throttled, namnhun):
    attacker = behind_proxy("198.51.100.66")
    for _ in range(5):
        log_in(attacker, "sai-mat-khau")
    events = AuditEvent.objects.filter(actor_name="namnhun")
    assert events.filter(action="login_failed", ip_address="198.51.100.66").count() == 5
    assert events.filter(action="locked_out", ip_address="198.51.100.66").exists()


def test_an_admin_sees_and_lifts_the_lockout(throttled, personas, client_for):
    from tests.factories import Personas

    p: Personas = personas
    p.cumgar_staff.set_password(PASSWORD)
    p.cumgar_staff.save()
    attacker = behind_proxy("198.51.100.66")
    for _ in range(5):
        attacker.post(reverse("login"), {"username": "cumgar", "password": "sai"})
    admin = client_for(p.admin)
    page = admin.get(reverse("accounts:lockout_list")).content.decode()
    assert "cumgar" in page and "198.51.100.66" in page and "Đang khóa đến" in page
    # Another province's admin does not see it.
    assert (
        "cumgar"
        not in client_for(p.laichau_admin).get(reverse("accounts:lockout_list")).content.decode()
    )
    attempt = AccessAttempt.objects.get(username="cumgar")
    response = client_for(p.admin).post(reverse("accounts:lockout_unlock", args=[attempt.pk]))
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="cumgar").exists()
    unlock = AuditEvent.objects.get(action="unlock")
    assert (unlock.actor_name, unlock.target) == ("admin66", "cumgar")
    assert "198.51.100.66" in unlock.detail
    ok = attacker.post(reverse("login"), {"username": "cumgar", "password": PASSWORD})
    assert signed_in(ok)
