"""Reading documents back the way a person would: the PDF's text and word positions, the DOCX's
paragraphs, tables and page headers, an XLSX's cells and sheet settings."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from pypdf import PdfReader

MM = 72 / 25.4  # PDF points per millimetre
A4_WIDTH_MM, A4_HEIGHT_MM = 210, 297


def flat(text: str) -> str:
    return " ".join(text.split())


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page, whitespace collapsed."""
    return [flat(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def pdf_text(data: bytes) -> str:
    return " ".join(pdf_pages(data))


@dataclass
class Word:
    text: str
    x0: float  # mm from the left edge
    x1: float
    top: float  # mm from the top edge
    bottom: float
    size: float  # points


def pdf_words(data: bytes, page: int = 0) -> list[Word]:
    """Word boxes of one page (pdfplumber), in millimetres from the top-left corner."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        p = pdf.pages[page]
        words = p.extract_words(extra_attrs=["size"], keep_blank_chars=False, use_text_flow=True)
        return [
            Word(w["text"], w["x0"] / MM, w["x1"] / MM, w["top"] / MM, w["bottom"] / MM, w["size"])
            for w in words
        ]


def find_word(words: list[Word], text: str) -> Word:
    found = [w for w in words if w.text == text]
    assert found, f"{text!r} not on the page: {[w.text for w in words][:40]}"
    return found[0]


def page_top_line(data: bytes, page: int) -> list[str]:
    """The words printed in the top margin of a page (above 20 mm): page number, draft mark."""
    return [w.text for w in pdf_words(data, page) if w.bottom < 20]


@dataclass
class Docx:
    body: str  # paragraphs and table cells in document order, whitespace collapsed
    first_header: str
    header: str
    different_first_page: bool
    page_fields: int  # PAGE fields in the default header
    margins_mm: tuple[float, float, float, float]  # top, right, bottom, left
    page_mm: tuple[float, float]


def read_docx(data: bytes) -> Docx:
    from docx import Document

    doc = Document(io.BytesIO(data))
    texts: list[str] = []
    body = doc.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag in ("p", "tbl"):
            texts.append("".join(t.text or "" for t in child.iter() if t.tag.endswith("}t")))
            texts.append(" ")
    section = doc.sections[0]
    header_xml = section.header._element.xml
    return Docx(
        body=flat(" ".join(texts)),
        first_header=flat(" ".join(p.text for p in section.first_page_header.paragraphs)),
        header=flat(" ".join(p.text for p in section.header.paragraphs)),
        different_first_page=section.different_first_page_header_footer,
        page_fields=header_xml.count(">PAGE<"),
        margins_mm=tuple(
            round(m.mm, 1)
            for m in (
                section.top_margin,
                section.right_margin,
                section.bottom_margin,
                section.left_margin,
            )
        ),
        page_mm=(round(section.page_width.mm), round(section.page_height.mm)),
    )


def xlsx_sheet_xml(data: bytes, n: int = 1) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(f"xl/worksheets/sheet{n}.xml").decode()


def open_xlsx(data: bytes):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(data))  # not read-only: sheet settings are read too


def from_header(rows: list[tuple], first: str) -> list[tuple]:
    """The rows of a sheet (values) from its header row on, the title rows above left out."""
    for n, row in enumerate(rows):
        if row and row[0] == first:
            return rows[n:]
    raise AssertionError(f"no header starting {first!r}")


def header_row(sheet, first: str) -> int:
    for row in sheet.iter_rows(min_col=1, max_col=1):
        if row[0].value == first:
            return row[0].row
    raise AssertionError(f"no header starting {first!r}")


EXPORTED_AT = re.compile(r"Thời điểm xuất: \d\d/\d\d/\d{4} \d\d:\d\d")


def assert_ready(data: bytes, *, first_header: str, titles: int, status: str | None = None) -> None:
    """An export that opens ready: title rows ending with its status (provisional or
    published: `status` when given) and "Thời điểm xuất: dd/mm/yyyy hh:mm", a frozen bold
    header row with an autofilter, widths set on every column, and no cell whose text starts
    with an apostrophe."""
    book = open_xlsx(data)
    for sheet in book.worksheets:
        row = header_row(sheet, first_header)
        assert row == titles + 2  # the title rows, a blank row, the header
        for n in range(1, titles + 1):
            assert sheet.cell(n, 1).value
        assert EXPORTED_AT.fullmatch(sheet.cell(titles, 1).value), sheet.cell(titles, 1).value
        if status is not None:
            assert sheet.cell(titles - 1, 1).value == status
        assert sheet.freeze_panes == f"A{row + 1}"
        assert sheet.auto_filter.ref is not None and sheet.auto_filter.ref.startswith(f"A{row}:")
        assert sheet.cell(row, 1).font.b
        for col in range(1, sheet.max_column + 1):
            letter = sheet.cell(row, col).column_letter
            assert sheet.column_dimensions[letter].width >= 6, letter
        for cells in sheet.iter_rows():
            for cell in cells:
                assert not (isinstance(cell.value, str) and cell.value.startswith("'")), cell
