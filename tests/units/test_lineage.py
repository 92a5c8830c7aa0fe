"""The lineage import (old units → new units), the inherited paths it maintains, and the
lineage selectors."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from procedures.models import Dossier
from tests.factories import UnitFactory, UserFactory
from tests.procedures.factories import DossierFactory, at
from units.choices import Level, LineageKind, Role
from units.lineage import (
    ERR_BAD_KIND,
    ERR_CYCLE,
    LineageImportError,
    inherited_paths_refresh,
    unit_lineage_import,
)
from units.models import AdministrativeUnit, UnitLineage
from units.selectors import holders_of_code, predecessors_of, successors_of
from units.services import units_import

pytestmark = pytest.mark.django_db

OLD_END = dt.date(2025, 6, 30)
NEW_START = dt.date(2025, 7, 1)
HEADER = "ma_don_vi_moi,ten_don_vi_moi,ma_don_vi_cu,ten_don_vi_cu,ngay_hieu_luc,hinh_thuc\n"


@pytest.fixture
def world():
    """A slice of Đắk Lắk before and after 1 July 2025 (codes as in the official data)."""
    old_daklak = UnitFactory(
        code="66", name="Tỉnh Đắk Lắk", level=Level.PROVINCE, valid_until=OLD_END
    )
    phuyen = UnitFactory(code="54", name="Tỉnh Phú Yên", level=Level.PROVINCE, valid_until=OLD_END)
    cumgar = UnitFactory(
        code="648",
        name="Huyện Cư M'gar",
        level=Level.DISTRICT,
        parent=old_daklak,
        valid_until=OLD_END,
    )
    eakpam = UnitFactory(
        code="24280", name="Xã Ea KPam", level=Level.COMMUNE, parent=cumgar, valid_until=OLD_END
    )
    quangphu = UnitFactory(
        code="24259", name="Thị trấn Quảng Phú", parent=cumgar, valid_until=OLD_END
    )
    eadrong = UnitFactory(code="24283", name="Xã Ea Drơng", parent=cumgar, valid_until=OLD_END)
    daklak = UnitFactory(code="66", name="Tỉnh Đắk Lắk", level=Level.PROVINCE, valid_from=NEW_START)
    new_cumgar = UnitFactory(code="24280", name="Xã Cư M'gar", parent=daklak, valid_from=NEW_START)
    new_quangphu = UnitFactory(
        code="24259", name="Xã Quảng Phú", parent=daklak, valid_from=NEW_START
    )
    return {
        "old_daklak": old_daklak,
        "phuyen": phuyen,
        "cumgar": cumgar,
        "eakpam": eakpam,
        "quangphu": quangphu,
        "eadrong": eadrong,
        "daklak": daklak,
        "new_cumgar": new_cumgar,
        "new_quangphu": new_quangphu,
    }


def row(new, old, day="2025-07-01", kind="nhap"):
    return {
        "ma_don_vi_moi": new,
        "ten_don_vi_moi": "",
        "ma_don_vi_cu": old,
        "ten_don_vi_cu": "",
        "ngay_hieu_luc": day,
        "hinh_thuc": kind,
    }


GOOD = [
    row("66", "66"),
    row("66", "54"),
    row("24280", "24280"),
    row("24280", "24259", kind="chia"),
    row("24259", "24259", day="01/07/2025", kind="chia"),
]


def links():
    return sorted(
        UnitLineage.objects.values_list(
            "predecessor__name", "successor__name", "effective_on", "kind"
        )
    )


def test_import_links_old_units_to_new_ones(world):
    result = unit_lineage_import(rows=GOOD)
    assert result.created == 5
    assert links() == [
        ("Thị trấn Quảng Phú", "Xã Cư M'gar", NEW_START, LineageKind.SPLIT),
        ("Thị trấn Quảng Phú", "Xã Quảng Phú", NEW_START, LineageKind.SPLIT),
        ("Tỉnh Phú Yên", "Tỉnh Đắk Lắk", NEW_START, LineageKind.MERGE),
        ("Tỉnh Đắk Lắk", "Tỉnh Đắk Lắk", NEW_START, LineageKind.MERGE),
        ("Xã Ea KPam", "Xã Cư M'gar", NEW_START, LineageKind.MERGE),
    ]
    # Same code on both sides: the old code resolved the day before, the new one on the day.
    link = UnitLineage.objects.get(successor=world["new_cumgar"], predecessor__code="24280")
    assert link.predecessor == world["eakpam"]


def test_import_twice_leaves_the_same_rows(world):
    unit_lineage_import(rows=GOOD)
    first = links(), list(AdministrativeUnit.objects.values_list("pk", "inherited_paths"))
    result = unit_lineage_import(rows=GOOD)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 5)
    assert (links(), list(AdministrativeUnit.objects.values_list("pk", "inherited_paths"))) == first


def test_reimport_with_another_kind_updates_the_row(world):
    unit_lineage_import(rows=[row("24280", "24280")])
    result = unit_lineage_import(rows=[row("24280", "24280", kind="chia")])
    assert result.updated == 1
    assert UnitLineage.objects.get().kind == LineageKind.SPLIT


def test_successors_inherit_their_predecessors_paths(world):
    unit_lineage_import(rows=GOOD)
    new_cumgar = AdministrativeUnit.objects.get(pk=world["new_cumgar"].pk)
    assert sorted(new_cumgar.inherited_paths.split()) == sorted(
        [world["eakpam"].path, world["quangphu"].path]
    )
    daklak = AdministrativeUnit.objects.get(pk=world["daklak"].pk)
    assert sorted(daklak.inherited_paths.split()) == sorted(
        [world["old_daklak"].path, world["phuyen"].path]
    )
    assert AdministrativeUnit.objects.get(pk=world["eadrong"].pk).inherited_paths == ""


def test_inheritance_is_transitive(world):
    later = UnitFactory(
        code="99001", name="Xã Sau Này", parent=world["daklak"], valid_from=dt.date(2027, 1, 1)
    )
    AdministrativeUnit.objects.filter(pk=world["new_cumgar"].pk).update(
        valid_until=dt.date(2026, 12, 31)
    )
    unit_lineage_import(rows=[row("24280", "24280"), row("99001", "24280", day="2027-01-01")])
    later.refresh_from_db()
    assert sorted(later.inherited_paths.split()) == sorted(
        [world["new_cumgar"].path, world["eakpam"].path]
    )


def test_successor_staff_see_the_predecessors_records_and_others_do_not(world):
    old_dossier = DossierFactory(unit=world["eakpam"], received_at=at(2019, 3, 1))
    DossierFactory(unit=world["eadrong"], received_at=at(2019, 3, 1))
    staff = UserFactory(role=Role.UNIT_STAFF, unit=world["new_cumgar"])
    unrelated = UserFactory(role=Role.UNIT_STAFF, unit=world["new_quangphu"])
    assert not Dossier.objects.visible_to(staff).exists()

    unit_lineage_import(rows=[row("24280", "24280")])
    staff.refresh_from_db()
    unrelated.refresh_from_db()
    staff.unit.refresh_from_db()
    assert list(Dossier.objects.visible_to(staff)) == [old_dossier]
    assert not Dossier.objects.visible_to(unrelated).exists()
    assert world["eakpam"].is_within(staff.unit)


def test_inherited_paths_follow_a_predecessor_that_moves():
    data = [
        {
            "code": 66,
            "name": "Tỉnh Đắk Lắk",
            "districts": [
                {
                    "code": 648,
                    "name": "Huyện Cư M'gar",
                    "wards": [{"code": 24280, "name": "Xã Ea KPam"}],
                },
                {"code": 649, "name": "Huyện Krông Búk", "wards": []},
            ],
        }
    ]
    units_import(data=data, valid_until=OLD_END)
    new = UnitFactory(code="24280", name="Xã Cư M'gar", valid_from=NEW_START)
    unit_lineage_import(rows=[row("24280", "24280")])
    old = AdministrativeUnit.objects.get(code="24280", valid_from=None)
    new.refresh_from_db()
    assert new.inherited_paths == old.path

    # The statistics office's file now has Ea KPam under Krông Búk: its path changes.
    data[0]["districts"][0]["wards"], data[0]["districts"][1]["wards"] = (
        [],
        [{"code": 24280, "name": "Xã Ea KPam"}],
    )
    units_import(data=data, valid_until=OLD_END)
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.parent.code == "649"
    assert new.inherited_paths == old.path


def errors_of(rows):
    with pytest.raises(LineageImportError) as info:
        unit_lineage_import(rows=rows)
    assert not UnitLineage.objects.exists()  # refused whole
    return info.value.errors


def test_unknown_code_is_refused_with_its_row_and_column(world):
    errors = errors_of([row("66", "54"), row("24280", "99999")])
    assert errors == [
        "Dòng 3, cột ma_don_vi_cu: Không có đơn vị mã 99999 có hiệu lực ngày 30/06/2025."
    ]


def test_a_date_the_validity_contradicts_is_refused(world):
    # On 01/08/2025 code 24280 named the new commune the day before, still valid on the day.
    assert errors_of([row("24280", "24280", day="2025-08-01")]) == [
        "Dòng 2, cột ngay_hieu_luc: đơn vị cũ Xã Cư M'gar (24280) vẫn còn hiệu lực ngày 01/08/2025."
    ]
    # On 01/08/2025 old Phú Yên (54) had ended before the day before.
    assert errors_of([row("66", "54", day="2025-08-01")]) == [
        "Dòng 2, cột ma_don_vi_cu: Không có đơn vị mã 54 có hiệu lực ngày 31/07/2025."
    ]
    # A commune formed on 01/08/2025 did not exist on 01/07/2025.
    UnitFactory(code="24300", name="Xã Mới", parent=world["daklak"], valid_from=dt.date(2025, 8, 1))
    assert errors_of([row("24300", "24283", day="2025-07-01")]) == [
        "Dòng 2, cột ma_don_vi_moi: Không có đơn vị mã 24300 có hiệu lực ngày 01/07/2025."
    ]


def test_an_old_unit_still_valid_on_the_day_is_refused(world):
    AdministrativeUnit.objects.filter(pk=world["eadrong"].pk).update(valid_until=None)
    errors = errors_of([row("24280", "24283")])
    assert errors == [
        "Dòng 2, cột ngay_hieu_luc: đơn vị cũ Xã Ea Drơng (24283) vẫn còn hiệu lực ngày 01/07/2025."
    ]


def test_bad_kind_and_bad_date_are_refused(world):
    errors = errors_of([row("24280", "24280", kind="gop"), row("24280", "24259", day="2025-13-01")])
    assert errors[0] == "Dòng 2, cột hinh_thuc: " + ERR_BAD_KIND % {"value": "gop"}
    assert errors[1].startswith("Dòng 3, cột ngay_hieu_luc: ngày «2025-13-01» không hợp lệ")


def test_a_whole_unit_merged_into_two_is_refused(world):
    errors = errors_of([row("24280", "24259"), row("24259", "24259", kind="chia")])
    assert len(errors) == 1 and errors[0].startswith("Dòng 2, cột hinh_thuc: đơn vị cũ Thị trấn")


def test_a_row_closing_a_cycle_is_refused(world):
    # Put in by hand (the admin site): the new commune listed as a predecessor of the old one.
    UnitLineage.objects.create(
        predecessor=world["new_cumgar"], successor=world["eakpam"], effective_on=NEW_START
    )
    with pytest.raises(LineageImportError) as info:
        unit_lineage_import(rows=[row("66", "54"), row("24280", "24280")])
    assert info.value.errors == [
        "Dòng 3, cột ma_don_vi_moi: "
        + ERR_CYCLE % {"chain": "Xã Ea KPam (24280) → Xã Cư M'gar (24280) → Xã Ea KPam (24280)"}
    ]
    assert UnitLineage.objects.count() == 1


def test_refresh_never_loops_on_a_cycle_put_in_by_hand(world):
    UnitLineage.objects.create(
        predecessor=world["new_cumgar"], successor=world["eakpam"], effective_on=NEW_START
    )
    UnitLineage.objects.create(
        predecessor=world["eakpam"], successor=world["new_cumgar"], effective_on=NEW_START
    )
    inherited_paths_refresh()  # returns: it does not follow the cycle round
    for unit in AdministrativeUnit.objects.all():
        assert unit.path not in unit.inherited_paths.split()


def test_command_reads_csv_and_fails_loudly(world, tmp_path):
    good = tmp_path / "lineage.csv"
    good.write_text(
        HEADER + "24280,Xã Cư M'gar,24280,Xã Ea KPam,2025-07-01,nhap\n"
        "24280,Xã Cư M'gar,24259,Thị trấn Quảng Phú,01/07/2025,chia\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("import_unit_lineage", str(good), stdout=out)
    assert "tạo mới 2" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "24280,,24280,,2025-07-01,nhap\n66,,87,,2025-07-01,nhap\n")
    with pytest.raises(CommandError, match="Dòng 3, cột ma_don_vi_cu: Không có đơn vị mã 87"):
        call_command("import_unit_lineage", str(bad))
    assert UnitLineage.objects.count() == 2


def test_command_reads_xlsx(world, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    sheet.append([66, "Tỉnh Đắk Lắk", 54, "Tỉnh Phú Yên", dt.datetime(2025, 7, 1), "nhap"])
    path = tmp_path / "lineage.xlsx"
    book.save(path)
    call_command("import_unit_lineage", str(path), stdout=io.StringIO())
    assert links() == [("Tỉnh Phú Yên", "Tỉnh Đắk Lắk", NEW_START, LineageKind.MERGE)]


def test_a_file_without_a_column_is_refused(world, tmp_path):
    path = tmp_path / "lineage.csv"
    path.write_text("ma_don_vi_moi,ma_don_vi_cu\n24280,24280\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Thiếu cột: ten_don_vi_moi"):
        call_command("import_unit_lineage", str(path))


def test_selectors(world, django_assert_num_queries):
    unit_lineage_import(rows=GOOD)
    with django_assert_num_queries(1):
        before = predecessors_of(world["new_cumgar"])
    assert [(s.unit.name, s.effective_on, s.kind) for s in before] == [
        ("Thị trấn Quảng Phú", NEW_START, LineageKind.SPLIT),
        ("Xã Ea KPam", NEW_START, LineageKind.MERGE),
    ]
    after = successors_of(world["quangphu"])
    assert [s.unit.name for s in after] == ["Xã Quảng Phú", "Xã Cư M'gar"]
    assert [
        s.unit.name
        for s in successors_of(
            world["quangphu"], scope=AdministrativeUnit.objects.filter(pk=world["new_quangphu"].pk)
        )
    ] == ["Xã Quảng Phú"]
    with django_assert_num_queries(1):
        holders = holders_of_code("24280")
    assert [(u.name, u.valid_from, u.valid_until) for u in holders] == [
        ("Xã Ea KPam", None, OLD_END),
        ("Xã Cư M'gar", NEW_START, None),
    ]
    scope = AdministrativeUnit.objects.filter(path__startswith=world["daklak"].path)
    assert [u.name for u in holders_of_code("24280", scope)] == ["Xã Cư M'gar"]
