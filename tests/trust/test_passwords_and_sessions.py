"""Passwords and sessions to ASVS level 2: 12 characters at least (with Django's common-password
and similarity validators), an idle timeout besides the absolute one, a password reset inside the
portal's layout that is throttled per address and per account and mails through one function."""

from __future__ import annotations

import re
import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import AccountSecurity
from audit.models import AuditEvent
from cchc_portal.middleware import IDLE_KEY
from tests.factories import UserFactory


@pytest.mark.parametrize(
    "password", ["Cchc@2025", "password1234", "123456789012", "nguyenvana.daklak"]
)
def test_weak_passwords_are_refused(db, password):
    user = UserFactory.build(username="nguyenvana.daklak", email="nguyenvana@daklak.gov.vn")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_long_password_is_accepted(db):
    validate_password("Cai-cach-hanh-chinh-2026", UserFactory.build(username="canbo"))


# --------------------------------------------------------------------------- idle timeout


@pytest.fixture
def staff(db):
    return UserFactory(username="canbo", email="canbo@daklak.gov.vn")


def _idle_for(client: Client, seconds: int) -> None:
    session = client.session
    session[IDLE_KEY] = int(time.time()) - seconds
    session.save()


@pytest.mark.parametrize(
    ("minutes", "idle", "signed_out"), [(30, 29, False), (30, 31, True), (5, 6, True)]
)
def test_an_idle_session_ends(settings, client, staff, minutes, idle, signed_out):
    settings.SESSION_IDLE_MINUTES = minutes
    client.force_login(staff)
    _idle_for(client, idle * 60)
    response = client.get(reverse("units:unit_list"))
    if not signed_out:
        assert response.status_code == 200
        return
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?idle=1")
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "lâu không thao tác" in page


def test_the_idle_clock_restarts_with_each_request(settings, client, staff):
    settings.SESSION_IDLE_MINUTES = 30
    client.force_login(staff)
    _idle_for(client, 20 * 60)
    assert client.get(reverse("home")).status_code == 200
    assert client.session[IDLE_KEY] >= int(time.time()) - 5


def test_the_absolute_lifetime_stays(settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


# --------------------------------------------------------------------------- password reset


def _ask(address: str, email: str):
    client = Client(REMOTE_ADDR=address)
    return client.post(reverse("password_reset"), {"email": email})


def test_the_reset_page_is_the_portals(client):
    page = client.get(reverse("password_reset")).content.decode()
    assert "navbar-portal" in page and "Quên mật khẩu" in page
    assert "Django" not in page


def test_a_reset_mails_a_link_that_sets_a_password_of_ones_own(staff, monkeypatch):
    sent = []
    from notifications import services as mail_services

    original = mail_services.mail_queue

    def spy(**kwargs):
        sent.append(kwargs)
        return original(**kwargs)

    monkeypatch.setattr("accounts.forms.mail_queue", spy)
    response = _ask("203.0.113.7", "CANBO@daklak.gov.vn")
    assert response["Location"] == reverse("password_reset_done")
    assert [m["to"] for m in sent] == ["canbo@daklak.gov.vn"]
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body)[1]
    client = Client()
    form = client.get(link, follow=True)
    assert form.status_code == 200 and "new_password1" in form.content.decode()
    new = "Mat-khau-moi-cua-toi-2026"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done["Location"] == reverse("password_reset_complete")
    staff.refresh_from_db()
    assert staff.check_password(new)
    assert not AccountSecurity.objects.get(user=staff).must_change_password
    assert AuditEvent.objects.filter(action="password_reset", actor_name="canbo").exists()


def test_resets_are_throttled_per_address(settings, staff):
    settings.PASSWORD_RESET_PER_ADDRESS_HOUR = 5
    settings.PASSWORD_RESET_PER_ACCOUNT_HOUR = 100
    statuses = [_ask("198.51.100.66", f"x{i}@example.org").status_code for i in range(6)]
    assert statuses == [302] * 5 + [429]
    # Another address is not held back by that one.
    assert _ask("203.0.113.7", "canbo@daklak.gov.vn").status_code == 302
    assert len(mail.outbox) == 1


def test_resets_are_throttled_per_account_without_telling(settings, staff):
    settings.PASSWORD_RESET_PER_ADDRESS_HOUR = 100
    settings.PASSWORD_RESET_PER_ACCOUNT_HOUR = 3
    statuses = [_ask(f"203.0.113.{i}", "canbo@daklak.gov.vn").status_code for i in range(5)]
    assert statuses == [302] * 5  # the same answer every time ...
    assert len(mail.outbox) == 3  # ... but no more mail than the limit
