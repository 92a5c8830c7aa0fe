"""The one administrative-document layout (Decree 30/2020/NĐ-CP, Appendix I), read back from
the PDF (text and word positions) and from the DOCX. Expected values are the decree's."""

from __future__ import annotations

import datetime as dt

import pytest

from cchc_portal.document import (
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
from tests.documents.readers import (
    A4_WIDTH_MM,
    find_word,
    page_top_line,
    pdf_pages,
    pdf_text,
    pdf_words,
    read_docx,
)

LONG = (
    "Ủy ban nhân dân xã đã ban hành kế hoạch cải cách hành chính năm 2026, công khai đầy đủ "
    "thủ tục hành chính tại bộ phận một cửa và trên cổng dịch vụ công của tỉnh; "
) * 3


def sample(*, draft: bool = False, pages: int = 2) -> Document:
    return Document(
        issuer_parent="UBND TỈNH ĐẮK LẮK",
        issuer="SỞ NỘI VỤ",
        kind="Thông báo",
        subject="Kết luận kiểm tra công tác CCHC tại xã Cư M'gar",
        place_date=date_line("Đắk Lắk", dt.date(2019, 9, 27)),
        number="" if draft else "12/TB-SNV",
        number_stub="TB-SNV",
        blocks=[
            Heading("I. THÀNH PHẦN"),
            Para(lead="1. Đoàn kiểm tra:"),
            Items(["Nguyễn Văn A, Phó Giám đốc Sở Nội vụ – Trưởng đoàn"]),
            *[Para(LONG) for _ in range(6 * pages)],
            Table(
                headers=["TT", "Nội dung"], rows=[["1", "Công khai TTHC"]], numeric=frozenset({0})
            ),
        ],
        recipients=["Xã Cư M'gar", "Lưu: VT"],
        signatures=[Signature(authority="KT. GIÁM ĐỐC", title="PHÓ GIÁM ĐỐC", name="Nguyễn Văn A")],
        draft=draft,
    )


@pytest.mark.parametrize(
    ("day", "line"),
    [
        (dt.date(2019, 9, 27), "Đắk Lắk, ngày 27 tháng 9 năm 2019"),  # the decree's example
        (dt.date(2020, 2, 5), "Đắk Lắk, ngày 05 tháng 02 năm 2020"),  # zero below 10, Jan, Feb
        (dt.date(2026, 12, 1), "Đắk Lắk, ngày 01 tháng 12 năm 2026"),
    ],
)
def test_date_line(day, line):
    assert date_line("Đắk Lắk", day) == line


def test_names_in_documents():
    assert place_name("Tỉnh Đắk Lắk") == "Đắk Lắk"
    assert place_name("Thành phố Hà Nội") == "Hà Nội"
    assert in_sentence("Huyện Cư M'gar") == "huyện Cư M'gar"
    assert in_sentence("Thị trấn Quảng Phú") == "thị trấn Quảng Phú"
    assert in_sentence("Sở Tư pháp") == "Sở Tư pháp"
    assert issuer_code("Sở Nội vụ") == "SNV"
    assert issuer_code("UBND huyện Lấp Vò") == "UBND"
    assert issuer_code("Đoàn kiểm tra") == "ĐKT"


def test_signature_from_position():
    deputy = signature_from_position("Phó Giám đốc Sở Nội vụ", "Lê Minh Tuấn")
    assert (deputy.authority, deputy.title, deputy.name) == (
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Lê Minh Tuấn",
    )
    head = signature_from_position("Giám đốc Sở Nội vụ", "Trần B")
    assert (head.authority, head.title) == ("", "GIÁM ĐỐC")
    other = signature_from_position("Trưởng phòng Cải cách hành chính", "Hoàng C")
    assert (other.authority, other.title) == ("TL. GIÁM ĐỐC", "TRƯỞNG PHÒNG CẢI CÁCH HÀNH CHÍNH")
    vice_chair = signature_from_position("Phó Chủ tịch UBND huyện", "D", head="CHỦ TỊCH")
    assert (vice_chair.authority, vice_chair.title) == ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")


@pytest.fixture(scope="module")
def issued_pdf() -> bytes:
    return document_pdf(sample())


def test_pdf_first_page_geometry(issued_pdf):
    """A4; margins top 20–25 mm, left 30–35 mm, right 15–20 mm; issuer top left, motto top
    right, number under the issuer, place and date under the motto, then the title."""
    words = pdf_words(issued_pdf, 0)
    left = min(w.x0 for w in words)
    right = max(w.x1 for w in words)
    top = min(w.top for w in words)
    assert 30 - 0.5 <= left <= 35
    assert A4_WIDTH_MM - 20 <= right <= A4_WIDTH_MM - 15 + 0.5
    assert 20 - 0.5 <= top <= 25
    text_middle = 30 + (A4_WIDTH_MM - 45) * 0.4  # the issuer block's share of the width
    issuer = find_word(words, "VỤ")
    motto = find_word(words, "CỘNG")
    number = find_word(words, "12/TB-SNV")
    place = find_word(words, "Lắk,")
    title = find_word(words, "THÔNG")
    assert issuer.x1 < text_middle < motto.x0
    assert number.x1 < text_middle and number.top > issuer.bottom
    assert place.x0 > text_middle and place.top > motto.bottom
    assert title.top > max(number.bottom, place.bottom)
    body = find_word(words, "Ủy")
    assert 13 <= round(body.size, 1) <= 14  # 13–14 pt
    assert 13 <= round(title.size, 1) <= 14


def test_pdf_page_numbers_from_page_two_and_no_draft_mark_when_issued(issued_pdf):
    pages = pdf_pages(issued_pdf)
    assert len(pages) >= 2
    assert page_top_line(issued_pdf, 0) == []
    assert page_top_line(issued_pdf, 1) == ["2"]
    text = pdf_text(issued_pdf)
    assert "Số: 12/TB-SNV" in text
    assert "Đắk Lắk, ngày 27 tháng 9 năm 2019" in text
    assert "Nơi nhận: - Xã Cư M'gar; - Lưu: VT." in text
    assert "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC Nguyễn Văn A" in text
    assert "DỰ THẢO" not in text


def test_pdf_nơi_nhận_is_left_aligned_and_the_signature_right(issued_pdf):
    last = len(pdf_pages(issued_pdf)) - 1
    words = pdf_words(issued_pdf, last)
    label = find_word(words, "Nơi")
    signer = find_word(words, "Nguyễn")
    assert label.x0 < 31  # at the left margin
    assert signer.x0 > 30 + (A4_WIDTH_MM - 45) / 2  # right half
    # space to sign: the name sits well below the title
    assert signer.top - find_word(words, "PHÓ").bottom > 20


def test_pdf_draft_is_marked_on_every_page_and_has_no_number():
    pdf = document_pdf(sample(draft=True))
    pages = pdf_pages(pdf)
    for n in range(len(pages)):
        assert "DỰ" in page_top_line(pdf, n) and "THẢO" in page_top_line(pdf, n)
    assert "Số: /TB-SNV" in pages[0]


def test_docx_has_the_same_content_layout_and_page_setup():
    doc = read_docx(document_docx(sample()))
    for line in (
        "UBND TỈNH ĐẮK LẮK",
        "SỞ NỘI VỤ",
        "Số: 12/TB-SNV",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Đắk Lắk, ngày 27 tháng 9 năm 2019",
        "THÔNG BÁO",
        "Kết luận kiểm tra công tác CCHC tại xã Cư M'gar",
        "Nơi nhận:",
        "KT. GIÁM ĐỐC",
        "Nguyễn Văn A",
    ):
        assert line in doc.body
    assert doc.page_mm == (210, 297)
    assert doc.margins_mm == (20, 15, 20, 30)
    # the page number: a PAGE field centred in the header of pages 2…, none on page 1
    assert doc.different_first_page and doc.page_fields == 1
    assert "DỰ THẢO" not in doc.header + doc.first_header
    draft = read_docx(document_docx(sample(draft=True)))
    assert "DỰ THẢO" in draft.header and "DỰ THẢO" in draft.first_header
    assert "Số: /TB-SNV" in draft.body
