"""Issuing a plan (ban hành kế hoạch): a number from the register, the document frozen, a
draft ("DỰ THẢO", no number) before; refusals change nothing."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from documents.models import RegisteredDocument
from inspections import exports, services
from inspections.models import InspectionPlan
from tests.documents.readers import page_top_line, pdf_pages, pdf_text, read_docx
from tests.inspections.factories import make_plan

pytestmark = pytest.mark.django_db

D = dt.date


def _edit(plan, personas, **changes):
    """plan_save with the plan's current values, but for `changes`."""
    fields = {
        "number": plan.number,
        "issued_on": plan.issued_on,
        "issuer": plan.issuer,
        "issuer_name": plan.issuer_name,
        "year": plan.year,
        "title": plan.title,
        "purpose": plan.purpose,
        "period_start": plan.period_start,
        "period_end": plan.period_end,
        "contents": [c.text for c in plan.contents.all()],
        "targets": [
            services.TargetData(unit=t.unit, scheduled_on=t.scheduled_on, body=t.body)
            for t in plan.targets.all()
        ],
    }
    fields.update(changes)
    return services.plan_save(plan=plan, **fields)


def test_a_plan_is_a_draft_until_issued_then_numbered_by_the_register(personas):
    plan = make_plan(personas, number="", issued_on=None)
    draft = exports.plan_pdf(plan)
    pages = pdf_pages(draft)
    assert "Số: /KH-SNV" in pages[0] and "DỰ THẢO" in pages[0]
    assert all("DỰ" in page_top_line(draft, n) for n in range(len(pages)))
    assert "DỰ THẢO" in read_docx(exports.plan_docx(plan)).first_header

    plan = services.plan_issue(plan=plan, by=personas.inspector, on=D(2019, 3, 4))
    # The first plan of Sở Nội vụ's 2019 register of plans.
    assert plan.number == "1/KH-SNV" and plan.issued_on == D(2019, 3, 4)
    entry = RegisteredDocument.objects.get(key=f"inspections.plan:{plan.pk}")
    assert entry.label == "1/KH-SNV" and entry.issued_by == personas.inspector
    text = pdf_text(exports.plan_pdf(plan))
    assert "Số: 1/KH-SNV" in text and "Đắk Lắk, ngày 04 tháng 3 năm 2019" in text
    assert "DỰ THẢO" not in text
    docx = read_docx(exports.plan_docx(plan))
    assert "Số: 1/KH-SNV" in docx.body and "DỰ THẢO" not in docx.first_header + docx.header

    second = services.plan_issue(
        plan=make_plan(personas, number="", issued_on=None), by=personas.admin, on=D(2019, 5, 2)
    )
    assert second.number == "2/KH-SNV"


def test_edits_after_issue_do_not_change_the_issued_document(personas):
    plan = make_plan(personas, purpose="Đánh giá kết quả CCHC năm 2019.")
    plan = services.plan_issue(plan=plan, by=personas.inspector)
    before = pdf_text(exports.plan_pdf(plan))
    assert "Công khai TTHC" in before and "27/09/2019" in before

    _edit(
        plan,
        personas,
        title="Tên đã sửa sau khi ban hành",
        purpose="Mục đích đã sửa.",
        contents=["Nội dung thêm sau khi ban hành"],
        targets=[services.TargetData(unit=personas.eakpam, scheduled_on=D(2019, 10, 15))],
    )
    plan = InspectionPlan.objects.get(pk=plan.pk)
    assert plan.title == "Tên đã sửa sau khi ban hành"  # the plan itself did change
    after = pdf_text(exports.plan_pdf(plan))
    assert after == before
    assert "Nội dung thêm" not in after and "15/10/2019" not in after
    assert "Nội dung thêm" not in read_docx(exports.plan_docx(plan)).body


def test_an_issued_plan_keeps_its_number_date_and_issuer(personas):
    plan = services.plan_issue(plan=make_plan(personas), by=personas.inspector)
    number, day = plan.number, plan.issued_on
    with pytest.raises(ValidationError) as err:
        _edit(plan, personas, number="99/KH-SNV", title="Không được lưu")
    assert "number" in err.value.error_dict
    assert (
        services.PLAN_ISSUED_FIELD.format(
            number=number, day=day.strftime("%d/%m/%Y"), field="số kế hoạch"
        )
        in err.value.messages
    )
    with pytest.raises(ValidationError) as err:
        _edit(plan, personas, issued_on=D(2019, 4, 1))
    assert "issued_on" in err.value.error_dict
    plan.refresh_from_db()
    assert (plan.number, plan.issued_on) == (number, day) and plan.title != "Không được lưu"


def test_issuing_refusals_change_nothing(personas):
    plan = services.plan_issue(plan=make_plan(personas), by=personas.inspector)
    with pytest.raises(ValidationError) as err:
        services.plan_issue(plan=plan, by=personas.inspector)
    assert err.value.messages == [str(services.PLAN_ALREADY_ISSUED).format(number=plan.number)]

    empty = make_plan(personas, number="", issued_on=None, targets=[])
    with pytest.raises(ValidationError) as err:
        services.plan_issue(plan=empty, by=personas.inspector)
    assert err.value.messages == [str(services.PLAN_WITHOUT_TARGETS)]

    # A number another document of the register holds.
    other = make_plan(personas, number="", issued_on=None)
    count = RegisteredDocument.objects.count()
    with pytest.raises(ValidationError) as err:
        services.plan_issue(
            plan=other, by=personas.inspector, number=plan.number, on=plan.issued_on
        )
    assert plan.number in err.value.messages[0]
    for refused in (empty, other):
        refused.refresh_from_db()
        assert refused.issued_snapshot is None and refused.number == ""
    assert RegisteredDocument.objects.count() == count


def test_issue_page_asks_for_confirmation_then_issues(personas, client_for):
    plan = make_plan(personas, number="", issued_on=None)
    url = reverse("inspections:plan_issue", args=[plan.pk])
    client = client_for(personas.inspector)
    page = client.get(url).content.decode()
    assert "không thể hoàn tác" in page and "Xác nhận ban hành" in page
    plan.refresh_from_db()
    assert not plan.is_issued  # the GET changed nothing

    assert client.post(url, {"number": "7/KH-SNV"}).status_code == 302
    plan.refresh_from_db()
    assert plan.is_issued and plan.number == "7/KH-SNV"
    detail = client.get(reverse("inspections:plan_detail", args=[plan.pk])).content.decode()
    assert "Đã ban hành số 7/KH-SNV" in detail and url not in detail
    # Issued already: the page sends back to the plan, the number stays.
    assert client.post(url, {"number": "8/KH-SNV"}).status_code == 302
    plan.refresh_from_db()
    assert plan.number == "7/KH-SNV"


def test_issue_page_shows_why_it_refused(personas, client_for):
    plan = make_plan(personas, number="", issued_on=None)
    url = reverse("inspections:plan_issue", args=[plan.pk])
    response = client_for(personas.inspector).post(url, {"number": "không có số"})
    assert response.status_code == 200
    assert "không đọc được" in response.content.decode()
    plan.refresh_from_db()
    assert not plan.is_issued


@pytest.mark.parametrize(
    ("who", "expected"),
    [("admin", 302), ("inspector", 302), ("cumgar_staff", 403), ("laichau_admin", 404)],
)
def test_issue_access(personas, client_for, who, expected):
    plan = make_plan(personas, number="", issued_on=None)
    url = reverse("inspections:plan_issue", args=[plan.pk])
    assert client_for(getattr(personas, who)).post(url, {"number": ""}).status_code == expected
    plan.refresh_from_db()
    assert plan.is_issued is (expected == 302)
