"""The explanation (giải trình) thread per criterion, phase deadlines, the late list and the
reminder (issue 14 item 4)."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from scoring import selectors, services, workflow
from scoring.choices import AssessmentState as S
from scoring.choices import Phase
from scoring.models import AssessmentReminder, CriterionScore, Evidence, ExplanationMessage
from tests.scoring.factories import make_assessment, make_set, many_units
from units.choices import Level

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SCORES = {
    "1.1": ("4", "4", None, None),
    "1.2": ("6", "5", None, None),
    "2.1": ("20", "20", None, None),
    "2.2": ("10", "10", None, None),
    "2.3": ("30", "30", None, None),
    "3.1": (None, None, None, "20"),
}


def pdf(name="giai-trinh.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def world(personas):
    """Cư M'gar appraised in round 1: 1.2 lowered from 6 to 5 with a reason; the plan
    (kế hoạch) of 1.1 uploaded while self-assessing."""
    cs = make_set(province=personas.daklak)
    a = make_assessment(criteria_set=cs, unit=personas.cumgar, scores=SCORES)
    services.evidence_add(
        score=a.scores.get(criterion__code="1.1"),
        upload=pdf("ke-hoach.pdf"),
        by=personas.cumgar_staff,
    )
    CriterionScore.objects.filter(assessment=a, criterion__code="1.2").update(
        round1_reason="Chưa có kế hoạch tuyên truyền"
    )
    a.state = S.APPRAISAL_1
    a.save()
    return cs, a


def score(a, code):
    return CriterionScore.objects.select_related("criterion").get(
        assessment=a, criterion__code=code
    )


def test_thread_from_round_1_to_round_2_keeps_every_file(personas, world):
    _cs, a = world
    services.explanation_post(
        score_id=score(a, "1.2").pk,
        text="Hội đồng đề nghị bổ sung kế hoạch",
        by=personas.inspector,
    )
    workflow.transition(assessment_id=a.pk, action="request_explanation", by=personas.inspector)
    s = score(a, "1.2")
    answer = "Đơn vị đã ban hành Kế hoạch 12/KH-UBND"
    services.explanation_post(score_id=s.pk, text=answer, upload=pdf(), by=personas.cumgar_staff)
    s.refresh_from_db()
    assert s.explanation == answer  # the sheet and its exports read the latest answer
    message = ExplanationMessage.objects.get(score=s, role="unit")
    assert (message.state, message.created_by) == (S.EXPLANATION, personas.cumgar_staff)
    assert [e.original_name for e in message.files.all()] == ["giai-trinh.pdf"]

    workflow.transition(assessment_id=a.pk, action="submit_explanation", by=personas.cumgar_staff)
    services.score_save(
        score_id=s.pk,
        field="round2_score",
        value="6",
        version=s.version,
        by=personas.inspector,
        reason="Đã bổ sung kế hoạch",
    )
    entries = selectors.score_thread(score=score(a, "1.2"))
    assert [e.kind for e in entries] == ["self", "round1", "message", "message", "round2"]
    assert [e.points for e in entries if e.kind != "message"] == [D(6), D(5), D(6)]
    assert [e.differs for e in entries if e.kind != "message"] == [False, True, True]
    assert entries[3].text == answer and [f.original_name for f in entries[3].files] == [
        "giai-trinh.pdf"
    ]
    # 1.1's self-assessment file stays attached (in its own thread's first step).
    first = selectors.score_thread(score=score(a, "1.1"))[0]
    assert [f.original_name for f in first.files] == ["ke-hoach.pdf"]


def test_thread_page_shows_the_steps_and_takes_the_units_answer(personas, world, client_for):
    _cs, a = world
    a.state = S.EXPLANATION
    a.save()
    s = score(a, "1.2")
    url = reverse("scoring:score_thread", args=[a.pk, s.pk])
    client = client_for(personas.cumgar_staff)
    body = client.get(url).content.decode()
    assert "Chưa có kế hoạch tuyên truyền" in body and "khác điểm tự chấm" in body
    response = client.post(url, {"text": "Đã có kế hoạch", "file": pdf()}, follow=True)
    body = response.content.decode()
    assert "Đã ghi giải trình." in body and "giai-trinh.pdf" in body
    sheet = client.get(reverse("scoring:assessment_detail", args=[a.pk])).content.decode()
    assert "Đã có kế hoạch" in sheet and "Giải trình (1)" in sheet
    # The other district's staff: the sheet does not exist for them.
    assert client_for(personas.namnhun_staff).get(url).status_code == 404


def test_a_refused_file_saves_nothing(personas, world, client_for):
    _cs, a = world
    a.state = S.EXPLANATION
    a.save()
    s = score(a, "1.2")
    bad = SimpleUploadedFile("x.txt", b"just text", content_type="application/pdf")
    with pytest.raises(services.ScoringError) as exc:
        services.explanation_post(
            score_id=s.pk, text="kèm tệp", upload=bad, by=personas.cumgar_staff
        )
    assert exc.value.message == services.EVIDENCE_BAD_TYPE
    assert not ExplanationMessage.objects.exists()
    assert Evidence.objects.filter(score=s).count() == 0
    response = client_for(personas.cumgar_staff).post(
        reverse("scoring:score_thread", args=[a.pk, s.pk]),
        {"text": "kèm tệp", "file": SimpleUploadedFile("y.txt", b"text")},
    )
    assert response.status_code == 422
    assert not ExplanationMessage.objects.exists()


def test_who_may_write_in_the_thread_and_when(personas, world):
    _cs, a = world
    s = score(a, "1.2")
    with pytest.raises(PermissionDenied):  # round 1: the unit waits for the council
        services.explanation_post(score_id=s.pk, text="x", by=personas.cumgar_staff)
    with pytest.raises(services.ScoringError) as exc:
        services.explanation_post(score_id=s.pk, text="  ", by=personas.inspector)
    assert exc.value.message == services.EXPLANATION_TEXT_REQUIRED
    a.state = S.LOCKED
    a.save()
    with pytest.raises(services.ScoringError) as exc:
        services.explanation_post(score_id=s.pk, text="x", by=personas.admin)
    assert exc.value.code == services.ERR_ASSESSMENT_FROZEN
    assert not ExplanationMessage.objects.exists()


def test_sheet_marks_rounds_that_differ(personas, world, client_for):
    _cs, a = world
    body = (
        client_for(personas.cumgar_staff)
        .get(reverse("scoring:assessment_detail", args=[a.pk]))
        .content.decode()
    )
    row = body.split(f'id="score-{score(a, "1.2").pk}"')[1].split("</tr>")[0]
    assert 'class="round1 differs"' in row and "diff-mark" in row
    same = body.split(f'id="score-{score(a, "2.1").pk}"')[1].split("</tr>")[0]
    assert "differs" not in same


def test_sheet_query_count_does_not_grow_with_messages(
    personas, world, client_for, django_assert_max_num_queries
):
    _cs, a = world
    a.state = S.EXPLANATION
    a.save()
    client = client_for(personas.cumgar_staff)
    url = reverse("scoring:assessment_detail", args=[a.pk])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for s in CriterionScore.objects.filter(assessment=a, criterion__component="appraisal"):
        for n in range(3):
            services.explanation_post(
                score_id=s.pk, text=f"Giải trình {n}", upload=pdf(), by=personas.cumgar_staff
            )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(one.captured_queries)


# --------------------------------------------------------------------------- deadlines


@pytest.fixture
def late_world(personas):
    today = timezone.localdate()
    cs = make_set(province=personas.daklak)
    cs.self_assessment_due_on = today - dt.timedelta(days=3)
    cs.explanation_due_on = today + dt.timedelta(days=5)
    cs.save()
    late_1, late_2, done = many_units(parent=personas.daklak, count=3, level=Level.DISTRICT)
    make_assessment(criteria_set=cs, unit=late_1)
    make_assessment(criteria_set=cs, unit=late_2)
    make_assessment(criteria_set=cs, unit=done, state=S.SELF_ASSESSED)
    make_assessment(criteria_set=cs, unit=personas.cumgar, state=S.EXPLANATION)
    return cs, [late_1, late_2], done


def test_remind_late_returns_and_records_the_late_units(personas, late_world):
    cs, late, _done = late_world
    reminded = services.assessment_remind_late(
        criteria_set=cs, phase=Phase.SELF_ASSESSMENT, by=personas.inspector
    )
    assert [a.unit for a in reminded] == late
    rows = AssessmentReminder.objects.order_by("assessment__unit__code")
    assert [(r.assessment.unit, r.phase, r.sent_by) for r in rows] == [
        (u, Phase.SELF_ASSESSMENT, personas.inspector) for u in late
    ]
    # The explanation deadline is 5 days away: Cư M'gar explaining is not late yet.
    assert (
        services.assessment_remind_late(
            criteria_set=cs, phase=Phase.EXPLANATION, by=personas.inspector
        )
        == []
    )
    with pytest.raises(PermissionDenied):
        services.assessment_remind_late(
            criteria_set=cs, phase=Phase.SELF_ASSESSMENT, by=personas.cumgar_staff
        )
    assert AssessmentReminder.objects.count() == 2


def test_no_deadline_no_one_late(personas, late_world):
    cs, _late, _done = late_world
    cs.self_assessment_due_on = None
    cs.save()
    assert (
        services.late_assessments(
            criteria_set=cs, phase=Phase.SELF_ASSESSMENT, today=timezone.localdate()
        )
        == []
    )


def test_set_page_lists_who_is_late_and_the_reminders(personas, late_world, client_for):
    cs, late, done = late_world
    client = client_for(personas.inspector)
    url = reverse("scoring:set_detail", args=[cs.pk])
    body = client.get(url).content.decode()
    self_card = body.split('data-phase="self_assessment"')[1].split('data-phase="explanation"')[0]
    assert late[0].name in self_card and late[1].name in self_card and done.name not in self_card
    assert "2 trễ hạn" in self_card and "quá hạn 3 ngày" in self_card
    explanation = body.split('data-phase="explanation"')[1]
    assert "Cư M&#x27;gar" in explanation and "còn 5 ngày" in explanation
    assert "trễ hạn" not in explanation.split("</div></div></div>")[0]
    remind = reverse("scoring:set_remind", args=[cs.pk, "self_assessment"])
    assert remind in body
    assert late[0].name in client.get(remind).content.decode()
    assert not AssessmentReminder.objects.exists()  # the GET only lists
    body = client.post(remind, follow=True).content.decode()
    assert "Đã nhắc hạn 2 đơn vị." in body and "đã nhắc" in body
    # Unit staff see the set, not the follow-up.
    staff = client_for(personas.cumgar_staff).get(url).content.decode()
    assert 'data-phase="self_assessment"' not in staff


def test_set_page_query_count_does_not_grow_with_late_units(
    personas, client_for, django_assert_max_num_queries
):
    today = timezone.localdate()
    for count, year in ((1, 2030), (15, 2031)):
        cs = make_set(province=personas.daklak, year=year)
        cs.self_assessment_due_on = today - dt.timedelta(days=1)
        cs.save()
        units = many_units(parent=personas.daklak, count=count, level=Level.DISTRICT, start=year)
        for unit in units:
            assessment = make_assessment(criteria_set=cs, unit=unit)
            AssessmentReminder.objects.create(
                assessment=assessment, phase="self_assessment", sent_at=timezone.now()
            )
        client = client_for(personas.admin)
        with django_assert_max_num_queries(12):
            body = client.get(reverse("scoring:set_detail", args=[cs.pk])).content.decode()
        assert body.count("· đã nhắc") == count


def test_deadlines_are_set_by_the_admin_and_shown(personas, client_for):
    cs = make_set(province=personas.daklak)
    a = make_assessment(criteria_set=cs, unit=personas.cumgar, state=S.EXPLANATION)
    url = reverse("scoring:set_deadlines", args=[cs.pk])
    assert (
        client_for(personas.inspector).post(url, {"explanation_due_on": "2030-01-10"}).status_code
        == 403
    )
    client = client_for(personas.admin)
    client.post(url, {"self_assessment_due_on": "2029-12-15", "explanation_due_on": "2030-01-10"})
    cs.refresh_from_db()
    assert (cs.self_assessment_due_on, cs.explanation_due_on) == (
        dt.date(2029, 12, 15),
        dt.date(2030, 1, 10),
    )
    body = client.post(
        url,
        {"self_assessment_due_on": "2030-02-01", "explanation_due_on": "2030-01-10"},
        follow=True,
    ).content.decode()
    assert str(services.DEADLINE_ORDER) in body
    cs.refresh_from_db()
    assert cs.self_assessment_due_on == dt.date(2029, 12, 15)
    sheet = (
        client_for(personas.cumgar_staff)
        .get(reverse("scoring:assessment_detail", args=[a.pk]))
        .content.decode()
    )
    assert "Hạn giải trình: 10/01/2030" in sheet


def test_unit_dashboard_counts_down_to_the_explanation_deadline(personas, client_for):
    today = timezone.localdate()
    cs = make_set(province=personas.daklak)
    cs.self_assessment_due_on = today - dt.timedelta(days=20)
    cs.explanation_due_on = today + dt.timedelta(days=4)
    cs.save()
    make_assessment(criteria_set=cs, unit=personas.cumgar, state=S.EXPLANATION)
    body = client_for(personas.cumgar_staff).get(reverse("home")).content.decode()
    expected = f"Hạn giải trình: {cs.explanation_due_on:%d/%m/%Y}, còn 4 ngày"
    assert expected in body
    assert "Hạn tự đánh giá" not in body


def test_import_criteria_takes_the_explanation_deadline(personas, tmp_path):
    from django.core.management import call_command

    from scoring.models import CriteriaSet

    path = tmp_path / "bo.csv"
    path.write_text(
        "ma,noi_dung,diem_toi_da,thanh_phan\n1,Chỉ đạo,70,tham_dinh\n2,Điều tra,30,dieu_tra\n",
        encoding="utf-8",
    )
    call_command(
        "import_criteria",
        str(path),
        "--province",
        personas.daklak.code,
        "--year",
        "2024",
        "--level",
        "district",
        "--due",
        "2024-12-15",
        "--explanation-due",
        "2025-01-10",
    )
    cs = CriteriaSet.objects.get(year=2024, level="district")
    assert (cs.self_assessment_due_on, cs.explanation_due_on) == (
        dt.date(2024, 12, 15),
        dt.date(2025, 1, 10),
    )


def test_a_thread_goes_with_its_score_but_a_message_keeps_its_files(personas, world):
    from django.db.models import RestrictedError

    _cs, a = world
    a.state = S.EXPLANATION
    a.save()
    message = services.explanation_post(
        score_id=score(a, "1.2").pk, text="Kèm tệp", upload=pdf(), by=personas.cumgar_staff
    )
    with pytest.raises(RestrictedError):
        message.delete()
    score(a, "1.2").delete()  # the score takes its messages and all its files with it
    assert not ExplanationMessage.objects.exists()
    assert not Evidence.objects.filter(message__isnull=False).exists()


def test_a_reminder_notifies_the_staff_of_the_late_units_once_a_day(personas, late_world):
    from notifications.models import Notification
    from scoring import workflow
    from tests.factories import UserFactory
    from units.choices import Role

    cs, late, done = late_world
    late_staff = UserFactory(role=Role.UNIT_STAFF, unit=late[0])
    done_staff = UserFactory(role=Role.UNIT_STAFF, unit=done)
    workflow.remind_late(criteria_set=cs, phase=Phase.SELF_ASSESSMENT, by=personas.inspector)
    workflow.remind_late(criteria_set=cs, phase=Phase.SELF_ASSESSMENT, by=personas.inspector)
    notes = Notification.objects.filter(kind="scoring.deadline_reminder")
    assert [n.recipient for n in notes] == [late_staff]
    due = (timezone.localdate() - dt.timedelta(days=3)).strftime("%d/%m/%Y")
    assert notes[0].text == f"Nhắc hạn tự đánh giá của {late[0].name}: {cs.name}, hạn {due} đã qua."
    assert not Notification.objects.filter(recipient=done_staff).exists()
