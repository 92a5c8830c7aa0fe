"""`Document` → Word (DOCX) with python-docx, in the layout the PDF has: officials edit the
document in Word before signing it.

Times New Roman 13 pt (the font Word has; Liberation Serif, which the PDF embeds, has its
metrics), A4 with the decree's margins, the same header blocks, the page number centred at the
top from page 2 (a PAGE field in the header, none on the first page) and "DỰ THẢO" in the
header of every page of a draft.
"""

from __future__ import annotations

import io
from typing import Any

from django.http import HttpResponse

from cchc_portal.document import MOTTO, NATION, Block, Document, Heading, Items, Para, Table

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "Times New Roman"


def _set_font(run: Any, *, size: float = 13, bold: bool = False, italic: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def _para(
    container: Any,
    text: str = "",
    *,
    size: float = 13,
    bold: bool = False,
    italic: bool = False,
    align: str = "left",
    indent: bool = False,
    after: float = 2,
    keep_next: bool = False,
) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    paragraph = container.add_paragraph()
    paragraph.alignment = {
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "centre": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    }[align]
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(0), Pt(after)
    if indent:
        fmt.first_line_indent = Mm(10)
    if keep_next:
        fmt.keep_with_next = True
    if text:
        _set_font(paragraph.add_run(text), size=size, bold=bold, italic=italic)
    return paragraph


def _rule(container: Any, *, width_mm: float, cell_mm: float) -> None:
    """A short centred line under a header block: a paragraph border, indented to width."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    paragraph = _para(container, after=3)
    side = max((cell_mm - width_mm) / 2, 0)
    fmt = paragraph.paragraph_format
    fmt.left_indent, fmt.right_indent = Mm(side), Mm(side)
    fmt.line_spacing = Pt(2)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _no_borders(table: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _cell(table: Any, row: int, col: int, width_mm: float) -> Any:
    from docx.shared import Mm

    cell = table.cell(row, col)
    cell.width = Mm(width_mm)
    cell.paragraphs[0]._element.getparent().remove(cell.paragraphs[0]._element)
    return cell


TEXT_WIDTH_MM = 210 - 30 - 15


def _letterhead(body: Any, doc: Document) -> None:
    table = body.add_table(rows=1, cols=2)
    table.autofit = False
    _no_borders(table)
    left_mm, right_mm = TEXT_WIDTH_MM * 0.4, TEXT_WIDTH_MM * 0.6
    left, right = _cell(table, 0, 0, left_mm), _cell(table, 0, 1, right_mm)
    if doc.issuer_parent:
        _para(left, doc.issuer_parent, align="centre", after=0)
    _para(left, doc.issuer, bold=True, align="centre", after=0)
    _rule(left, width_mm=20, cell_mm=left_mm)
    if doc.number_line:
        _para(left, doc.number_line, align="centre", after=0)
    _para(right, NATION, size=12, bold=True, align="centre", after=0)
    _para(right, MOTTO, bold=True, align="centre", after=0)
    _rule(right, width_mm=60, cell_mm=right_mm)
    if doc.place_date:
        _para(right, doc.place_date, italic=True, align="centre", after=0)


def _data_table(body: Any, block: Table) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    if block.caption:
        _para(body, block.caption, bold=True, keep_next=True)
    size = 10.5 if block.small else 12
    table = body.add_table(rows=1 + len(block.rows), cols=len(block.headers))
    table.style = "Table Grid"
    table.autofit = False
    total = sum(block.widths) or len(block.headers)
    widths = block.widths or [1.0] * len(block.headers)
    header_row = table.rows[0]
    header_props = header_row._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")  # the header repeats on every page
    repeat.set(qn("w:val"), "true")
    header_props.append(repeat)
    for r, values in enumerate([block.headers, *block.rows]):
        row = table.rows[r]
        if r:
            keep = OxmlElement("w:cantSplit")
            keep.set(qn("w:val"), "true")
            row._tr.get_or_add_trPr().append(keep)
        for c, text in enumerate(values):
            cell = _cell(table, r, c, TEXT_WIDTH_MM * widths[c] / total)
            align = "centre" if r == 0 else ("right" if c in block.numeric else "left")
            bold = r == 0 or (r - 1) in block.strong
            _para(cell, str(text), size=size, bold=bold, align=align, after=0, keep_next=r == 0)
    _para(body, after=2)


def _blocks(body: Any, blocks: list[Block]) -> None:
    for block in blocks:
        if isinstance(block, Heading):
            _para(body, block.text, bold=True, keep_next=True, after=3)
        elif isinstance(block, Para):
            paragraph = _para(
                body,
                align="centre" if block.centred else "justify",
                indent=not block.centred,
                after=3,
            )
            if block.lead:
                _set_font(paragraph.add_run(block.lead + (" " if block.text else "")), bold=True)
            if block.text:
                _set_font(paragraph.add_run(block.text), italic=block.italic)
        elif isinstance(block, Items):
            for item in block.items:
                _para(body, f"- {item}", align="justify", indent=True, after=2)
        elif isinstance(block, Table):
            _data_table(body, block)


def _signatures(body: Any, doc: Document) -> None:
    columns = (1 if doc.recipients else 0) + len(doc.signatures)
    if not columns:
        return
    _para(body, after=6)
    table = body.add_table(rows=1, cols=max(columns, 2))
    table.autofit = False
    _no_borders(table)
    width = TEXT_WIDTH_MM / max(columns, 2)
    col = 0
    if doc.recipients:
        cell = _cell(table, 0, 0, width)
        paragraph = _para(cell, after=0)
        _set_font(paragraph.add_run("Nơi nhận:"), size=12, bold=True, italic=True)
        for i, name in enumerate(doc.recipients):
            end = "." if i == len(doc.recipients) - 1 else ";"
            _para(cell, f"- {name}{end}", size=11, after=0)
        col = 1
    if len(doc.signatures) == 1 and not doc.recipients:
        _cell(table, 0, 0, width)
        _para(table.cell(0, 0))
        col = 1
    for signature in doc.signatures:
        cell = _cell(table, 0, col, width)
        if signature.authority:
            _para(cell, signature.authority, bold=True, align="centre", after=0)
        _para(cell, signature.title, bold=True, align="centre", after=0)
        if signature.caption:
            _para(cell, signature.caption, size=12, italic=True, align="centre", after=0)
        for _blank in range(4):  # space to sign and stamp
            _para(cell, align="centre", after=6)
        _para(cell, signature.name, bold=True, align="centre", after=0)
        col += 1


def _headers(section: Any, doc: Document) -> None:
    """Page number centred at the top from page 2; "DỰ THẢO" top right on every page."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    section.different_first_page_header_footer = True
    default = section.header.paragraphs[0]
    default.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = default.add_run()
    _set_font(run)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    if doc.draft:
        for header in (section.header, section.first_page_header):
            paragraph = header.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _set_font(paragraph.add_run(doc.draft_label), size=12, bold=True)


def document_docx(doc: Document) -> bytes:
    """The Word file of a `Document`: the same blocks as its PDF."""
    from docx import Document as WordDocument
    from docx.enum.text import WD_BREAK
    from docx.shared import Mm, Pt

    word = WordDocument()
    normal = word.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(13)
    section = word.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    word.core_properties.title = doc.file_title or doc.subject
    word.core_properties.language = "vi-VN"
    _headers(section, doc)
    body = word
    _letterhead(body, doc)
    _para(body, doc.kind.upper(), size=14, bold=True, align="centre", after=0, keep_next=True)
    for line in doc.subject.splitlines():
        _para(body, line, size=14, bold=True, align="centre", after=0, keep_next=True)
    _rule(body, width_mm=40, cell_mm=TEXT_WIDTH_MM)
    _blocks(body, doc.blocks)
    _signatures(body, doc)
    for number, annex in enumerate(doc.annexes, start=1):
        _para(body).add_run().add_break(WD_BREAK.PAGE)
        label = "Phụ lục" if len(doc.annexes) == 1 else f"Phụ lục {number}"
        _para(body, label.upper(), size=14, bold=True, align="centre", after=0)
        _para(body, annex.title, size=14, bold=True, align="centre", after=0)
        if annex.subtitle:
            _para(body, annex.subtitle, italic=True, align="centre", after=4)
        _blocks(body, annex.blocks)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def docx_response(data: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
