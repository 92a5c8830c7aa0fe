import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from cchc_portal.xlsx import WORKING_DATA
from documents.models import Signatory
from inspections import exports, services
from inspections.choices import FindingKind
from inspections.models import Recommendation
from notifications.models import Notification
from tests.documents.readers import (
    assert_ready,
    header_row,
    open_xlsx,
    page_top_line,
    pdf_pages,
    pdf_text,
    read_docx,
)
from tests.inspections.factories import concluded, fill, make_inspection, make_plan

pytestmark = pytest.mark.django_db


CONCLUDED_ON = dt.date(2019, 10, 7)


def test_report_pdf_reads_back_plan_unit_period_findings_recommendations(personas, client_for):
    inspection = make_inspection(personas)
    fill(inspection, findings=2, recommendations=2)
    services.finding_add(
        inspection=inspection, kind=FindingKind.STRENGTH, text="Ứng dụng tốt phần mềm iDesk"
    )
    services.inspection_conclude(inspection=inspection, by=personas.inspector, on=CONCLUDED_ON)
    response = client_for(personas.inspector).get(
        reverse("inspections:inspection_report", args=[inspection.pk])
    )
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert inspection.plan.number in text
    assert "tại huyện Cư M'gar" in text and "tại Huyện" not in text
    assert "01/01/2018" in text and "30/06/2019" in text
    for finding in ("Hạn chế số 1", "Hạn chế số 2", "Ứng dụng tốt phần mềm iDesk"):
        assert finding in text
    for rec in ("Khắc phục hạn chế số 1", "Khắc phục hạn chế số 2"):
        assert rec in text
    assert text.count("31/10/2019") >= 2
    assert "UBND TỈNH ĐẮK LẮK SỞ NỘI VỤ Số: 1/TB-SNV" in text  # the register's first notice
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Đắk Lắk, ngày 07 tháng 10 năm 2019" in text  # the day of the conclusion
    assert "THÔNG BÁO Kết luận kiểm tra công tác CCHC tại huyện Cư M'gar" in text
    assert "báo cáo kết quả khắc phục về Sở Nội vụ" in text and "về Đoàn" not in text
    assert "Nơi nhận: - Huyện Cư M'gar;" in text
    assert "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC Nguyễn Văn Trưởng" in text
    assert "DỰ THẢO" not in text


def test_report_leaves_out_empty_sections(personas):
    inspection = make_inspection(personas)
    fill(inspection, findings=0, recommendations=0)
    services.inspection_conclude(inspection=inspection, by=personas.inspector)
    text = pdf_text(exports.inspection_report_pdf(inspection))
    assert "Không." not in text
    assert "Ưu điểm" not in text and "KIẾN NGHỊ" not in text
    assert "I. THÀNH PHẦN" in text and "II. NỘI DUNG VÀ KẾT QUẢ KIỂM TRA" in text


def test_report_is_rendered_from_the_snapshot(personas):
    inspection = concluded(personas)
    inspection.findings.update(text="Sửa lén sau kết luận")
    text = pdf_text(exports.inspection_report_pdf(inspection))
    assert "Hạn chế số 1" in text and "Sửa lén" not in text


def test_draft_report_is_marked_on_every_page_and_has_no_number(personas):
    inspection = make_inspection(personas)
    fill(inspection, findings=12, recommendations=12)
    pdf = exports.inspection_report_pdf(inspection)
    pages = pdf_pages(pdf)
    assert len(pages) >= 2
    for n in range(len(pages)):
        assert "DỰ" in page_top_line(pdf, n)
    assert "Số: /TB-SNV" in pages[0]
    assert "Đắk Lắk, ngày tháng năm 2026" in pages[0] or "Đắk Lắk, ngày tháng năm" in pages[0]
    assert page_top_line(pdf, 1)[0] == "2"  # the page number, from page 2


def test_reconcluding_keeps_the_notice_number(personas):
    inspection = concluded(personas)
    other = concluded(personas)
    assert (inspection.notice_number, other.notice_number) == ("1/TB-SNV", "2/TB-SNV")
    services.inspection_reopen(inspection=inspection, by=personas.inspector, reason="Sửa số liệu")
    again = services.inspection_conclude(inspection=inspection, by=personas.inspector)
    assert again.notice_number == "1/TB-SNV"
    assert "Số: 1/TB-SNV" in pdf_text(exports.inspection_report_pdf(again))


def test_report_docx_has_the_same_content(personas, client_for):
    inspection = make_inspection(personas)
    fill(inspection)
    services.inspection_conclude(inspection=inspection, by=personas.inspector, on=CONCLUDED_ON)
    response = client_for(personas.cumgar_staff).get(
        reverse("inspections:inspection_report_docx", args=[inspection.pk])
    )
    assert response.status_code == 200
    doc = read_docx(response.content)
    for line in (
        "Số: 1/TB-SNV",
        "Đắk Lắk, ngày 07 tháng 10 năm 2019",
        "THÔNG BÁO",
        "Kết luận kiểm tra công tác CCHC tại huyện Cư M'gar",
        "Hạn chế số 1",
        "Nơi nhận:",
        "Nguyễn Văn Trưởng",
    ):
        assert line in doc.body
    assert "DỰ THẢO" not in doc.header + doc.first_header
    draft = read_docx(exports.inspection_report_docx(make_inspection(personas)))
    assert "DỰ THẢO" in draft.header and "Số: /TB-SNV" in draft.body


def test_minutes_pdf_and_docx(personas, client_for):
    inspection = make_inspection(
        personas,
        representatives="Y Bhin, Chủ tịch UBND huyện\nLê B",
        unit_opinion="Thống nhất với nhận xét của đoàn.\nSẽ bổ sung camera trong quý IV.",
    )
    fill(inspection, findings=1, recommendations=1)
    url = reverse("inspections:inspection_minutes", args=[inspection.pk, "pdf"])
    draft = pdf_text(client_for(personas.inspector).get(url).content)
    assert "DỰ THẢO" in draft and "Số: /BB-SNV" in draft
    services.inspection_conclude(inspection=inspection, by=personas.inspector)
    text = pdf_text(client_for(personas.inspector).get(url).content)
    assert "SỞ NỘI VỤ ĐOÀN 1798 Số: 1/BB-SNV" in text
    assert "Đắk Lắk, ngày 27 tháng 9 năm 2019" in text  # signed on the day of the visit
    assert "BIÊN BẢN Kiểm tra công tác CCHC tại huyện Cư M'gar" in text
    assert "Hôm nay, ngày 27/09/2019, tại huyện Cư M'gar" in text
    assert "Y Bhin, Chủ tịch UBND huyện" in text and "Hạn chế số 1" in text
    # The unit's opinion, written at the visit, in its own section after the team's remarks.
    assert (
        "IV. Ý KIẾN CỦA ĐƠN VỊ ĐƯỢC KIỂM TRA Thống nhất với nhận xét của đoàn. "
        "Sẽ bổ sung camera trong quý IV." in text
    )
    assert "ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA" in text and "TRƯỞNG ĐOÀN KIỂM TRA" in text
    assert "Nguyễn Văn Trưởng" in text and "Y Bhin" in text
    assert "DỰ THẢO" not in text
    docx = client_for(personas.inspector).get(
        reverse("inspections:inspection_minutes", args=[inspection.pk, "docx"])
    )
    body = read_docx(docx.content).body
    assert "Số: 1/BB-SNV" in body and "ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA" in body
    assert "Sẽ bổ sung camera trong quý IV." in body
    # Frozen at conclusion: a later change of the field does not reach the signed minutes.
    type(inspection).objects.filter(pk=inspection.pk).update(unit_opinion="Ý kiến khác")
    inspection.refresh_from_db()
    assert "Sẽ bổ sung camera" in pdf_text(exports.minutes_pdf(inspection))
    bad = reverse("inspections:inspection_minutes", args=[inspection.pk, "exe"])
    assert client_for(personas.inspector).get(bad).status_code == 404


def test_minutes_leave_out_an_empty_opinion(personas):
    inspection = make_inspection(personas, unit_opinion="  ")
    fill(inspection, findings=1, recommendations=0)
    inspection = services.inspection_conclude(inspection=inspection, by=personas.inspector)
    text = pdf_text(exports.minutes_pdf(inspection))
    assert "III. NHẬN XÉT CỦA ĐOÀN KIỂM TRA" in text and "DỰ THẢO" not in text
    assert "Ý KIẾN CỦA ĐƠN VỊ" not in text and "IV." not in text
    assert "Ý KIẾN CỦA ĐƠN VỊ" not in read_docx(exports.minutes_docx(inspection)).body


def test_the_unit_s_opinion_is_entered_on_the_inspection_form(personas, client_for):
    inspection = make_inspection(personas)
    url = reverse("inspections:inspection_edit", args=[inspection.pk])
    client = client_for(personas.inspector)
    page = client.get(url).content.decode()
    assert 'name="unit_opinion"' in page and "Ý kiến của đơn vị được kiểm tra" in page
    data = {
        "plan": inspection.plan_id,
        "team": inspection.team_id,
        "unit": inspection.unit_id,
        "kind": inspection.kind,
        "scheduled_on": "27/09/2019",
        "held_on": "27/09/2019",
        "unit_opinion": "Đơn vị thống nhất với kết quả kiểm tra.",
    }
    assert client.post(url, data).status_code == 302
    inspection.refresh_from_db()
    assert inspection.unit_opinion == "Đơn vị thống nhất với kết quả kiểm tra."
    assert "Đơn vị thống nhất với kết quả kiểm tra." in pdf_text(exports.minutes_pdf(inspection))
    detail = client.get(inspection.get_absolute_url()).content.decode()
    assert "Đơn vị thống nhất với kết quả kiểm tra." in detail


def test_plan_document_with_schedule_annex(personas, client_for):
    plan = make_plan(
        personas,
        purpose="Đánh giá kết quả CCHC năm 2019.",
        targets=[
            services.TargetData(unit=personas.cumgar, scheduled_on=dt.date(2019, 9, 27)),
            services.TargetData(unit=personas.eakpam, scheduled_on=dt.date(2019, 9, 28)),
        ],
    )
    Signatory.objects.create(
        issuer=personas.daklak,
        issuer_name="Sở Nội vụ",
        authority="KT. GIÁM ĐỐC",
        title="PHÓ GIÁM ĐỐC",
        name="Trần Văn Ký",
    )
    typed = plan.number
    plan = services.plan_issue(plan=plan, by=personas.inspector)
    assert plan.number == typed  # the typed number, recorded in the register
    url = reverse("inspections:plan_document", args=[plan.pk, "pdf"])
    pdf = client_for(personas.inspector).get(url).content
    pages = pdf_pages(pdf)
    assert f"Số: {plan.number}" in pages[0] and "Đắk Lắk, ngày 01 tháng 3 năm 2019" in pages[0]
    assert "KẾ HOẠCH" in pages[0] and plan.title in pages[0]
    assert "I. MỤC ĐÍCH, YÊU CẦU" in pages[0] and "Công khai TTHC" in pages[0]
    assert "Trần Văn Ký" in pdf_text(pdf)
    annex = pages[-1]
    assert "PHỤ LỤC" in annex and "Lịch kiểm tra" in annex
    assert "Huyện Cư M'gar" in annex and "27/09/2019" in annex and "28/09/2019" in annex
    assert "DỰ THẢO" not in pdf_text(pdf)
    body = read_docx(client_for(personas.admin).get(url.replace(".pdf", ".docx")).content).body
    assert f"Số: {plan.number}" in body and "Lịch kiểm tra" in body and "28/09/2019" in body
    assert client_for(personas.cumgar_staff).get(url).status_code == 403
    unnumbered = make_plan(personas, number="")
    text = pdf_text(exports.plan_pdf(unnumbered))
    assert "DỰ THẢO" in text and "Số: /KH-SNV" in text


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
    for name in ("inspections:inspection_report", "inspections:inspection_report_docx"):
        url = reverse(name, args=[inspection.pk])
        assert client_for(personas.all_users()[who]).get(url).status_code == expected
    url = reverse("inspections:inspection_minutes", args=[inspection.pk, "docx"])
    assert client_for(personas.all_users()[who]).get(url).status_code == expected


def test_inspection_report_command(personas, tmp_path):
    inspection = concluded(personas)
    target = tmp_path / "bb.pdf"
    call_command("inspection_report", str(inspection.pk), "-o", str(target), stdout=io.StringIO())
    assert "Hạn chế số 1" in pdf_text(target.read_bytes())
    word = tmp_path / "kl.docx"
    call_command("inspection_report", str(inspection.pk), "-o", str(word), stdout=io.StringIO())
    assert "Số: 1/TB-SNV" in read_docx(word.read_bytes()).body
    minutes = tmp_path / "bien-ban.docx"
    call_command(
        "inspection_report",
        str(inspection.pk),
        "--document",
        "minutes",
        "-o",
        str(minutes),
        stdout=io.StringIO(),
    )
    assert "BIÊN BẢN" in read_docx(minutes.read_bytes()).body
    with pytest.raises(CommandError):
        call_command("inspection_report", "999999", "-o", str(target))
    with pytest.raises(CommandError):
        call_command("inspection_report", str(inspection.pk), "-o", "/nonexistent/dir/x.pdf")
    with pytest.raises(CommandError):
        call_command("inspection_report", str(inspection.pk), "-o", str(tmp_path / "x.txt"))


def test_inspection_plan_command(personas, tmp_path):
    plan = make_plan(personas)
    target = tmp_path / "kh.docx"
    call_command("inspection_plan", str(plan.pk), "-o", str(target), stdout=io.StringIO())
    assert plan.title in read_docx(target.read_bytes()).body
    with pytest.raises(CommandError):
        call_command("inspection_plan", "999999", "-o", str(target))


def _xlsx(response) -> bytes:
    return b"".join(response.streaming_content)


def _rows(data: bytes) -> list[tuple]:
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
        data = _xlsx(client.get(url))
    rows = _rows(data)
    assert plan.number in rows[0][0]
    data_rows = [r for r in rows if r and r[0] == "648"]
    assert len(data_rows) == n
    assert data_rows[0][1] == "Huyện Cư M'gar" and data_rows[0][7] == 1 and data_rows[0][8] == 1
    assert_ready(data, first_header="Mã đơn vị", titles=4, status=str(WORKING_DATA))
    sheet = open_xlsx(data).worksheets[0]
    first = header_row(sheet, "Mã đơn vị") + 1
    scheduled = sheet.cell(first, 4)
    assert isinstance(scheduled.value, dt.datetime) and scheduled.number_format == "DD/MM/YYYY"
    assert sheet.cell(first, 8).number_format == "#,##0"
    assert client_for(personas.cumgar_staff).get(url).status_code == 403


@pytest.mark.parametrize("n", [1, 6])
def test_tracker_xlsx(personas, client_for, django_assert_max_num_queries, n):
    for _ in range(n):
        inspection = make_inspection(personas)
        fill(inspection)
        services.inspection_conclude(inspection=inspection, by=personas.inspector, on=CONCLUDED_ON)
    client = client_for(personas.cumgar_staff)
    with django_assert_max_num_queries(8):
        data = _xlsx(client.get(reverse("inspections:recommendation_list_xlsx")))
    rows = _rows(data)
    header = rows.index(
        (
            "Đơn vị",
            "Cuộc kiểm tra",
            "Ngày kết luận",
            "Tồn tại",
            "Kiến nghị",
            "Thời hạn",
            "Trạng thái",
            "Số ngày quá hạn",
            "Ngày xác nhận khắc phục",
        )
    )
    data_rows = rows[header + 1 :]
    assert len(data_rows) == n
    first_row = data_rows[0] + (None,) * (9 - len(data_rows[0]))  # trailing blanks are not read
    unit, inspected, concluded_on, finding, text, due, state, days, verified = first_row
    assert (unit, finding, text) == ("Huyện Cư M'gar", None, "Khắc phục hạn chế số 1")
    assert inspected == "Huyện Cư M'gar · 27/09/2019"
    assert concluded_on.date() == CONCLUDED_ON and verified is None
    assert due.date().isoformat() == "2019-10-31" and days > 2000
    assert state == "Chưa khắc phục"
    assert_ready(data, first_header="Đơn vị", titles=4, status=str(WORKING_DATA))
    sheet = open_xlsx(data).worksheets[0]
    first = header + 2
    for col in (3, 6):  # real dates shown dd/mm/yyyy
        assert sheet.cell(first, col).number_format == "DD/MM/YYYY"
    assert sheet.cell(first, 8).number_format == "#,##0"
    other = _rows(
        _xlsx(
            client_for(personas.namnhun_staff).get(reverse("inspections:recommendation_list_xlsx"))
        )
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


def test_documents_are_vietnamese_whatever_the_screen_language(personas, client_for):
    from django.conf import settings

    inspection = concluded(personas)
    client = client_for(personas.inspector)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("inspections:inspection_detail", args=[inspection.pk]))
    assert "Minutes (PDF)" in page.content.decode()  # the screen is in English
    for name, args in (
        ("inspections:inspection_report", [inspection.pk]),
        ("inspections:inspection_minutes", [inspection.pk, "pdf"]),
        ("inspections:plan_document", [inspection.plan.pk, "pdf"]),
    ):
        text = pdf_text(client.get(reverse(name, args=args)).content)
        assert "CỘNG HÒA" in text and "Thời kỳ kiểm tra" in text, name
        assert "Inspected period" not in text and "PARTICIPANTS" not in text
