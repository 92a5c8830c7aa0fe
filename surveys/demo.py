"""The demo's online survey: the new Tỉnh Đắk Lắk's 2026 commune survey, open on 01/12/2026.

Three questionnaires on the 1…5 scale (citizens and businesses → 9.4, People's Council deputies
→ 9.1), quotas for Xã Cư M’gar and two other communes, and a few answers online and on paper
(deterministic), so the live-completion page is not empty. Idempotent: a set that already has a
survey is left as it is. Links are printed with `survey_tokens` (their secrets are not kept).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.utils import timezone

from scoring.models import Assessment, CriteriaSet
from surveys import services
from surveys.choices import RespondentGroup as G
from surveys.models import Survey
from surveys.selectors import token_lookup
from units.models import User

SCALE = [
    (5, "Rất hài lòng"),
    (4, "Hài lòng"),
    (3, "Bình thường"),
    (2, "Không hài lòng"),
    (1, "Rất không hài lòng"),
]
QUESTIONNAIRES = {
    G.CITIZENS: (
        "Phiếu khảo sát người dân",
        [
            "Ông/bà hài lòng thế nào với việc giải quyết thủ tục hành chính tại xã?",
            "Thái độ của công chức tiếp nhận hồ sơ?",
            "Thời gian trả kết quả so với giấy hẹn?",
        ],
    ),
    G.BUSINESSES: (
        "Phiếu khảo sát doanh nghiệp",
        [
            "Doanh nghiệp hài lòng thế nào với thủ tục đầu tư, kinh doanh tại xã?",
            "Việc công khai thủ tục và phí, lệ phí?",
        ],
    ),
    G.DEPUTIES: (
        "Phiếu khảo sát đại biểu HĐND xã",
        [
            "Đánh giá của đại biểu về công tác chỉ đạo cải cách hành chính của xã?",
            "Việc xã trả lời kiến nghị của cử tri?",
        ],
    ),
}
CRITERION = {G.CITIZENS: "9.4", G.BUSINESSES: "9.4", G.DEPUTIES: "9.1"}
# (group, quota, answered online, answered on paper) per demo commune
QUOTAS = [(G.CITIZENS, 12, 7, 2), (G.BUSINESSES, 3, 2, 1), (G.DEPUTIES, 2, 1, 1)]


def _csv(group: G) -> str:
    _title, questions = QUESTIONNAIRES[group]
    lines = ["stt,noi_dung,ma_tieu_chi,gia_tri,nhan"]
    lines += [f'{i},"{q}",{CRITERION[group]},,' for i, q in enumerate(questions, start=1)]
    lines += [f",,,{v},{label}" for v, label in SCALE]
    return "\n".join(lines) + "\n"


def load(*, out: Callable[[str], None]) -> None:
    cs = CriteriaSet.objects.filter(province__code="66", year=2026, level="commune").first()
    if cs is None or Survey.objects.filter(criteria_set=cs).exists():
        return
    admin = User.objects.get(username="quantri.daklak")
    inspector = User.objects.get(username="thanhtra.daklak")
    questionnaires = []
    with tempfile.TemporaryDirectory() as folder:
        for group, (title, _questions) in QUESTIONNAIRES.items():
            path = Path(folder) / f"{group}.csv"
            path.write_text(_csv(group), encoding="utf-8")
            questionnaires.append(
                services.questionnaire_import(
                    path=path, criteria_set=cs, group=group, title=title, by=admin
                )
            )
    survey = services.survey_create(
        criteria_set=cs,
        name="Khảo sát sự hài lòng về CCHC cấp xã năm 2026",
        closes_on=max(dt.date(2026, 12, 31), timezone.localdate()),
        questionnaires=questionnaires,
        by=admin,
    )
    by_group = {q.group: q for q in questionnaires}
    units = [
        a.unit
        for a in Assessment.objects.filter(criteria_set=cs)
        .select_related("unit")
        .order_by("unit__code")
        if a.unit.code == "24280"
    ]
    units += [
        a.unit
        for a in Assessment.objects.filter(criteria_set=cs)
        .exclude(unit__code="24280")
        .select_related("unit")
        .order_by("unit__code")[:2]
    ]
    seed = 0
    for unit_index, unit in enumerate(units):
        for group, quota, online, paper in QUOTAS:
            services.quota_set(survey=survey, unit=unit, group=group, target=quota, by=admin)
            questionnaire = by_group[group]
            questions = list(questionnaire.questions.all())
            # The third commune lags behind: half its answers.
            forms = (online + paper) if unit_index < 2 else (online + paper) // 2
            raws = services.tokens_create(
                survey=survey, unit=unit, group=group, count=quota, by=admin
            )
            for n in range(forms):
                seed += 1
                values = {
                    q.pk: 2 + (seed * 7 + i * 3 + unit_index) % 4 for i, q in enumerate(questions)
                }
                if n < online:
                    token = token_lookup(raws[n])
                    assert token is not None
                    services.response_submit(token=token, values=values)
                else:
                    services.paper_response_enter(
                        survey=survey, unit=unit, group=group, values=values, by=inspector
                    )
    out(f"Điều tra xã hội học: {survey} ({len(units)} xã, {seed} phiếu)")
