"""The self-assessment deadline of a criteria set (hạn tự đánh giá): stored, imported, and shown
on the set page, the score sheet and the unit staff dashboard."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from scoring.choices import AssessmentState
from scoring.models import CriteriaSet
from tests.scoring.factories import make_assessment, make_set

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.mark.parametrize(
    ("due", "today", "text", "overdue"),
    [
        (
            dt.date(2026, 12, 15),
            dt.date(2026, 12, 1),
            "Hạn tự đánh giá: 15/12/2026, còn 14 ngày",
            False,
        ),
        (
            dt.date(2026, 12, 15),
            dt.date(2026, 12, 15),
            "Hạn tự đánh giá: 15/12/2026, hạn cuối hôm nay",
            False,
        ),
        (
            dt.date(2026, 12, 15),
            dt.date(2026, 12, 18),
            "Hạn tự đánh giá: 15/12/2026, quá hạn 3 ngày",
            True,
        ),
        (
            dt.date(2027, 1, 10),
            dt.date(2026, 12, 1),
            "Hạn tự đánh giá: 10/01/2027, còn 40 ngày",
            False,
        ),
    ],
)
def test_deadline_reads_as_days_left_or_overdue(due, today, text, overdue):
    deadline = CriteriaSet(self_assessment_due_on=due).self_assessment_deadline(today)
    assert str(deadline) == text
    assert deadline.overdue is overdue
    assert deadline.date_label == f"Hạn tự đánh giá: {due:%d/%m/%Y}"


def test_no_deadline_is_none():
    assert CriteriaSet().self_assessment_deadline(dt.date(2026, 12, 1)) is None


def _days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def _set(personas, *, due, level="district"):
    criteria_set = make_set(province=personas.daklak, level=level)
    CriteriaSet.objects.filter(pk=criteria_set.pk).update(self_assessment_due_on=due)
    criteria_set.refresh_from_db()
    return criteria_set


def test_set_page_shows_the_deadline(personas, client_for):
    criteria_set = _set(personas, due=_days(14))
    page = client_for(personas.admin).get(reverse("scoring:set_detail", args=[criteria_set.pk]))
    assert f"{_days(14):%d/%m/%Y}" in page.content.decode()
    assert "còn 14 ngày" in page.content.decode()


def test_sheet_counts_down_while_self_assessing_only(personas, client_for):
    criteria_set = _set(personas, due=_days(-3))
    assessment = make_assessment(criteria_set=criteria_set, unit=personas.cumgar)
    url = reverse("scoring:assessment_detail", args=[assessment.pk])
    page = client_for(personas.cumgar_staff).get(url).content.decode()
    assert f"Hạn tự đánh giá: {_days(-3):%d/%m/%Y}, quá hạn 3 ngày" in page

    assessment.state = AssessmentState.SELF_ASSESSED
    assessment.save()
    page = client_for(personas.cumgar_staff).get(url).content.decode()
    assert f"Hạn tự đánh giá: {_days(-3):%d/%m/%Y}" in page
    assert "quá hạn" not in page


def test_unit_dashboard_shows_the_deadline(personas, client_for):
    criteria_set = _set(personas, due=_days(14))
    make_assessment(criteria_set=criteria_set, unit=personas.cumgar)
    page = client_for(personas.cumgar_staff).get(reverse("home")).content.decode()
    assert f"Hạn tự đánh giá: {_days(14):%d/%m/%Y}, còn 14 ngày" in page


def test_without_a_deadline_the_dashboard_says_nothing_of_one(personas, client_for):
    criteria_set = make_set(province=personas.daklak)
    make_assessment(criteria_set=criteria_set, unit=personas.cumgar)
    page = client_for(personas.cumgar_staff).get(reverse("home")).content.decode()
    assert "Đang tự đánh giá" in page  # the panel is there…
    assert "Hạn tự đánh giá" not in page  # …without a deadline line


def test_import_command_takes_the_deadline(personas):
    call_command(
        "import_criteria",
        str(FIXTURES / "scoring_criteria_commune.xlsx"),
        "--province",
        "66",
        "--year",
        "2024",
        "--level",
        "commune",
        "--due",
        "2024-12-20",
        stdout=io.StringIO(),
    )
    assert CriteriaSet.objects.get().self_assessment_due_on == dt.date(2024, 12, 20)


def test_import_page_takes_the_deadline(personas, client_for):
    upload = SimpleUploadedFile(
        "bo_chi_so.xlsx", (FIXTURES / "scoring_criteria_department.xlsx").read_bytes()
    )
    response = client_for(personas.admin).post(
        reverse("scoring:set_import"),
        {
            "file": upload,
            "year": 2024,
            "level": "district",
            "bonus_cap": "2",
            "penalty_cap": "3",
            "self_assessment_due_on": "2024-12-20",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CriteriaSet.objects.get().self_assessment_due_on == dt.date(2024, 12, 20)


def test_deadline_in_english():
    criteria_set = CriteriaSet(self_assessment_due_on=dt.date(2026, 12, 15))
    with translation.override("en"):
        assert str(criteria_set.self_assessment_deadline(dt.date(2026, 12, 1))) == (
            "Self-assessment due: 15/12/2026, 14 days left"
        )
        assert str(criteria_set.self_assessment_deadline(dt.date(2026, 12, 16))) == (
            "Self-assessment due: 15/12/2026, 1 day overdue"
        )
