"""The demo reproduces the source facts, on the page, in Excel and in PDF."""

import io
from decimal import Decimal as D

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from cchc_portal.demo import load_demo
from scoring.choices import AssessmentState as S
from scoring.models import Assessment, CriteriaSet, CriterionScore, PublishedResult
from scoring.selectors import ranking
from units.models import User

pytestmark = pytest.mark.django_db


def _state():
    return (
        list(CriteriaSet.objects.order_by("pk").values_list("pk", "year", "status")),
        list(Assessment.objects.order_by("pk").values_list("pk", "state", "updated_at")),
        list(CriterionScore.objects.order_by("pk").values_list("pk", "version", "self_score")),
        PublishedResult.objects.count(),
    )


def test_demo_reproduces_the_sources(client_for):
    load_demo(out=lambda _line: None)
    before = _state()
    load_demo(out=lambda _line: None)
    assert _state() == before  # idempotent

    ninh_binh = CriteriaSet.objects.get(province__code="37", year=2018)
    assert ninh_binh.criteria.filter(parent__isnull=True, component="appraisal").count() == 8
    assert set(ninh_binh.criteria.filter(is_leaf=True).values_list("rule", flat=True)) == {
        "manual",
        "yes_no",
        "rate",
        "tiers",
        "deduction",
    }
    kim_son = next(r for r in ranking(criteria_set=ninh_binh).rows if r.unit_code == "376")
    assert (kim_son.appraisal, kim_son.survey, kim_son.index) == (
        D("65.55"),
        D("20.83"),
        D("86.38"),
    )
    assert not ranking(criteria_set=ninh_binh).provisional

    lai_chau = {cs.year: cs for cs in CriteriaSet.objects.filter(province__code="12")}
    r2022 = {r.unit_code: r for r in ranking(criteria_set=lai_chau[2022]).rows}
    r2023 = {r.unit_code: r for r in ranking(criteria_set=lai_chau[2023]).rows}
    assert len(r2022) == len(r2023) == 8
    assert r2022["112"].rank == 5 and r2023["112"].rank == 7
    assert r2023["112"].change == -2 and r2023["112"].change_label == "▼ 2"
    ranks = [r.rank for r in r2023.values()]
    assert len(set(ranks)) < len(ranks)  # a tie

    daklak = CriteriaSet.objects.get(province__code="66", year=2024)
    assert Assessment.objects.get(criteria_set=daklak, unit__code="648").state == S.OPEN
    assert Assessment.objects.get(criteria_set=daklak, unit__code="647").state == S.APPRAISAL_1

    # The same figures on the page, in Excel and in PDF, for Nậm Nhùn's own user.
    client = client_for(User.objects.get(username="namnhun"))
    page = client.get(reverse("scoring:ranking_detail", args=[lai_chau[2023].pk])).content.decode()
    assert "79,52" in page and "▼ 2" in page
    xlsx = client.get(reverse("scoring:ranking_xlsx", args=[lai_chau[2023].pk]))
    rows = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active.iter_rows(
        values_only=True
    )
    nam_nhun = next(r for r in rows if r and r[1] == "112")
    assert (nam_nhun[0], nam_nhun[7], nam_nhun[9]) == (7, 79.52, "▼ 2")
    pdf = client.get(reverse("scoring:ranking_pdf", args=[lai_chau[2023].pk])).content
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Huyện Nậm Nhùn" in text and "79,52" in text
    # …and never Đắk Lắk's provisional ranking.
    assert client.get(reverse("scoring:ranking_detail", args=[daklak.pk])).status_code == 404

    public = client_for(None).get(reverse("public:ranking_detail", args=[ninh_binh.pk]))
    assert "86,38" in public.content.decode()
