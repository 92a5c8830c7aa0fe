"""A small survey world: a 2024 commune set of Đắk Lắk with two survey criteria, a citizens'
questionnaire (two questions) and a businesses' one (one question), both on the 1…5 scale."""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from scoring.models import CriteriaSet
from surveys import services
from surveys.choices import RespondentGroup
from surveys.models import Questionnaire, Survey
from tests.factories import Personas
from tests.scoring.factories import make_set
from units.choices import Level

TREE = [
    ("1", "Chỉ đạo, điều hành", "70", "appraisal", "manual", {}, False),
    ("1.1", "Kế hoạch CCHC", "70", None, "manual", {}, False),
    ("3", "Điều tra xã hội học", "30", "survey", "manual", {}, False),
    ("3.1", "Hài lòng về thủ tục", "20", None, "manual", {}, False),
    ("3.2", "Hài lòng về cán bộ", "10", None, "manual", {}, False),
]
SCALE = [
    (5, "Rất hài lòng"),
    (4, "Hài lòng"),
    (3, "Bình thường"),
    (2, "Không hài lòng"),
    (1, "Rất không hài lòng"),
]
CITIZENS = RespondentGroup.CITIZENS
BUSINESSES = RespondentGroup.BUSINESSES


def questionnaire_csv(questions: list[tuple[int, str, str]], scale=SCALE) -> str:
    lines = ["stt,noi_dung,ma_tieu_chi,gia_tri,nhan"]
    lines += [f"{n},{text},{code},," for n, text, code in questions]
    lines += [f",,,{v},{label}" for v, label in scale]
    return "\n".join(lines) + "\n"


def import_questionnaire(
    *, criteria_set: CriteriaSet, group: str, text: str, by, title: str = "Phiếu"
) -> Questionnaire:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "phieu.csv"
        path.write_text(text, encoding="utf-8")
        return services.questionnaire_import(
            path=path, criteria_set=criteria_set, group=group, title=title, by=by
        )


@dataclass
class SurveyWorld:
    p: Personas
    criteria_set: CriteriaSet
    citizens: Questionnaire
    businesses: Questionnaire
    survey: Survey


def make_survey_world(
    p: Personas, *, province=None, closes_in: int = 14, year: int = 2024
) -> SurveyWorld:
    province = province or p.daklak
    cs = make_set(province=province, year=year, level=Level.COMMUNE, tree=TREE)
    admin = p.admin if province == p.daklak else p.laichau_admin
    citizens = import_questionnaire(
        criteria_set=cs,
        group=CITIZENS,
        text=questionnaire_csv(
            [(1, "Thủ tục có dễ thực hiện không?", "3.1"), (2, "Cán bộ có tận tình?", "3.2")]
        ),
        by=admin,
        title="Phiếu người dân",
    )
    businesses = import_questionnaire(
        criteria_set=cs,
        group=BUSINESSES,
        text=questionnaire_csv([(1, "Thủ tục đầu tư có thuận lợi?", "3.1")]),
        by=admin,
        title="Phiếu doanh nghiệp",
    )
    survey = services.survey_create(
        criteria_set=cs,
        name=f"Khảo sát CCHC cấp xã năm {year}",
        closes_on=timezone.localdate() + dt.timedelta(days=closes_in),
        questionnaires=[citizens, businesses],
        by=admin,
    )
    return SurveyWorld(
        p=p, criteria_set=cs, citizens=citizens, businesses=businesses, survey=survey
    )


def answer_values(questionnaire: Questionnaire, values: list[int]) -> dict[int, int]:
    """{question id: value} for the questionnaire's questions in order."""
    return {q.pk: v for q, v in zip(questionnaire.questions.all(), values, strict=True)}
