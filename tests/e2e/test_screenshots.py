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
