"""A person opens the portal, logs in, switches to English and back."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_login_switch_language_and_logout(personas, page, login):
    page.goto(page.base_url + "/")
    assert "/accounts/login/" in page.url
    assert page.locator("h1").inner_text() == "Đăng nhập Cổng CCHC"

    login("cumgar")
    assert page.locator("h1").inner_text().startswith("Xin chào")
    assert "Huyện Cư M'gar" in page.locator("nav").inner_text()

    page.click("button[name=language][value=en]")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text().startswith("Hello")

    page.click("button[name=language][value=vi]")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "vi"

    page.click("#user-menu")
    page.click("text=Đăng xuất")
    page.wait_for_load_state("networkidle")
    assert "/accounts/login/" in page.url
    page.goto(page.base_url + "/units/")
    assert "/accounts/login/" in page.url  # the session is really gone
