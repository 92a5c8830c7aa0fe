"""Dashboards in a real browser, on the demo world. The page fixture fails the test on any console
error or CSP violation.

The pictures go to the test's tmp_path, so an ordinary run never rewrites the tracked ones;
`make screenshots` sets SCREENSHOTS_DIR=docs/screenshots to regenerate those linked from README.

The demo is loaded as `load_demo` builds it, except that the dossier generator's counts are
scaled down (×1/50) to keep the test fast: rates stay close to the demo's, counts are smaller.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from cchc_portal.demo import DEMO_PASSWORD, load_demo
from units.choices import Role
from units.demo import ensure_user
from units.resolver import resolve_unit

pytestmark = pytest.mark.django_db(transaction=True)

SCALED = (
    "CUMGAR_RECEIVED",
    "CUMGAR_IN_PROGRESS",
    "NAMNHUN_2023",
    "NAMNHUN_2024H1",
    "NAMNHUN_2024H1_DIGITISED_RESULT",
    "NAMNHUN_2024H1_PAID_ONLINE",
    "LACDUONG_DISTRICT",
    "LACDUONG_COMMUNES",
)


@pytest.fixture
def demo(monkeypatch):
    from procedures import demo as procedures_demo

    for name in SCALED:
        monkeypatch.setattr(procedures_demo, name, getattr(procedures_demo, name) // 50)
    load_demo(out=lambda _line: None)
    # A provincial admin of today's Lai Châu, who reads the old province's published district
    # rankings through the lineage (the heat-table of points lost per area).
    ensure_user(
        username="quantri.laichau",
        full_name="Lò Văn Châu",
        role=Role.PROVINCIAL_ADMIN,
        unit=resolve_unit("12", on=dt.date(2026, 12, 1)),
        email="quantri@sonoivu.laichau.local",
    )


@pytest.fixture
def shots(tmp_path) -> Path:
    """Where the pictures go: SCREENSHOTS_DIR (relative to the current directory) or tmp_path."""
    folder = (
        Path(os.environ["SCREENSHOTS_DIR"]).resolve()
        if "SCREENSHOTS_DIR" in os.environ
        else tmp_path
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _shoot(page, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / name), full_page=True)


def _no_horizontal_overflow(page) -> None:
    """Nothing sticks out of the page sideways (wide tables scroll inside their card)."""
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


def test_dashboard_screenshots(demo, page, login, shots):
    login("quantri.daklak", DEMO_PASSWORD)
    assert page.locator("h1").inner_text().startswith("Xin chào")
    body = page.locator("main, body").first.inner_text()
    assert "Kế hoạch kiểm tra năm" in body
    # The demo's dossiers run to November 2026: the panel shows Q4/2026 (or, on a later clock,
    # says that is the latest quarter with dossiers).
    assert "Quý IV/2026" in body
    _no_horizontal_overflow(page)
    _shoot(page, shots, "dashboard-province.png")

    page.context.clear_cookies()
    login("quantri.laichau", DEMO_PASSWORD)
    heat = page.locator(".heat-table")
    assert heat.locator("tbody tr").count() == 8
    assert page.locator("[data-figure=weakest]").is_visible()
    _no_horizontal_overflow(page)
    _shoot(page, shots, "dashboard-province-laichau.png")

    page.context.clear_cookies()
    login("namnhun", DEMO_PASSWORD)
    unit = page.locator("[data-figure=index]")
    assert unit.inner_text() == "79,52"
    assert page.locator("[data-figure=rank]").inner_text().startswith("7/8")
    assert page.locator("[data-figure=change]").inner_text() == "▼ 2"
    assert page.locator("text=Chỉ số và thứ hạng qua các năm").first.is_visible()
    _no_horizontal_overflow(page)
    _shoot(page, shots, "dashboard-unit.png")

    page.click("[data-link=history]")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/scoring/units/112/")
    assert page.locator(".history-years tbody tr").count() == 2
    _no_horizontal_overflow(page)
    _shoot(page, shots, "unit-history.png")


VIEWPORTS = [("desk", 1440, 900), ("phone", 390, 844)]


def _sign_in(page, username: str) -> None:
    """Through the login form at any width (on a phone the user menu is folded away)."""
    page.context.clear_cookies()
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form:has(#id_password) button[type=submit]")
    page.wait_for_selector("h1:has-text('Xin chào')")


def test_finish_pages_on_desk_and_phone(demo, page, shots):
    """Issue 17, "finish": the score sheet (one card per criterion on a phone, score inputs in
    view), the dossier list (total, procedure name, day-only due dates, overdue badge) and the
    statistics (this year to date, the table whole at 1440 px and scrolled in its card at
    390 px, legible chart text, the dd/mm/yyyy date input) at 1440×900 and 390×844."""
    from procedures.choices import DossierStatus
    from scoring.models import Assessment
    from tests.procedures.factories import DossierFactory, at
    from units.models import User

    commune = User.objects.get(username="cumgar.xa").unit
    sheet = Assessment.objects.get(unit=commune, criteria_set__year=2026)
    today = dt.date.today()
    week_ago = today - dt.timedelta(days=7)
    # One dossier known to be overdue: due at midnight three days ago, still in progress.
    late = DossierFactory(
        unit=commune,
        code="HS-E2E-QUAHAN",
        received_at=at(week_ago.year, week_ago.month, week_ago.day),
        due_at=at(*(today - dt.timedelta(days=3)).timetuple()[:3], 0),
        finished_at=None,
        status=DossierStatus.IN_PROGRESS,
    )
    for name, width, height in VIEWPORTS:
        page.set_viewport_size({"width": width, "height": height})

        _sign_in(page, "cumgar.xa")
        page.goto(f"{page.base_url}/scoring/assessments/{sheet.pk}/")
        row = page.locator(".score-sheet tbody tr[id^=score-]").first
        cell = row.locator("input[name=value]").first
        cell.scroll_into_view_if_needed()
        box = cell.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
        display = row.evaluate("el => getComputedStyle(el).display")
        if name == "phone":
            assert display == "block"  # a card, not a table row 1,400 px wide
            assert not page.locator(".score-sheet thead").is_visible()
            label = row.locator("td[data-label]").first.evaluate(
                "el => getComputedStyle(el, '::before').content"
            )
            assert label == '"Tối đa"'
        else:
            assert display == "table-row"
        _no_horizontal_overflow(page)
        _shoot(page, shots, f"score-sheet-{name}.png")

        _sign_in(page, "quantri.daklak")
        page.goto(f"{page.base_url}/procedures/dossiers/")
        total = page.locator("[data-total]")
        assert total.inner_text().endswith("hồ sơ")
        assert int(total.get_attribute("data-total")) > 1000
        first = page.locator(".dossier-table tbody tr").first
        assert first.locator(".procedure-name").inner_text().startswith("Thủ tục")
        assert "00:00" not in page.locator(".dossier-table").inner_text()
        _no_horizontal_overflow(page)
        _shoot(page, shots, f"dossier-list-{name}.png")
        page.goto(f"{page.base_url}/procedures/dossiers/?q={late.code}")
        assert page.locator("[data-total]").get_attribute("data-total") == "1"
        row = page.locator(".dossier-table tbody tr").first
        assert row.locator("[data-badge=overdue]").inner_text() == "Quá hạn"
        assert f"{late.due_at.astimezone(at(2026, 1, 1).tzinfo):%d/%m/%Y}" in row.inner_text()

        page.goto(f"{page.base_url}/procedures/stats/")
        period = page.locator("[data-period]").inner_text()
        assert f"01/01/{today.year} – {today:%d/%m/%Y}" in period
        card = page.locator(".stats-table").locator("xpath=..")
        overflow = card.evaluate("el => el.scrollWidth - el.clientWidth")
        if name == "desk":
            assert overflow <= 0  # every column in view at 1440 px ("Số hóa kết quả" whole)
        else:
            assert overflow > 0  # scrolled inside its card, never the page
        text_height = page.locator(".chart-svg svg text").first.bounding_box()["height"]
        assert text_height >= 9, text_height  # 4-5 px before
        start = page.locator("input[name=start]")
        assert start.get_attribute("type") == "text"
        start.click()
        start.press_sequentially("01072026")
        assert start.input_value() == "01/07/2026"
        _no_horizontal_overflow(page)
        _shoot(page, shots, f"dossier-stats-{name}.png")


def test_inspection_screenshots(demo, page, login, shots):
    """Field work on the demo (issue 17): the month calendar, an inspection, the tracker and
    the commune's dashboard, each on a desk (1440×900) and on a phone (390×844)."""
    from inspections.models import Inspection

    inspection = Inspection.objects.get(plan__number="15/KH-SNV", unit__code="24280")
    pages = {
        "thanhtra.daklak": [
            ("inspection-calendar", "/inspections/calendar/?month=2026-12"),
            ("inspection-page", inspection.get_absolute_url()),
        ],
        "cumgar.xa": [
            ("dashboard-commune", "/"),
            ("recommendation-tracker", "/inspections/recommendations/"),
        ],
    }
    for username, visits in pages.items():
        page.context.clear_cookies()
        page.set_viewport_size({"width": 1440, "height": 900})
        login(username, DEMO_PASSWORD)
        for name, path in visits:
            for suffix, (width, height) in (("", (1440, 900)), ("-phone", (390, 844))):
                page.set_viewport_size({"width": width, "height": height})
                page.goto(page.base_url + path)
                page.wait_for_load_state("networkidle")
                _shoot(page, shots, f"{name}{suffix}.png")  # first: a failure can be looked at
                _no_horizontal_overflow(page)
    # What the pictures must show: December's visits, the commune's sent-back report.
    page.goto(page.base_url + "/")
    assert page.locator('.rec-counts [data-figure="sent-back"]').inner_text() == "1"
