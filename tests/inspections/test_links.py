"""The inspection reads its figures from the other apps: dossier statistics for the inspected
period, and what the limitations linked to index criteria cost the unit."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from inspections import selectors, services
from inspections.choices import FindingKind
from procedures.choices import Channel
from procedures.models import Dossier
from scoring.choices import AssessmentState
from scoring.models import Assessment, Criterion
from tests.factories import UnitFactory
from tests.inspections.factories import fill, make_inspection
from tests.procedures.factories import DossierFactory, ProcedureFactory, at
from tests.scoring.factories import FULL, make_assessment, make_set
from units.choices import Level

pytestmark = pytest.mark.django_db


def figures(rows):
    return dict(rows)


def test_statistics_of_the_inspected_period_come_from_the_dossiers(personas, client_for):
    procedure = ProcedureFactory()
    # In the period 01/01/2018–30/06/2019: three finished early at the district, one late at
    # a commune (received online); outside the period or in another district: not counted.
    for i in range(3):
        DossierFactory(
            procedure=procedure,
            unit=personas.cumgar,
            code=f"IN{i}",
            received_at=at(2018, 5, 2),
            due_at=at(2018, 5, 10, 17),
            finished_at=at(2018, 5, 4),
        )
    DossierFactory(
        procedure=procedure,
        unit=personas.eakpam,
        code="LATE",
        channel=Channel.ONLINE,
        received_at=at(2019, 2, 1),
        due_at=at(2019, 2, 5, 17),
        finished_at=at(2019, 2, 8),
    )
    DossierFactory(procedure=procedure, unit=personas.cumgar, code="AFTER")  # 2024
    DossierFactory(
        procedure=procedure, unit=personas.namnhun, code="OTHER", received_at=at(2018, 5, 2)
    )
    inspection = make_inspection(personas)

    rows = figures(selectors.unit_statistics(inspection))
    assert rows["Hồ sơ tiếp nhận trong kỳ"].startswith("4 (trực tiếp 3, trực tuyến 1")
    assert rows["Tỷ lệ giải quyết đúng hạn"] == "75,00 %"
    assert rows["Tỷ lệ hồ sơ trực tuyến"] == "25,00 %"

    # The open inspection's page loads them after itself (htmx), from the statistics section.
    body = (
        client_for(personas.inspector)
        .get(reverse("inspections:inspection_statistics", args=[inspection.pk]))
        .content.decode()
    )
    assert "75,00 %" in body

    # Computed, not stored: a dossier finished on time changes the rate.
    Dossier.objects.filter(code="LATE").update(finished_at=at(2019, 2, 4))
    assert figures(selectors.unit_statistics(inspection))["Tỷ lệ giải quyết đúng hạn"] == "100,00 %"

    fill(inspection)
    services.inspection_conclude(inspection=inspection, by=personas.inspector)
    pdf = (
        client_for(personas.inspector)
        .get(reverse("inspections:inspection_report", args=[inspection.pk]))
        .content
    )
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Tỷ lệ giải quyết đúng hạn" in text
    assert "100,00 %" in text


def test_findings_linked_to_criteria_show_points_lost_and_the_index_if_fixed(personas, client_for):
    cs = make_set(province=personas.daklak, year=2019)
    make_assessment(criteria_set=cs, unit=personas.cumgar, scores=FULL)  # 85.38
    other = UnitFactory(
        code="650", name="Huyện Krông Búk", level=Level.DISTRICT, parent=personas.daklak
    )
    better = dict(FULL, **{"2.3": ("30", "29", None, None)})  # 86.83
    make_assessment(criteria_set=cs, unit=other, scores=better)
    Assessment.objects.filter(criteria_set=cs).update(state=AssessmentState.APPRAISAL_1)
    inspection = make_inspection(personas)
    services.finding_add(
        inspection=inspection,
        kind=FindingKind.LIMITATION,
        text="Tỷ lệ hồ sơ trực tuyến mức độ 3, 4 còn thấp",
        criterion=Criterion.objects.get(criteria_set=cs, code="2.3"),
    )

    impact = selectors.findings_impact(inspection, user=personas.inspector)
    assert [(c.code, lost) for c, lost in impact.lost] == [("2.3", Decimal("2.45"))]
    assert (impact.index_now, impact.rank_now) == (Decimal("85.38"), 2)
    assert (impact.index_fixed, impact.rank_fixed) == (Decimal("87.83"), 1)

    body = (
        client_for(personas.inspector)
        .get(reverse("inspections:inspection_detail", args=[inspection.pk]))
        .content.decode()
    )
    assert "2,45" in body
    assert "chỉ số 87,83, xếp hạng 1/2" in body

    # The unit's staff read what their unit loses, never an index or rank computed from the
    # other district's unpublished scores.
    own = selectors.findings_impact(inspection, user=personas.cumgar_staff)
    assert [(c.code, lost) for c, lost in own.lost] == [("2.3", Decimal("2.45"))]
    assert (own.index_now, own.rank_now, own.index_fixed, own.rank_fixed) == (None,) * 4
    body = (
        client_for(personas.cumgar_staff)
        .get(reverse("inspections:inspection_detail", args=[inspection.pk]))
        .content.decode()
    )
    assert "2,45" in body
    assert "Tổng số điểm đơn vị bị mất ở các tiêu chí trên: 2,45." in body
    for figure in ("85,38", "87,83", "xếp hạng", "Chỉ số hiện tại", "86,83"):
        assert figure not in body


def test_no_impact_panel_without_an_appraised_assessment(personas):
    cs = make_set(province=personas.daklak, year=2019)
    make_assessment(criteria_set=cs, unit=personas.cumgar, scores=FULL)  # still open
    inspection = make_inspection(personas)
    services.finding_add(
        inspection=inspection,
        kind=FindingKind.LIMITATION,
        text="Hạn chế",
        criterion=Criterion.objects.get(criteria_set=cs, code="2.3"),
    )
    assert selectors.findings_impact(inspection, user=personas.inspector) is None


def test_a_limitation_linked_to_a_criterion_shows_on_that_units_score_sheet_only(
    personas, client_for
):
    cs = make_set(province=personas.daklak, year=2019)
    mine = make_assessment(criteria_set=cs, unit=personas.cumgar, scores=FULL)
    other_unit = UnitFactory(
        code="651", name="Huyện Krông Năng", level=Level.DISTRICT, parent=personas.daklak
    )
    theirs = make_assessment(criteria_set=cs, unit=other_unit, scores=FULL)
    inspection = make_inspection(personas)
    services.finding_add(
        inspection=inspection,
        kind=FindingKind.LIMITATION,
        text="Camera tại bộ phận một cửa chưa đảm bảo",
        criterion=Criterion.objects.get(criteria_set=cs, code="2.3"),
    )
    client = client_for(personas.cumgar_staff)
    sheet = client.get(reverse("scoring:assessment_detail", args=[mine.pk])).content.decode()
    assert "Camera tại bộ phận một cửa chưa đảm bảo" in sheet
    client = client_for(personas.admin)
    sheet = client.get(reverse("scoring:assessment_detail", args=[theirs.pk])).content.decode()
    assert "Camera tại bộ phận một cửa chưa đảm bảo" not in sheet


def test_the_report_stays_vietnamese_when_an_inspector_works_in_english(personas):
    from django.utils import translation

    procedure = ProcedureFactory()
    DossierFactory(
        procedure=procedure,
        unit=personas.cumgar,
        code="ONE",
        received_at=at(2018, 5, 2),
        due_at=at(2018, 5, 10, 17),
        finished_at=at(2018, 5, 4),
    )
    inspection = make_inspection(personas)
    fill(inspection)
    with translation.override("en"):
        page_rows = figures(selectors.unit_statistics(inspection))
        services.inspection_conclude(inspection=inspection, by=personas.inspector)
    assert page_rows["On-time rate"] == "100.00 %"
    inspection.refresh_from_db()
    snapshot = figures(inspection.report_snapshot["statistics"])
    assert snapshot["Tỷ lệ giải quyết đúng hạn"] == "100,00 %"
    assert "Thành viên đoàn kiểm tra" in inspection.report_snapshot["recipients"]
