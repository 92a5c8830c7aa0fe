"""Login, language, formats: what every user meets first."""

import datetime as dt
from decimal import Decimal

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login_from_the_dashboard(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?next=/"


def test_login_page_is_vietnamese_by_default(client):
    body = client.get(reverse("login")).content.decode()
    assert "Đăng nhập Cổng CCHC" in body
    assert 'lang="vi"' in body


def test_demo_login_lands_on_the_dashboard(personas, client):
    response = client.post(
        reverse("login"), {"username": "cumgar", "password": "secret-pass-123"}, follow=True
    )
    assert response.status_code == 200
    assert "Huyện Cư M&#x27;gar" in response.content.decode()


def test_wrong_password_says_so(personas, client):
    response = client.post(reverse("login"), {"username": "cumgar", "password": "nope"})
    assert "không đúng" in response.content.decode()


def test_english_can_be_chosen(personas, client):
    client.force_login(personas.admin)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert 'lang="en"' in body
    assert "Log out" in body


def test_healthz_is_public(client):
    assert client.get(reverse("healthz")).json() == {"status": "ok"}


def render(source, context):
    return engines["django"].from_string("{% load portal %}" + source).render(context)


def test_vietnamese_number_and_date_formats():
    with translation.override("vi"):
        out = render(
            "{{ x|num }} {{ r|percent }} {{ p|percent_value }} {{ n|num:0 }} "
            "{{ d|date:'SHORT_DATE_FORMAT' }}",
            {
                "x": Decimal("86.38"),
                "r": Decimal("0.9936"),
                "p": Decimal("87.8"),
                "n": 272000,
                "d": dt.date(2019, 9, 27),
            },
        )
    assert out == "86,38 99,36\u00a0% 87,80\u00a0% 272.000 27/09/2019"
    with translation.override("en"):
        assert render("{{ x|num }}", {"x": Decimal("1234.5")}) == "1,234.50"


def test_anonymous_may_switch_language_on_the_login_page(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert "Log in to the CCHC portal" in client.get(reverse("login")).content.decode()


def test_an_english_browser_still_gets_vietnamese_until_the_user_chooses(client):
    body = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Đăng nhập Cổng CCHC" in body
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Log in to the CCHC portal" in body


def test_a_server_error_shows_the_portal_error_page_not_a_traceback(personas, client, settings):
    from django.urls import path

    def broken(request):
        raise RuntimeError("boom")

    settings.ROOT_URLCONF = type("urls", (), {"urlpatterns": [path("broken/", broken)]})
    settings.DEBUG = False
    client.raise_request_exception = False
    client.force_login(personas.admin)
    response = client.get("/broken/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Lỗi hệ thống" in body and "Về trang chủ" in body
    assert "boom" not in body and "Traceback" not in body


def test_numbers_are_rounded_half_up_not_cut_off():
    with translation.override("vi"):
        out = render(
            "{{ a|num }} {{ b|num }} {{ c|percent }} {{ d|num:0 }} {{ e|num }}",
            {
                "a": Decimal("86.375"),
                "b": 79.515,  # a float that is 79.51499… in binary: shown as written
                "c": Decimal("0.99355"),
                "d": Decimal("271999.5"),
                "e": Decimal("NaN"),
            },
        )
    assert out == "86,38 79,52 99,36\u00a0% 272.000 –"


def test_favicon_ico_leads_to_the_vendored_svg(client):
    from django.conf import settings

    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("/static/favicon.svg")
    svg = (settings.BASE_DIR / "static" / "favicon.svg").read_text()
    assert svg.lstrip().startswith("<svg") and "http" not in svg.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )  # nothing fetched from elsewhere
