"""`survey_tokens`: links of a unit and group as a CSV or a QR sheet; bad input changes nothing."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from pypdf import PdfReader

from surveys.models import Token
from tests.surveys.factories import make_survey_world


@pytest.fixture
def sw(personas):
    return make_survey_world(personas)


def _run(sw, *args):
    call_command("survey_tokens", "--survey", str(sw.survey.pk), *args, stdout=io.StringIO())


def test_csv_links_open_the_form(sw, tmp_path):
    out = tmp_path / "ma.csv"
    _run(sw, "--unit", "24259", "--group", "doanh_nghiep", "--count", "5", "-o", str(out))
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [r["stt"] for r in rows] == ["1", "2", "3", "4", "5"]
    assert {(r["ma_don_vi"], r["ten_don_vi"], r["nhom"]) for r in rows} == {
        ("24259", "Thị trấn Quảng Phú", "doanh_nghiep")
    }
    path = rows[0]["duong_dan"].removeprefix("http://127.0.0.1:8000")
    assert path.startswith("/s/") and Client().get(path).status_code == 200
    assert Token.objects.filter(unit=sw.p.quangphu).count() == 5


def test_the_pdf_holds_24_codes_a_page(sw, tmp_path):
    out = tmp_path / "ma.pdf"
    _run(sw, "--unit", "24280", "--group", "nguoi_dan", "--count", "25", "-o", str(out))
    reader = PdfReader(out)
    assert len(reader.pages) == 2
    assert reader.pages[1].extract_text().count("Xã Ea KPam") == 1 + 1  # the heading + 1 code


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--unit", "112", "--group", "nguoi_dan", "--count", "2"], "Không có đơn vị mã 112"),
        (["--unit", "24280", "--group", "dai_bieu_hdnd", "--count", "2"], "không có phiếu"),
        (["--unit", "24280", "--group", "nguoi_dan", "--count", "0"], "Số mã phải từ 1"),
    ],
)
def test_bad_input_is_named_and_makes_no_link(sw, tmp_path, args, message):
    out = tmp_path / "ma.csv"
    with pytest.raises(CommandError, match=message):
        _run(sw, *args, "-o", str(out))
    assert not out.exists() and Token.objects.count() == 0


def test_an_existing_file_is_not_overwritten(sw, tmp_path):
    out = tmp_path / "ma.csv"
    out.write_text("old", encoding="utf-8")
    with pytest.raises(CommandError, match="đã có"):
        _run(sw, "--unit", "24280", "--group", "nguoi_dan", "--count", "2", "-o", str(out))
    assert out.read_text(encoding="utf-8") == "old" and Token.objects.count() == 0
