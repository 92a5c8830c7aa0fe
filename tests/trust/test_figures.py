"""Figures before publication (issue 14 items 5 and 9): unit staff never see a rank, or a figure
computed from other units' unpublished scores; links to a ranking appear only where the user
may open it; a unit's staff see the criteria sets of their own level."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.scoring.factories import make_set
from tests.trust.world import World
from units.choices import Level

pytestmark = pytest.mark.django_db


def _client(client, user):
    client.force_login(user)
    return client


def _set_rows(body: str) -> dict[int, bool]:
    """{set id: has a ranking link} of the /scoring/sets/ table."""
    rows = {}
    for row in re.findall(r"<tr[^>]*>.*?</tr>", body, flags=re.S):
        found = re.search(r'href="/scoring/sets/(\d+)/"', row)
        if found:
            rows[int(found.group(1))] = "/scoring/rankings/" in row
    return rows


@pytest.mark.parametrize(
    "role, expected",
    [
        # district 2024 (provisional), district 2023 (published), commune 2024, department 2025
        ("admin", {"district": True, "published": True, "commune": True, "department": True}),
        ("inspector", {"district": True, "published": True, "commune": True, "department": True}),
        ("cumgar_staff", {"district": False, "published": True, "commune": False}),
        ("eakpam_staff", {"commune": False}),
        ("stp_staff", {"department": False}),
        ("namnhun_staff", {}),
    ],
)
def test_set_list_shows_own_level_sets_and_only_openable_ranking_links(
    w: World, client, role, expected
):
    department_set = make_set(province=w.p.daklak, year=2025, level=Level.DEPARTMENT)
    ids = {
        "district": w.ours.criteria_set.pk,
        "published": w.published_set.pk,
        "commune": w.commune_assessment.criteria_set_id,
        "department": department_set.pk,
    }
    user = w.user(role)
    body = _client(client, user).get(reverse("scoring:set_list")).content.decode()
    ours = {k: v for k, v in ids.items()}
    rows = {
        name: link for name, pk in ours.items() if (link := _set_rows(body).get(pk)) is not None
    }
    assert rows == expected
    # Every link shown opens.
    for name, link in rows.items():
        if link:
            url = reverse("scoring:ranking_detail", args=[ids[name]])
            assert client.get(url).status_code == 200


def _headline(body: str) -> str:
    found = re.search(
        r'<span class="index-label">([^<]*)</span>: <span class="total-index">([^<]*)</span>', body
    )
    assert found, "the sheet shows no index"
    return f"{found.group(1)}: {found.group(2)}"


def test_sheet_header_says_which_index_it_shows(w: World, client):
    from scoring.choices import AssessmentState
    from scoring.models import Assessment

    a = w.ours.assessment  # FULL: self-scores on every leaf, appraised too
    Assessment.objects.filter(pk=a.pk).update(state=AssessmentState.OPEN)
    a.scores.update(round1_score=None, round2_score=None)
    url = reverse("scoring:assessment_detail", args=[a.pk])
    staff = _client(client, w.p.cumgar_staff)
    headline = _headline(staff.get(url).content.decode())
    # During self-assessment: the unit's own figure, not the blank appraisal's "0,00".
    assert headline.startswith("Chỉ số tự đánh giá: ")
    assert not headline.endswith(" 0,00")
    Assessment.objects.filter(pk=a.pk).update(state=AssessmentState.APPRAISAL_1)
    assert _headline(staff.get(url).content.decode()).startswith("Chỉ số thẩm định (tạm tính): ")
    Assessment.objects.filter(pk=a.pk).update(state=AssessmentState.PUBLISHED)
    assert _headline(staff.get(url).content.decode()).startswith("Chỉ số đã công bố: ")


def test_no_grade_while_leaves_of_the_round_are_blank(w: World, client):
    """A grade for a half-filled sheet says nothing; the header says how much is left."""
    from scoring.choices import AssessmentState
    from scoring.models import Assessment

    a = w.ours.assessment
    Assessment.objects.filter(pk=a.pk).update(state=AssessmentState.OPEN)
    # The unit self-scores the appraisal leaves; the survey leaf is the council's.
    leaves = a.scores.filter(criterion__component="appraisal").count()
    a.scores.filter(self_score__isnull=True).update(self_score=0)  # every leaf self-scored
    assert (
        "tiêu chí chưa chấm</span>"
        not in _client(client, w.p.cumgar_staff)
        .get(reverse("scoring:assessment_detail", args=[a.pk]))
        .content.decode()
    )
    blank = list(
        a.scores.filter(criterion__component="appraisal")
        .order_by("pk")
        .values_list("pk", flat=True)[:2]
    )
    a.scores.filter(pk__in=blank).update(self_score=None)
    url = reverse("scoring:assessment_detail", args=[a.pk])
    staff = _client(client, w.p.cumgar_staff)
    body = staff.get(url).content.decode()
    assert f"· còn 2/{leaves} tiêu chí chưa chấm</span>" in body
    a.scores.filter(pk__in=blank).update(self_score=0)  # scored, even if 0
    body = staff.get(url).content.decode()
    assert "tiêu chí chưa chấm</span>" not in body


MARK = "DỰ THẢO – KẾT QUẢ TẠM TÍNH"


def test_provisional_ranking_exports_say_draft_on_every_page_and_carry_no_signature(
    w: World, client
):
    import io

    from openpyxl import load_workbook
    from pypdf import PdfReader

    from tests.factories import UnitFactory
    from tests.scoring.factories import FULL, make_assessment

    # Enough units for the PDF to run over more than one page.
    for i in range(40):
        unit = UnitFactory(
            code=f"7{i:02d}", name=f"Huyện Thử {i}", level=Level.DISTRICT, parent=w.p.daklak
        )
        make_assessment(criteria_set=w.ours.criteria_set, unit=unit, scores=FULL)
    admin = _client(client, w.p.admin)
    pdf = admin.get(reverse("scoring:ranking_pdf", args=[w.ours.criteria_set.pk])).content
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) > 1
    for text in pages:
        assert MARK in text
    assert "Nơi nhận" not in "".join(pages) and "Giám đốc" not in "".join(pages).title()

    sheet = load_workbook(
        io.BytesIO(
            b"".join(admin.get(reverse("scoring:ranking_xlsx", args=[w.ours.criteria_set.pk])))
        )
    ).active
    title = [c.value for c in next(sheet.iter_cols(min_col=1, max_col=1, max_row=4))]
    assert MARK in title

    # The published ranking is an issued document: signed, no draft mark.
    pdf = admin.get(reverse("scoring:ranking_pdf", args=[w.published_set.pk])).content
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Nơi nhận" in text and MARK not in text
