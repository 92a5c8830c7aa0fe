"""A unit's official sees the bell light up after an inspection is concluded, on a phone,
opens the notification and lands on the recommendation; the bell goes quiet."""

import pytest
from playwright.sync_api import expect

from tests.inspections.factories import concluded

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_bell_on_a_phone(personas, page, login, screenshot):
    rec = concluded(personas).recommendations.get()  # tells Cư M'gar's staff
    login("cumgar")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    bell = page.locator("a.notification-bell")
    expect(bell).to_be_visible()  # outside the collapsed menu: no need to open it
    expect(bell.locator(".notification-count")).to_have_text("1 chưa đọc")
    bell.click()
    item = page.locator(".notification-unread")
    expect(item).to_contain_text("Kiến nghị mới cho Huyện Cư M'gar")
    expect(item).to_contain_text("hạn khắc phục 31/10/2019")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the list scrolls sideways on a phone ({width}px)"
    screenshot("phone")
    item.locator("button").click()
    assert page.url.endswith(f"/inspections/recommendations/{rec.pk}/")
    expect(page.locator("a.notification-bell")).to_be_visible()
    expect(page.locator("a.notification-bell .notification-count")).to_have_count(0)
