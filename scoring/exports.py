"""Ranking exports (Excel, CSV, PDF) over the shared plumbing; figures from the selectors,
which take them from `scoring.index`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from itertools import chain
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cchc_portal.charts import Chart, bar_chart
from cchc_portal.document import (
    Block,
    Document,
    Para,
    Signature,
    Table,
    date_line,
    in_sentence,
    place_name,
)
from cchc_portal.docx import document_docx
from cchc_portal.pdf import document_pdf
from cchc_portal.tabular import write_csv
from cchc_portal.templatetags.portal import num
from cchc_portal.xlsx import write_xlsx
from documents.selectors import registered_label, signature_of
from scoring.choices import AssessmentState, Component
from scoring.index import IndexResult
from scoring.models import PublishedRanking, PublishedResult
from scoring.selectors import (
    Ranking,
    RankingRow,
    Sheet,
    SheetRow,
    UnitHistory,
    not_appraised_label,
)

CSV_HEADERS = [
    "rank",
    "unit_code",
    "unit_name",
    "appraisal",
    "survey",
    "bonus",
    "penalty",
    "index",
    "grade",
    "rank_change",
]


def ranking_headers() -> list[str]:
    return [
        _("Xếp hạng"),
        _("Mã đơn vị"),
        _("Đơn vị"),
        _("Điểm thẩm định"),
        _("Điểm điều tra XHH"),
        _("Điểm thưởng"),
        _("Điểm trừ"),
        _("Chỉ số CCHC"),  # the title rows say whether it is provisional or published
        _("Xếp loại"),
        _("Thay đổi so với năm trước"),
    ]


def ranking_values(ranking: Ranking) -> Iterator[list[Any]]:
    for row in ranking.rows:
        if not row.appraised:
            # Listed, never ranked: its blank appraisal is not a 0,00.
            yield ["", row.unit_code, row.unit_name, not_appraised_label(), None, None, None]
            continue
        yield [
            row.rank,
            row.unit_code,
            row.unit_name,
            row.appraisal,
            row.survey,
            row.bonus,
            row.penalty,
            row.index,
            row.grade,
            row.change_label,
        ]


def provisional_mark() -> str:
    """What a provisional ranking's every page and spreadsheet title says: a draft, not a result."""
    return _("DỰ THẢO – KẾT QUẢ TẠM TÍNH")


def ranking_title(ranking: Ranking) -> list[str]:
    cs = ranking.criteria_set
    status = provisional_mark() if ranking.provisional else _("Kết quả đã công bố")
    return [
        _("Xếp hạng chỉ số CCHC năm %(year)s") % {"year": cs.year},
        f"{cs.name} ({cs.legal_basis})" if cs.legal_basis else cs.name,
        status,
    ]


def ranking_sheet_head(ranking: Ranking) -> dict[str, Any]:
    """The spreadsheet's title rows (what, which set) and status (provisional or published);
    the writer adds the time of export."""
    *titles, status = ranking_title(ranking)
    return {"title_rows": titles, "status": status}


def ranking_xlsx(stream: Any, ranking: Ranking) -> None:
    write_xlsx(
        stream,
        sheets=[(_("Xếp hạng"), ranking_headers(), ranking_values(ranking))],
        **ranking_sheet_head(ranking),
    )


def ranking_csv(stream: Any, ranking: Ranking) -> None:
    write_csv(stream, CSV_HEADERS, ranking_values(ranking))


def ranking_chart(ranking: Ranking) -> Chart:
    rows = ranking.ranked_rows[::-1]  # pygal draws the first bar at the bottom: rank 1 on top
    chart = bar_chart(
        title=_("Chỉ số CCHC năm %(year)s") % {"year": ranking.criteria_set.year},
        labels=[row.unit_name for row in rows],
        series={_("Chỉ số CCHC"): [row.index for row in rows]},
        horizontal=True,
        max_value=100,
    )
    chart.rows.reverse()  # the table reads in rank order
    return chart


def lost_points_chart(ranking: Ranking, row: RankingRow | None) -> Chart | None:
    """Points one unit lost per area (area maximum minus its points)."""
    if row is None or not row.areas:
        return None
    areas, lost = row.areas[::-1], row.lost_per_area[::-1]  # area 1 on top
    chart = bar_chart(
        title=_("Điểm bị mất theo lĩnh vực — %(unit)s") % {"unit": row.unit_name},
        labels=[f"{code}. {title}" for code, title, _p, _m in areas],
        series={_("Điểm bị mất"): [points for _code, points in lost]},
        horizontal=True,
    )
    chart.rows.reverse()  # the table reads in area order
    return chart


def selected_row(ranking: Ranking, unit_code: str | None, default_unit_id: int | None):
    """The unit whose lost points are charted: the one asked for, else the user's, else first."""
    by_code = {row.unit_code: row for row in ranking.rows}
    if unit_code in by_code:
        return by_code[unit_code]
    for row in ranking.rows:
        if row.unit_id == default_unit_id:
            return row
    return ranking.rows[0] if ranking.rows else None


LEVEL_SUBJECT = {
    "district": "các huyện, thị xã, thành phố",
    "commune": "các xã, phường",
    "department": "các sở, ban, ngành",
}
ISSUER_NAME = "Sở Nội vụ"  # who appraises and publishes the index for the province


def _vi_date(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def _issuer(cs: Any) -> tuple[str, str]:
    return f"UBND {cs.province.name.upper()}", ISSUER_NAME.upper()


def _draft_line(cs: Any) -> str:
    return f"{place_name(cs.province.name)}, ngày      tháng      năm {dt.date.today().year}"


def _signature(cs: Any, publication: PublishedRanking | None = None) -> Signature:
    """The signer frozen at publication; the recorded signatory for a publication made before
    signatures were frozen (or none recorded then)."""
    if publication is not None and publication.signature:
        return Signature(**publication.signature)
    return signature_of(cs.province, ISSUER_NAME) or Signature(
        title="GIÁM ĐỐC", caption=_("(Ký, ghi rõ họ tên)")
    )


def ranking_subject(cs: Any) -> str:
    return _("Kết quả Chỉ số cải cách hành chính năm %(year)s của %(level)s") % {
        "year": cs.year,
        "level": LEVEL_SUBJECT.get(cs.level, cs.get_level_display().lower()),
    }


def ranking_document(ranking: Ranking) -> Document:
    """The province's report announcing the index (báo cáo kết quả Chỉ số CCHC), numbered in the
    register at publication; a provisional ranking is a draft with neither recipients nor a
    signature ("DỰ THẢO – KẾT QUẢ TẠM TÍNH" on every page)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _ranking_document(ranking)


def _ranking_document(ranking: Ranking) -> Document:
    cs = ranking.criteria_set
    publication = ranking.publication
    index_header = _("Chỉ số CCHC (%)") if ranking.percentage_form else _("Chỉ số CCHC")
    headers = [
        _("Hạng"),
        _("Đơn vị"),
        _("Thẩm định"),
        *([_("Điều tra XHH")] if cs.has_survey else []),
        _("Thưởng"),
        _("Trừ"),
        index_header,
        _("Xếp loại"),
        _("So với năm trước"),
    ]
    rows = [
        [
            str(row.rank),
            row.unit_name,
            num(row.appraisal),
            *([num(row.survey)] if cs.has_survey else []),
            num(row.bonus),
            num(row.penalty),
            num(row.index),
            row.grade,
            row.change_label,
        ]
        for row in ranking.rows
    ]
    widths = [7.0, 30, 11, *([11] if cs.has_survey else []), 9, 8, 11, 11, 10]
    n = len(headers)
    grades: dict[str, int] = {}
    for row in ranking.rows:
        grades[row.grade] = grades.get(row.grade, 0) + 1
    blocks: list[Block] = [
        Para(
            _(
                "Căn cứ %(basis)s, %(body)s báo cáo kết quả xác định Chỉ số cải cách hành "
                "chính năm %(year)s của %(n)s đơn vị như sau:"
            )
            % {
                "basis": cs.legal_basis or cs.name,
                "body": ISSUER_NAME,
                "year": cs.year,
                "n": len(ranking.rows),
            }
        ),
    ]
    if grades:
        blocks.append(
            Para(
                _("Xếp loại: %(grades)s.")
                % {"grades": "; ".join(f"{g}: {c} đơn vị" for g, c in grades.items() if g)}
            )
        )
    blocks.append(
        Table(
            headers=headers,
            rows=rows,
            numeric=frozenset({0, 2, 3, 4, 5, 6} if cs.has_survey else {0, 2, 3, 4, 5}),
            widths=widths[:n],
            caption=_("Bảng xếp hạng Chỉ số CCHC năm %(year)s:") % {"year": cs.year},
            small=True,
        )
    )
    if ranking.provisional:
        return Document(
            issuer_parent=_issuer(cs)[0],
            issuer=_issuer(cs)[1],
            kind=_("Báo cáo"),
            subject=ranking_subject(cs),
            place_date=_draft_line(cs),
            number_stub="BC-SNV",
            blocks=blocks,
            draft=True,
            draft_label=provisional_mark(),
            file_title=ranking_title(ranking)[0],
        )
    number = registered_label(f"scoring.ranking:{publication.pk}") if publication else ""
    day = timezone.localdate(publication.published_at) if publication else None
    return Document(
        issuer_parent=_issuer(cs)[0],
        issuer=_issuer(cs)[1],
        kind=_("Báo cáo"),
        subject=ranking_subject(cs),
        place_date=date_line(place_name(cs.province.name), day) if day else _draft_line(cs),
        number=number,
        number_stub="BC-SNV",
        blocks=blocks,
        recipients=[
            f"UBND {in_sentence(cs.province.name)} (b/c)",
            _("Các đơn vị được đánh giá"),
            _("Lưu: VT, CCHC"),
        ],
        signatures=[_signature(cs, publication)],
        file_title=ranking_title(ranking)[0],
    )


def ranking_pdf(ranking: Ranking) -> bytes:
    return document_pdf(ranking_document(ranking))


def ranking_docx(ranking: Ranking) -> bytes:
    return document_docx(ranking_document(ranking))


# --------------------------------------------------------------------------- one unit's sheet


def points(value: Decimal | None) -> str:
    """Points as stored, up to 4 decimals, at least 2: 10,005 stays 10,005; 8 reads 8,00."""
    if value is None:
        return ""
    exponent = value.normalize().as_tuple().exponent
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    return str(num(value, min(places, 4)))


def sheet_status(sheet: Sheet) -> str:
    if sheet.assessment.state == AssessmentState.PUBLISHED:
        return _("Kết quả đã công bố")
    return _("DỰ THẢO – %(state)s") % {"state": sheet.assessment.get_state_display()}


def sheet_title_rows(sheet: Sheet) -> list[str]:
    a = sheet.assessment
    cs = a.criteria_set
    return [
        _("Bảng điểm Chỉ số CCHC năm %(year)s – %(unit)s") % {"year": cs.year, "unit": a.unit.name},
        f"{cs.name} ({cs.legal_basis})" if cs.legal_basis else cs.name,
    ]


def sheet_headers() -> list[str]:
    return [
        _("Mã"),
        _("Tiêu chí"),
        _("Thành phần"),
        _("Điểm tối đa"),
        _("Tự đánh giá"),
        _("Thẩm định vòng 1"),
        _("Thẩm định vòng 2"),
        _("Điều tra XHH"),
        _("Điểm đạt"),
        _("Thuyết minh tự đánh giá"),
        _("Lý do điều chỉnh vòng 1"),
        _("Giải trình"),
        _("Lý do điều chỉnh vòng 2"),
    ]


def _counted(row: SheetRow) -> Decimal | None:
    score = row.score
    if score is None:  # a parent: its appraised and survey subtotals
        return row.appraised_total + row.survey_total
    return score.points()


def sheet_values(sheet: Sheet) -> Iterator[list[Any]]:
    """One row per criterion of the tree: parents with their subtotals, leaves with every
    round; numbers as numbers (the spreadsheet formats them)."""
    survey = str(Component.SURVEY.label)
    appraisal = str(Component.APPRAISAL.label)
    for row in sheet.rows:
        c, s = row.criterion, row.score
        is_survey = c.component == Component.SURVEY
        yield [
            c.code,
            c.title,
            survey if is_survey else appraisal,
            c.max_points,
            row.self_total if s is None else s.self_score,
            s.round1_score if s is not None else None,
            s.round2_score if s is not None else None,
            (row.survey_total if s is None else s.survey_points) if is_survey else None,
            _counted(row),
            s.self_note if s is not None else "",
            s.round1_reason if s is not None else "",
            s.explanation if s is not None else "",
            s.round2_reason if s is not None else "",
        ]


def published_result(sheet: Sheet) -> PublishedResult | None:
    """The unit's row of the set's current publication (with the publication), None while the
    assessment is not published. 1 query."""
    a = sheet.assessment
    if a.state != AssessmentState.PUBLISHED:
        return None
    return (
        PublishedResult.objects.select_related("ranking")
        .filter(
            ranking__criteria_set_id=a.criteria_set_id,
            ranking__withdrawn_at__isnull=True,
            unit_id=a.unit_id,
        )
        .first()
    )


def sheet_totals(
    sheet: Sheet, published: PublishedResult | None = None
) -> list[tuple[str, Decimal | None]]:
    """The sheet's totals: those frozen at publication once published (the same figures as the
    ranking, whatever changed since: grade thresholds, say), else the live ones."""
    label, result, _grade = sheet.headline
    if published is not None:
        result = IndexResult(
            appraisal=published.appraisal,
            survey=published.survey,
            bonus=published.bonus,
            penalty=published.penalty,
            index=published.index,
            percentage_form=result.percentage_form,
        )
    rows: list[tuple[str, Decimal | None]] = [(_("Điểm thẩm định"), result.appraisal)]
    if sheet.assessment.criteria_set.has_survey:
        rows.append((_("Điểm điều tra xã hội học"), result.survey))
    rows += [
        (_("Điểm thưởng"), result.bonus),
        (_("Điểm trừ"), result.penalty),
        (label, result.index),
    ]
    return rows


def sheet_xlsx(stream: Any, sheet: Sheet) -> None:
    published = published_result(sheet)
    grade = published.grade if published is not None else sheet.headline[2]
    totals = [
        ["", name, "", None, None, None, None, None, value]
        for name, value in sheet_totals(sheet, published)
    ]
    totals.append(["", _("Xếp loại"), "", None, None, None, None, None, grade])
    four = "#,##0.00##"
    write_xlsx(
        stream,
        sheets=[
            (
                _("Bảng điểm"),
                sheet_headers(),
                chain(sheet_values(sheet), [[]], totals),
                dict.fromkeys(range(3, 9), four),
            )
        ],
        title_rows=sheet_title_rows(sheet),
        status=sheet_status(sheet),
    )


def sheet_document(sheet: Sheet) -> Document:
    """One unit's score sheet (bảng điểm): every criterion with the self-score, the appraised
    rounds, the survey points and what counts; the notes (self-assessment, reasons of the
    council, the unit's explanation); totals and the index. A draft until published."""
    with translation.override(settings.LANGUAGE_CODE):
        return _sheet_document(sheet)


def _sheet_document(sheet: Sheet) -> Document:
    a = sheet.assessment
    cs = a.criteria_set
    # Once published, the figures, rank, date and signer are those frozen at publication; the
    # criteria rows cannot change then (scores of a locked or published assessment are
    # refused, scoring.services.assessment_ensure_writable).
    frozen = published_result(sheet)
    published = frozen is not None
    rows, strong = [], set()
    notes: list[list[str]] = []
    for i, row in enumerate(sheet.rows):
        c, s = row.criterion, row.score
        is_survey = c.component == Component.SURVEY
        if s is None:
            strong.add(i)
            rows.append(
                [
                    c.code,
                    c.title,
                    points(c.max_points),
                    points(row.self_total),
                    "",
                    "",
                    points(_counted(row)),
                ]
            )
            continue
        rows.append(
            [
                c.code,
                c.title + (f" ({_('điều tra XHH')})" if is_survey else ""),
                points(c.max_points),
                points(s.self_score),
                points(s.round1_score),
                points(s.round2_score),
                points(s.points()),
            ]
        )
        for label, text in (
            (_("Thuyết minh"), s.self_note),
            (_("Lý do điều chỉnh vòng 1"), s.round1_reason),
            (_("Giải trình"), s.explanation),
            (_("Lý do điều chỉnh vòng 2"), s.round2_reason),
        ):
            if text.strip():
                notes.append([c.code, f"{label}: {text.strip()}"])
    grade = frozen.grade if frozen is not None else sheet.headline[2]
    totals = [
        [name, points(value) if value is not None else "–"]
        for name, value in sheet_totals(sheet, frozen)
    ]
    index_row = len(totals) - 1  # the index, last of the totals: bold
    totals.append([_("Xếp loại"), grade])
    if frozen is not None:
        totals.append([_("Xếp hạng"), str(frozen.rank)])
    blocks: list[Block] = [
        Para(
            _("Bộ chỉ số: %(set)s.")
            % {"set": f"{cs.name} ({cs.legal_basis})" if cs.legal_basis else cs.name}
        ),
        Para(_("Trạng thái: %(state)s.") % {"state": a.get_state_display()}),
        Table(
            headers=[
                _("Mã"),
                _("Tiêu chí"),
                _("Tối đa"),
                _("Tự chấm"),
                _("Vòng 1"),
                _("Vòng 2"),
                _("Điểm đạt"),
            ],
            rows=rows,
            numeric=frozenset({2, 3, 4, 5, 6}),
            widths=[8, 42, 10, 10, 10, 10, 10],
            strong=frozenset(strong),
            caption=_("I. Điểm từng tiêu chí"),
            small=True,
        ),
        Table(
            headers=[_("Nội dung"), _("Điểm")],
            rows=totals,
            numeric=frozenset({1}),
            widths=[70, 30],
            strong=frozenset({index_row}),
            caption=_("II. Tổng hợp"),
        ),
    ]
    if notes:
        blocks.append(
            Table(
                headers=[_("Mã"), _("Thuyết minh, lý do điều chỉnh và giải trình")],
                rows=notes,
                widths=[10, 90],
                caption=_("III. Thuyết minh, lý do điều chỉnh và giải trình"),
                small=True,
            )
        )
    day = timezone.localdate(frozen.ranking.published_at) if frozen is not None else None
    return Document(
        issuer_parent=_issuer(cs)[0],
        issuer=_issuer(cs)[1],
        kind=_("Bảng điểm"),
        subject=_("Chỉ số cải cách hành chính năm %(year)s của %(unit)s")
        % {"year": cs.year, "unit": in_sentence(a.unit.name)},
        place_date=date_line(place_name(cs.province.name), day) if day else _draft_line(cs),
        blocks=blocks,
        signatures=[_signature(cs, frozen.ranking)] if frozen is not None else [],
        draft=not published,
        draft_label=_("DỰ THẢO"),
        file_title=sheet_title_rows(sheet)[0],
    )


def sheet_pdf(sheet: Sheet) -> bytes:
    return document_pdf(sheet_document(sheet))


def sheet_docx(sheet: Sheet) -> bytes:
    return document_docx(sheet_document(sheet))


def unit_history_chart(unit_name: str, history: UnitHistory) -> Chart | None:
    """A unit's index year by year, each year labelled with its rank (page, dashboard, PDF);
    a predecessor's year (before a merger) also with the predecessor's name.

    Columns rather than a line: a province has a handful of years on record, and a line's end
    labels run off the chart's edges."""
    if not history.years:
        return None
    return bar_chart(
        title=_("Chỉ số CCHC và thứ hạng qua các năm — %(unit)s") % {"unit": unit_name},
        labels=[
            (
                _("%(year)s, %(unit)s (hạng %(rank)s/%(units)s)")
                % {
                    "year": y.year,
                    "unit": y.predecessor.name,
                    "rank": y.result.rank,
                    "units": y.units,
                }
                if y.predecessor is not None
                else _("%(year)s (hạng %(rank)s/%(units)s)")
                % {"year": y.year, "rank": y.result.rank, "units": y.units}
            )
            for y in history.years
        ],
        series={_("Chỉ số CCHC"): [y.result.index for y in history.years]},
        max_value=100,
        height=300,
    )
