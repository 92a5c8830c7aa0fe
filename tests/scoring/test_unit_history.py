"""/scoring/units/<code>/: a unit's published index, rank and area points over the years, with
the places where the criteria set's structure changed; who may open it; its query count."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.urls import reverse

from scoring import history as h
from scoring import services
from scoring.choices import AssessmentState
from scoring.selectors import ranking
from tests.factories import UnitFactory
from tests.scoring.factories import FULL, SMALL_TREE, make_assessment, make_set
from units.choices import Level

LOWER = {
    "1.1": ("4", "0", None, None),
    "1.2": ("6", "3", None, None),
    "2.1": ("20", "10", None, None),
    "2.2": ("10", "6", None, None),
    "2.3": ("30", "12", None, None),
    "3.1": (None, None, None, "15"),
}

# 2024's set: area 1 renamed, area 2 ("Thủ tục hành chính") renumbered 2 → 4 with a larger
# maximum (its leaf 4.1 worth 50 instead of 20 + 10 + 30 = 60: the survey takes the difference),
# area 3 kept, and a new area 5.
TREE_2024 = [
    ("1", "Công tác chỉ đạo, điều hành CCHC", "10", "appraisal", "manual", {}, False),
    ("1.1", "Kế hoạch CCHC", "10", None, "manual", {}, False),
    ("3", "Điều tra xã hội học", "30", "survey", "manual", {}, False),
    ("3.1", "Người dân", "30", None, "manual", {}, False),
    ("4", "Thủ tục hành chính", "50", "appraisal", "manual", {}, False),
    ("4.1", "Hồ sơ đúng hạn", "50", None, "manual", {}, False),
    ("5", "Chuyển đổi số", "10", "appraisal", "manual", {}, False),
    ("5.1", "Chữ ký số", "10", None, "manual", {}, False),
]
SCORES_2024 = {
    "1.1": ("10", "8", None, None),
    "3.1": (None, None, None, "25"),
    "4.1": ("50", "45", None, None),
    "5.1": ("10", "7", None, None),
}  # 8 + 45 + 7 = 60 appraised + 25 survey = 85,00


def _publish(p, year, scores_by_unit, tree=SMALL_TREE):
    criteria_set = make_set(province=p.daklak, year=year, tree=tree)
    for unit, scores in scores_by_unit.items():
        make_assessment(
            criteria_set=criteria_set, unit=unit, state=AssessmentState.LOCKED, scores=scores
        )
    services.ranking_publish(criteria_set=criteria_set, by=p.admin)
    return criteria_set


@pytest.fixture
def years(personas):
    """Cư M'gar and Krông Pắc published in 2022, 2023 (same set) and 2024 (a new structure)."""
    p = personas
    krongpac = UnitFactory(
        code="649", name="Huyện Krông Pắc", level=Level.DISTRICT, parent=p.daklak
    )
    return [
        _publish(p, 2022, {p.cumgar: LOWER, krongpac: FULL}),
        _publish(p, 2023, {p.cumgar: FULL, krongpac: LOWER}),
        _publish(p, 2024, {p.cumgar: SCORES_2024, krongpac: {}}, tree=TREE_2024),
    ]


def url(unit) -> str:
    return reverse("scoring:unit_history", args=[unit.code])


def test_history_agrees_with_each_years_ranking_page(personas, years, client_for):
    p = personas
    client = client_for(p.admin)
    response = client.get(url(p.cumgar))
    assert response.status_code == 200
    history = response.context["history"]
    shown = [(y.year, y.result.index, y.result.rank, y.units) for y in history.years]
    expected = []
    for criteria_set in years:
        page = client.get(reverse("scoring:ranking_detail", args=[criteria_set.pk]))
        row = next(r for r in page.context["ranking"].rows if r.unit_code == p.cumgar.code)
        expected.append((criteria_set.year, row.index, row.rank, len(page.context["ranking"].rows)))
    assert shown == expected
    # From the factory facts: LOWER 46,00 (2nd), FULL 85,38 (1st), the 2024 scores 85,00 (1st).
    assert shown == [(2022, D("46.00"), 2, 2), (2023, D("85.38"), 1, 2), (2024, D("85.00"), 1, 2)]
    html = response.content.decode()
    assert "85,38" in html and "▲ 1" in html
    assert response.context["chart"].svg.startswith("<svg")
    assert response.context["chart"].rows[1] == ["2023 (hạng 1/2)", D("85.38")]


def test_areas_are_matched_by_code_and_name_and_changes_are_said(personas, years, client_for):
    p = personas
    response = client_for(p.cumgar_staff).get(url(p.cumgar))
    history = response.context["history"]
    lines = {line.latest.code: line for line in history.areas}
    assert list(lines) == ["1", "3", "4", "5"]
    # "Thủ tục hành chính" is one line although it moved from code 2 to code 4.
    tthc = [(c.code, c.points, c.max_points) if c else None for c in lines["4"].cells]
    assert tthc == [("2", D("28"), D("60")), ("2", D("55.55"), D("60")), ("4", D("45"), D("50"))]
    assert [c is None for c in lines["5"].cells] == [True, True, False]
    kinds = {(c.year, c.kind, c.code) for c in history.changes}
    assert kinds == {
        (2024, h.RENAMED, "1"),
        (2024, h.RENUMBERED, "4"),
        (2024, h.MAX_CHANGED, "4"),
        (2024, h.ADDED, "5"),
    }
    html = response.content.decode()
    assert "lĩnh vực “Thủ tục hành chính” đổi mã từ 2 thành 4" in html
    assert "thêm lĩnh vực 5. Chuyển đổi số" in html
    assert "đổi tên từ “Chỉ đạo, điều hành” thành “Công tác chỉ đạo, điều hành CCHC”" in html
    assert "đổi từ 60,00 thành 50,00" in html


def test_match_areas_reports_a_removed_area_and_keeps_equal_sets_quiet():
    def cell(code, title, pts, mx):
        return h.AreaCell(code, title, D(pts), D(mx))

    same = [cell("1", "A", "5", "10"), cell("2", "B", "20", "30")]
    lines, changes = h.match_areas([(2022, same), (2023, same)])
    assert changes == [] and len(lines) == 2
    lines, changes = h.match_areas([(2022, same), (2023, same[:1]), (2024, same)])
    assert [(c.year, c.kind, c.code) for c in changes] == [
        (2023, h.REMOVED, "2"),
        (2024, h.ADDED, "2"),  # back after a year away
    ]
    assert [c is None for c in lines[1].cells] == [False, True, False]
    # Whitespace and case do not make a new name.
    _lines, changes = h.match_areas([(2022, same), (2023, [cell("1", " a ", "5", "10")])])
    assert [c.kind for c in changes] == [h.REMOVED]


@pytest.mark.parametrize(
    ("user", "status"),
    [
        ("admin", 200),
        ("inspector", 200),
        ("cumgar_staff", 200),
        ("eakpam_staff", 404),  # a commune does not see its district
        ("namnhun_staff", 404),  # another province
    ],
)
def test_who_may_open_a_units_history(personas, years, client_for, user, status):
    response = client_for(getattr(personas, user)).get(url(personas.cumgar))
    assert response.status_code == status


def test_staff_see_the_units_below_them_and_others_are_kept_out(personas, years, client_for):
    p = personas
    assert client_for(p.cumgar_staff).get(url(p.eakpam)).status_code == 200
    assert client_for(p.laichau_admin).get(url(p.cumgar)).status_code == 404
    assert client_for(p.admin).get("/scoring/units/99999/").status_code == 404
    anonymous = client_for(None).get(url(p.cumgar))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_ranking_rows_link_to_the_history_the_user_may_open(personas, years, client_for):
    p = personas
    page = reverse("scoring:ranking_detail", args=[years[1].pk])
    admin_html = client_for(p.admin).get(page).content.decode()
    assert url(p.cumgar) in admin_html and "/scoring/units/649/" in admin_html
    staff_html = client_for(p.cumgar_staff).get(page).content.decode()
    assert url(p.cumgar) in staff_html and "/scoring/units/649/" not in staff_html
    public = client_for(None).get(reverse("public:ranking_detail", args=[years[1].pk]))
    assert "/scoring/units/" not in public.content.decode()


@pytest.mark.parametrize("extra_years", [0, 6])
def test_history_costs_a_fixed_number_of_queries(
    personas, years, client_for, django_assert_max_num_queries, extra_years
):
    p = personas
    for i in range(extra_years):
        _publish(
            p,
            2010 + i,
            {
                p.cumgar: FULL,
                **{UnitFactory(parent=p.daklak, level=Level.DISTRICT): LOWER for _ in range(3)},
            },
        )
    client = client_for(p.admin)
    with django_assert_max_num_queries(6):
        response = client.get(url(p.cumgar))
    assert len(response.context["history"].years) == 3 + extra_years


def test_demo_nam_nhun(db, client_for):
    """Nậm Nhùn 2023 in the demo: 79,52 · Khá · 7/8 ▼ 2, on the dashboard and the history."""
    from scoring import demo as scoring_demo
    from units import demo as units_demo
    from units.models import User

    units_demo.load(out=lambda _line: None)
    scoring_demo.load(out=lambda _line: None)
    client = client_for(User.objects.get(username="namnhun"))
    html = client.get("/").content.decode()
    for figure in ("79,52", "Khá", "7/8", "▼ 2"):
        assert figure in html
    history = client.get("/scoring/units/112/")
    assert [(y.year, y.result.rank, y.units) for y in history.context["history"].years] == [
        (2022, 5, 8),
        (2023, 7, 8),
    ]
    lai_chau_2023 = history.context["history"].years[-1].criteria_set
    row = next(r for r in ranking(criteria_set=lai_chau_2023).rows if r.unit_code == "112")
    assert (row.index, row.grade, row.change_label) == (D("79.52"), "Khá", "▼ 2")
