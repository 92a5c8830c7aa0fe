"""Every document of the demo world, read back, and a picture of each first page.

The pictures go to the test's tmp_path, so an ordinary run never rewrites the tracked ones;
`make documents` sets DOCUMENTS_DIR=docs/screenshots to regenerate them (pdftoppm, 80 dpi).
The demo is loaded as `load_demo` builds it, with the dossier generator scaled down (×1/50) as
the screenshot test does: the documents here do not print those counts.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cchc_portal.demo import load_demo
from inspections import exports as inspection_exports
from inspections.choices import InspectionState
from inspections.models import Inspection
from scoring import exports as scoring_exports
from scoring import selectors
from scoring.models import Assessment, CriteriaSet
from tests.documents.readers import page_top_line, pdf_pages, pdf_text, read_docx
from units.resolver import resolve_unit

pytestmark = pytest.mark.django_db

SCALED = ("CUMGAR_RECEIVED", "CUMGAR_IN_PROGRESS", "NAMNHUN_2023", "NAMNHUN_2024H1")


@pytest.fixture
def demo(monkeypatch):
    from procedures import demo as procedures_demo

    for name in SCALED:
        monkeypatch.setattr(procedures_demo, name, getattr(procedures_demo, name) // 50)
    load_demo(out=lambda _line: None)


@pytest.fixture
def folder(tmp_path) -> Path:
    target = Path(os.environ.get("DOCUMENTS_DIR") or tmp_path).resolve()
    target.mkdir(parents=True, exist_ok=True)
    return target


def first_page_png(pdf: bytes, folder: Path, name: str) -> None:
    if shutil.which("pdftoppm") is None:
        if os.environ.get("DOCUMENTS_DIR"):
            pytest.fail("make documents needs pdftoppm (apt-get install poppler-utils)")
        return
    source = folder / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(source),
            str(folder / name),
        ],
        check=True,
    )
    source.unlink()
    assert (folder / f"{name}.png").stat().st_size > 10_000


def test_demo_documents(demo, folder):
    # Every concluded demo inspection has its notice number from the register.
    concluded = Inspection.objects.filter(
        state__in=[InspectionState.CONCLUDED, InspectionState.CLOSED]
    )
    assert concluded.count() >= 10
    for number in concluded.values_list("notice_number", flat=True):
        assert re.fullmatch(r"\d+/TB-(SNV|UBND)", number), number

    xa_cumgar = resolve_unit("24280", on=selectors.dt.date(2026, 12, 1))
    visit = Inspection.objects.get(unit=xa_cumgar, plan__number="15/KH-SNV")
    notice = inspection_exports.inspection_report_pdf(visit)
    text = pdf_text(notice)
    assert "Số: 41/TB-SNV" in text and "Đắk Lắk, ngày 25 tháng 3 năm 2026" in text
    assert "THÔNG BÁO Kết luận kiểm tra công tác CCHC tại xã Cư M’gar" in text
    assert "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC Lê Minh Tuấn" in text and "Không." not in text
    assert "về Đoàn kiểm tra" not in text and "DỰ THẢO" not in text
    first_page_png(notice, folder, "document-notice")
    docx = read_docx(inspection_exports.inspection_report_docx(visit))
    assert "Số: 41/TB-SNV" in docx.body and "Lê Minh Tuấn" in docx.body

    minutes = inspection_exports.minutes_pdf(visit)
    text = pdf_text(minutes)
    assert "BIÊN BẢN" in text and "Đắk Lắk, ngày 18 tháng 3 năm 2026" in text
    assert "Ý KIẾN CỦA ĐƠN VỊ ĐƯỢC KIỂM TRA Đơn vị thống nhất với nhận xét" in text
    first_page_png(minutes, folder, "document-minutes")

    plan = inspection_exports.plan_pdf(visit.plan)
    pages = pdf_pages(plan)
    assert "Số: 15/KH-SNV" in pages[0] and "Lịch kiểm tra" in pages[-1]
    first_page_png(plan, folder, "document-plan")

    # The 2025 commune index, published on 20/03/2026, as Sở Nội vụ's report.
    communes_2025 = CriteriaSet.objects.get(province__code="66", year=2025, level="commune")
    ranking = selectors.ranking(criteria_set=communes_2025)
    report = scoring_exports.ranking_pdf(ranking)
    text = pdf_text(report)
    assert re.search(r"Số: \d+/BC-SNV", text) and "Đắk Lắk, ngày 20 tháng 3 năm 2026" in text
    assert "Xã Cư M’gar 63,12 24,50 0,00 0,00 87,62" in text
    assert "Nơi nhận:" in text and "Lê Minh Tuấn" in text and "DỰ THẢO" not in text
    first_page_png(report, folder, "document-ranking")

    sheet = selectors.score_sheet(
        assessment=Assessment.objects.for_sheet().get(criteria_set=communes_2025, unit=xa_cumgar)
    )
    sheet_pdf = scoring_exports.sheet_pdf(sheet)
    text = pdf_text(sheet_pdf)
    assert "BẢNG ĐIỂM" in text and "Chỉ số đã công bố 87,62" in text and "DỰ THẢO" not in text
    first_page_png(sheet_pdf, folder, "document-score-sheet")

    # A 2026 sheet in appraisal: a draft on every page.
    in_appraisal = (
        Assessment.objects.for_sheet().filter(criteria_set__year=2026, state="appraisal_1").first()
    )
    draft = scoring_exports.sheet_pdf(selectors.score_sheet(assessment=in_appraisal))
    assert all("DỰ" in page_top_line(draft, n) for n in range(len(pdf_pages(draft))))
