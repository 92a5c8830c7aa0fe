import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from inspections import exports, services
from inspections.choices import FindingKind
from inspections.models import Recommendation
from notifications.models import Notification
from tests.inspections.factories import concluded, fill, make_inspection, make_plan

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def flat(text: str) -> str:
    return " ".join(text.split())


def test_report_pdf_reads_back_plan_unit_period_findings_recommendations(personas, client_for):
    inspection = make_inspection(personas)
    fill(inspection, findings=2, recommendations=2)
    services.finding_add(
        inspection=inspection, kind=FindingKind.STRENGTH, text="Ứng dụng tốt phần mềm iDesk"
    )
    services.inspection_conclude(inspection=inspection, by=personas.inspector)
    response = client_for(personas.inspector).get(
        reverse("inspections:inspection_report", args=[inspection.pk])
    )
    assert response["Content-Type"] == "application/pdf"
    text = flat(pdf_text(response.content))
    assert inspection.plan.number in text
    assert "Huyện Cư M'gar" in text
    assert "01/01/2018" in text and "30/06/2019" in text
    for finding in ("Hạn chế số 1", "Hạn chế số 2", "Ứng dụng tốt phần mềm iDesk"):
        assert finding in text
    for rec in ("Khắc phục hạn chế số 1", "Khắc phục hạn chế số 2"):
        assert rec in text
    assert text.count("31/10/2019") >= 2
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "1 / 1" in text or "1 / 2" in text  # page numbers
    assert "DỰ THẢO" not in text


def test_report_is_rendered_from_the_snapshot(personas):
    inspection = concluded(personas)
    inspection.findings.update(text="Sửa lén sau kết luận")
    text = flat(pdf_text(exports.inspection_report_pdf(inspection)))
    assert "Hạn chế số 1" in text and "Sửa lén" not in text


def test_draft_report_is_marked(personas):
    inspection = make_inspection(personas)
    assert "DỰ THẢO" in pdf_text(exports.inspection_report_pdf(inspection))


@pytest.mark.parametrize("n", [1, 10])
def test_report_query_count_is_fixed(personas, client_for, django_assert_max_num_queries, n):
    inspection = make_inspection(personas)
    fill(inspection, findings=n, recommendations=n)
    client = client_for(personas.inspector)
    url = reverse("inspections:inspection_report", args=[inspection.pk])
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 302), ("cumgar_staff", 200), ("namnhun_staff", 404), ("eakpam_staff", 404)],
)
def test_report_access(personas, client_for, who, expected):
    inspection = concluded(personas)
    url = reverse("inspections:inspection_report", args=[inspection.pk])
    assert client_for(personas.all_users()[who]).get(url).status_code == expected


def test_inspection_report_command(personas, tmp_path):
    inspection = concluded(personas)
    target = tmp_path / "bb.pdf"
    call_command("inspection_report", str(inspection.pk), "-o", str(target), stdout=io.StringIO())
    assert "Hạn chế số 1" in pdf_text(target.read_bytes())
    with pytest.raises(CommandError):
        call_command("inspection_report", "999999", "-o", str(target))
    with pytest.raises(CommandError):
        call_command("inspection_report", str(inspection.pk), "-o", "/nonexistent/dir/x.pdf")


def _xlsx_rows(response) -> list[tuple]:
    data = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("n", [1, 6])
def test_plan_inspections_xlsx(personas, client_for, django_assert_max_num_queries, n):
    plan = make_plan(personas)
    for _ in range(n):
        inspection = make_inspection(personas, plan=plan)
        fill(inspection)
    client = client_for(personas.inspector)
    url = reverse("inspections:plan_inspections_xlsx", args=[plan.pk])
    with django_assert_max_num_queries(8):
        rows = _xlsx_rows(client.get(url))
    assert plan.number in rows[0][0]
    data = [r for r in rows if r and r[0] == "648"]
    assert len(data) == n
    assert data[0][1] == "Huyện Cư M'gar" and data[0][7] == 1 and data[0][8] == 1
    assert client_for(personas.cumgar_staff).get(url).status_code == 403


@pytest.mark.parametrize("n", [1, 6])
def test_tracker_xlsx(personas, client_for, django_assert_max_num_queries, n):
    for _ in range(n):
        concluded(personas)
    client = client_for(personas.cumgar_staff)
    with django_assert_max_num_queries(8):
        rows = _xlsx_rows(client.get(reverse("inspections:recommendation_list_xlsx")))
    header = rows.index(
        ("Đơn vị", "Tồn tại", "Kiến nghị", "Thời hạn", "Trạng thái", "Số ngày quá hạn")
    )
    data = rows[header + 1 :]
    assert len(data) == n
    unit, finding, text, due, state, days = data[0]
    assert (unit, finding, text) == ("Huyện Cư M'gar", None, "Khắc phục hạn chế số 1")
    assert due.date().isoformat() == "2019-10-31" and days > 2000
    assert state == "Chưa khắc phục"
    other = _xlsx_rows(
        client_for(personas.namnhun_staff).get(reverse("inspections:recommendation_list_xlsx"))
    )
    assert not [r for r in other if r and r[0] == "Huyện Cư M'gar"]


def test_send_reminders_command_is_safe_to_repeat(personas):
    personas.cumgar_staff.email = "noivu@cumgar.local"
    personas.cumgar_staff.save()
    concluded(personas)  # the conclusion tells the unit at once
    assert Notification.objects.filter(recipient=personas.cumgar_staff).count() == 1
    # As if concluded before the portal had notifications: the daily round catches up.
    Notification.objects.all().delete()
    Recommendation.objects.update(notified_at=None)
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert "Thông báo kiến nghị mới: 1" in out.getvalue()
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert "Thông báo kiến nghị mới: 0; nhắc sắp đến hạn: 0" in out.getvalue()
