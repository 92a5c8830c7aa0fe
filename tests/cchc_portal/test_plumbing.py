"""Shared PDF and Excel writers, read back as a user's program would read them."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from cchc_portal.document import Document, Para
from cchc_portal.pdf import document_pdf, html_to_pdf
from cchc_portal.tabular import TabularFileError, csv_bytes, iter_table, safe_cell
from cchc_portal.xlsx import period_status, write_xlsx


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_pdf_base_layout_has_motto_vietnamese_glyphs_and_embedded_font():
    doc = Document(
        issuer_parent="UBND TỈNH ĐẮK LẮK",
        issuer="SỞ NỘI VỤ",
        kind="Thông báo",
        subject="Kết luận kiểm tra",
        place_date="Đắk Lắk, ngày 27 tháng 9 năm 2019",
        number="12/TB-SNV",
        blocks=[Para("Ủy ban nhân dân huyện Cư M'gar; tỷ lệ đúng hạn 99,36 %.")],
    )
    pdf = document_pdf(doc)
    text = pdf_text(pdf)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Ủy ban nhân dân huyện Cư M'gar" in text
    assert "Số: 12/TB-SNV" in text
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in PdfReader(io.BytesIO(pdf)).pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert all("Liberation-Serif" in name for name in fonts), fonts  # vendored, no fallback


def test_pdf_renderer_never_fetches_from_the_network():
    html = '<img src="https://example.com/x.png"><p>ok</p>'
    text = pdf_text(html_to_pdf(html))
    assert "ok" in text


def test_xlsx_writer_round_trips_values_and_never_writes_formulas():
    buffer = io.BytesIO()
    rows = ([i, f"Hồ sơ {i}", Decimal("86.38")] for i in range(1000))
    write_xlsx(
        buffer,
        sheets=[
            ("Dữ liệu", ["STT", "Tên", "Điểm"], rows),
            ("Ghi chú", ["Nội dung"], [['=HYPERLINK("http://x")']]),
        ],
        title_rows=["Báo cáo thử"],
        status="Số liệu tạm thời",
        generated_at=dt.datetime(2026, 12, 1, 1, 5, tzinfo=dt.UTC),
    )
    buffer.seek(0)
    book = load_workbook(buffer, read_only=True)
    first = list(book["Dữ liệu"].iter_rows(values_only=True))
    # Every sheet: the caller's title, the status, the time of export in Vietnam (UTC+7).
    assert first[:3] == [
        ("Báo cáo thử",),
        ("Số liệu tạm thời",),
        ("Thời điểm xuất: 01/12/2026 08:05",),
    ]
    assert first[4] == ("STT", "Tên", "Điểm")
    assert first[5] == (0, "Hồ sơ 0", 86.38)
    assert len(first) == 1005
    notes = list(book["Ghi chú"].iter_rows(values_only=True))
    assert notes[1] == ("Số liệu tạm thời",)
    # Text as typed, no visible apostrophe: a string cell with Excel's quote-prefix flag.
    assert notes[5] == ('=HYPERLINK("http://x")',)
    buffer.seek(0)
    with zipfile.ZipFile(buffer) as archive:
        sheet2 = archive.read("xl/worksheets/sheet2.xml").decode()
        styles = archive.read("xl/styles.xml").decode()
    assert "<f>" not in sheet2  # stored as text, not a formula
    assert 'quotePrefix="1"' in styles
    buffer.seek(0)
    full = load_workbook(buffer)
    assert full["Ghi chú"]["A6"].quotePrefix and full["Ghi chú"]["A6"].data_type == "s"


def test_the_status_of_a_period_export():
    # Dossiers of a period still running keep coming in: provisional until its last day passed.
    day = dt.date(2026, 12, 1)
    assert period_status(dt.date(2026, 12, 31), today=day) == (
        "Số liệu tạm thời: kỳ báo cáo chưa kết thúc (đến hết ngày 31/12/2026)"
    )
    assert period_status(dt.date(2026, 12, 1), today=day).startswith("Số liệu tạm thời")
    assert period_status(dt.date(2026, 11, 30), today=day) == (
        "Số liệu kỳ báo cáo đã kết thúc (đến hết ngày 30/11/2026)"
    )


def test_csv_export_neutralises_formulas():
    data = csv_bytes(["a", "b"], [["=1+1", -5], ["@SUM(A1)", "bình thường"]]).decode("utf-8-sig")
    assert "'=1+1,-5" in data
    assert "'@SUM(A1)" in data
    assert safe_cell("Xã Ea KPam") == "Xã Ea KPam"


def test_iter_table_reads_csv_and_xlsx_by_content(tmp_path):
    csv_path = tmp_path / "data.xlsx"  # wrong extension on purpose: content decides
    csv_path.write_bytes("Mã;Tên\n1;Một\n\n2;Hai\n".encode("utf-8-sig"))
    header, rows = iter_table(csv_path)
    assert header == ["mã", "tên"]
    assert list(rows) == [(2, ["1", "Một"]), (4, ["2", "Hai"])]

    xlsx_path = tmp_path / "data.csv"
    write_xlsx(str(xlsx_path), sheets=[("S", ["Mã", "Tên"], [[1, "Một"], [2, "Hai"]])], status=None)
    header, rows = iter_table(xlsx_path)
    assert header == ["mã", "tên"]
    assert list(rows) == [(2, [1, "Một"]), (3, [2, "Hai"])]


def test_iter_table_refuses_a_zip_bomb(tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (200 * 1024 * 1024))
    assert bomb.stat().st_size < 1024 * 1024
    with pytest.raises(TabularFileError, match="giải nén quá lớn"):
        iter_table(bomb)


def test_iter_table_refuses_non_utf8_csv(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("Mã,Tên\n1,Tr\xe2n\n".encode("latin-1"))
    with pytest.raises(TabularFileError, match="UTF-8"):
        _header, rows = iter_table(path)
        list(rows)
