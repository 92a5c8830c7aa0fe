"""The inspection report PDF (thông báo kết luận kiểm tra) of a realistic inspection.

Portal: `GET /inspections/<id>/report.pdf` through the test client as the provincial inspector
(access check, the report's queries, the template, WeasyPrint). Limit: WeasyPrint alone turning
the already-rendered HTML of the same report into a PDF (`cchc_portal.pdf.html_to_pdf`).
The inspection: 10 checklist contents answered, 8 strengths, 12 limitations, 12 recommendations,
100,000 of the unit's dossiers in the inspected period (its statistics table).
"""

from __future__ import annotations

from types import SimpleNamespace

from tests.benchmarks import data
from tests.benchmarks.harness import (
    Context,
    Result,
    count_queries,
    get_page,
    make_user,
    median_time,
    portal_client,
)

SECTION = "Inspection report PDF"
CONTENTS = [
    "Rà soát, cập nhật, công khai thủ tục hành chính",
    "Ban hành, rà soát văn bản quy phạm pháp luật",
    "Thực hiện cơ chế tự chủ tài chính",
    "Ứng dụng CNTT (iDesk, chữ ký số)",
    "Bộ phận tiếp nhận và trả kết quả, trang thiết bị",
    "Kỷ luật, kỷ cương hành chính, văn hóa công sở",
    "Kiểm tra ngẫu nhiên hồ sơ",
    "Dịch vụ công trực tuyến toàn trình",
    "Số hóa hồ sơ, kết quả giải quyết",
    "Tiếp nhận, xử lý phản ánh, kiến nghị",
]


def build(ctx: Context):
    import datetime as dt

    from inspections import services
    from inspections.choices import ChecklistOutcome, FindingKind
    from tests.inspections.factories import make_inspection, make_plan

    province, districts, _communes = data.load_units()
    district = districts[0]
    procedure_ids = data.load_procedures(province)
    data.load_dossiers(
        ctx.size(100_000, 2_000),
        province=district,
        districts=[],
        communes=[],
        procedure_ids=procedure_ids,
    )
    p = SimpleNamespace(daklak=province, cumgar=district)
    plan = make_plan(
        p, contents=CONTENTS, period_start=dt.date(2024, 1, 1), period_end=dt.date(2024, 6, 30)
    )
    inspection = make_inspection(p, plan=plan)
    for i, result in enumerate(inspection.checklist.all()):
        outcome = ChecklistOutcome.MET if i % 4 else ChecklistOutcome.NOT_MET
        services.checklist_record(result=result, outcome=outcome)
    for i in range(8):
        services.finding_add(
            inspection=inspection,
            kind=FindingKind.STRENGTH,
            text=f"Ưu điểm {i + 1}: đơn vị thực hiện tốt việc công khai thủ tục hành chính, "
            "tiếp nhận và trả kết quả đúng quy định, không có hồ sơ quá hạn.",
        )
    for i in range(12):
        services.finding_add(
            inspection=inspection,
            kind=FindingKind.LIMITATION,
            text=f"Hạn chế {i + 1}: tỷ lệ hồ sơ trực tuyến mức độ 3, 4 còn thấp; hệ thống camera "
            "giám sát tại bộ phận một cửa chưa đáp ứng yêu cầu.",
        )
        services.recommendation_add(
            inspection=inspection,
            text=f"Kiến nghị {i + 1}: khắc phục hạn chế số {i + 1} và báo cáo kết quả về Sở Nội vụ "
            "trong vòng 15 ngày kể từ ngày nhận thông báo kết luận.",
            responsible_unit=district,
            due_on=dt.date(2019, 10, 31),
        )
    return province, inspection


def run(ctx: Context) -> list[Result]:
    from cchc_portal.pdf import document_html, html_to_pdf
    from inspections import exports
    from units.choices import Role

    province, inspection = build(ctx)
    inspector = make_user("bench-pdf-inspector", role=Role.PROVINCIAL_INSPECTOR, unit=province)
    client = portal_client(inspector)
    url = f"/inspections/{inspection.pk}/report.pdf"
    get_page(client, url)  # warm: fonts, templates
    t_page = median_time(lambda: get_page(client, url), ctx.repeat)
    queries = count_queries(lambda: get_page(client, url))

    html = document_html(exports.notice_document(inspection))
    from weasyprint import HTML

    from cchc_portal.pdf import _fetcher

    document = HTML(string=html, base_url="http://portal.local/", url_fetcher=_fetcher())
    pages = len(document.render().pages)
    t_limit = median_time(lambda: html_to_pdf(html), ctx.repeat)
    return [
        Result(
            SECTION,
            f"report.pdf, 10 contents, 20 findings, 12 recommendations (~{pages} pages, "
            f"{queries} queries)",
            t_page,
            t_limit,
            "≤ 1.5×",
            t_page <= 1.5 * t_limit,
        )
    ]
