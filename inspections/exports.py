"""Documents and Excel files of inspections, over the shared plumbing.

The conclusion notice (thông báo kết luận kiểm tra) and the minutes (biên bản kiểm tra) are
built from the report content frozen at conclusion (a marked draft before), the plan (kế hoạch
kiểm tra) from the plan; each is one `cchc_portal.document.Document` rendered to PDF and DOCX.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cchc_portal.document import (
    Annex,
    Block,
    Document,
    Heading,
    Items,
    Para,
    Signature,
    Table,
    date_line,
    in_sentence,
    issuer_code,
    place_name,
    signature_from_position,
)
from cchc_portal.docx import document_docx
from cchc_portal.pdf import document_pdf
from cchc_portal.xlsx import WORKING_DATA
from inspections import selectors
from inspections.models import Inspection, InspectionPlan

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")


def _day(iso: str | None) -> dt.date | None:
    return dt.date.fromisoformat(iso) if iso else None


def _draft_date_line(place: str, year: int) -> str:
    """A draft's date is left for the day it is signed: "Đắk Lắk, ngày    tháng    năm 2026"."""
    return f"{place}, ngày      tháng      năm {year}"


def _head_title(r: dict[str, Any]) -> str:
    return "CHỦ TỊCH" if r.get("issuer_is_ubnd") else "GIÁM ĐỐC"


def _head_signature(r: dict[str, Any]) -> Signature:
    """The notice is signed for the issuing body: by the team's head when they are its
    (deputy) director, else by the body's recorded signatory, else by the head as such."""
    head = r.get("head") or {}
    name, position = head.get("name", ""), head.get("position", "")
    title = _head_title(r)
    if position.upper().startswith((title, "PHÓ " + title)):
        return signature_from_position(position, name, head=title)
    signer = r.get("signer")
    if signer:
        return Signature(**signer)
    return Signature(title=_("TRƯỞNG ĐOÀN KIỂM TRA"), name=name)


def _letterhead(r: dict[str, Any], *, final: bool, day: dt.date | None) -> dict[str, Any]:
    place = r.get("place") or ""
    year = day.year if day else timezone.localdate().year
    return {
        "issuer_parent": r["issuer_parent"],
        "issuer": r["issuer"],
        "place_date": date_line(place, day) if final and day else _draft_date_line(place, year),
        "draft": not final,
    }


def _roman(items: list[tuple[str, list[Block]]]) -> list[Block]:
    """Numbered sections, empty ones left out (never "Không.")."""
    blocks: list[Block] = []
    for title, body in (item for item in items if item[1]):
        blocks.append(
            Heading(f"{ROMAN[len([b for b in blocks if isinstance(b, Heading)])]}. {title}")
        )
        blocks.extend(body)
    return blocks


def _team_items(r: dict[str, Any]) -> list[str]:
    return [
        ", ".join(x for x in (m["name"], m.get("position"), m.get("organisation")) if x)
        + f" – {m['role']}"
        for m in r["team"]["members"]
    ]


def _checklist(r: dict[str, Any], caption: str) -> list[Block]:
    if not r["checklist"]:
        return []
    return [
        Table(
            headers=[_("TT"), _("Nội dung kiểm tra"), _("Kết quả"), _("Ghi chú")],
            rows=[
                [str(i), c["content"], c["outcome"], c["note"]]
                for i, c in enumerate(r["checklist"], start=1)
            ],
            numeric=frozenset({0}),
            widths=[6, 54, 14, 26],
            caption=caption,
        )
    ]


def _dossier_blocks(r: dict[str, Any]) -> list[Block]:
    blocks: list[Block] = []
    if r.get("dossier_checks"):
        blocks.append(
            Table(
                headers=[_("Mã hồ sơ"), _("Kết quả"), _("Ghi chú")],
                rows=[[d["code"], d["result"], d["note"]] for d in r["dossier_checks"]],
                widths=[30, 25, 45],
                caption=_("Kiểm tra ngẫu nhiên hồ sơ TTHC:"),
            )
        )
    if r.get("statistics"):
        blocks.append(
            Table(
                headers=[_("Chỉ tiêu"), _("Số liệu")],
                rows=[[label, value] for label, value in r["statistics"]],
                widths=[45, 55],
                caption=_(
                    "Kết quả giải quyết hồ sơ TTHC trong thời kỳ kiểm tra "
                    "(số liệu từ hệ thống một cửa điện tử):"
                ),
            )
        )
    return blocks


def _findings(r: dict[str, Any]) -> list[Block]:
    blocks: list[Block] = []
    if r["strengths"]:
        blocks += [Para(lead=_("%(n)s. Ưu điểm") % {"n": 1}), Items(list(r["strengths"]))]
    if r["limitations"]:
        n = 2 if r["strengths"] else 1
        blocks += [
            Para(lead=_("%(n)s. Tồn tại, hạn chế") % {"n": n}),
            Items(
                [
                    f"{x['text']} (tiêu chí {x['criterion']})" if x["criterion"] else x["text"]
                    for x in r["limitations"]
                ]
            ),
        ]
    return blocks


def _kind_phrase(kind: str) -> str:
    """ "công tác CCHC" for "Kiểm tra công tác CCHC": what was checked, inside a sentence."""
    phrase = kind.removeprefix("Kiểm tra ")
    return phrase[:1].lower() + phrase[1:]


def _opening(r: dict[str, Any]) -> Para:
    plan = r["plan"]
    team = r["team"]
    held = r["held_on"]
    unit = r.get("unit_in_sentence") or r["unit"]
    text = _("Thực hiện Kế hoạch")
    if plan["number"]:
        text += f" số {plan['number']}"
    if plan["issued_on"]:
        text += f" ngày {plan['issued_on']}"
    text += f" ({plan['title']})"
    text += f", ngày {held}, {team['name']}" if held else f", {team['name']}"
    if team["decision_number"]:
        text += f" (thành lập theo Quyết định số {team['decision_number']}"
        text += f" ngày {team['decision_date']})" if team["decision_date"] else ")"
    text += f" đã kiểm tra {_kind_phrase(r['kind'])} tại {unit}"
    sites = [s for s in r["sites"] if s != r["unit"]]
    if sites:
        text += f" ({', '.join(in_sentence(s) for s in sites)})"
    return Para(text + ".")


def _period(r: dict[str, Any]) -> Para:
    return Para(
        _("Thời kỳ kiểm tra: từ ngày %(start)s đến ngày %(end)s.")
        % {"start": r["period_start"], "end": r["period_end"]}
    )


def notice_document(inspection: Inspection) -> Document:
    """An official Vietnamese document, whatever language the user's screen is in."""
    with translation.override(settings.LANGUAGE_CODE):
        return _notice_document(inspection)


def _notice_document(inspection: Inspection) -> Document:
    """The conclusion notice, from the frozen snapshot once concluded, else a marked draft."""
    r, final = selectors.report_for(inspection)
    # The day of the conclusion as recorded (it may be recorded after the fact).
    issued = timezone.localdate(inspection.concluded_at) if inspection.concluded_at else None
    unit = r.get("unit_in_sentence") or r["unit"]
    recommendations: list[Block] = []
    if r["recommendations"]:
        recommendations = [
            Table(
                headers=[_("TT"), _("Nội dung"), _("Đơn vị thực hiện"), _("Thời hạn")],
                rows=[
                    [str(i), k["text"], k["unit"], k["due_on"]]
                    for i, k in enumerate(r["recommendations"], start=1)
                ],
                numeric=frozenset({0}),
                widths=[6, 56, 24, 14],
            ),
            Para(
                _(
                    "Đề nghị các đơn vị báo cáo kết quả khắc phục về %(body)s trước thời hạn "
                    "nêu trên."
                )
                % {"body": r.get("issuer_body") or r["issuer"].title()}
            ),
        ]
    representatives = list(r["representatives"])
    members: list[Block] = [Para(lead=_("1. Đoàn kiểm tra:")), Items(_team_items(r))]
    if representatives:
        members += [Para(lead=_("2. Đại diện %(unit)s:") % {"unit": unit}), Items(representatives)]
    blocks: list[Block] = [_opening(r), _period(r)]
    blocks += _roman(
        [
            (_("THÀNH PHẦN"), members),
            (
                _("NỘI DUNG VÀ KẾT QUẢ KIỂM TRA"),
                _checklist(r, _("Kết quả kiểm tra từng nội dung:")) + _dossier_blocks(r),
            ),
            (_("KẾT LUẬN"), _findings(r)),
            (_("KIẾN NGHỊ, YÊU CẦU KHẮC PHỤC"), recommendations),
        ]
    )
    number = r.get("notice_number") or ""
    return Document(
        **_letterhead(r, final=final, day=issued),
        kind=_("Thông báo"),
        subject=_("Kết luận kiểm tra %(kind)s tại %(unit)s")
        % {"kind": _kind_phrase(r["kind"]), "unit": unit},
        number=number if final else "",
        number_stub=f"TB-{issuer_code(r.get('issuer_body') or r['issuer'])}",
        blocks=blocks,
        recipients=list(r["recipients"]),
        signatures=[_head_signature(r)],
        file_title=_("Thông báo kết luận kiểm tra – %(unit)s") % {"unit": r["unit"]},
    )


def minutes_document(inspection: Inspection) -> Document:
    """An official Vietnamese document, whatever language the user's screen is in."""
    with translation.override(settings.LANGUAGE_CODE):
        return _minutes_document(inspection)


def _minutes_document(inspection: Inspection) -> Document:
    """The inspection minutes (biên bản kiểm tra), signed by both sides at the unit on the day
    of the visit: team, unit representatives, contents checked with results, findings, the
    unit's opinion, the two signature blocks."""
    r, final = selectors.report_for(inspection)
    visit = _day(r.get("visit_date"))
    unit = r.get("unit_in_sentence") or r["unit"]
    representatives = list(r["representatives"])
    blocks: list[Block] = []
    if visit:
        blocks.append(
            Para(
                _("Hôm nay, ngày %(day)s, tại %(unit)s, %(team)s tiến hành kiểm tra %(kind)s.")
                % {
                    "day": visit.strftime("%d/%m/%Y"),
                    "unit": unit,
                    "team": r["team"]["name"],
                    "kind": _kind_phrase(r["kind"]),
                }
            )
        )
    blocks.append(_period(r))
    blocks += _roman(
        [
            (
                _("THÀNH PHẦN"),
                [
                    Para(lead=_("1. Đoàn kiểm tra:")),
                    Items(_team_items(r)),
                    Para(lead=_("2. Đại diện %(unit)s:") % {"unit": unit}),
                    Items(representatives or ["……………………………………………………"]),
                ],
            ),
            (
                _("NỘI DUNG VÀ KẾT QUẢ KIỂM TRA"),
                _checklist(r, _("Nội dung đã kiểm tra và kết quả:")) + _dossier_blocks(r),
            ),
            (_("NHẬN XÉT CỦA ĐOÀN KIỂM TRA"), _findings(r)),
            # Written at the visit; a snapshot frozen before the field existed has none.
            (
                _("Ý KIẾN CỦA ĐƠN VỊ ĐƯỢC KIỂM TRA"),
                [Para(line) for line in r.get("unit_opinion", [])],
            ),
        ]
    )
    blocks.append(
        Para(
            _(
                "Biên bản được lập thành 02 bản có giá trị như nhau, đoàn kiểm tra giữ 01 bản, "
                "đơn vị được kiểm tra giữ 01 bản; đã đọc lại cho các bên cùng nghe và thống "
                "nhất ký tên."
            )
        )
    )
    head = r.get("head") or {}
    # "Nguyễn Văn A, Chủ tịch UBND xã" names the signer; a line without a comma ("Lãnh đạo
    # UBND xã") names a role, and the name is then written by hand.
    first = representatives[0] if representatives else ""
    rep_name = first.split(",")[0].strip() if "," in first else ""
    return Document(
        issuer_parent=r["issuer"],
        issuer=r["team"]["name"].upper(),
        place_date=(
            date_line(r.get("place", ""), visit)
            if final and visit
            else _draft_date_line(r.get("place", ""), (visit or timezone.localdate()).year)
        ),
        draft=not final,
        kind=_("Biên bản"),
        subject=_("Kiểm tra %(kind)s tại %(unit)s")
        % {"kind": _kind_phrase(r["kind"]), "unit": unit},
        number=(r.get("minutes_number") or "") if final else "",
        number_stub=f"BB-{issuer_code(r.get('issuer_body') or r['issuer'])}",
        blocks=blocks,
        signatures=[
            Signature(
                title=_("ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA"),
                name=rep_name,
                caption=_("(Ký, ghi rõ họ tên, đóng dấu)"),
            ),
            Signature(
                title=_("TRƯỞNG ĐOÀN KIỂM TRA"),
                name=head.get("name", ""),
                caption=_("(Ký, ghi rõ họ tên)"),
            ),
        ],
        file_title=_("Biên bản kiểm tra – %(unit)s") % {"unit": r["unit"]},
    )


def plan_document(plan: InspectionPlan) -> Document:
    """An official Vietnamese document, whatever language the user's screen is in."""
    with translation.override(settings.LANGUAGE_CODE):
        return _plan_document(*selectors.plan_for(plan))


def _plan_document(p: dict[str, Any], final: bool) -> Document:
    """The printable plan (kế hoạch kiểm tra) with its schedule annex: from the content frozen
    when the plan was issued (its number from the register), else a marked draft of the live
    plan with the number left blank."""
    issuer_unit = p["issuer_unit"]
    body = p["issuer_name"] or f"UBND {in_sentence(issuer_unit)}"
    targets = p["targets"]
    sections: list[tuple[str, list[Block]]] = [
        (_("MỤC ĐÍCH, YÊU CẦU"), [Para(line) for line in p["purpose"]]),
        (_("NỘI DUNG KIỂM TRA"), [Items(list(p["contents"]))] if p["contents"] else []),
        (
            _("ĐỐI TƯỢNG, THỜI KỲ VÀ THỜI GIAN KIỂM TRA"),
            [
                *(
                    [
                        Para(
                            _("Kiểm tra %(n)s đơn vị (lịch kiểm tra tại Phụ lục kèm theo).")
                            % {"n": len(targets)}
                        )
                    ]
                    if targets
                    else []
                ),
                Para(
                    _("Thời kỳ kiểm tra: từ ngày %(start)s đến ngày %(end)s.")
                    % {"start": p["period_start"], "end": p["period_end"]}
                ),
            ],
        ),
        (
            _("TỔ CHỨC THỰC HIỆN"),
            [
                Para(
                    _(
                        "Các đơn vị được kiểm tra chuẩn bị báo cáo và hồ sơ, tài liệu theo nội "
                        "dung kiểm tra; bố trí thành phần làm việc với đoàn kiểm tra theo lịch "
                        "tại Phụ lục."
                    )
                )
            ],
        ),
    ]
    number = p["number"] if final else ""
    annex = Annex(
        title=_("Lịch kiểm tra"),
        subtitle=_("(Kèm theo Kế hoạch số %(number)s)") % {"number": number or "     "},
        blocks=[
            Table(
                headers=[_("TT"), _("Đơn vị được kiểm tra"), _("Cơ quan, bộ phận"), _("Thời gian")],
                rows=[
                    [str(i), t["unit"], t["body"], t["scheduled_on"]]
                    for i, t in enumerate(targets, start=1)
                ],
                numeric=frozenset({0}),
                widths=[7, 45, 28, 20],
            )
        ],
    )
    signature = Signature(**p["signature"]) if p.get("signature") else None
    head = "GIÁM ĐỐC" if p["issuer_name"] else "CHỦ TỊCH"
    place = place_name(issuer_unit)
    issued_on = _day(p["issued_on"])
    return Document(
        issuer_parent=f"UBND {issuer_unit.upper()}" if p["issuer_name"] else "",
        issuer=body.upper(),
        place_date=(
            date_line(place, issued_on)
            if final and issued_on
            else _draft_date_line(place, p["year"])
        ),
        draft=not final,
        kind=_("Kế hoạch"),
        subject=p["title"],
        number=number,
        number_stub=f"KH-{issuer_code(body)}",
        blocks=_roman(sections),
        recipients=[
            *([f"UBND {issuer_unit} (b/c)"] if p["issuer_name"] else []),
            _("Các đơn vị được kiểm tra"),
            _("Thành viên đoàn kiểm tra"),
            _("Lưu: VT"),
        ],
        signatures=[signature or Signature(title=head, caption=_("(Ký, ghi rõ họ tên)"))],
        annexes=[annex] if targets else [],
        file_title=f"{_('Kế hoạch kiểm tra')} – {p['title']}",
    )


def inspection_report_pdf(inspection: Inspection) -> bytes:
    return document_pdf(notice_document(inspection))


def inspection_report_docx(inspection: Inspection) -> bytes:
    return document_docx(notice_document(inspection))


def minutes_pdf(inspection: Inspection) -> bytes:
    return document_pdf(minutes_document(inspection))


def minutes_docx(inspection: Inspection) -> bytes:
    return document_docx(minutes_document(inspection))


def plan_pdf(plan: InspectionPlan) -> bytes:
    return document_pdf(plan_document(plan))


def plan_docx(plan: InspectionPlan) -> bytes:
    return document_docx(plan_document(plan))


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
            f"{_('Kế hoạch')} {plan.number} {_('ngày')} {plan.issued_on:%d/%m/%Y}"
            if plan.issued_on
            else f"{_('Kế hoạch')} {plan.number}",
            plan.title,
        ],
        "status": WORKING_DATA,
    }


def tracker_xlsx(qs, *, today: dt.date) -> dict[str, Any]:
    headers = [
        _("Đơn vị"),
        _("Cuộc kiểm tra"),
        _("Ngày kết luận"),
        _("Tồn tại"),
        _("Kiến nghị"),
        _("Thời hạn"),
        _("Trạng thái"),
        _("Số ngày quá hạn"),
        _("Ngày xác nhận khắc phục"),
    ]
    return {
        "filename": "theo-doi-kien-nghi.xlsx",
        "sheets": [(_("Kiến nghị"), headers, selectors.tracker_rows(qs, today))],
        "title_rows": [
            _("Theo dõi kiến nghị sau kiểm tra"),
            _("Số liệu ngày %(day)s") % {"day": f"{today:%d/%m/%Y}"},
        ],
        "status": WORKING_DATA,
    }
