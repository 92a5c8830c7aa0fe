"""import_scores and survey answers: cell semantics, per-row refusals, rounding once, authors."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest
from openpyxl import Workbook

from scoring import imports, selectors, services
from scoring.choices import AssessmentState
from scoring.models import Assessment, CriterionScore
from scoring.services import ScoringImportError
from tests.scoring.factories import make_assessment, make_set
from units.choices import Level

HEADER = "ma_don_vi,ma_tieu_chi,tu_danh_gia,tham_dinh_vong_1,dieu_tra,diem_thuong,diem_tru"


@pytest.fixture
def world(personas):
    cs = make_set(province=personas.daklak, year=2024, level=Level.DISTRICT)
    return cs, personas


def csv_file(tmp_path: Path, *lines: str, header: str = HEADER) -> Path:
    path = tmp_path / "scores.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def load(cs, by, path):
    return imports.scores_import(path=path, criteria_set=cs, by=by)


def refused(cs, by, path) -> str:
    with pytest.raises(ScoringImportError) as exc:
        load(cs, by, path)
    return "\n".join(exc.value.errors)


def score(cs, unit, code) -> CriterionScore:
    return CriterionScore.objects.get(
        assessment__criteria_set=cs, assessment__unit=unit, criterion__code=code
    )


def snapshot():
    return list(
        CriterionScore.objects.order_by("pk").values_list(
            "self_score", "round1_score", "survey_points", "version"
        )
    ), list(Assessment.objects.order_by("pk").values_list("bonus_points", "penalty_points"))


def test_four_decimals_are_kept(world, tmp_path):
    cs, p = world
    load(cs, p.admin, csv_file(tmp_path, "648,1.2,5.0025,4.005,,,", "648,3.1,,,6.5625,,"))
    s = score(cs, p.cumgar, "1.2")
    assert (s.self_score, s.round1_score) == (D("5.0025"), D("4.005"))
    assert score(cs, p.cumgar, "3.1").survey_points == D("6.5625")


def test_more_than_four_decimals_are_refused_naming_row_and_column(world, tmp_path):
    cs, p = world
    make_assessment(criteria_set=cs, unit=p.cumgar, scores={"1.2": ("3", "3", None, None)})
    before = snapshot()
    message = refused(cs, p.admin, csv_file(tmp_path, "648,1.1,4,4,,,", "648,1.2,5.00001,5,,,"))
    assert "Dòng 3, cột tu_danh_gia: “5.00001” có quá 4 chữ số thập phân." in message
    assert snapshot() == before


def test_trailing_zeros_are_not_decimals(world, tmp_path):
    cs, p = world
    load(cs, p.admin, csv_file(tmp_path, '648,1.2,"5,500000",,,,'))
    assert score(cs, p.cumgar, "1.2").self_score == D("5.5")


def test_an_empty_cell_keeps_and_the_marker_clears(world, tmp_path):
    cs, p = world
    make_assessment(
        criteria_set=cs,
        unit=p.cumgar,
        scores={"1.2": ("3", "2.5", None, None), "2.3": ("20", "18", None, None)},
    )
    Assessment.objects.update(bonus_points=D("1.5"), penalty_points=D("1"))
    load(
        cs,
        p.admin,
        csv_file(tmp_path, "648,1.2,4,,,,", "648,2.3,xoa,-,,,", "648,,,,,,XÓA"),
    )
    assert (score(cs, p.cumgar, "1.2").self_score, score(cs, p.cumgar, "1.2").round1_score) == (
        D(4),
        D("2.5"),
    )
    assert (score(cs, p.cumgar, "2.3").self_score, score(cs, p.cumgar, "2.3").round1_score) == (
        None,
        None,
    )
    a = Assessment.objects.get()
    assert (a.bonus_points, a.penalty_points) == (D("1.5"), D(0))


def test_a_formula_without_a_cached_value_is_refused(world, tmp_path):
    cs, p = world
    make_assessment(criteria_set=cs, unit=p.cumgar, scores={"1.2": ("3", None, None, None)})
    before = snapshot()
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER.split(","))
    ws.append(["648", "1.1", 4, None])
    ws.append(["648", "1.2", "=2+3", None])  # openpyxl writes no cached result
    path = tmp_path / "scores.xlsx"
    wb.save(path)
    message = refused(cs, p.admin, path)
    assert "Dòng 3, cột tu_danh_gia: ô chứa công thức chưa có giá trị đã tính" in message
    assert snapshot() == before


def test_a_duplicate_row_is_refused_naming_both_rows(world, tmp_path):
    cs, p = world
    message = refused(
        cs, p.admin, csv_file(tmp_path, "648,1.2,4,,,,", "648,1.1,4,,,,", "0648,1.2,5,,,,")
    )
    assert "Dòng 4, cột ma_tieu_chi: trùng đơn vị 0648, tiêu chí 1.2 với dòng 2." in message
    assert not Assessment.objects.exists()


def test_two_bonus_rows_of_one_unit_are_refused(world, tmp_path):
    cs, p = world
    message = refused(cs, p.admin, csv_file(tmp_path, "648,,,,,1,", "648,,,,,,1"))
    assert "Dòng 3, cột ma_tieu_chi: trùng dòng điểm thưởng / trừ" in message


def test_bonus_on_a_criterion_row_is_refused(world, tmp_path):
    cs, p = world
    message = refused(cs, p.admin, csv_file(tmp_path, "648,1.2,4,,,1,"))
    assert "Dòng 2, cột diem_thuong (1.2): điểm thưởng / trừ chỉ ghi trên dòng" in message
    assert not Assessment.objects.exists()


def test_a_score_on_the_bonus_row_is_refused(world, tmp_path):
    cs, p = world
    message = refused(cs, p.admin, csv_file(tmp_path, "648,,4,,,1,"))
    assert "Dòng 2, cột tu_danh_gia: dòng không có mã tiêu chí chỉ ghi điểm thưởng" in message


@pytest.mark.parametrize("state", [AssessmentState.LOCKED, AssessmentState.PUBLISHED])
def test_locked_and_published_assessments_refuse_the_import(world, tmp_path, state):
    cs, p = world
    make_assessment(
        criteria_set=cs, unit=p.cumgar, state=state, scores={"1.2": ("3", "3", None, None)}
    )
    before = snapshot()
    message = refused(cs, p.admin, csv_file(tmp_path, "648,1.2,5,5,,,", "648,,,,,1,"))
    # The one guard every write path uses, as a row message.
    guard = (
        services.ASSESSMENT_PUBLISHED
        if state == AssessmentState.PUBLISHED
        else (services.ASSESSMENT_LOCKED)
    )
    expected = guard % {"unit": "Huyện Cư M'gar", "what": "điểm nhập từ tệp"}
    for row in (2, 3):
        assert f"Dòng {row}, cột ma_don_vi: {expected}" in message
    assert snapshot() == before


def test_survey_answers_refuse_a_locked_assessment(world, tmp_path):
    cs, p = world
    make_assessment(criteria_set=cs, unit=p.cumgar, state=AssessmentState.LOCKED)
    path = csv_file(tmp_path, "648,dan,3.1,5", header="ma_don_vi,nhom,ma_tieu_chi,tra_loi")
    with pytest.raises(ScoringImportError) as exc:
        imports.survey_answers_import(path=path, criteria_set=cs, by=p.admin)
    assert exc.value.errors[0] == "Dòng 2, cột ma_don_vi: " + services.ASSESSMENT_LOCKED % {
        "unit": "Huyện Cư M'gar",
        "what": "điểm nhập từ tệp",
    }
    assert not CriterionScore.objects.filter(survey_points__isnull=False).exists()


def test_reimporting_identical_values_writes_no_history(world, tmp_path):
    cs, p = world
    path = csv_file(tmp_path, "648,1.2,4.5,4,,,", "648,3.1,,,20.5,,", "648,,,,,1,0.5")
    first = load(cs, p.admin, path)
    assert (first.rows, first.changed) == (3, 5)  # 2 scores of 1.2, 1 survey, bonus, penalty
    histories = CriterionScore.history.count(), Assessment.history.count()
    versions = snapshot()
    again = load(
        cs,
        p.inspector,
        csv_file(tmp_path, '648,1.2,"4,50",4.0000,,,', "648,3.1,,,20.5,,", "648,,,,,1,0.5"),
    )
    assert (again.rows, again.changed, again.unchanged_rows) == (3, 0, 3)
    assert (CriterionScore.history.count(), Assessment.history.count()) == histories
    assert snapshot() == versions


def test_every_write_records_its_author(world, tmp_path):
    cs, p = world
    load(cs, p.admin, csv_file(tmp_path, "648,1.2,4.5,,,,", "648,,,,,1,"))
    s = score(cs, p.cumgar, "1.2")
    assert s.updated_by == p.admin
    assert s.history.latest().history_user == p.admin
    assert Assessment.objects.get().history.latest().history_user == p.admin
    path = tmp_path / "answers.csv"
    path.write_text("ma_don_vi,nhom,ma_tieu_chi,tra_loi\n648,dan,3.1,4\n", encoding="utf-8")
    imports.survey_answers_import(path=path, criteria_set=cs, by=p.inspector)
    survey = score(cs, p.cumgar, "3.1")
    assert survey.survey_points == D("22.5")  # (4 − 1) / 4 × 30
    assert survey.history.latest().history_user == p.inspector


def test_the_index_rounds_once_at_the_end(world, tmp_path):
    cs, p = world
    # Appraised 5.0025 (1.2) + 10.005 (2.3) + survey 10.005 (3.1) = 25.0125 → 25.01; rounding
    # each criterion first would give 5.00 + 10.01 + 10.01 = 25.02.
    load(
        cs,
        p.admin,
        csv_file(tmp_path, "648,1.2,,5.0025,,,", "648,2.3,,10.005,,,", "648,3.1,,,10.005,,"),
    )
    sheet = selectors.score_sheet(assessment=Assessment.objects.get())
    assert sheet.result.index == D("25.01")


def test_survey_points_from_answers_round_once_at_the_end(world, tmp_path):
    cs, p = world
    # Answers 1 and seven 2s on 1…5: mean 15/8 → (7/8) / 4 × 30 = 6.5625 points, kept whole.
    # With 1.2 appraised at 5.0025 the index is 11.565 → 11.57; per-criterion rounding would
    # give 6.56 + 5.00 = 11.56.
    answers = "\n".join(["648,dan,3.1,1", *["648,dan,3.1,2"] * 7])
    path = tmp_path / "answers.csv"
    path.write_text("ma_don_vi,nhom,ma_tieu_chi,tra_loi\n" + answers + "\n", encoding="utf-8")
    imports.survey_answers_import(path=path, criteria_set=cs, by=p.admin)
    load(cs, p.admin, csv_file(tmp_path, "648,1.2,,5.0025,,,"))
    assert score(cs, p.cumgar, "3.1").survey_points == D("6.5625")
    sheet = selectors.score_sheet(assessment=Assessment.objects.get())
    assert sheet.result.index == D("11.57")


# --------------------------------------------------------------------------- the upload page


def _upload(client, cs, content: str, **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    data = {
        "file": SimpleUploadedFile("scores.csv", content.encode(), content_type="text/csv"),
        "kind": "scores",
        "scale_min": 1,
        "scale_max": 5,
        **extra,
    }
    return client.post(reverse("scoring:scores_upload", args=[cs.pk]), data)


def test_the_page_previews_without_saving(world, client_for):
    cs, p = world
    make_assessment(criteria_set=cs, unit=p.cumgar, scores={"1.2": ("3", None, None, None)})
    before = snapshot()
    response = _upload(
        client_for(p.inspector), cs, HEADER + "\n648,1.2,4.125,,,,\n648,2.3,,,,,\n", preview="1"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Xem trước (chưa lưu): 2 dòng, 1 giá trị sẽ thay đổi, 1 dòng không đổi." in page
    assert "3,0000" in page and "4,1250" in page
    assert snapshot() == before


def test_the_page_imports_as_the_logged_in_user(world, client_for):
    cs, p = world
    response = _upload(client_for(p.inspector), cs, HEADER + "\n648,1.2,4.125,,,,\n", apply="1")
    assert response.status_code == 302
    s = score(cs, p.cumgar, "1.2")
    assert s.self_score == D("4.125")
    assert s.history.latest().history_user == p.inspector


def test_the_page_lists_every_refused_row(world, client_for):
    cs, p = world
    response = _upload(
        client_for(p.admin), cs, HEADER + "\n648,1.2,4.12345,,,,\n648,1.2,4,,,1,\n", apply="1"
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert "Dòng 2, cột tu_danh_gia: “4.12345” có quá 4 chữ số thập phân." in page
    assert "Dòng 3, cột ma_tieu_chi: trùng đơn vị 648, tiêu chí 1.2 với dòng 2." in page
    assert "Dòng 3, cột diem_thuong (1.2)" in page
    assert not Assessment.objects.exists()


def test_the_page_takes_raw_survey_answers(world, client_for):
    cs, p = world
    response = _upload(
        client_for(p.admin),
        cs,
        "ma_don_vi,nhom,ma_tieu_chi,tra_loi\n648,dan,3.1,4\n648,dan,3.1,5\n",
        kind="survey_answers",
        apply="1",
    )
    assert response.status_code == 302
    assert score(cs, p.cumgar, "3.1").survey_points == D("26.25")  # mean 4.5: 0.875 × 30


def test_unit_staff_have_no_upload_page_nor_link(world, client_for):
    from django.urls import reverse

    cs, p = world
    client = client_for(p.cumgar_staff)
    assert client.get(reverse("scoring:scores_upload", args=[cs.pk])).status_code == 403
    page = client.get(reverse("scoring:set_detail", args=[cs.pk])).content.decode()
    assert "scores-upload" not in page
    page = client_for(p.admin).get(reverse("scoring:set_detail", args=[cs.pk])).content.decode()
    assert "scores-upload" in page
