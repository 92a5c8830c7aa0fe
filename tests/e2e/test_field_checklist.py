"""Field work on a phone (390×844) and a desk: an inspector opens an inspection whose plan names
no contents, makes its checklist from a template, saves a row and sees "Đã lưu", takes a photo
of a line (the file input a phone opens the camera from) and sees its thumbnail; the template
pages (issue 17)."""

import pytest
from PIL import Image
from playwright.sync_api import expect

from inspections import services
from inspections.choices import InspectionKind
from tests.inspections.factories import make_inspection, make_plan

pytestmark = pytest.mark.django_db(transaction=True)

VIEWPORTS = {"desktop": (1440, 900), "phone": (390, 844)}


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_checklist_from_a_template(personas, page, login, screenshot, viewport, tmp_path):
    width, height = VIEWPORTS[viewport]
    # Transactional tests flush the migration's defaults: the template is made here.
    template = services.checklist_template_save(
        kind=InspectionKind.CCHC,
        name="Danh mục kiểm tra tại xã",
        items=[
            "Việc rà soát, công bố, công khai thủ tục hành chính",
            "Hoạt động của Bộ phận một cửa và trang thiết bị (camera giám sát)",
        ],
    )
    inspection = make_inspection(personas, plan=make_plan(personas, contents=()))
    login("insp66")
    page.set_viewport_size({"width": width, "height": height})

    page.goto(page.base_url + "/inspections/checklists/")
    expect(page.locator("#checklist-templates")).to_contain_text("Danh mục kiểm tra tại xã")
    screenshot(f"{viewport}-templates")
    page.goto(page.base_url + template.get_absolute_url())
    expect(page.locator("#template-items li")).to_have_count(2)
    screenshot(f"{viewport}-template")
    page.click(f'a[href="/inspections/checklists/{template.pk}/edit/"]')
    expect(page.locator("textarea[name=items]")).to_have_value(
        "Việc rà soát, công bố, công khai thủ tục hành chính\n"
        "Hoạt động của Bộ phận một cửa và trang thiết bị (camera giám sát)"
    )
    screenshot(f"{viewport}-template-edit")

    page.goto(page.base_url + inspection.get_absolute_url())
    form = page.locator("#checklist-from-template")
    form.locator("select[name=template]").select_option(label=str(template))
    form.locator("button[type=submit]").click()
    items = page.locator("#checklist .checklist-item")
    expect(items).to_have_count(2)
    expect(page.locator("#checklist-from-template")).to_have_count(0)

    second = items.nth(1)
    second.locator("select[name=outcome]").select_option("partly")
    second.locator(".checklist-form button[type=submit]").click()
    saved = page.locator("#checklist .checklist-saved")
    expect(saved).to_have_count(1)
    expect(page.locator("#checklist .checklist-item").nth(1)).to_contain_text("Đã lưu")
    assert inspection.checklist.filter(outcome="partly").count() == 1

    photo = tmp_path / "camera.jpg"
    Image.new("RGB", (2400, 1800), (40, 120, 200)).save(photo, "JPEG")
    line = page.locator("#checklist .checklist-item").nth(1)
    expect(line.locator("input[type=file]")).to_have_attribute("capture", "environment")
    line.locator("input[type=file]").set_input_files(str(photo))
    line.locator(".photo-upload button[type=submit]").click()
    thumb = page.locator("#checklist .checklist-item").nth(1).locator("img.photo-thumb")
    expect(thumb).to_have_count(1)
    # The element comes with the htmx swap; its picture loads a moment later.
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle()
    )
    assert thumb.evaluate("img => img.naturalWidth") == 320
    page.locator("#checklist").scroll_into_view_if_needed()
    screenshot(f"{viewport}-inspection")
