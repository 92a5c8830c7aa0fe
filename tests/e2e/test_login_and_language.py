"""A person opens the portal, logs in, switches to English and back (flow 5).

The project's rule (cchc_portal/formats): numbers follow the language (85,38 in Vietnamese,
85.38 in English) while dates stay day-first, dd/mm/yyyy, in both."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from scoring import services
from scoring.choices import AssessmentState
from tests.e2e.test_publication_flow import TOP
from tests.factories import UnitFactory
from tests.inspections.factories import concluded
from tests.scoring.factories import FULL, make_assessment, make_set
from units.choices import Level

pytestmark = pytest.mark.django_db(transaction=True)


def published_ranking(p):
    """Cư M'gar 85,38 (rank 2 of 2) in a published 2024 ranking of Đắk Lắk."""
    cs = make_set(province=p.daklak)
    other = UnitFactory(code="650", name="Huyện Krông Búk", level=Level.DISTRICT, parent=p.daklak)
    for unit, scores in ((p.cumgar, FULL), (other, TOP)):
        make_assessment(criteria_set=cs, unit=unit, state=AssessmentState.LOCKED, scores=scores)
    services.ranking_publish(criteria_set=cs, by=p.admin)
    return cs


def test_login_switch_language_and_logout(personas, page, login, logout, screenshot):
    published_ranking(personas)
    concluded(personas)  # a recommendation of Cư M'gar due 31/10/2019
    today = timezone.localdate().strftime("%d/%m/%Y")

    page.goto(page.base_url + "/")
    assert "/accounts/login/" in page.url
    expect(page.locator("h1")).to_have_text("Đăng nhập Cổng CCHC")

    login("cumgar")
    expect(page.locator("h1")).to_contain_text("Xin chào")
    expect(page.locator("nav")).to_contain_text("Huyện Cư M'gar")
    expect(page.locator("[data-figure=index]")).to_have_text("85,38")

    # English: the words and the decimal separator change, the figures do not.
    page.click("button[name=language][value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_contain_text("Hello")
    expect(page.locator("[data-figure=index]")).to_have_text("85.38")
    expect(page.locator("[data-figure=rank]")).to_contain_text("2/2")
    page.locator("section", has=page.locator("[data-figure=rank]")).locator(
        ".card-header a"
    ).click()
    expect(page.locator(".ranking-status")).to_contain_text(today)
    cumgar = page.locator(".ranking-table tr[data-unit='648']")
    expect(cumgar.locator("td.fw-bold")).to_have_text("85.38")
    expect(cumgar).to_contain_text("64.55")
    expect(cumgar).to_contain_text("20.83")
    page.goto(page.base_url + "/inspections/recommendations/")
    expect(page.locator("main table")).to_contain_text("31/10/2019")
    screenshot("en")

    # Back to Vietnamese on the same page.
    page.click("button[name=language][value=vi]")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    assert page.url.endswith("/inspections/recommendations/")
    expect(page.locator("main table")).to_contain_text("31/10/2019")
    expect(page.locator("h1")).to_have_text("Theo dõi kiến nghị")
    page.goto(page.base_url + "/")
    expect(page.locator("[data-figure=index]")).to_have_text("85,38")

    logout()
    assert "/accounts/login/" in page.url
    page.goto(page.base_url + "/units/")
    assert "/accounts/login/" in page.url  # the session is really gone
