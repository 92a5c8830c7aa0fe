"""Who is told what: each event reaches the users it is for who may open its object (the
owning app's `visible_to`), once per key, by e-mail too when they asked for it, at a fixed
number of queries however many objects."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from inspections import services as inspections
from inspections.models import Recommendation
from jobs import kinds as job_kinds
from jobs.kinds import JobFailed, JobKind
from jobs.services import job_start
from notifications import kinds
from notifications.models import Notification, NotificationPreference, OutgoingMail
from notifications.services import Notice, notify
from scoring import workflow
from scoring.choices import AssessmentState as S
from tests.factories import UnitFactory, UserFactory
from tests.inspections.factories import D, concluded, fill, make_inspection
from tests.scoring.factories import FULL, make_assessment, make_set, many_units
from units.choices import Level, Role

pytestmark = pytest.mark.django_db


def told(kind) -> dict[str, list[str]]:
    """username → the texts of their notifications of `kind`."""
    out: dict[str, list[str]] = {}
    for n in Notification.objects.filter(kind=kind.name).select_related("recipient"):
        out.setdefault(n.recipient.username, []).append(n.text)
    return out


# --- inspections ------------------------------------------------------------------------------


def test_a_concluded_inspection_tells_the_responsible_units_staff_only(personas):
    colleague = UserFactory(username="cumgar2", role=Role.UNIT_STAFF, unit=personas.cumgar)
    inspection = concluded(personas)
    rec = inspection.recommendations.get()
    assert told(kinds.RECOMMENDATION_NEW) == {
        "cumgar": [
            "Kiến nghị mới cho Huyện Cư M'gar sau cuộc kiểm tra tại Huyện Cư M'gar; "
            "hạn khắc phục 31/10/2019."
        ],
        colleague.username: [
            "Kiến nghị mới cho Huyện Cư M'gar sau cuộc kiểm tra tại Huyện Cư M'gar; "
            "hạn khắc phục 31/10/2019."
        ],
    }
    assert set(Notification.objects.values_list("url", flat=True)) == {
        f"/inspections/recommendations/{rec.pk}/"
    }


def test_a_commune_recommendation_goes_to_the_commune_not_its_district(personas):
    inspection = make_inspection(personas)
    fill(inspection, recommendations=0)
    inspections.recommendation_add(
        inspection=inspection,
        text="Niêm yết TTHC",
        responsible_unit=personas.eakpam,
        due_on=D(2019, 10, 31),
    )
    inspections.inspection_conclude(inspection=inspection, by=personas.inspector)
    assert list(told(kinds.RECOMMENDATION_NEW)) == ["eakpam"]


def test_the_text_is_written_in_the_readers_language(personas):
    concluded(personas)
    notification = Notification.objects.get(recipient=personas.cumgar_staff)
    with translation.override("en"):
        assert notification.text == (
            "New recommendation for Huyện Cư M'gar after the inspection of Huyện Cư M'gar; "
            "due 31/10/2019."
        )


def test_reports_reach_the_provinces_inspectors_and_send_backs_the_unit(personas):
    UserFactory(username="insp12", role=Role.PROVINCIAL_INSPECTOR, unit=personas.laichau)
    rec = concluded(personas).recommendations.get()
    inspections.remediation_report(recommendation=rec, by=personas.cumgar_staff, text="Đã niêm yết")
    assert told(kinds.REMEDIATION_REPORTED) == {
        "insp66": ["Huyện Cư M'gar đã báo cáo khắc phục kiến nghị; chờ xác nhận."]
    }
    inspections.recommendation_send_back(
        recommendation=rec, by=personas.inspector, note="Thiếu ảnh"
    )
    assert told(kinds.REMEDIATION_SENT_BACK) == {
        "cumgar": ["Báo cáo khắc phục kiến nghị của Huyện Cư M'gar bị trả lại: Thiếu ảnh"]
    }


def test_nobody_is_told_of_an_object_they_cannot_open(personas):
    """A merged province's inspector inherits only Quảng Phú's subtree of the old Đắk Lắk:
    the candidates' shortcut (users of provinces formed from Đắk Lắk) finds them, the
    recommendation's own `visible_to` keeps them out of Cư M'gar's and lets them into
    Quảng Phú's."""
    newer = UnitFactory(code="67", name="Tỉnh mới", level=Level.PROVINCE)
    newer.inherited_paths = personas.quangphu.path
    newer.save()
    UserFactory(username="insp67", role=Role.PROVINCIAL_INSPECTOR, unit=newer)
    inspection = make_inspection(personas)
    fill(inspection, recommendations=0)
    for unit in (personas.cumgar, personas.quangphu):
        inspections.recommendation_add(
            inspection=inspection, text="Sửa", responsible_unit=unit, due_on=D(2019, 10, 31)
        )
    inspections.inspection_conclude(inspection=inspection, by=personas.inspector)
    staff = UserFactory(username="qp", role=Role.UNIT_STAFF, unit=personas.quangphu)
    for rec in Recommendation.objects.all():
        author = staff if rec.responsible_unit == personas.quangphu else personas.cumgar_staff
        inspections.remediation_report(recommendation=rec, by=author, text="Xong")
    by_user = {}
    for n in Notification.objects.filter(kind=kinds.REMEDIATION_REPORTED.name):
        by_user.setdefault(n.recipient.username, set()).add(n.params["unit"])
    assert by_user == {
        "insp66": {"Huyện Cư M'gar", "Thị trấn Quảng Phú"},
        "insp67": {"Thị trấn Quảng Phú"},
    }
    # And each of them can open what they were told of, through the page's own door.
    for n in Notification.objects.filter(kind=kinds.REMEDIATION_REPORTED.name):
        from django.test import Client

        client = Client()
        client.force_login(n.recipient)
        assert client.get(n.url).status_code == 200


def test_the_daily_round_tells_each_deadline_once(personas):
    concluded(personas)  # due 31/10/2019
    assert inspections.send_reminders(today=D(2019, 10, 27)) == {"new": 0, "due": 0, "overdue": 0}
    assert inspections.send_reminders(today=D(2019, 10, 28)) == {"new": 0, "due": 1, "overdue": 0}
    assert inspections.send_reminders(today=D(2019, 10, 29)) == {"new": 0, "due": 0, "overdue": 0}
    assert inspections.send_reminders(today=D(2019, 11, 1)) == {"new": 0, "due": 0, "overdue": 1}
    assert inspections.send_reminders(today=D(2019, 11, 2)) == {"new": 0, "due": 0, "overdue": 0}
    assert told(kinds.RECOMMENDATION_OVERDUE) == {
        "cumgar": ["Kiến nghị của Huyện Cư M'gar đã quá hạn khắc phục (hạn 31/10/2019)."]
    }


def test_an_old_deadline_is_not_news(personas):
    concluded(personas)  # due 31/10/2019
    assert inspections.notify_overdue(today=D(2019, 11, 8)) == 0  # 8 days late: too old
    assert inspections.notify_overdue(today=D(2019, 11, 7)) == 1  # 7 days: still news


def test_a_verified_recommendation_is_not_reminded(personas):
    rec = concluded(personas).recommendations.get()
    inspections.remediation_report(recommendation=rec, by=personas.cumgar_staff, text="Xong")
    inspections.recommendation_verify(recommendation=rec, by=personas.inspector)
    assert inspections.send_reminders(today=D(2019, 11, 1)) == {"new": 0, "due": 0, "overdue": 0}


# --- mail by preference ---------------------------------------------------------------------


def test_mail_goes_to_those_who_want_that_kind_by_mail(personas):
    personas.cumgar_staff.email = "noivu@cumgar.local"
    personas.cumgar_staff.save()
    other = UserFactory(username="cumgar2", email="vt@cumgar.local", unit=personas.cumgar)
    NotificationPreference.objects.create(
        user=other, email_kinds=[kinds.RECOMMENDATION_DUE_SOON.name]
    )
    concluded(personas)
    assert [m.to for m in mail.outbox] == [["noivu@cumgar.local"]]
    assert Notification.objects.filter(recipient=other).count() == 1  # in the portal all the same
    [queued] = OutgoingMail.objects.all()
    assert queued.recipient == personas.cumgar_staff
    assert queued.subject.startswith("[CCHC] Kiến nghị mới cho Huyện Cư M'gar")


def test_mail_is_written_in_the_portals_language_whoever_acted(personas):
    personas.cumgar_staff.email = "noivu@cumgar.local"
    personas.cumgar_staff.save()
    with translation.override("en"):
        concluded(personas)
    assert "Kính gửi Huyện Cư M'gar" in mail.outbox[0].body
    assert "/inspections/recommendations/" in mail.outbox[0].body


def test_a_user_without_an_address_gets_no_mail(personas):
    concluded(personas)
    assert not OutgoingMail.objects.exists()
    assert Notification.objects.count() == 1


# --- scoring ----------------------------------------------------------------------------------


@pytest.fixture
def cs(personas):
    return make_set(province=personas.daklak, year=2024, level=Level.DISTRICT)


def _ready(cs, unit):
    """An open assessment that may be submitted (every score, and the evidence explained)."""
    a = make_assessment(criteria_set=cs, unit=unit, state=S.OPEN, scores=FULL)
    a.scores.update(self_note="Kế hoạch số 12/KH-UBND")
    return a


def test_a_submission_tells_the_province_and_a_request_the_unit(personas, cs):
    a = _ready(cs, personas.cumgar)
    workflow.transition(assessment_id=a.pk, action="submit", by=personas.cumgar_staff)
    assert sorted(told(kinds.ASSESSMENT_SUBMITTED)) == ["admin66", "insp66"]  # not Lai Châu's
    workflow.transition(assessment_id=a.pk, action="start_appraisal", by=personas.inspector)
    workflow.transition(assessment_id=a.pk, action="request_explanation", by=personas.inspector)
    assert list(told(kinds.EXPLANATION_REQUESTED)) == ["cumgar"]  # not Ea KPam below it
    workflow.transition(assessment_id=a.pk, action="submit_explanation", by=personas.cumgar_staff)
    assert sorted(told(kinds.EXPLANATION_SUBMITTED)) == ["admin66", "insp66"]
    workflow.transition(assessment_id=a.pk, action="lock", by=personas.admin)
    assert told(kinds.ASSESSMENT_LOCKED) == {
        "cumgar": [f"Đã chốt điểm chỉ số CCHC của Huyện Cư M'gar: {cs.name}."]
    }
    workflow.run(criteria_set=cs, action="publish", by=personas.admin)
    assert list(told(kinds.ASSESSMENT_PUBLISHED)) == ["cumgar"]
    url = reverse("scoring:assessment_detail", args=[a.pk])
    assert set(Notification.objects.values_list("url", flat=True)) == {url}


def test_the_one_who_acted_is_not_told(personas, cs):
    a = _ready(cs, personas.cumgar)
    workflow.transition(assessment_id=a.pk, action="submit", by=personas.admin)  # acting for it
    assert list(told(kinds.ASSESSMENT_SUBMITTED)) == ["insp66"]


def test_a_bulk_move_costs_the_same_queries_for_2_or_6_units(personas):
    counts = []
    for count, start in ((2, 71000), (6, 72000)):
        criteria_set = make_set(province=personas.daklak, year=2030 - count)
        for unit in many_units(
            parent=personas.daklak, count=count, level=Level.DISTRICT, start=start
        ):
            make_assessment(criteria_set=criteria_set, unit=unit, state=S.APPRAISAL_2, scores=FULL)
            for i in range(2):
                UserFactory(role=Role.UNIT_STAFF, unit=unit, email=f"{unit.code}-{i}@x.vn")
        with CaptureQueriesContext(connection) as ctx:
            workflow.run(criteria_set=criteria_set, action="lock", by=personas.admin)
        # Two staff per unit, added to the first set's four.
        expected = {2: 4, 6: 4 + 12}[count]
        assert Notification.objects.filter(kind=kinds.ASSESSMENT_LOCKED.name).count() == expected
        counts.append(
            len([q for q in ctx.captured_queries if "notifications_outgoingmail" not in q["sql"]])
        )
    # Delivery updates each mail (in the worker; inline under the immediate backend), so only
    # the queries of everything else are compared.
    assert counts[0] == counts[1]


# --- jobs -------------------------------------------------------------------------------------


def _maybe_fail(job, report):
    if job.params.get("fail"):
        raise JobFailed("Tệp hỏng ở dòng 3")
    return {}


MAYBE = job_kinds.register(
    JobKind(name="tests.notify_maybe", label="Xuất Excel hồ sơ", run=_maybe_fail)
)


def test_a_finished_or_failed_job_tells_its_owner_alone(personas):
    done = job_start(kind=MAYBE, owner=personas.cumgar_staff, params={})
    failed = job_start(kind=MAYBE, owner=personas.cumgar_staff, params={"fail": True})
    assert told(kinds.JOB_DONE) == {"cumgar": ["Xuất Excel hồ sơ đã xong."]}
    assert told(kinds.JOB_FAILED) == {"cumgar": ["Xuất Excel hồ sơ bị lỗi: Tệp hỏng ở dòng 3"]}
    urls = set(Notification.objects.values_list("url", flat=True))
    assert urls == {
        reverse("jobs:job_detail", args=[done.pk]),
        reverse("jobs:job_detail", args=[failed.pk]),
    }
    assert not OutgoingMail.objects.exists()  # job news is not mailed unless asked for


def test_an_interrupted_job_tells_its_owner(personas):
    from django.utils import timezone

    from jobs.choices import JobState
    from jobs.models import Job
    from jobs.services import jobs_mark_interrupted

    long_ago = timezone.now() - dt.timedelta(minutes=10)
    Job.objects.create(
        kind=MAYBE.name,
        owner=personas.admin,
        state=JobState.RUNNING,
        attempts=1,
        started_at=long_ago,
        heartbeat_at=long_ago,
    )
    assert jobs_mark_interrupted() == 1
    assert told(kinds.JOB_INTERRUPTED) == {
        "admin66": ["Xuất Excel hồ sơ bị gián đoạn; có thể chạy lại."]
    }


# --- the service itself -----------------------------------------------------------------------


def test_a_key_tells_each_recipient_once(personas):
    rec = concluded(personas).recommendations.get()
    notice = Notice(
        target=rec, unit=personas.cumgar, staff=True, params={"unit": "X", "due": "1"}, key="k"
    )
    assert len(notify(kind=kinds.RECOMMENDATION_DUE_SOON, notices=[notice, notice])) == 1
    assert notify(kind=kinds.RECOMMENDATION_DUE_SOON, notices=[notice]) == []


# --- the daily round on the workers' schedule -------------------------------------------------


def test_the_scheduled_round_and_the_command_do_the_same_once(personas):
    from io import StringIO

    from django.core.management import call_command

    from inspections import tasks as inspection_tasks

    concluded(personas)
    Notification.objects.all().delete()
    Recommendation.objects.update(notified_at=None)
    assert inspection_tasks.send_reminders.call() == {"new": 1, "due": 0, "overdue": 0}
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert "Thông báo kiến nghị mới: 0; nhắc sắp đến hạn: 0; quá hạn: 0." in out.getvalue()
    assert Notification.objects.count() == 1


def test_two_workers_ticking_at_seven_enqueue_the_round_once(personas, settings):
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from jobs import schedule

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    seven = timezone.make_aware(dt.datetime(2026, 12, 1, 7, 0))
    assert "inspections.reminders" not in schedule.tick(now=seven - dt.timedelta(minutes=1))
    first, second = schedule.tick(now=seven), schedule.tick(now=seven)
    assert "inspections.reminders" in first and "inspections.reminders" not in second
    path = "inspections.tasks.send_reminders"
    assert DBTaskResult.objects.filter(task_path=path).count() == 1
