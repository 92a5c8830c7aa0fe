"""The remediation loop in the browser, on a desk (1440×900) and on a phone (390×844): the unit
reports, the inspector sends it back, the unit reports again, the inspector verifies (after a
confirmation); both dashboards show each status as it comes (issue 17)."""

import pytest
from playwright.sync_api import expect

from inspections.choices import RecommendationState
from inspections.models import Recommendation
from tests.inspections.factories import concluded

pytestmark = pytest.mark.django_db(transaction=True)

VIEWPORTS = {"desktop": (1440, 900), "phone": (390, 844)}


def _figures(page) -> dict[str, str]:
    panel = page.locator(".rec-counts").first
    return {
        name: panel.locator(f'[data-figure="{name}"]').inner_text().strip()
        for name in ("not-reported", "reported", "sent-back", "overdue")
    }


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_reported_sent_back_reported_again_verified(
    personas, page, login, logout, screenshot, viewport
):
    width, height = VIEWPORTS[viewport]
    desk = {"width": 1440, "height": 900}
    base = page.base_url

    # The login and logout helpers use the desktop menu (on a phone it folds into the toggler).
    def sign_in(username: str) -> None:
        page.set_viewport_size(desk)
        login(username)
        page.set_viewport_size({"width": width, "height": height})

    def sign_out() -> None:
        page.set_viewport_size(desk)
        logout()

    inspection = concluded(personas)  # due 31/10/2019: long overdue
    rec = Recommendation.objects.get(inspection=inspection)

    def dashboards(expected: dict[str, str], step: str) -> None:
        for username in ("cumgar", "insp66"):
            sign_in(username)
            page.goto(base + "/")
            assert _figures(page) == expected, (username, step)
            screenshot(f"{viewport}-{step}-{username}")
            sign_out()

    dashboards({"not-reported": "1", "reported": "0", "sent-back": "0", "overdue": "1"}, "1-open")

    # The unit reports from its dashboard's link.
    sign_in("cumgar")
    page.click(f'[data-recommendation="{rec.pk}"] [data-link="remediation"]')
    page.fill("#remediation-form textarea[name=text]", "Đã niêm yết đủ TTHC tại bộ phận một cửa")
    page.click("#remediation-form button[type=submit]")
    expect(page.locator("#rec-state")).to_contain_text("Đã báo cáo – chờ xác nhận")
    sign_out()
    dashboards({"not-reported": "0", "reported": "1", "sent-back": "0", "overdue": "1"}, "2-rep")

    # The inspector sends it back with a reason.
    sign_in("insp66")
    page.goto(base + rec.get_absolute_url())
    page.fill("#send-back-form textarea[name=note]", "Thiếu ảnh chụp bảng niêm yết")
    page.click("#send-back-form button[type=submit]")
    expect(page.locator("#rec-state")).to_contain_text("Bị trả lại")
    sign_out()
    dashboards({"not-reported": "0", "reported": "0", "sent-back": "1", "overdue": "1"}, "3-back")

    # The unit sees why, and reports again.
    sign_in("cumgar")
    page.goto(base + rec.get_absolute_url())
    expect(page.locator(".remediation .text-danger")).to_contain_text(
        "Thiếu ảnh chụp bảng niêm yết"
    )
    page.fill("#remediation-form textarea[name=text]", "Bổ sung ảnh chụp bảng niêm yết")
    page.click("#remediation-form button[type=submit]")
    expect(page.locator("#rec-state")).to_contain_text("Đã báo cáo – chờ xác nhận")
    sign_out()

    # The inspector verifies, after the confirmation page.
    sign_in("insp66")
    page.goto(base + rec.get_absolute_url())
    page.click("#verify-form button[type=submit]")
    expect(page.locator(".confirm-facts")).to_contain_text("Bổ sung ảnh chụp bảng niêm yết")
    assert Recommendation.objects.get(pk=rec.pk).state == RecommendationState.REPORTED
    screenshot(f"{viewport}-4-confirm")
    page.click("#confirm-button")
    expect(page.locator("#rec-state")).to_contain_text("Đã xác nhận")
    sign_out()
    dashboards({"not-reported": "0", "reported": "0", "sent-back": "0", "overdue": "0"}, "5-done")
    # The phone never scrolls sideways on these pages.
    sign_in("cumgar")
    for path in ("/", "/inspections/recommendations/", rec.get_absolute_url()):
        page.goto(base + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
