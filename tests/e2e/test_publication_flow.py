"""Publication in the browser (flow 3): before publication a unit sees no ranking and no other
unit's score; the provincial admin locks every assessment and publishes; the unit then sees its
published rank and index on its dashboard and the ranking page."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from scoring.choices import AssessmentState
from scoring.models import Assessment, PublishedRanking
from tests.factories import UnitFactory
from tests.scoring.factories import FULL, make_assessment, make_set
from units.choices import Level

pytestmark = pytest.mark.django_db(transaction=True)

# Every criterion at its maximum in round 1, survey 25: 70 + 25 = 95,00 (Xuất sắc).
TOP = {
    "1.1": ("4", "4", None, None),
    "1.2": ("6", "6", None, None),
    "2.1": ("20", "20", None, None),
    "2.2": ("10", "10", None, None),
    "2.3": ("30", "30", None, None),
    "3.1": (None, None, None, "25"),
}
# FULL (tests/scoring/factories.py): 64,55 appraisal + 20,83 survey = 85,38 (Tốt).


def test_lock_publish_and_the_unit_sees_its_rank(personas, page, login, logout, screenshot):
    base = page.base_url
    cs = make_set(province=personas.daklak)
    krongbuk = UnitFactory(
        code="650", name="Huyện Krông Búk", level=Level.DISTRICT, parent=personas.daklak
    )
    for unit, scores in ((personas.cumgar, FULL), (krongbuk, TOP)):
        make_assessment(
            criteria_set=cs, unit=unit, state=AssessmentState.APPRAISAL_2, scores=scores
        )

    # Before publication the unit sees no ranking, no index and nobody else's score.
    login("cumgar")
    expect(page.locator("main")).to_contain_text(
        "Đơn vị chưa có trong bảng xếp hạng nào đã công bố."
    )
    expect(page.locator("[data-figure=rank]")).to_have_count(0)
    for unpublished in ("85,38", "95,00", "Krông Búk"):
        expect(page.locator("main")).not_to_contain_text(unpublished)
    page.get_by_role("button", name="Chỉ số CCHC").click()
    page.get_by_role("link", name="Kết quả công bố").click()
    expect(page.locator(".public-rankings")).to_contain_text("Chưa có kết quả nào được công bố.")
    for path in (f"/scoring/rankings/{cs.pk}/", f"/public/rankings/{cs.pk}/"):
        page.allow(404, path)
        assert page.goto(base + path).status == 404
        expect(page.locator("h1")).to_have_text("Không tìm thấy trang")
        expect(page.locator("body")).not_to_contain_text("Krông Búk")
    page.get_by_role("link", name="Về trang chủ").click()  # not a dead end
    expect(page.locator("h1")).to_contain_text("Xin chào")
    logout()

    # The admin tries to publish too early, is told which units are not locked, locks them.
    login("admin66")
    page.goto(base + "/scoring/sets/")
    page.get_by_role("link", name=cs.name).click()
    page.get_by_role("link", name="Xếp hạng").click()
    expect(page.locator(".ranking-status")).to_contain_text("Kết quả tạm tính")
    # Publishing goes through its confirmation page, which names every unit not locked.
    page.click("a.publish-link")
    expect(page.locator(".bulk-outcomes")).to_contain_text("từ chối: chưa chốt điểm")
    expect(page.locator(".outcome-refused")).to_have_count(2)
    expect(page.locator("button:text('Xác nhận')")).to_have_count(0)
    assert not PublishedRanking.objects.exists()
    for name in ("Huyện Cư M'gar", "Huyện Krông Búk"):
        page.goto(base + "/scoring/assessments/")
        page.get_by_role("link", name=name).click()
        page.click("a:text('Chốt điểm')")
        page.click("button:text('Xác nhận')")
        expect(page.locator(".assessment-state")).to_have_text("Đã chốt điểm")
    page.get_by_role("link", name="Xếp hạng").click()
    page.click("a.publish-link")
    page.click("button:text('Xác nhận')")
    expect(page.locator(".alert-success[role=alert]")).to_contain_text(
        "công bố kết quả: 2/2 đơn vị đã thực hiện."
    )
    page.click("a.ranking-link")
    today = timezone.localdate().strftime("%d/%m/%Y")
    expect(page.locator(".ranking-status")).to_have_text(f"Kết quả đã công bố ngày {today}.")
    publication = PublishedRanking.objects.get(criteria_set=cs, withdrawn_at__isnull=True)
    assert [(r.unit_name, r.rank) for r in publication.results.order_by("rank")] == [
        ("Huyện Krông Búk", 1),
        ("Huyện Cư M'gar", 2),
    ]
    assert set(Assessment.objects.values_list("state", flat=True)) == {AssessmentState.PUBLISHED}
    logout()

    # The unit now sees its rank, index and grade, and the published ranking behind them.
    login("cumgar")
    expect(page.locator("[data-figure=index]")).to_have_text("85,38")
    expect(page.locator("[data-figure=grade]")).to_have_text("Tốt")
    expect(page.locator("[data-figure=rank]")).to_contain_text("2/2")
    panel = page.locator("section", has=page.locator("[data-figure=rank]"))
    panel.get_by_role("link", name="Xem chi tiết").click()
    expect(page.locator(".ranking-status")).to_have_text(f"Kết quả đã công bố ngày {today}.")
    rows = page.locator(".ranking-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Huyện Krông Búk")
    expect(rows.nth(0).locator("td").first).to_have_text("1")
    expect(rows.nth(1).locator("td").first).to_have_text("2")
    expect(rows.nth(1).locator("td.fw-bold")).to_have_text("85,38")
    expect(page.locator("button:text('Thu hồi công bố')")).to_have_count(0)
    # The chart reads like the table: rank 1 on top.
    chart = page.locator(".chart-svg svg").first
    first = chart.locator("text", has_text="Huyện Krông Búk").first.bounding_box()
    second = chart.locator("text", has_text="Huyện Cư M'gar").first.bounding_box()
    assert first["y"] < second["y"]
    screenshot()
