"""Closing a survey gives exactly the points `import_scores --survey-answers` gives for the same
answers (issue 20, "Done when"): a property over random answers. The answers file is written
from the drawn answers themselves, never from the survey's export."""

from __future__ import annotations

import csv
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.models import CriterionScore
from surveys import selectors, services
from tests.surveys.factories import BUSINESSES, CITIZENS, answer_values, make_survey_world

# (unit 0 = Xã Ea KPam / 1 = Thị trấn Quảng Phú, group, answers to the citizens' two questions
# or, for a business, the first one only, online or on paper)
FORMS = st.lists(
    st.tuples(
        st.sampled_from([0, 1]),
        st.sampled_from([CITIZENS, BUSINESSES]),
        st.lists(st.integers(min_value=1, max_value=5), min_size=2, max_size=2),
        st.booleans(),
    ),
    min_size=1,
    max_size=15,
)


@pytest.fixture
def sw(personas):
    return make_survey_world(personas)


def _points(sw) -> dict[tuple[str, str], D]:
    return {
        (unit, code): value
        for unit, code, value in CriterionScore.objects.filter(
            assessment__criteria_set=sw.criteria_set, survey_points__isnull=False
        ).values_list("assessment__unit__code", "criterion__code", "survey_points")
    }


def _through_the_survey(sw, forms) -> dict[tuple[str, str], D]:
    units = [sw.p.eakpam, sw.p.quangphu]
    for unit_index, group, values, online in forms:
        questionnaire = sw.citizens if group == CITIZENS else sw.businesses
        answers = answer_values(questionnaire, values[: questionnaire.questions.count()])
        if online:
            raw = services.tokens_create(
                survey=sw.survey, unit=units[unit_index], group=group, count=1, by=sw.p.admin
            )[0]
            services.response_submit(token=selectors.token_lookup(raw), values=answers)
        else:
            services.paper_response_enter(
                survey=sw.survey, unit=units[unit_index], group=group, values=answers,
                by=sw.p.inspector,
            )  # fmt: skip
    services.survey_close(survey=sw.survey, by=sw.p.admin)
    return _points(sw)


def _through_the_import(sw, forms, path) -> dict[tuple[str, str], D]:
    codes = ["24280", "24259"]
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["ma_don_vi", "nhom", "ma_tieu_chi", "tra_loi"])
        for unit_index, group, values, _online in forms:
            writer.writerow([codes[unit_index], group, "3.1", values[0]])
            if group == CITIZENS:
                writer.writerow([codes[unit_index], group, "3.2", values[1]])
    call_command(
        "import_scores", str(path), "--set", str(sw.criteria_set.pk), "--by", sw.p.admin.username,
        "--survey-answers", "--scale-min", "1", "--scale-max", "5",
    )  # fmt: skip
    return _points(sw)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(forms=FORMS)
def test_closing_the_survey_equals_importing_the_same_answers(sw, tmp_path, forms):
    sid = transaction.savepoint()
    closed = _through_the_survey(sw, forms)
    transaction.savepoint_rollback(sid)
    sid = transaction.savepoint()
    imported = _through_the_import(sw, forms, tmp_path / "tra-loi.csv")
    transaction.savepoint_rollback(sid)
    assert closed and closed == imported


def test_one_case_by_hand(sw, tmp_path):
    """The property's comparison is worth something only if the figures are right: Ea KPam's
    citizens answer (5, 3) and (2, 2) → 3.1: mean 3.5 → 0.625 × 20 = 12.5; 3.2: mean 2.5 →
    0.375 × 10 = 3.75."""
    forms = [(0, CITIZENS, [5, 3], True), (0, CITIZENS, [2, 2], False)]
    assert _through_the_survey(sw, forms) == {
        ("24280", "3.1"): D("12.5"),
        ("24280", "3.2"): D("3.75"),
    }
