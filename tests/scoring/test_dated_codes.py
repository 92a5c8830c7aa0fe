"""Unit codes in scoring resolve by the set's year and within the set's province (units.resolver):
criteria sets by 31/12 of their year, scores and survey answers likewise among the units of the
set's level; `ranking` picks its level or says which ones there are."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from scoring.models import Assessment, CriteriaSet, CriterionScore
from tests.factories import UnitFactory
from tests.scoring.factories import FULL, OLD_UNTIL, make_assessment, make_set, two_tier
from units.choices import TWO_TIER_FROM, Level

pytestmark = pytest.mark.django_db
FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SCORES_HEADER = "ma_don_vi,ma_tieu_chi,tu_danh_gia,tham_dinh_vong_1\n"


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def scores_file(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "scores.csv"
    path.write_text(SCORES_HEADER + "".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


@pytest.fixture
def tier(personas):
    return two_tier(personas)


# --------------------------------------------------------------------------- criteria sets


@pytest.mark.parametrize(("year", "expected"), [(2024, "old_daklak"), (2025, "daklak")])
def test_a_sets_province_is_the_one_holding_the_code_at_the_end_of_its_year(tier, year, expected):
    run(
        "import_criteria",
        str(FIXTURES / "scoring_criteria_district.xlsx"),
        "--province",
        "66",
        "--year",
        str(year),
        "--level",
        "commune",
    )
    assert CriteriaSet.objects.get().province == getattr(tier, expected)


def test_import_criteria_accepts_the_department_level(tier):
    out = run(
        "import_criteria",
        str(FIXTURES / "scoring_criteria_district.xlsx"),
        "--province",
        "66",
        "--year",
        "2026",
        "--level",
        "department",
    )
    cs = CriteriaSet.objects.get()
    assert (cs.level, cs.province) == (Level.DEPARTMENT, tier.daklak)
    assert "Bộ chỉ số CCHC sở, ban, ngành năm 2026" in out


def test_import_criteria_refuses_a_province_code_valid_on_neither_day(personas):
    # Old Đồng Tháp (87) ended on 30/06/2025: no province holds 87 at the end of 2025.
    UnitFactory(code="87", name="Tỉnh Đồng Tháp", level=Level.PROVINCE, valid_until=OLD_UNTIL)
    with pytest.raises(CommandError) as exc:
        run(
            "import_criteria",
            str(FIXTURES / "scoring_criteria_district.xlsx"),
            "--province",
            "87",
            "--year",
            "2025",
            "--level",
            "commune",
        )
    assert str(exc.value) == "Không có đơn vị mã 87 có hiệu lực ngày 31/12/2025."
    assert not CriteriaSet.objects.exists()


def test_the_import_page_attaches_a_years_set_to_the_province_of_that_year(tier, client_for):
    client = client_for(tier.admin)
    for year, level in ((2024, "district"), (2026, "department")):
        upload = SimpleUploadedFile(
            "set.xlsx", (FIXTURES / "scoring_criteria_district.xlsx").read_bytes()
        )
        response = client.post(
            reverse("scoring:set_import"),
            {"file": upload, "year": year, "level": level, "bonus_cap": 0, "penalty_cap": 0},
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    sets = {cs.year: (cs.province_id, cs.level) for cs in CriteriaSet.objects.all()}
    assert sets == {
        2024: (tier.old_daklak.pk, Level.DISTRICT),
        2026: (tier.daklak.pk, Level.DEPARTMENT),
    }
    page = client.get(reverse("scoring:set_import")).content.decode()
    assert 'value="department"' in page and "Sở, ban, ngành" in page


# --------------------------------------------------------------------------- scores


def test_a_reused_code_lands_on_the_unit_of_the_sets_year(personas, tier, tmp_path):
    old_set = make_set(province=tier.old_daklak, year=2024, level=Level.COMMUNE)
    new_set = make_set(province=tier.daklak, year=2026, level=Level.COMMUNE)
    path = scores_file(tmp_path, "24280,1.2,5,4")
    run("import_scores", str(path), "--set", str(old_set.pk), "--by", "admin66")
    run("import_scores", str(path), "--set", str(new_set.pk), "--by", "admin66")
    assert set(Assessment.objects.values_list("criteria_set_id", "unit_id")) == {
        (old_set.pk, personas.eakpam.pk),
        (new_set.pk, tier.cumgar.pk),
    }


def _refused(tmp_path: Path, cs: CriteriaSet, *lines: str) -> str:
    with pytest.raises(CommandError) as exc:
        run(
            "import_scores",
            str(scores_file(tmp_path, "24280,1.2,5,4", *lines)),
            "--set",
            str(cs.pk),
            "--by",
            "admin66",
        )
    assert not Assessment.objects.exists() and not CriterionScore.objects.exists()
    return str(exc.value)


@pytest.mark.parametrize("year", [2024, 2025])
def test_a_code_valid_on_neither_day_is_refused_and_nothing_saved(personas, tmp_path, year):
    # A commune that existed only in the first half of 2025: not there on 31/12/2024 nor on
    # 31/12/2025.
    UnitFactory(
        code="24999",
        level=Level.COMMUNE,
        parent=personas.cumgar,
        valid_from=dt.date(2025, 1, 1),
        valid_until=OLD_UNTIL,
    )
    cs = make_set(province=personas.daklak, year=year, level=Level.COMMUNE)
    message = _refused(tmp_path, cs, "24999,1.2,5,4")
    assert (
        f"Dòng 3, cột ma_don_vi: Không có đơn vị mã 24999 có hiệu lực ngày 31/12/{year}." in message
    )


def test_two_candidates_are_named_with_their_validity(personas, tmp_path):
    UnitFactory(code="03386", name="Xã Một", level=Level.COMMUNE, parent=personas.cumgar)
    UnitFactory(
        code="3386",
        name="Xã Hai",
        level=Level.COMMUNE,
        parent=personas.cumgar,
        valid_from=dt.date(2020, 1, 1),
    )
    cs = make_set(province=personas.daklak, year=2024, level=Level.COMMUNE)
    message = _refused(tmp_path, cs, "003386,1.2,5,4")
    assert (
        "Dòng 3, cột ma_don_vi: Mã 003386 ứng với nhiều đơn vị có hiệu lực ngày 31/12/2024: "
        "Xã Một (03386, không thời hạn); Xã Hai (3386, từ 01/01/2020)." in message
    )


def test_a_unit_of_another_province_reads_exactly_as_an_unknown_code(personas, tmp_path):
    UnitFactory(code="03550", name="Xã Nậm Ban", level=Level.COMMUNE, parent=personas.namnhun)
    cs = make_set(province=personas.daklak, year=2024, level=Level.COMMUNE)
    elsewhere = _refused(tmp_path, cs, "03550,1.2,5,4")
    unknown = _refused(tmp_path, cs, "03551,1.2,5,4")
    assert (
        "Dòng 3, cột ma_don_vi: Không có đơn vị mã 03550 có hiệu lực ngày 31/12/2024." in elsewhere
    )
    assert elsewhere.replace("03550", "X") == unknown.replace("03551", "X")


def test_only_units_of_the_sets_level_are_scored(personas, tmp_path):
    cs = make_set(province=personas.daklak, year=2024, level=Level.COMMUNE)
    message = _refused(tmp_path, cs, "648,1.2,5,4")  # Huyện Cư M'gar: a district
    assert "Dòng 3, cột ma_don_vi: Không có đơn vị mã 648 có hiệu lực ngày 31/12/2024." in message


def test_survey_answers_resolve_the_same_way(personas, tier, tmp_path):
    old_set = make_set(province=tier.old_daklak, year=2024, level=Level.COMMUNE)
    new_set = make_set(province=tier.daklak, year=2026, level=Level.COMMUNE)
    path = tmp_path / "answers.csv"
    path.write_text("ma_don_vi,nhom,ma_tieu_chi,tra_loi\n24280,dan,3.1,5\n", encoding="utf-8")
    for cs in (old_set, new_set):
        run("import_scores", str(path), "--set", str(cs.pk), "--by", "admin66", "--survey-answers")
    assert set(Assessment.objects.values_list("criteria_set_id", "unit_id")) == {
        (old_set.pk, personas.eakpam.pk),
        (new_set.pk, tier.cumgar.pk),
    }
    UnitFactory(code="03550", level=Level.COMMUNE, parent=personas.namnhun)
    path.write_text("ma_don_vi,nhom,ma_tieu_chi,tra_loi\n03550,dan,3.1,5\n", encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        run(
            "import_scores",
            str(path),
            "--set",
            str(new_set.pk),
            "--by",
            "admin66",
            "--survey-answers",
        )
    assert "Dòng 2, cột ma_don_vi: Không có đơn vị mã 03550 có hiệu lực ngày 31/12/2026." in str(
        exc.value
    )


# --------------------------------------------------------------------------- ranking


def test_ranking_takes_the_one_level_with_a_set(personas, tier):
    commune_set = make_set(province=tier.daklak, year=2025, level=Level.COMMUNE)
    make_assessment(criteria_set=commune_set, unit=tier.cumgar, scores=FULL)
    table = run("ranking", "--province", "66", "--year", "2025")
    assert "Xã Cư M'gar" in table and "85.38" in table


def test_ranking_with_several_levels_lists_them_by_label(personas, tier):
    make_set(province=tier.daklak, year=2025, level=Level.COMMUNE)
    department_set = make_set(province=tier.daklak, year=2025, level=Level.DEPARTMENT)
    stp = UnitFactory(
        code="66-STP",
        name="Sở Tư pháp",
        level=Level.DEPARTMENT,
        parent=tier.daklak,
        valid_from=TWO_TIER_FROM,
    )
    make_assessment(criteria_set=department_set, unit=stp, scores=FULL)
    with pytest.raises(CommandError) as exc:
        run("ranking", "--province", "66", "--year", "2025")
    message = str(exc.value)
    assert "Cấp xã (--level commune)" in message
    assert "Sở, ban, ngành (--level department)" in message
    assert "cấp commune" not in message and "cấp department" not in message
    table = run("ranking", "--province", "66", "--year", "2025", "--level", "department")
    assert "Sở Tư pháp" in table and "66-STP" in table and "Xã Cư M'gar" not in table


def test_ranking_reads_the_province_of_the_year_asked(personas, tier):
    old_set = make_set(province=tier.old_daklak, year=2024, level=Level.DISTRICT)
    make_assessment(criteria_set=old_set, unit=personas.cumgar, scores=FULL)
    make_set(province=tier.daklak, year=2025, level=Level.COMMUNE)
    table = run("ranking", "--province", "66", "--year", "2024", "--level", "district")
    assert "Huyện Cư M'gar" in table
    with pytest.raises(CommandError) as exc:
        run("ranking", "--province", "66", "--year", "2023", "--level", "district")
    assert str(exc.value) == "Tỉnh Đắk Lắk chưa có bộ chỉ số cấp huyện năm 2023."
    with pytest.raises(CommandError) as exc:
        run("ranking", "--province", "87", "--year", "2024")
    assert str(exc.value) == "Không có đơn vị mã 87 có hiệu lực ngày 31/12/2024."


def test_a_department_ranking_page_lists_departments(personas, tier, client_for):
    department_set = make_set(province=tier.daklak, year=2025, level=Level.DEPARTMENT)
    for code, name in (("66-STP", "Sở Tư pháp"), ("66-SYT", "Sở Y tế")):
        unit = UnitFactory(
            code=code,
            name=name,
            level=Level.DEPARTMENT,
            parent=tier.daklak,
            valid_from=TWO_TIER_FROM,
        )
        make_assessment(criteria_set=department_set, unit=unit, scores=FULL)
    response = client_for(tier.admin).get(
        reverse("scoring:ranking_detail", args=[department_set.pk])
    )
    assert [r.unit_name for r in response.context["ranking"].rows] == ["Sở Tư pháp", "Sở Y tế"]
    sets = client_for(tier.admin).get(reverse("scoring:set_list") + "?level=department")
    assert "Sở, ban, ngành" in sets.content.decode()
