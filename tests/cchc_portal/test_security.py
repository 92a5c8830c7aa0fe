"""Production hardening that every page shares: CSP, login throttling, private media."""

import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_carry_a_strict_content_security_policy(personas, client_for):
    response = client_for(personas.admin).get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]


def test_pages_have_no_inline_scripts(personas, client_for):
    import re

    body = client_for(personas.admin).get(reverse("units:unit_list")).content.decode()
    scripts = re.findall(r"<script\b([^>]*)>", body)
    assert scripts, "the layout loads its scripts from /static/"
    assert all("src=" in attrs for attrs in scripts)


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_repeated_wrong_passwords_lock_the_login(personas, client):
    for _ in range(3):
        client.post(reverse("login"), {"username": "cumgar", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "cumgar", "password": "secret-pass-123"})
    assert response.status_code == 429
    assert "Tạm khóa đăng nhập" in response.content.decode()


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_a_right_password_before_the_limit_still_logs_in(personas, client):
    client.post(reverse("login"), {"username": "cumgar", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "cumgar", "password": "secret-pass-123"})
    assert response.status_code == 302


def test_media_files_have_no_public_url(client, settings, personas):
    (settings.MEDIA_ROOT / "secret.txt").write_text("unpublished scores")
    client.force_login(personas.admin)
    assert client.get("/private-media/secret.txt").status_code == 404
    assert client.get("/media/secret.txt").status_code == 404
