"""Printed links (A4 sheet of QR codes, CSV), the questionnaire file and the survey workbook."""

from __future__ import annotations

import base64
import csv
import io
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc_portal.document import Document, date_line, place_name
from cchc_portal.pdf import html_to_pdf
from cchc_portal.xlsx import SheetSpec
from surveys import selectors
from surveys.choices import RespondentGroup
from surveys.models import Questionnaire, Survey
from units.models import AdministrativeUnit

PER_PAGE = 24  # 4 × 6 codes on an A4 page
ISSUER_NAME = "Sở Nội vụ"
QUESTIONNAIRE_HEADERS = ["stt", "noi_dung", "ma_tieu_chi", "gia_tri", "nhan"]


def link(raw: str, *, base: str = "") -> str:
    base = (settings.PUBLIC_BASE_URL or base or "http://127.0.0.1:8000").rstrip("/")
    return base + reverse("survey_public:form", args=[raw])


def qr_data_uri(text: str) -> str:
    """A QR code as an SVG data URI (drawn on the server, like the TOTP codes)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(
        text,
        image_factory=qrcode.image.svg.SvgPathImage,
        box_size=10,
        border=1,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    svg = image.to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def token_sheet_pdf(
    *, survey: Survey, unit: AdministrativeUnit, group: str, raws: list[str], base: str = ""
) -> bytes:
    """The links as QR codes, 24 to an A4 page in the administrative layout, each with the unit,
    the group and the short address (the unit and group again in the heading of the page)."""
    cs = survey.criteria_set
    doc = Document(
        issuer_parent=f"UBND {cs.province.name.upper()}",
        issuer=ISSUER_NAME.upper(),
        kind=_("Mã khảo sát"),
        subject=survey.name,
        place_date=date_line(place_name(cs.province.name), timezone.localdate()),
        blocks=[],
        file_title=_("Mã khảo sát"),
    )
    label = str(RespondentGroup(group).label)
    cards = [
        {"qr": qr_data_uri(link(r, base=base)), "url": link(r, base=base), "n": i + 1}
        for i, r in enumerate(raws)
    ]
    pages = [cards[i : i + PER_PAGE] for i in range(0, len(cards), PER_PAGE)]
    html = render_to_string(
        "surveys/pdf/token_sheet.html",
        {
            "doc": doc,
            "survey": survey,
            "unit": unit,
            "group_label": label,
            "pages": [[page[i : i + 4] for i in range(0, len(page), 4)] for page in pages],
            "closes_on": survey.closes_on,
        },
    )
    return html_to_pdf(html)


def token_csv(
    *, survey: Survey, unit: AdministrativeUnit, group: str, raws: list[str], base: str = ""
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["stt", "ma_don_vi", "ten_don_vi", "nhom", "duong_dan"])
    for i, raw in enumerate(raws, start=1):
        writer.writerow([i, unit.code, unit.name, group, link(raw, base=base)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def questionnaire_sheets(questionnaire: Questionnaire) -> list[SheetSpec]:
    """The file `questionnaire_import` reads back: the questions, then the scale."""
    rows: list[list[Any]] = [
        [q.position, q.text, q.criterion.code, None, None]
        for q in questionnaire.questions.select_related("criterion")
    ]
    rows += [[None, None, None, o.value, o.label] for o in questionnaire.options.all()]
    return [(_("Phiếu khảo sát"), QUESTIONNAIRE_HEADERS, rows)]


def survey_sheets(survey: Survey) -> list[SheetSpec]:
    """Anonymised answers (the `--survey-answers` columns) and results per unit, group and
    criterion."""
    return [
        (_("Câu trả lời"), selectors.ANSWER_HEADERS, selectors.anonymised_answers(survey)),
        (
            _("Kết quả"),
            selectors.RESULT_HEADERS,
            selectors.results(survey),
            {5: "#,##0.0000", 6: "#,##0.0000"},
        ),
    ]


SURVEY_OPEN = _("Số liệu tạm thời: cuộc khảo sát chưa đóng")
SURVEY_CLOSED = _("Kết quả cuộc khảo sát đã đóng ngày %(day)s")


def survey_status(survey: Survey) -> str:
    """The export's status line: provisional until the survey is closed."""
    if survey.closed_at is None:
        return str(SURVEY_OPEN)
    return str(SURVEY_CLOSED) % {"day": f"{timezone.localtime(survey.closed_at):%d/%m/%Y}"}
