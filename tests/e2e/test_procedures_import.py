"""An inspector uploads the one-stop system's export, reads the preview, confirms, sees it done."""

import pytest
from playwright.sync_api import expect

from procedures.models import Dossier
from tests.procedures.factories import ProcedureFactory
from tests.procedures.test_services import GOOD, write_csv

pytestmark = pytest.mark.django_db(transaction=True)


def test_upload_preview_confirm_in_the_browser(personas, page, login, tmp_path):
    # The check and the import are jobs; the tests' immediate backend runs them inside the
    # request, so each page the browser lands on shows the job's outcome.
    ProcedureFactory(code="1.000894")
    bad = write_csv(tmp_path, [GOOD, {**GOOD, "ma_ho_so": "2", "kenh": "Fax"}])
    login("insp66")
    page.goto(page.base_url + "/procedures/imports/new/")
    page.set_input_files("input[type=file]", str(bad))
    page.click("main form button[type=submit]")
    errors = page.locator("table.import-errors")
    expect(errors).to_contain_text("kenh")
    expect(errors).to_contain_text("Fax")
    expect(page.locator("text=Xác nhận nhập")).to_have_count(0)

    good = tmp_path / "good.csv"
    good.write_bytes(write_csv(tmp_path, [GOOD]).read_bytes())
    page.goto(page.base_url + "/procedures/imports/new/")
    page.set_input_files("input[type=file]", str(good))
    page.click("main form button[type=submit]")
    expect(page.locator("td.created")).to_have_text("1")
    assert not Dossier.objects.exists()  # a preview saves nothing
    page.click("text=Xác nhận nhập")
    expect(page.locator(".import-status")).to_have_text("Hoàn tất")
    assert Dossier.objects.filter(code="HS-0001").exists()
