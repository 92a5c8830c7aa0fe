"""PDF and Excel builders for inspections, over the shared plumbing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from cchc_portal.pdf import render_pdf
from inspections import selectors
from inspections.models import Inspection, InspectionPlan


def inspection_report_pdf(inspection: Inspection) -> bytes:
    """The conclusion notice: from the frozen snapshot once concluded, else a marked draft."""
    report, final = selectors.report_for(inspection)
    context = {
        "r": report,
        "final": final,
        "issuer_parent": report["issuer_parent"],
        "issuer": report["issuer"],
        "doc_number": report["notice_number"] or "      /TB-ĐKT",
        "doc_place_date": report["place_date"],
    }
    return render_pdf("inspections/pdf/report.html", context)


def plan_inspections_xlsx(plan: InspectionPlan) -> dict[str, Any]:
    headers = [
        _("Mã đơn vị"),
        _("Đơn vị"),
        _("Loại kiểm tra"),
        _("Ngày dự kiến"),
        _("Ngày kiểm tra"),
        _("Đoàn"),
        _("Trạng thái"),
        _("Số kết quả"),
        _("Số kiến nghị"),
    ]
    return {
        "filename": f"ke-hoach-{plan.pk}-cuoc-kiem-tra.xlsx",
        "sheets": [(_("Cuộc kiểm tra"), headers, selectors.plan_inspection_rows(plan))],
        "title_rows": [
            f"{_('Kế hoạch')} {plan.number} {_('ngày')} {plan.issued_on:%d/%m/%Y}",
            plan.title,
        ],
    }


def tracker_xlsx(qs, *, today: dt.date) -> dict[str, Any]:
    headers = [
        _("Đơn vị"),
        _("Tồn tại"),
        _("Kiến nghị"),
        _("Thời hạn"),
        _("Trạng thái"),
        _("Số ngày quá hạn"),
    ]
    return {
        "filename": "theo-doi-kien-nghi.xlsx",
        "sheets": [(_("Kiến nghị"), headers, selectors.tracker_rows(qs, today))],
        "title_rows": [_("Theo dõi kiến nghị sau kiểm tra"), f"{today:%d/%m/%Y}"],
    }
