"""Issuing a plan in the browser: the plan page offers "Ban hành", the confirmation page says
what cannot be undone, and the plan then shows its register number; on a desktop and on a
phone."""

import pytest
from playwright.sync_api import expect

from inspections.models import InspectionPlan
from tests.inspections.factories import make_plan

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)])
def test_issue_a_plan_after_confirming(personas, page, login, screenshot, width, height):
    plan = make_plan(personas, number="", issued_on=None, purpose="Đánh giá kết quả CCHC.")
    login("insp66")
    page.set_viewport_size({"width": width, "height": height})
    page.goto(page.base_url + plan.get_absolute_url())
    expect(page.locator("#plan-issued")).to_have_text("Dự thảo (chưa ban hành)")
    page.click("text=Ban hành")
    expect(page.locator("#issue-warning")).to_contain_text("không thể hoàn tác")
    screenshot(f"confirm-{width}")
    assert not InspectionPlan.objects.get(pk=plan.pk).is_issued  # nothing before confirming
    page.click("text=Xác nhận ban hành")
    expect(page.locator("#plan-issued")).to_contain_text("Đã ban hành số 1/KH-SNV")
    screenshot(f"issued-{width}")
    expect(page.get_by_role("link", name="Ban hành", exact=True)).to_have_count(0)
    plan.refresh_from_db()
    assert plan.is_issued and plan.number == "1/KH-SNV"
