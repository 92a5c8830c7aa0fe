"""A unit enters self scores in the browser: htmx saves the cell, subtotals follow, errors show
at the cell, and a stale save is refused with a conflict message."""

import pytest
from playwright.sync_api import expect

from scoring.models import CriterionScore
from tests.scoring.factories import FULL, make_assessment, make_set

pytestmark = pytest.mark.django_db(transaction=True)


def test_self_score_cells(personas, page, login):
    cs = make_set(province=personas.daklak)
    a = make_assessment(criteria_set=cs, unit=personas.cumgar, scores=FULL)
    score = CriterionScore.objects.get(assessment=a, criterion__code="1.2")
    login("cumgar")
    page.goto(f"{page.base_url}/scoring/assessments/{a.pk}/")
    other = CriterionScore.objects.get(assessment=a, criterion__code="2.2")
    other_cell = page.locator(f"#score-{other.pk} input[name=value]").first
    other_cell.evaluate("el => { el.value = '7'; }")  # typed, not yet saved
    cell = page.locator(f"#score-{score.pk} input[name=value]").first
    cell.fill("3,5")
    cell.press("Tab")
    expect(page.locator(".subtotal .subtotal-self").first).to_have_text("7,50")
    assert page.locator(".total-self").inner_text() == "67,50"
    assert other_cell.input_value() == "7"  # only the saved row was swapped

    cell = page.locator(f"#score-{score.pk} input[name=value]").first
    cell.fill("9")
    cell.press("Tab")
    page.wait_for_selector(".cell-error")
    assert "vượt điểm tối đa" in page.locator(".cell-error").inner_text()

    # Someone else saves the cell meanwhile: this page's version is now stale.
    CriterionScore.objects.filter(pk=score.pk).update(self_score=1, version=99)
    cell = page.locator(f"#score-{score.pk} input[name=value]").first
    cell.fill("2")
    cell.press("Tab")
    expect(page.locator(".cell-error").first).to_contain_text("vừa được")
    score.refresh_from_db()
    assert score.self_score == 1
    # The refused value (422) and the stale save (409) are the answers this test asked for.
    page.problems[:] = [p for p in page.problems if "422" not in p and "409" not in p]
