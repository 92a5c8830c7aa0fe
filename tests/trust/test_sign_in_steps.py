"""The steps a sign-in owes after the password, with the enforcement on (tests/settings.py
switches it off elsewhere, so `force_login` is enough there): the forced change of a password
someone else set, two-factor enrolment by role, verification with a code or a recovery code,
the admin's reset, the demo users' exemption in development."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AccountSecurity
from audit.models import AuditEvent
from tests.factories import UserFactory
from units.choices import Role

SET_BY_ADMIN = "Dat-boi-quan-tri-01"
OWN = "Mat-khau-rieng-cua-toi-2026"


@pytest.fixture(autouse=True)
def enforced(settings):
    settings.SIGN_IN_STEPS_ENFORCED = True
    # django-otp makes a device wait 1 s, 2 s, 4 s … after each wrong code; these tests type a
    # wrong one and the right one within the same second.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def user_with(role: str, username: str, **extra):
    user = UserFactory(username=username, role=role, **extra)
    user.set_password(SET_BY_ADMIN)  # by someone else: must be changed at the next sign-in
    user.save()
    return user


def sign_in(username: str, password: str) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def first_stop(client: Client) -> str:
    """Where the home page sends the user (its path), or "home" when it opens."""
    response = client.get(reverse("home"))
    if response.status_code == 200:
        return "home"
    assert response.status_code == 302
    return response["Location"].split("?")[0]


def change_password(client: Client) -> None:
    response = client.post(
        reverse("password_change"),
        {"old_password": SET_BY_ADMIN, "new_password1": OWN, "new_password2": OWN},
    )
    assert response.status_code == 302, response.context["form"].errors


def enrol(client: Client, user) -> list[str]:
    assert client.get(reverse("accounts:two_factor_setup")).status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    wrong = client.post(reverse("accounts:two_factor_setup"), {"token": "000000"})
    assert "Mã không đúng" in wrong.content.decode()
    response = client.post(
        reverse("accounts:two_factor_setup"), {"token": f"{totp(device.bin_key):06d}"}
    )
    assert response["Location"] == reverse("accounts:two_factor_codes")
    page = client.get(reverse("accounts:two_factor_codes")).content.decode()
    codes = re.findall(r"<li>([a-z0-9]{8})</li>", page)
    assert len(codes) == 10
    # Shown once only.
    assert not re.findall(
        r"<li>([a-z0-9]{8})</li>", client.get(response["Location"]).content.decode()
    )
    return codes


def test_a_provincial_admin_changes_the_password_enrols_then_verifies_each_time(db):
    admin = user_with(Role.PROVINCIAL_ADMIN, "quantri.test", unit=None)
    client = sign_in("quantri.test", SET_BY_ADMIN)
    assert first_stop(client) == reverse("password_change")
    assert client.get(reverse("units:unit_list")).status_code == 302  # every page waits
    assert "do người khác đặt" in client.get(reverse("password_change")).content.decode()
    change_password(client)
    assert not AccountSecurity.objects.get(user=admin).must_change_password
    assert first_stop(client) == reverse("accounts:two_factor_setup")
    codes = enrol(client, admin)
    assert first_stop(client) == "home"

    # The next sign-in asks for a code; a wrong one is refused and written down.
    client = sign_in("quantri.test", OWN)
    assert first_stop(client) == reverse("accounts:two_factor_verify")
    wrong = client.post(reverse("accounts:two_factor_verify"), {"token": "123456"})
    assert wrong.status_code == 200 and "Mã không đúng" in wrong.content.decode()
    assert AuditEvent.objects.filter(action="two_factor_failed", actor_name="quantri.test").exists()
    # A recovery code works once.
    ok = client.post(reverse("accounts:two_factor_verify"), {"token": codes[0]})
    assert ok["Location"] == reverse("home")
    assert first_stop(client) == "home"
    assert not StaticToken.objects.filter(token=codes[0]).exists()
    again = sign_in("quantri.test", OWN)
    assert again.post(reverse("accounts:two_factor_verify"), {"token": codes[0]}).status_code == 200
    assert first_stop(again) == reverse("accounts:two_factor_verify")


@pytest.mark.parametrize(
    ("role", "exempt", "expected"),
    [
        (Role.PROVINCIAL_ADMIN, False, "accounts:two_factor_setup"),
        (Role.PROVINCIAL_INSPECTOR, False, "accounts:two_factor_setup"),  # on by default
        (Role.PROVINCIAL_INSPECTOR, True, "home"),  # switched off by an admin
        (Role.UNIT_STAFF, False, "home"),  # optional
    ],
)
def test_who_must_enrol(db, role, exempt, expected):
    user = user_with(role, "someone", unit=None)
    AccountSecurity.objects.filter(user=user).update(
        must_change_password=False, two_factor_exempt=exempt
    )
    stop = first_stop(sign_in("someone", SET_BY_ADMIN))
    assert stop == (expected if expected == "home" else reverse(expected))


def test_unit_staff_who_enrol_are_asked_for_the_code_and_may_turn_it_off(db):
    staff = user_with(Role.UNIT_STAFF, "canbo", unit=None)
    AccountSecurity.objects.filter(user=staff).update(must_change_password=False)
    client = sign_in("canbo", SET_BY_ADMIN)
    enrol(client, staff)
    later = sign_in("canbo", SET_BY_ADMIN)
    assert first_stop(later) == reverse("accounts:two_factor_verify")
    device = TOTPDevice.objects.get(user=staff)
    later.post(
        reverse("accounts:two_factor_verify"), {"token": f"{totp(device.bin_key, drift=1):06d}"}
    )
    assert first_stop(later) == "home"
    assert later.post(reverse("accounts:two_factor_disable")).status_code == 302
    assert not TOTPDevice.objects.filter(user=staff).exists()


def test_a_provincial_role_cannot_turn_it_off(db):
    admin = user_with(Role.PROVINCIAL_ADMIN, "quantri2", unit=None)
    AccountSecurity.objects.filter(user=admin).update(must_change_password=False)
    client = sign_in("quantri2", SET_BY_ADMIN)
    enrol(client, admin)
    client.post(reverse("accounts:two_factor_disable"))
    assert TOTPDevice.objects.filter(user=admin, confirmed=True).exists()


def test_the_admin_reset_sends_the_user_back_to_enrolment(personas, client_for):
    p = personas
    inspector = p.inspector
    inspector.set_password(SET_BY_ADMIN)
    inspector.save()
    AccountSecurity.objects.filter(user=inspector).update(must_change_password=False)
    enrol(sign_in(inspector.username, SET_BY_ADMIN), inspector)
    admin = Client()
    admin.force_login(p.admin)
    # The admin's own steps: skip them here (their flow is the first test).
    session = admin.session
    session["_sign_in_steps_done"] = True
    session.save()
    reset = admin.post(reverse("accounts:user_two_factor_reset", args=[inspector.pk]))
    assert reset.status_code == 302
    assert not TOTPDevice.objects.filter(user=inspector).exists()
    event = AuditEvent.objects.get(action="two_factor_reset")
    assert (event.actor_name, event.target) == ("admin66", "insp66")
    assert first_stop(sign_in(inspector.username, SET_BY_ADMIN)) == reverse(
        "accounts:two_factor_setup"
    )


def test_demo_users_skip_the_steps_in_development_only(db, settings):
    demo = user_with(Role.PROVINCIAL_ADMIN, "quantri.daklak", unit=None)
    assert AccountSecurity.objects.get(user=demo).must_change_password
    settings.DEBUG = True
    assert first_stop(sign_in("quantri.daklak", SET_BY_ADMIN)) == "home"
    settings.DEBUG = False
    assert first_stop(sign_in("quantri.daklak", SET_BY_ADMIN)) == reverse("password_change")


def test_a_password_the_user_sets_is_not_forced_again(db):
    user = user_with(Role.UNIT_STAFF, "canbo2", unit=None)
    client = sign_in("canbo2", SET_BY_ADMIN)
    change_password(client)
    assert first_stop(sign_in("canbo2", OWN)) == "home"
    # An admin sets a new one: forced again.
    user.refresh_from_db()
    user.set_password(SET_BY_ADMIN)
    user.save()
    assert first_stop(sign_in("canbo2", SET_BY_ADMIN)) == reverse("password_change")
