"""Scoring rules in words on the set page and the score sheet (issue 14, item 7)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import translation

from scoring.models import Criterion
from scoring.rules import rule_text
from tests.scoring.factories import make_assessment, make_set
from units.choices import Level

TIERS = {"tiers": [["0.8", "2"], ["0.5", "1.5"], ["0.3", "1"]]}


@pytest.mark.parametrize(
    ("rule", "params", "max_points", "expected"),
    [
        ("tiers", TIERS, "2", "≥ 80 %: 2 điểm; ≥ 50 %: 1,5 điểm; ≥ 30 %: 1 điểm"),
        # Stored bands in any order read highest first.
        (
            "tiers",
            {"tiers": [["0.3", "1"], ["0.875", "2"]]},
            "2",
            "≥ 87,5 %: 2 điểm; ≥ 30 %: 1 điểm",
        ),
        ("rate", {"threshold": "0.5"}, "3", "Tỷ lệ × 3 điểm; dưới 50 %: 0 điểm"),
        ("rate", {}, "2.5", "Tỷ lệ × 2,5 điểm"),
        ("yes_no", {}, "1", "Có: 1 điểm; không: 0 điểm"),
        ("deduction", {"per_violation": "0.25"}, "2", "2 điểm, trừ 0,25 điểm mỗi vi phạm"),
        ("manual", {}, "6", "Chấm trực tiếp"),
        ("tiers", {"tiers": "garbled"}, "2", "Theo khoảng tỷ lệ"),  # a page never fails
    ],
)
def test_rule_in_words(rule, params, max_points, expected):
    assert rule_text(rule, params, D(max_points)) == expected


def test_rule_in_words_in_english():
    with translation.override("en"):
        text = rule_text("tiers", TIERS, D(2))
    assert text.startswith("≥ 80 %: 2 ") and "1.5" in text and "1,5" not in text


@pytest.fixture
def tiered_set(personas):
    cs = make_set(province=personas.daklak, year=2024, level=Level.DISTRICT)
    Criterion.objects.filter(criteria_set=cs, code="2.1").update(
        rule="tiers", rule_params=TIERS, max_points=D(20), metric="dossier_on_time_rate"
    )
    return cs


def test_the_set_page_shows_rules_in_words(tiered_set, personas, client_for):
    body = client_for(personas.admin).get(reverse("scoring:set_detail", args=[tiered_set.pk]))
    page = body.content.decode()
    assert "≥ 80 %: 2 điểm; ≥ 50 %: 1,5 điểm; ≥ 30 %: 1 điểm" in page
    assert "{&#x27;tiers&#x27;" not in page and "{'tiers'" not in page
    assert "2 điểm, trừ 2 điểm mỗi vi phạm" not in page  # 2.2 has maximum 10
    assert "10 điểm, trừ 2 điểm mỗi vi phạm" in page


def test_the_sheet_shows_rules_and_why_a_metric_has_no_suggestion(tiered_set, personas, client_for):
    a = make_assessment(criteria_set=tiered_set, unit=personas.cumgar)
    page = (
        client_for(personas.admin)
        .get(reverse("scoring:assessment_detail", args=[a.pk]))
        .content.decode()
    )
    assert "≥ 80 %: 2 điểm; ≥ 50 %: 1,5 điểm; ≥ 30 %: 1 điểm" in page
    assert "Tỷ lệ hồ sơ giải quyết đúng hạn: chưa có hồ sơ trong kỳ, chưa có gợi ý" in page


@pytest.mark.parametrize(
    ("value", "shown"),
    [(D("4.5"), "4,50"), (D("4.1250"), "4,125"), (D("10.0025"), "10,0025"), (D(6), "6,00")],
)
def test_a_score_cell_shows_every_stored_decimal(value, shown):
    from scoring.templatetags.scoring_tags import points

    assert points(value) == shown
