"""The unit picker and the plan's target rows in the browser (issue 17), on a desk and on a
phone: typing "cu mgar" narrows the list to the units of that name (accent-insensitive, the
new commune first), a click picks one, "Thêm đơn vị" adds a row, and the plan is saved with
both targets."""

import pytest
from playwright.sync_api import expect

from inspections.models import InspectionPlan
from tests.scoring.factories import two_tier

pytestmark = pytest.mark.django_db(transaction=True)

VIEWPORTS = {"desktop": (1440, 900), "phone": (390, 844)}


@pytest.mark.parametrize("screen", list(VIEWPORTS))
def test_pick_units_add_a_row_and_save_the_plan(personas, page, login, screenshot, screen):
    width, height = VIEWPORTS[screen]
    tier = two_tier(personas)
    login(tier.admin.username)  # on the desk size: the phone folds the user menu away
    page.set_viewport_size({"width": width, "height": height})
    page.goto(page.base_url + "/inspections/plans/new/")
    page.fill("#id_number", "20/KH-SNV")
    page.fill("#id_year", "2026")
    page.fill("#id_title", "Kiểm tra CCHC quý IV/2026")
    page.fill("#id_period_start", "01/01/2026")
    page.fill("#id_period_end", "30/09/2026")
    page.fill("#id_contents", "Công khai TTHC\nBộ phận một cửa")

    unit = page.locator("#id_targets-0-unit")
    page.fill("#id_targets-0-unit_filter", "cu mgar")
    visible = unit.locator("option:not([hidden])")
    # The new commune (today's unit) first, then the old district as history; nothing else.
    expect(visible).to_have_text(["Xã Cư M'gar (24280)", "Huyện Cư M'gar (648)"])
    screenshot("filtered")
    visible.first.click()
    expect(page.locator("#id_targets-0-unit_filter")).to_have_value("")
    expect(unit).to_have_value(str(tier.cumgar.pk))
    # Saved without its date: the row's error names the row and the field; nothing is lost.
    page.click("form.inspections-form button[type=submit]")
    expect(page.locator("#target-errors")).to_contain_text(
        "Đơn vị được kiểm tra, dòng 1 — Ngày dự kiến: Nhập ngày dự kiến (dd/mm/yyyy)."
    )
    expect(unit).to_have_value(str(tier.cumgar.pk))
    screenshot("errors")
    page.fill("#id_targets-0-scheduled_on", "15092026")  # the date input adds the slashes
    expect(page.locator("#id_targets-0-scheduled_on")).to_have_value("15/09/2026")

    rows = page.locator("[data-formset-rows] [data-formset-row]")
    expect(rows).to_have_count(3)  # a new plan starts with three empty rows
    page.click("[data-formset-add]")
    expect(rows).to_have_count(4)
    page.fill("#id_targets-3-unit_filter", "tu phap")
    page.keyboard.press("Enter")  # picks the only match
    expect(page.locator("#id_targets-3-unit")).to_have_value(str(personas.stp.pk))
    page.fill("#id_targets-3-scheduled_on", "20/09/2026")
    page.fill("#id_targets-3-body", "Bộ phận một cửa")
    screenshot("rows")
    page.click("form.inspections-form button[type=submit]")

    expect(page.locator("#plan-targets")).to_contain_text("Xã Cư M'gar")
    screenshot("saved")
    plan = InspectionPlan.objects.get()
    assert [
        (t.unit_id, f"{t.scheduled_on:%d/%m/%Y}", t.body)
        for t in plan.targets.order_by("scheduled_on")
    ] == [
        (tier.cumgar.pk, "15/09/2026", ""),
        (personas.stp.pk, "20/09/2026", "Bộ phận một cửa"),
    ]


def test_the_inspection_list_filters_by_a_picked_unit_on_a_phone(personas, page, login, screenshot):
    from tests.inspections.factories import make_inspection

    make_inspection(personas)  # at Huyện Cư M'gar
    login(personas.inspector.username)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base_url + "/inspections/")
    page.fill("#id_unit_filter", "ea kpam")
    page.keyboard.press("Enter")
    expect(page.locator("#id_unit")).to_have_value(str(personas.eakpam.pk))
    screenshot("picked")
    page.click("form[role=search] button[type=submit]")
    expect(page.locator("main")).to_contain_text("Không có dữ liệu phù hợp.")
    page.fill("#id_unit_filter", "648")
    page.keyboard.press("Enter")
    page.click("form[role=search] button[type=submit]")
    expect(page.locator("main")).to_contain_text("Huyện Cư M'gar")
    screenshot("filtered")
