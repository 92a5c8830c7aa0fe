"""The audit trail: who, when, what, from where; append-only; a page for admins with filters
and an Excel export; the events other apps record through audit.services.record."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from audit.choices import Action
from audit.models import AuditEvent
from audit.services import record
from cchc_portal.xlsx import INTERNAL_EXTRACT
from tests.documents.readers import assert_ready, from_header
from tests.factories import UserFactory
from units.choices import Role


@pytest.fixture
def event(personas):
    return record(action=Action.EXPORT, actor=personas.cumgar_staff, target="x.xlsx")


def test_events_cannot_be_changed_or_deleted(event):
    event.detail = "sửa"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(detail="sửa")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).detail == ""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_database_refuses_changes_too(event):
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET detail = 'x' WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])


def test_an_event_says_who_when_what_and_from_where(personas, rf, settings):
    settings.PROXY_COUNT = 1
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7")
    request.user = personas.cumgar_staff
    event = record(action=Action.DOWNLOAD, request=request, target="bien-ban.pdf")
    assert (event.actor_name, event.unit_id, event.ip_address, event.target) == (
        "cumgar",
        personas.cumgar.pk,
        "203.0.113.7",
        "bien-ban.pdf",
    )
    assert event.at is not None


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_admins_read_their_provinces_trail_only(personas, client_for):
    p = personas
    record(action=Action.EXPORT, actor=p.cumgar_staff, target="cumgar-export.xlsx")
    record(action=Action.EXPORT, actor=p.namnhun_staff, target="namnhun-export.xlsx")
    page = client_for(p.admin).get(reverse("audit:event_list")).content.decode()
    assert "cumgar-export.xlsx" in page and "namnhun-export.xlsx" not in page
    other = client_for(p.laichau_admin).get(reverse("audit:event_list")).content.decode()
    assert "namnhun-export.xlsx" in other and "cumgar-export.xlsx" not in other


def test_filters_narrow_the_trail(personas, client_for):
    p = personas
    for name in ("a.xlsx", "b.xlsx"):
        record(action=Action.EXPORT, actor=p.cumgar_staff, target=name)
    record(action=Action.DOWNLOAD, actor=p.eakpam_staff, target="c.pdf")
    client = client_for(p.admin)
    url = reverse("audit:event_list")

    def targets(**query):
        context = client.get(url, query).context
        return sorted(r.record.target for r in context["table"].page.object_list)

    assert targets(action="export") == ["a.xlsx", "b.xlsx"]
    assert targets(action="download", q="eakpam") == ["c.pdf"]
    assert targets(q="b.xlsx") == ["b.xlsx"]
    assert targets(action="download", q="cumgar") == []


def test_the_list_costs_a_fixed_number_of_queries(
    personas, client_for, django_assert_max_num_queries
):
    p = personas
    client = client_for(p.admin)
    url = reverse("audit:event_list")
    client.get(url)  # warm the session
    for i in range(40):
        record(action=Action.EXPORT, actor=p.cumgar_staff, target=f"{i}.xlsx")
    with django_assert_max_num_queries(6):
        assert client.get(url).status_code == 200


def test_the_excel_export_holds_the_filtered_lines_and_is_recorded(personas, client_for):
    p = personas
    record(action=Action.EXPORT, actor=p.cumgar_staff, target="danh-sach.xlsx")
    record(action=Action.LOGIN_FAILED, actor_name="ke-gian", unit=p.cumgar.pk)
    response = client_for(p.admin).get(reverse("audit:event_list"), {"action": "login_failed"})
    response = client_for(p.admin).get(
        reverse("audit:event_list"), {"action": "login_failed", "format": "xlsx"}
    )
    data = b"".join(response.streaming_content)
    assert_ready(data, first_header="Thời điểm", titles=3, status=str(INTERNAL_EXTRACT))
    book = load_workbook(io.BytesIO(data), read_only=True)
    rows = from_header(list(book.worksheets[0].iter_rows(values_only=True)), "Thời điểm")
    assert rows[0][:3] == ("Thời điểm", "Người thực hiện", "Hành động")
    assert isinstance(rows[1][0], dt.datetime)  # a real date, shown dd/mm/yyyy hh:mm
    assert [r[1:3] for r in rows[1:]] == [("ke-gian", "Đăng nhập sai")]
    export = AuditEvent.objects.filter(action="export", actor_name="admin66").get()
    assert export.target.startswith("nhat-ky-") and "format=xlsx" in export.detail


def test_a_downloaded_evidence_file_is_in_the_trail(w, client_for):
    url = reverse("scoring:evidence_download", args=[w.ours.assessment.pk, w.ours.evidence.pk])
    assert client_for(w.p.cumgar_staff).get(url).status_code == 200
    event = AuditEvent.objects.get(action="download")
    assert event.actor_name == "cumgar" and event.target.startswith("ke-hoach")
    # A refused download leaves no line.
    client_for(w.p.namnhun_staff).get(url)
    assert AuditEvent.objects.filter(action="download").count() == 1


def test_an_assessment_transition_is_in_the_trail(w, client_for):
    from scoring import services

    services.assessment_transition(
        assessment_id=w.ours.assessment.pk, action="submit", by=w.p.cumgar_staff
    )
    event = AuditEvent.objects.get(action="transition")
    assert event.actor_name == "cumgar" and event.unit_id == w.p.cumgar.pk
    assert "submit" in event.detail


def test_logins_and_role_changes_are_in_the_trail(db):
    user = UserFactory(username="canbo", role=Role.UNIT_STAFF)
    user.set_password("Mat-khau-du-dai-2026")
    user.save()
    client = Client(REMOTE_ADDR="203.0.113.7")
    client.post(reverse("login"), {"username": "canbo", "password": "sai"})
    client.post(reverse("login"), {"username": "canbo", "password": "Mat-khau-du-dai-2026"})
    actions = list(
        AuditEvent.objects.filter(actor_name="canbo")
        .order_by("pk")
        .values_list("action", "ip_address")
    )
    assert ("login_failed", "203.0.113.7") in actions and ("login", "203.0.113.7") in actions
    user.role = Role.PROVINCIAL_INSPECTOR
    user.save()
    change = AuditEvent.objects.get(action="role_changed")
    assert change.target == "canbo" and "unit_staff → provincial_inspector" in change.detail
