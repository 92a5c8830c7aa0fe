"""import_agencies: the province's departments and agencies (sở, ban, ngành)."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from tests.factories import UnitFactory
from units.agencies import AgencyImportError, agencies_import
from units.choices import Level
from units.models import AdministrativeUnit

pytestmark = pytest.mark.django_db

HEADER = "ma_co_quan,ten_co_quan,ma_tinh,ngay_hieu_luc\n"


@pytest.fixture
def provinces():
    old = UnitFactory(
        code="66", name="Tỉnh Đắk Lắk", level=Level.PROVINCE, valid_until=dt.date(2025, 6, 30)
    )
    new = UnitFactory(
        code="66", name="Tỉnh Đắk Lắk", level=Level.PROVINCE, valid_from=dt.date(2025, 7, 1)
    )
    return old, new


def departments():
    return sorted(
        AdministrativeUnit.objects.filter(level=Level.DEPARTMENT).values_list(
            "code", "name", "parent_id", "valid_from"
        )
    )


def row(code="66-STP", name="Sở Tư pháp", province="66", day="2025-07-01"):
    return {"ma_co_quan": code, "ten_co_quan": name, "ma_tinh": province, "ngay_hieu_luc": day}


def test_import_creates_departments_under_the_province_of_the_day(provinces):
    old, new = provinces
    result = agencies_import(rows=[row(), row("66-SYT", "Sở Y tế", day="01/07/2025")])
    assert result.created == 2
    assert departments() == [
        ("66-STP", "Sở Tư pháp", new.pk, dt.date(2025, 7, 1)),
        ("66-SYT", "Sở Y tế", new.pk, dt.date(2025, 7, 1)),
    ]
    stp = AdministrativeUnit.objects.get(code="66-STP")
    assert stp.path == f"{new.path}{stp.pk}/"
    # Before the merger the code named the old province: its department goes there.
    agencies_import(rows=[row(day="2020-01-01")])
    assert (
        AdministrativeUnit.objects.get(code="66-STP", valid_from=dt.date(2020, 1, 1)).parent == old
    )


def test_import_twice_leaves_the_same_rows(provinces):
    agencies_import(rows=[row(), row("66-SYT", "Sở Y tế")])
    first = departments()
    result = agencies_import(rows=[row(), row("66-SYT", "Sở Y tế")])
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert departments() == first
    result = agencies_import(rows=[row(name="Sở Tư pháp tỉnh Đắk Lắk")])
    assert result.updated == 1
    assert AdministrativeUnit.objects.get(code="66-STP").name == "Sở Tư pháp tỉnh Đắk Lắk"


def test_bad_rows_are_refused_whole(provinces):
    with pytest.raises(AgencyImportError) as info:
        agencies_import(
            rows=[
                row(),  # good, but not saved: the file is refused whole
                row(code="STP"),
                row(code="12-STP"),
                row(province="87"),
                row(day="31/02/2025"),
                row(name=""),
                row(),
            ]
        )
    assert info.value.errors == [
        "Dòng 3, cột ma_co_quan: mã cơ quan «STP» không hợp lệ: mã tỉnh, dấu gạch ngang và "
        "tên viết tắt (ví dụ 66-STP).",
        "Dòng 4, cột ma_co_quan: mã cơ quan 12-STP không bắt đầu bằng mã tỉnh 66.",
        "Dòng 5, cột ma_tinh: Không có đơn vị mã 87 có hiệu lực ngày 01/07/2025.",
        "Dòng 6, cột ngay_hieu_luc: ngày «31/02/2025» không hợp lệ (dạng YYYY-MM-DD hoặc "
        "dd/mm/yyyy).",
        "Dòng 7, cột ten_co_quan: không được để trống.",
        "Dòng 8, cột ma_co_quan: mã cơ quan 66-STP đã có ở dòng 2.",
    ]
    assert departments() == []


def test_a_commune_code_is_not_a_province(provinces):
    UnitFactory(
        code="66",
        name="Xã giả",
        level=Level.COMMUNE,
        parent=provinces[1],
        valid_from=dt.date(2025, 1, 1),
    )
    agencies_import(rows=[row()])
    assert AdministrativeUnit.objects.get(code="66-STP").parent == provinces[1]


def test_command(provinces, tmp_path):
    path = tmp_path / "agencies.csv"
    path.write_text(
        HEADER + "66-STP,Sở Tư pháp,66,2025-07-01\n66-SNV,Sở Nội vụ,66,2025-07-01\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("import_agencies", str(path), stdout=out)
    assert "tạo mới 2" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "66-SXD,Sở Xây dựng,99,2025-07-01\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Dòng 2, cột ma_tinh: Không có đơn vị mã 99"):
        call_command("import_agencies", str(bad))
    assert [c for c, *_ in departments()] == ["66-SNV", "66-STP"]
