"""Plan targets typed as codes resolve on the target's planned date, within the user's scope
(units.resolver): a code reused after 1 July 2025 names the old commune on a 2024 date and the
new one on a 2026 date; another province's unit reads exactly as an unknown code."""

from __future__ import annotations

import pytest
from django.urls import reverse

from inspections.models import InspectionPlan
from tests.factories import UnitFactory
from tests.scoring.factories import two_tier
from units.choices import Level

pytestmark = pytest.mark.django_db


def post_plan(client, issuer, targets: str):
    return client.post(
        reverse("inspections:plan_create"),
        {
            "number": "12/KH-UBND",
            "issued_on": "2024-01-15",
            "issuer": issuer.pk,
            "year": 2024,
            "title": "Kiểm tra công tác CCHC",
            "period_start": "2024-01-01",
            "period_end": "2026-12-31",
            "contents": "Niêm yết TTHC",
            "targets": targets,
        },
    )


def test_a_reused_code_names_the_unit_of_the_planned_date(personas, client_for):
    tier = two_tier(personas)
    response = post_plan(
        client_for(tier.admin),
        tier.daklak,
        "24280 | 10/09/2024\n24280 | 10/09/2026 | Bộ phận một cửa",
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    targets = [
        (t.unit, t.body) for t in InspectionPlan.objects.get().targets.order_by("scheduled_on")
    ]
    assert targets == [(personas.eakpam, ""), (tier.cumgar, "Bộ phận một cửa")]


def test_unknown_dead_and_foreign_codes_get_the_same_message(personas, client_for):
    tier = two_tier(personas)
    UnitFactory(code="03550", name="Xã Nậm Ban", level=Level.COMMUNE, parent=personas.namnhun)
    response = post_plan(
        client_for(tier.admin),
        tier.daklak,
        # Quảng Phú (24259) ended on 30/06/2025 and no new unit took its code.
        "24259 | 10/09/2026\n03550 | 10/09/2024\n03551 | 10/09/2024",
    )
    html = response.content.decode()
    assert "Dòng 1: Không có đơn vị mã 24259 có hiệu lực ngày 10/09/2026." in html
    assert "Dòng 2: Không có đơn vị mã 03550 có hiệu lực ngày 10/09/2024." in html
    assert "Dòng 3: Không có đơn vị mã 03551 có hiệu lực ngày 10/09/2024." in html
    assert "Nậm Ban" not in html
    assert not InspectionPlan.objects.exists()
