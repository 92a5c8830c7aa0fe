"""The content of a printed document (văn bản hành chính), one structure for PDF and DOCX.

An app's exports build a `Document` from its data; `cchc_portal.pdf.document_pdf` and
`cchc_portal.docx.document_docx` lay it out after Decree 30/2020/NĐ-CP, Appendix I (issuing
body top left under its parent, the national motto top right, "Số: 12/TB-SNV", place and date,
the title by document type, body, "Nơi nhận:", signature blocks). Both renderers read the same
blocks, so the PDF and the Word file cannot say different things. Pure Python: no Django.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
DRAFT = "DỰ THẢO"

# The type words of official unit names, as they start a name ("Huyện Cư M'gar").
_UNIT_TYPES = (
    "Thành phố",
    "Thị trấn",
    "Thị xã",
    "Tỉnh",
    "Huyện",
    "Quận",
    "Xã",
    "Phường",
    "Đặc khu",
)


@dataclass
class Heading:
    """A section heading ("I. THÀNH PHẦN"), kept with what follows it."""

    text: str


@dataclass
class Para:
    """A paragraph; `lead` is printed bold before the text ("1. Đoàn kiểm tra: …")."""

    text: str = ""
    lead: str = ""
    italic: bool = False
    centred: bool = False


@dataclass
class Items:
    """A list, each item after a dash ("- Đồng chí …")."""

    items: list[str]


@dataclass
class Table:
    """A data table: `numeric` columns align right; `widths` are relative; `strong` rows are
    totals (bold); `caption` is kept on the page of the table's first rows."""

    headers: list[str]
    rows: list[list[str]]
    numeric: frozenset[int] = frozenset()
    widths: Sequence[float] = ()
    strong: frozenset[int] = frozenset()
    caption: str = ""
    small: bool = False


Block = Heading | Para | Items | Table


@dataclass
class Signature:
    """A signature block: "KT. GIÁM ĐỐC" / "PHÓ GIÁM ĐỐC" / space to sign / the name."""

    title: str
    name: str = ""
    authority: str = ""
    caption: str = ""  # "(Ký, ghi rõ họ tên)" where the signer is not known in advance


@dataclass
class Annex:
    """An annex (phụ lục) on a new page: "Phụ lục" with its title, then its blocks."""

    title: str
    subtitle: str
    blocks: list[Block]


@dataclass
class Document:
    """One administrative document. `number` is the register's label ("12/TB-SNV"), empty
    until issued; then `number_stub` ("TB-SNV") is printed as "Số:      /TB-SNV"."""

    issuer_parent: str
    issuer: str
    kind: str  # "THÔNG BÁO", "BIÊN BẢN", "KẾ HOẠCH", "BÁO CÁO", "BẢNG ĐIỂM" …
    subject: str  # trích yếu, under the kind
    place_date: str
    blocks: list[Block]
    number: str = ""
    number_stub: str = ""
    recipients: list[str] = field(default_factory=list)
    signatures: list[Signature] = field(default_factory=list)
    draft: bool = False
    draft_label: str = DRAFT
    annexes: list[Annex] = field(default_factory=list)
    file_title: str = ""

    @property
    def number_line(self) -> str:
        if self.number:
            return f"Số: {self.number}"
        if self.number_stub:
            return f"Số:        /{self.number_stub}"
        return ""


def place_name(unit_name: str) -> str:
    """ "Đắk Lắk" for "Tỉnh Đắk Lắk": the place in the date line is the unit without its type."""
    for kind in _UNIT_TYPES:
        if unit_name.startswith(kind + " "):
            return unit_name[len(kind) + 1 :]
    return unit_name


def in_sentence(unit_name: str) -> str:
    """ "huyện Cư M'gar" for "Huyện Cư M'gar": the type word is lower case inside a sentence."""
    for kind in _UNIT_TYPES:
        if unit_name.startswith(kind + " "):
            return kind.lower() + unit_name[len(kind) :]
    return unit_name


def date_line(place: str, day: dt.date) -> str:
    """ "Đắk Lắk, ngày 27 tháng 9 năm 2019"; a day below 10 and January and February take a
    leading zero (Decree 30/2020/NĐ-CP, Appendix I: "ngày 05 tháng 02 năm 2020")."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def issuer_code(name: str) -> str:
    """The issuing body's abbreviation in a number: "SNV" for "Sở Nội vụ", "UBND" for a
    People's Committee, else the initials ("ĐKT" for "Đoàn kiểm tra")."""
    words = name.split()
    if not words:
        return ""
    if words[0].upper() in ("UBND", "ỦY", "UỶ"):
        return "UBND"
    return "".join(w[0].upper() for w in words if w[0].isalpha())


def signature_from_position(position: str, name: str, *, head: str = "GIÁM ĐỐC") -> Signature:
    """The signature block of someone signing for the issuing body, from their position:
    "Phó Giám đốc Sở Nội vụ" signs "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC"; the head signs as such;
    anyone else "TL. <head>" over their own title (Decree 30/2020, Art. 13)."""
    title = re.split(r"\s+(?:Sở|UBND|Ủy ban)\b", position.strip(), maxsplit=1)[0].strip()
    upper = title.upper()
    if not title:
        return Signature(title=head, name=name)
    if upper == head:
        return Signature(title=head, name=name)
    if upper == "PHÓ " + head:
        return Signature(title=upper, name=name, authority=f"KT. {head}")
    return Signature(title=upper, name=name, authority=f"TL. {head}")
