"""import_criteria, import_scores (and raw survey answers) and ranking commands."""

import csv
import io
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from scoring.models import Assessment, CriteriaSet, Criterion, CriterionScore
from tests.factories import UnitFactory, UserFactory
from tests.scoring.factories import FULL, make_assessment, make_set
from units.choices import Level, Role

pytestmark = pytest.mark.django_db
FIXTURES = Path(settings.BASE_DIR) / "fixtures"
HEADER = [
    "ma",
    "noi_dung",
    "diem_toi_da",
    "thanh_phan",
    "cach_cham",
    "tham_so",
    "chi_so",
    "bat_buoc_kiem_chung",
]
GOOD = [
    ["1", "Chỉ đạo", 70, "tham_dinh", "", "", "", ""],
    ["1.1", "Kế hoạch", 30, "", "yes_no", "", "", "x"],
    ["1.2", "Đúng hạn", 40, "", "tiers", "tiers=0.9:20|0.99:40", "dossier_on_time_rate", ""],
    ["2", "Điều tra", 30, "dieu_tra", "", "", "", ""],
    ["2.1", "Người dân", 30, "", "manual", "", "", ""],
]


def xlsx(tmp_path, rows, header=HEADER):
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    path = tmp_path / "criteria.xlsx"
    wb.save(path)
    return path


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_import_criteria_sample_fixture(personas):
    out = run(
        "import_criteria",
        str(FIXTURES / "scoring_criteria_district.xlsx"),
        "--province",
        "66",
        "--year",
        "2024",
        "--level",
        "district",
        "--legal-basis",
        "2071/QĐ-UBND",
    )
    cs = CriteriaSet.objects.get()
    assert "35 tiêu chí" in out
    assert (cs.appraisal_max, cs.survey_max, cs.legal_basis) == (D(70), D(30), "2071/QĐ-UBND")
    assert cs.criteria.filter(parent__isnull=True, component="appraisal").count() == 8
    assert set(cs.criteria.filter(is_leaf=True).values_list("rule", flat=True)) == {
        "manual",
        "yes_no",
        "rate",
        "tiers",
        "deduction",
    }
    tiers = cs.criteria.get(code="3.2")
    assert tiers.metric == "dossier_on_time_rate" and tiers.rule_params["tiers"][0] == ["0.99", "5"]


@pytest.mark.parametrize(
    "rows, fragment",
    [
        (
            [*GOOD[:2], ["1.2", "Đúng hạn", 30, "", "manual", "", "", ""], *GOOD[3:]],
            "tổng điểm các tiêu chí con (60) khác điểm tối đa (70)",
        ),
        (
            [
                [*GOOD[0][:2], 60, *GOOD[0][3:]],
                GOOD[1],
                ["1.2", "x", 30, "", "", "", "", ""],
                *GOOD[3:],
            ],
            "phải bằng 100",
        ),
        ([*GOOD, ["2.1", "Trùng", 1, "", "", "", "", ""]], "mã trùng với dòng"),
        ([*GOOD, ["3.1", "Mồ côi", 1, "", "", "", "", ""]], "không có tiêu chí cha “3”"),
        ([GOOD[0], ["1.1", "K", 30, "", "magic", "", "", ""], *GOOD[2:]], "cách chấm “magic”"),
        ([GOOD[0], ["1.1", "K", 30, "", "deduction", "", "", ""], *GOOD[2:]], "tham số"),
        ([GOOD[0], ["1.1", "K", "ba mươi", "", "", "", "", ""], *GOOD[2:]], "điểm tối đa"),
        (
            [GOOD[0], ["1.1", "K", 30, "", "rate", "", "bogus_metric", ""], *GOOD[2:]],
            "bogus_metric",
        ),
    ],
)
def test_import_criteria_rejects_bad_files_as_a_whole(personas, tmp_path, rows, fragment):
    path = xlsx(tmp_path, rows)
    with pytest.raises(CommandError) as exc:
        run(
            "import_criteria",
            str(path),
            "--province",
            "66",
            "--year",
            "2024",
            "--level",
            "district",
        )
    assert fragment in str(exc.value)
    assert "Dòng" in str(exc.value) or "100" in str(exc.value)
    assert not CriteriaSet.objects.exists() and not Criterion.objects.exists()


def test_import_criteria_good_file_and_missing_columns(personas, tmp_path):
    run(
        "import_criteria",
        str(xlsx(tmp_path, GOOD)),
        "--province",
        "66",
        "--year",
        "2024",
        "--level",
        "district",
    )
    assert Criterion.objects.count() == 5
    with pytest.raises(CommandError, match="Thiếu cột"):
        run(
            "import_criteria",
            str(xlsx(tmp_path, GOOD, header=["ma", "x"])),
            "--province",
            "66",
            "--year",
            "2025",
            "--level",
            "district",
        )
    # A district code is no province: the resolver (levels=[province]) knows no such unit.
    with pytest.raises(CommandError, match="Không có đơn vị mã 648 có hiệu lực ngày 31/12/2025"):
        run(
            "import_criteria",
            str(xlsx(tmp_path, GOOD)),
            "--province",
            "648",
            "--year",
            "2025",
            "--level",
            "district",
        )


@pytest.fixture
def dong_thap(db, tmp_path):
    province = UnitFactory(code="87", name="Tỉnh Đồng Tháp", level=Level.PROVINCE)
    lapvo = UnitFactory(code="875", name="Huyện Lấp Vò", level=Level.DISTRICT, parent=province)
    UserFactory(username="council87", role=Role.PROVINCIAL_ADMIN, unit=province)
    run(
        "import_criteria",
        str(FIXTURES / "scoring_criteria_district.xlsx"),
        "--province",
        "87",
        "--year",
        "2022",
        "--level",
        "district",
        "--bonus-cap",
        "2",
        "--penalty-cap",
        "2",
    )
    return CriteriaSet.objects.get(), lapvo


def test_import_scores_sample(dong_thap):
    cs, lapvo = dong_thap
    out = run(
        "import_scores",
        str(FIXTURES / "scoring_scores_sample.csv"),
        "--set",
        str(cs.pk),
        "--by",
        "council87",
    )
    assert "9 dòng" in out
    a = Assessment.objects.get(unit=lapvo)
    assert (a.bonus_points, a.penalty_points) == (D(1), D("0.5"))
    s = CriterionScore.objects.get(assessment=a, criterion__code="1.2")
    assert (s.self_score, s.round1_score, s.round2_score) == (D(3), D("2.5"), D("2.75"))
    assert CriterionScore.objects.get(assessment=a, criterion__code="9.4").survey_points == D(
        "8.25"
    )


@pytest.mark.parametrize(
    "line, fragment",
    [
        ("875,1.1,1,,,,,", "chỉ nhận 0 hoặc"),  # yes_no
        ("875,1.3,3,,,,,", "vượt điểm tối đa"),
        ("875,3.2,4.5,,,,,", "một mức của thang"),
        ("999,1.3,1,,,,,", "Không có đơn vị mã 999 có hiệu lực ngày 31/12/2022."),
        ("875,1,1,,,,,", "không phải là tiêu chí lá"),
        ("875,9.1,5,,,,,", "không áp dụng"),
        ("875,,,,,,9,", "Điểm thưởng tối đa"),
    ],
)
def test_import_scores_rejects_bad_rows(dong_thap, tmp_path, line, fragment):
    cs, _lapvo = dong_thap
    path = tmp_path / "scores.csv"
    path.write_text(
        "ma_don_vi,ma_tieu_chi,tu_danh_gia,tham_dinh_vong_1,tham_dinh_vong_2,dieu_tra,"
        "diem_thuong,diem_tru\n875,1.2,3,,,,,\n" + line + "\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as exc:
        run("import_scores", str(path), "--set", str(cs.pk), "--by", "council87")
    assert fragment in str(exc.value) and "Dòng 3" in str(exc.value)
    assert not Assessment.objects.exists()  # nothing saved, not even the good row


def test_import_survey_answers_computes_points(dong_thap):
    cs, lapvo = dong_thap
    run(
        "import_scores",
        str(FIXTURES / "scoring_survey_answers_sample.csv"),
        "--set",
        str(cs.pk),
        "--by",
        "council87",
        "--survey-answers",
    )
    points = dict(
        CriterionScore.objects.filter(
            assessment__unit=lapvo, survey_points__isnull=False
        ).values_list("criterion__code", "survey_points")
    )
    # 9.1 answers 4, 5 on 1…5: mean 4.5 → 0.875 × 8 = 7.00; 9.4: mean 4 → 0.75 × 10 = 7.50;
    # 9.2 keeps 4.375 (not 4.38): the index rounds once, at the end.
    assert points == {"9.1": D("7"), "9.2": D("4.375"), "9.3": D("5"), "9.4": D("7.5")}


def test_import_survey_answers_rejects_out_of_scale(dong_thap, tmp_path):
    cs, _ = dong_thap
    path = tmp_path / "answers.csv"
    path.write_text(
        "ma_don_vi,nhom,ma_tieu_chi,tra_loi\n875,x,9.1,4\n875,x,9.1,7\n", encoding="utf-8"
    )
    with pytest.raises(CommandError, match="Dòng 3"):
        run(
            "import_scores", str(path), "--set", str(cs.pk), "--by", "council87", "--survey-answers"
        )
    assert not CriterionScore.objects.exists()


def test_ranking_command_formats(personas, tmp_path):
    cs = make_set(province=personas.daklak)
    make_assessment(criteria_set=cs, unit=personas.cumgar, scores=FULL)
    table = run("ranking", "--province", "66", "--year", "2024")
    assert "85.38" in table and "Huyện Cư M'gar" in table
    rows = list(
        csv.reader(
            io.StringIO(run("ranking", "--province", "66", "--year", "2024", "--format", "csv"))
        )
    )
    assert rows[0] == [
        "rank",
        "unit_code",
        "unit_name",
        "appraisal",
        "survey",
        "bonus",
        "penalty",
        "index",
        "grade",
        "rank_change",
    ]
    assert rows[1] == [
        "1",
        "648",
        "Huyện Cư M'gar",
        "64.55",
        "20.83",
        "0.00",
        "0.00",
        "85.38",
        "Tốt",
        "mới",
    ]
    out = tmp_path / "r.xlsx"
    run("ranking", "--province", "66", "--year", "2024", "--format", "xlsx", "-o", str(out))
    values = [
        r for r in load_workbook(out).active.iter_rows(values_only=True) if r and r[1] == "648"
    ]
    assert values[0][7] == 85.38
    pdf = tmp_path / "r.pdf"
    run("ranking", "--province", "66", "--year", "2024", "--format", "pdf", "-o", str(pdf))
    assert "85,38" in PdfReader(pdf).pages[0].extract_text()
    with pytest.raises(CommandError):
        run("ranking", "--province", "66", "--year", "1999")
    with pytest.raises(CommandError):
        run("ranking", "--province", "66", "--year", "2024", "--format", "pdf")
