import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command

from units.choices import Level
from units.models import AdministrativeUnit
from units.resolver import resolve_unit
from units.services import UnitImportError, units_import

OLD = dt.date(2019, 1, 1)  # a day of the pre-2025 tree the fixture holds

pytestmark = pytest.mark.django_db

FIXTURE = "fixtures/units_2024_five_provinces.json"


def snapshot():
    return list(
        AdministrativeUnit.objects.order_by("code", "valid_from").values_list(
            "code", "name", "level", "parent__code", "valid_from", "valid_until", "path"
        )
    )


def test_fixture_holds_the_units_behind_the_source_facts():
    call_command("import_units", FIXTURE, "--valid-until", "2025-06-30")
    cumgar = resolve_unit("648", on=OLD)
    assert cumgar.name == "Huyện Cư M'gar"
    assert cumgar.children.count() == 17  # "một cửa 17/17 xã"
    laichau = resolve_unit("12", on=OLD)
    assert laichau.level == Level.PROVINCE
    assert laichau.children.count() == 8  # "xếp thứ 7/8"
    assert resolve_unit("675", on=OLD).children.count() == 6  # Lạc Dương
    assert resolve_unit("24280", on=OLD).parent == cumgar
    assert resolve_unit("376", on=OLD).name == "Huyện Kim Sơn"
    assert resolve_unit("875", on=OLD).name == "Huyện Lấp Vò"


def test_import_twice_leaves_the_same_rows():
    call_command("import_units", FIXTURE, "--valid-until", "2025-06-30")
    first = snapshot()
    call_command("import_units", FIXTURE, "--valid-until", "2025-06-30")
    assert snapshot() == first
    assert len(first) == 750


def test_post_2025_two_level_shape_puts_communes_under_the_province():
    data = [
        {"name": "Lai Châu", "code": 12, "wards": [{"name": "Xã Nậm Hàng", "code": 3400}]},
    ]
    units_import(data=data, valid_from=dt.date(2025, 7, 1))
    ward = AdministrativeUnit.objects.get(code="03400")
    assert ward.parent.code == "12"
    assert ward.level == Level.COMMUNE


@pytest.mark.parametrize(
    "data, message",
    [
        ({"code": 1}, "danh sách tỉnh"),
        ([{"name": "Không mã"}], "thiếu trường «code»"),
        ([{"name": "A", "code": 1}, {"name": "B", "code": 1}], "xuất hiện hai lần"),
    ],
)
def test_bad_files_are_rejected_whole(data, message):
    with pytest.raises(UnitImportError) as exc:
        units_import(data=data)
    assert message in str(exc.value)
    assert AdministrativeUnit.objects.count() == 0


def test_command_exits_non_zero_with_the_reason(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"name": "A"}]), encoding="utf-8")
    with pytest.raises(CommandError, match="thiếu trường"):
        call_command("import_units", str(bad))
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="Không đọc được"):
        call_command("import_units", str(broken))
    assert AdministrativeUnit.objects.count() == 0


# --------------------------------------------------------------------------- official names


@pytest.mark.parametrize(
    ("name", "division_type", "expected"),
    [
        ("Đắk Lắk", "tỉnh", "Tỉnh Đắk Lắk"),
        ("Hà Nội", "thành phố trung ương", "Thành phố Hà Nội"),
        ("Cư M'gar", "xã", "Xã Cư M'gar"),
        ("Buôn Ma Thuột", "phường", "Phường Buôn Ma Thuột"),
        ("Phú Quốc", "đặc khu", "Đặc khu Phú Quốc"),
        # Already carrying a type: as given (pre-2025 data gives the tier as division_type).
        ("Thành phố Hà Nội", "thành phố trung ương", "Thành phố Hà Nội"),
        ("Tỉnh Lai Châu", "tỉnh", "Tỉnh Lai Châu"),
        ("Thành phố Lai Châu", "huyện", "Thành phố Lai Châu"),
        ("Phường 1", "xã", "Phường 1"),
        ("Thị trấn Quảng Phú", "xã", "Thị trấn Quảng Phú"),
        ("Đắk Lắk", None, "Đắk Lắk"),  # no type given: nothing to add
    ],
)
def test_official_names_keep_their_type(name, division_type, expected):
    from units.services import official_name

    assert official_name(name, division_type) == expected


def two_tier_tree(provinces: int, wards: int) -> list[dict]:
    """A post-2025 tree in the 2025.x shape: bare names, the type apart."""
    return [
        {
            "code": p,
            "name": f"Tỉnh số {p}" if p == 1 else f"Số {p}",
            "division_type": "tỉnh",
            "wards": [
                {
                    "code": p * 1000 + w,
                    "name": f"Xã {p}-{w}" if w % 2 else f"{p}-{w}",
                    "division_type": "xã",
                }
                for w in range(wards)
            ],
        }
        for p in range(1, provinces + 1)
    ]


def test_post_2025_names_are_stored_with_their_type():
    units_import(
        data=[
            {
                "code": 66,
                "name": "Đắk Lắk",
                "division_type": "tỉnh",
                "wards": [{"code": 24280, "name": "Cư M'gar", "division_type": "xã"}],
            }
        ],
        valid_from=dt.date(2025, 7, 1),
    )
    assert sorted(AdministrativeUnit.objects.values_list("code", "name")) == [
        ("24280", "Xã Cư M'gar"),
        ("66", "Tỉnh Đắk Lắk"),
    ]


def test_the_full_two_tier_tree_imports_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    data = two_tier_tree(34, 100)  # 3,434 units, as many as the official tree
    # Bulk writes in batches of 500: the count grows with batches, never with single rows.
    with django_assert_max_num_queries(60):
        result = units_import(data=data, valid_from=dt.date(2025, 7, 1))
    assert result.created == 3434
    assert AdministrativeUnit.objects.get(code="01").name == "Tỉnh số 1"
    assert AdministrativeUnit.objects.get(code="34").name == "Tỉnh Số 34"
    with django_assert_max_num_queries(10):
        again = units_import(data=data, valid_from=dt.date(2025, 7, 1))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3434)
