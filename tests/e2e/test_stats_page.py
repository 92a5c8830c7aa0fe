"""The dossier statistics page in a browser, desktop and phone: figures from the day figures."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from procedures.choices import DossierStatus
from tests.procedures.factories import DossierFactory, at

pytestmark = pytest.mark.django_db(transaction=True)


def test_stats_page_desktop_and_phone(personas, page, login, tmp_path):
    due = at(2024, 1, 15, 17)
    DossierFactory(unit=personas.eakpam, due_at=due, finished_at=at(2024, 1, 12))  # early
    DossierFactory(unit=personas.cumgar, due_at=due, finished_at=due + dt.timedelta(seconds=1))
    DossierFactory(unit=personas.cumgar, status=DossierStatus.WITHDRAWN, finished_at=None)
    login(personas.admin.username)
    page.goto(page.base_url + "/procedures/stats/?start=2024-01-01&end=2024-01-31")
    total = page.locator("table.stats-table tr.table-total td")
    # Đơn vị, kỳ trước, tiếp nhận, trực tuyến, trước hạn, đúng hạn, quá hạn, trong hạn, quá hạn,
    # rút, không tiếp nhận, then the rates: 1 of 2 finished on time.
    texts = [total.nth(k).inner_text() for k in range(12)]
    assert texts == ["Tổng cộng", "0", "3", "0", "1", "0", "1", "0", "0", "1", "0", "50,00\u00a0%"]
    folder = Path(os.environ.get("SCREENSHOTS_DIR", tmp_path))
    for name, size in (("desktop", (1440, 900)), ("phone", (390, 844))):
        page.set_viewport_size({"width": size[0], "height": size[1]})
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0  # the wide table scrolls inside its card
        page.screenshot(path=str(folder / f"stats-{name}.png"), full_page=True)
