"""The index's documents read back: the published ranking as the province's report, one unit's
score sheet as PDF, DOCX and XLSX, and the ranking's spreadsheet. Figures are the factories'
hand calculation (appraisal 64,55 + survey 20,83 = 85,38; self 70 + 20,83 = 90,83)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from documents.models import Signatory
from scoring import services
from scoring.choices import AssessmentState as S
from tests.documents.readers import (
    assert_ready,
    find_word,
    header_row,
    open_xlsx,
    page_top_line,
    pdf_pages,
    pdf_text,
    pdf_words,
    read_docx,
)
from tests.scoring.factories import FULL, make_assessment, make_set, many_units

pytestmark = pytest.mark.django_db
PUBLISHED_AT = dt.datetime(2025, 4, 15, 9, tzinfo=dt.timezone(dt.timedelta(hours=7)))


@pytest.fixture
def world(personas):
    cs = make_set(province=personas.daklak)
    cumgar = make_assessment(criteria_set=cs, unit=personas.cumgar, scores=FULL)
    Signatory.objects.create(
        issuer=personas.daklak,
        issuer_name="Sở Nội vụ",
        authority="KT. GIÁM ĐỐC",
        title="PHÓ GIÁM ĐỐC",
        name="Nguyễn Thị Hồng",
    )
    return {"set": cs, "cumgar": cumgar}


def publish(world, personas):
    world["cumgar"].state = S.LOCKED
    world["cumgar"].save()
    services.ranking_publish(criteria_set=world["set"], by=personas.admin, at=PUBLISHED_AT)
    world["cumgar"].refresh_from_db()


def _body(response) -> bytes:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content)
    return response.content


def test_published_ranking_is_the_province_s_numbered_report(personas, world, client_for):
    publish(world, personas)
    client = client_for(personas.admin)
    pdf = client.get(reverse("scoring:ranking_pdf", args=[world["set"].pk])).content
    text = pdf_text(pdf)
    assert "UBND TỈNH ĐẮK LẮK SỞ NỘI VỤ Số: 1/BC-SNV" in text  # numbered at publication
    assert "Đắk Lắk, ngày 15 tháng 4 năm 2025" in text
    assert (
        "BÁO CÁO Kết quả Chỉ số cải cách hành chính năm 2024 của các huyện, thị xã, thành phố"
        in text
    )
    assert "1 Huyện Cư M'gar 64,55 20,83 0,00 0,00 85,38 Tốt mới" in text
    assert "Nơi nhận: - UBND tỉnh Đắk Lắk (b/c);" in text
    assert "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC Nguyễn Thị Hồng" in text
    assert "DỰ THẢO" not in text and "Số liệu của biểu đồ" not in text
    assert "XẾP HẠNG CHỈ SỐ CCHC" not in text  # no such document type
    words = pdf_words(pdf, len(pdf_pages(pdf)) - 1)
    assert find_word(words, "Nơi").x0 < 31  # "Nơi nhận:" at the left margin
    assert find_word(words, "Hồng").x0 > 105  # the signer in the right half
    docx = read_docx(client.get(reverse("scoring:ranking_docx", args=[world["set"].pk])).content)
    for line in ("Số: 1/BC-SNV", "Đắk Lắk, ngày 15 tháng 4 năm 2025", "BÁO CÁO", "Nơi nhận:"):
        assert line in docx.body
    assert "Nguyễn Thị Hồng" in docx.body and "85,38" in docx.body


def test_provisional_ranking_is_a_draft_on_every_page_without_recipients(personas, client_for):
    cs = make_set(province=personas.daklak, level="commune", year=2025)
    for unit in many_units(parent=personas.cumgar, count=60):
        make_assessment(criteria_set=cs, unit=unit, scores=FULL)
    pdf = client_for(personas.admin).get(reverse("scoring:ranking_pdf", args=[cs.pk])).content
    pages = pdf_pages(pdf)
    assert len(pages) >= 2
    for n in range(len(pages)):
        top = " ".join(page_top_line(pdf, n))
        assert "DỰ THẢO – KẾT QUẢ TẠM TÍNH" in top
    text = " ".join(pages)
    assert "Số: /BC-SNV" in text
    assert "Nơi nhận" not in text and "GIÁM ĐỐC" not in text
    docx = read_docx(
        client_for(personas.admin).get(reverse("scoring:ranking_docx", args=[cs.pk])).content
    )
    assert "DỰ THẢO – KẾT QUẢ TẠM TÍNH" in docx.header and "Nơi nhận" not in docx.body


def test_ranking_spreadsheet_opens_ready_and_shows_an_unchanged_rank_as_equals(
    personas, client_for, tmp_path
):
    before = make_set(province=personas.daklak, year=2023)
    make_assessment(criteria_set=before, unit=personas.cumgar, scores=FULL, state=S.LOCKED)
    services.ranking_publish(criteria_set=before, by=personas.admin)
    cs = make_set(province=personas.daklak, year=2024)
    make_assessment(criteria_set=cs, unit=personas.cumgar, scores=FULL)
    response = client_for(personas.admin).get(reverse("scoring:ranking_xlsx", args=[cs.pk]))
    data = _body(response)
    assert_ready(data, first_header="Xếp hạng", titles=4)
    sheet = open_xlsx(data).worksheets[0]
    assert sheet["A3"].value == "DỰ THẢO – KẾT QUẢ TẠM TÍNH"
    row = header_row(sheet, "Xếp hạng") + 1
    change = sheet.cell(row, 10)
    assert change.value == "=" and change.data_type == "s" and change.quotePrefix
    index = sheet.cell(row, 8)
    assert index.value == 85.38 and index.number_format == "#,##0.00"
    assert sheet.cell(row, 1).number_format == "#,##0"
    out = io.StringIO()
    call_command("ranking", "--province", "66", "--year", "2024", "--format", "csv", stdout=out)
    assert list(csv.reader(io.StringIO(out.getvalue())))[1][-1] == "="  # docs/formats.md
    target = tmp_path / "xh.docx"
    call_command(
        "ranking",
        "--province",
        "66",
        "--year",
        "2024",
        "--format",
        "docx",
        "-o",
        str(target),
        stdout=io.StringIO(),
    )
    assert "Huyện Cư M'gar" in read_docx(target.read_bytes()).body


def test_score_sheet_documents_before_publication_are_drafts(personas, world, client_for):
    client = client_for(personas.cumgar_staff)
    pk = world["cumgar"].pk
    pdf = client.get(reverse("scoring:assessment_document", args=[pk, "pdf"])).content
    pages = pdf_pages(pdf)
    for n in range(len(pages)):
        assert "DỰ" in page_top_line(pdf, n)
    text = " ".join(pages)
    assert "BẢNG ĐIỂM Chỉ số cải cách hành chính năm 2024 của huyện Cư M'gar" in text
    assert "2.3 Trực tuyến 30,00 30,00 27,55 27,55" in text  # max, self, round 1, counted
    assert "3.1 Người dân (điều tra XHH) 30,00 20,83" in text
    assert "Chỉ số tự đánh giá 90,83" in text
    assert "Xếp hạng" not in text  # no rank before publication
    docx = read_docx(client.get(reverse("scoring:assessment_document", args=[pk, "docx"])).content)
    assert "DỰ THẢO" in docx.header and "Chỉ số tự đánh giá" in docx.body and "27,55" in docx.body


def test_score_sheet_documents_once_published(personas, world, client_for):
    publish(world, personas)
    client = client_for(personas.cumgar_staff)
    pk = world["cumgar"].pk
    text = pdf_text(client.get(reverse("scoring:assessment_document", args=[pk, "pdf"])).content)
    assert "DỰ THẢO" not in text
    assert "Đắk Lắk, ngày 15 tháng 4 năm 2025" in text
    assert "Điểm thẩm định 64,55 Điểm điều tra xã hội học 20,83" in text
    assert "Chỉ số đã công bố 85,38 Xếp loại Tốt Xếp hạng 1" in text
    assert "Nguyễn Thị Hồng" in text


def test_published_sheet_and_report_stay_as_issued(personas, world, client_for):
    """What was published stays printed as it was: the signer, the figures, the grade and the
    rank, whatever changes after (a new signatory, new grade thresholds, a refused write)."""
    publish(world, personas)
    cs, cumgar = world["set"], world["cumgar"]
    client = client_for(personas.admin)
    sheet_url = reverse("scoring:assessment_document", args=[cumgar.pk, "pdf"])
    report_url = reverse("scoring:ranking_pdf", args=[cs.pk])
    sheet_before = pdf_text(client.get(sheet_url).content)
    report_before = pdf_text(client.get(report_url).content)
    assert "Nguyễn Thị Hồng" in sheet_before and "Nguyễn Thị Hồng" in report_before

    Signatory.objects.filter(issuer=personas.daklak).update(name="Người Ký Mới")
    cs.grade_thresholds = [["95", "Xuất sắc"], ["85", "Khá"], ["0", "Yếu"]]
    cs.save()
    score = cumgar.scores.select_related("criterion").get(criterion__code="2.3")
    with pytest.raises(services.ScoringError):
        services.score_save(
            score_id=score.pk,
            field="round2_score",
            value="1",
            version=score.version,
            by=personas.admin,
        )
    with pytest.raises(services.ScoringError):
        services.bonus_penalty_set(
            assessment_id=cumgar.pk, bonus="2", penalty="0", note="", by=personas.admin
        )

    from scoring.models import Assessment
    from scoring.selectors import score_sheet

    live = score_sheet(assessment=Assessment.objects.for_sheet().get(pk=cumgar.pk))
    assert live.headline[2] == "Khá"  # the live grade did move with the new thresholds
    sheet_after = pdf_text(client.get(sheet_url).content)
    assert sheet_after == sheet_before
    assert "Người Ký Mới" not in sheet_after and "Xếp loại Tốt Xếp hạng 1" in sheet_after
    assert pdf_text(client.get(report_url).content) == report_before
    docx = read_docx(
        client.get(reverse("scoring:assessment_document", args=[cumgar.pk, "docx"])).content
    )
    assert "Nguyễn Thị Hồng" in docx.body and "Người Ký Mới" not in docx.body
    data = _body(client.get(reverse("scoring:assessment_document", args=[cumgar.pk, "xlsx"])))
    sheet = open_xlsx(data).worksheets[0]
    totals = {r[1].value: r[8].value for r in sheet.iter_rows() if r[0].value in (None, "")}
    assert totals["Xếp loại"] == "Tốt"


def test_score_sheet_xlsx(personas, world, client_for):
    score = world["cumgar"].scores.get(criterion__code="2.3")
    score.round1_score, score.round1_reason = "27.5525", "Thiếu tài liệu kiểm chứng"
    score.explanation = "=Đã bổ sung"  # user text that starts like a formula
    score.save()
    client = client_for(personas.inspector)
    data = _body(
        client.get(reverse("scoring:assessment_document", args=[world["cumgar"].pk, "xlsx"]))
    )
    assert_ready(data, first_header="Mã", titles=4)
    sheet = open_xlsx(data).worksheets[0]
    assert sheet["A1"].value == "Bảng điểm Chỉ số CCHC năm 2024 – Huyện Cư M'gar"
    assert sheet["A3"].value.startswith("DỰ THẢO")
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=header_row(sheet, "Mã") + 1)}
    leaf = rows["2.3"]
    assert leaf[3].value == 30 and leaf[4].value == 30 and leaf[5].value == 27.5525
    assert leaf[5].number_format == "#,##0.00##"  # 4 stored decimals shown, 2 at least
    assert leaf[10].value == "Thiếu tài liệu kiểm chứng"
    assert leaf[11].value == "=Đã bổ sung" and leaf[11].data_type == "s" and leaf[11].quotePrefix
    assert rows["1"][4].value == 10  # an area: its self-assessed subtotal
    totals = {r[1].value: r[8].value for r in sheet.iter_rows() if r[0].value in (None, "")}
    assert totals["Điểm điều tra xã hội học"] == 20.83


SHEET_ACCESS = [
    ("anonymous", 302),
    ("admin", 200),
    ("inspector", 200),
    ("cumgar_staff", 200),
    ("eakpam_staff", 404),
    ("namnhun_staff", 404),
    ("stp_staff", 404),
]


@pytest.mark.parametrize(("who", "expected"), SHEET_ACCESS)
@pytest.mark.parametrize("fmt", ["pdf", "docx", "xlsx"])
def test_score_sheet_documents_access(personas, world, client_for, who, expected, fmt):
    url = reverse("scoring:assessment_document", args=[world["cumgar"].pk, fmt])
    assert client_for(personas.all_users()[who]).get(url).status_code == expected


def test_score_sheet_document_unknown_format_and_query_count(
    personas, world, client_for, django_assert_max_num_queries
):
    client = client_for(personas.admin)
    pk = world["cumgar"].pk
    assert client.get(reverse("scoring:assessment_document", args=[pk, "exe"])).status_code == 404
    publish(world, personas)
    for fmt in ("pdf", "xlsx"):
        with django_assert_max_num_queries(14):
            assert (
                client.get(reverse("scoring:assessment_document", args=[pk, fmt])).status_code
                == 200
            )


def test_score_sheet_command(personas, world, tmp_path):
    for ext in ("pdf", "docx", "xlsx"):
        target = tmp_path / f"bang-diem.{ext}"
        call_command(
            "score_sheet",
            "--set",
            str(world["set"].pk),
            "--unit",
            "648",
            "-o",
            str(target),
            stdout=io.StringIO(),
        )
        assert target.stat().st_size > 1000
    assert "27,55" in pdf_text((tmp_path / "bang-diem.pdf").read_bytes())
    with pytest.raises(CommandError):
        call_command(
            "score_sheet",
            "--set",
            str(world["set"].pk),
            "--unit",
            "112",
            "-o",
            str(tmp_path / "x.pdf"),
        )
    with pytest.raises(CommandError):
        call_command(
            "score_sheet",
            "--set",
            str(world["set"].pk),
            "--unit",
            "648",
            "-o",
            str(tmp_path / "x.txt"),
        )
