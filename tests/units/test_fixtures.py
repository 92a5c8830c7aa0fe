"""The unit fixtures built from the official data (scripts/build_unit_fixtures.py).

Most tests read the files only (no database). The expected facts are the seed facts of the
source articles and the official data as published, written out here, never read back from
the script. The script itself is run only where its inputs are (they are not committed).
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import json
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
SCRIPT = ROOT / "scripts" / "build_unit_fixtures.py"
OLD_FIVE = FIXTURES / "units_2024_five_provinces.json"
OLD_PARTNERS = FIXTURES / "units_2024_merged_partners.json"
NEW_FIVE = FIXTURES / "units_2025_five_provinces.json"
NEW_ALL = FIXTURES / "units_2025_vietnam.json"
LINEAGE = FIXTURES / "units_lineage_2025_five_provinces.csv"
AGENCIES = FIXTURES / "agencies_66_daklak.csv"

# Where the script's docstring unpacks the official packages.
VP = Path("/tmp/vp")
PRE_2025 = VP / "vp06/vietnam_provinces/data/nested-divisions.json"
POST_2025 = VP / "vpx/vietnam_provinces/data/nested-divisions.json"
CONVERTER = VP / "vau/vietnamadminunits/data/converter_2025.json"
needs_inputs = pytest.mark.skipif(
    not all(p.exists() for p in (PRE_2025, POST_2025, CONVERTER)),
    reason="the official packages are not unpacked in /tmp/vp (see the script's docstring); "
    "CI machines do not have them",
)

WIDTH = {"province": 2, "district": 3, "commune": 5}
REFORM = dt.date(2025, 7, 1)


def load(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def flat_old(tree: list[dict]) -> dict[str, tuple[str, str, str]]:
    """code → (level, name, province code) of a pre-2025 tree, codes at the stored width."""
    out = {}
    for p in tree:
        pcode = str(p["code"]).zfill(2)
        out[pcode] = ("province", p["name"], pcode)
        for d in p["districts"]:
            out[str(d["code"]).zfill(3)] = ("district", d["name"], pcode)
            for w in d["wards"]:
                out[str(w["code"]).zfill(5)] = ("commune", w["name"], pcode)
    return out


def flat_new(tree: list[dict]) -> dict[str, tuple[str, str, str]]:
    out = {}
    for p in tree:
        pcode = str(p["code"]).zfill(2)
        out[pcode] = ("province", p["name"], pcode)
        for w in p["wards"]:
            out[str(w["code"]).zfill(5)] = ("commune", w["name"], pcode)
    return out


@pytest.fixture(scope="module")
def old_units():
    units = flat_old(load(OLD_FIVE))
    partners = flat_old(load(OLD_PARTNERS))
    assert not units.keys() & partners.keys(), "the two pre-2025 files overlap"
    return units | partners


@pytest.fixture(scope="module")
def new_units():
    return flat_new(load(NEW_FIVE))


@pytest.fixture(scope="module")
def lineage():
    header, data = rows(LINEAGE)
    return header, data


# --- the trees -------------------------------------------------------------------------------


def test_merged_partners_are_the_six_old_provinces_merged_with_the_five():
    tree = load(OLD_PARTNERS)
    assert {p["code"]: p["name"] for p in tree} == {
        35: "Tỉnh Hà Nam",
        36: "Tỉnh Nam Định",
        54: "Tỉnh Phú Yên",
        60: "Tỉnh Bình Thuận",
        67: "Tỉnh Đắk Nông",
        82: "Tỉnh Tiền Giang",
    }
    for p in tree:
        assert p["districts"], p["name"]
        assert all(d["wards"] for d in p["districts"]), p["name"]


def test_pre_2025_seed_facts_still_hold():
    units = {p["code"]: p for p in load(OLD_FIVE)}
    laichau = units[12]
    assert len(laichau["districts"]) == 8  # "xếp thứ 7/8"
    cumgar = next(d for p in units.values() for d in p["districts"] if d["code"] == 648)
    assert cumgar["name"] == "Huyện Cư M'gar"
    assert len(cumgar["wards"]) == 17  # "một cửa 17/17 xã"
    assert {w["code"]: w["name"] for w in cumgar["wards"]}[24280] == "Xã Ea KPam"


def test_post_2025_five_provinces_as_published():
    tree = load(NEW_FIVE)
    assert [p["code"] for p in tree] == [12, 37, 66, 68, 82]
    daklak = next(p for p in tree if p["code"] == 66)
    # The official data writes the province without its type; the importer adds it.
    assert (daklak["name"], daklak["division_type"]) == ("Đắk Lắk", "tỉnh")
    assert len(daklak["wards"]) == 102
    assert {w["code"]: w["name"] for w in daklak["wards"]}[24280] == "Xã Cư M’gar"


def test_the_whole_country_holds_the_five_unchanged():
    country = load(NEW_ALL)
    assert len(country) == 34
    assert sum(len(p["wards"]) for p in country) == 3321
    by_code = {p["code"]: p for p in country}
    assert [by_code[p["code"]] for p in load(NEW_FIVE)] == load(NEW_FIVE)


@pytest.mark.parametrize("path", [OLD_PARTNERS, NEW_FIVE, NEW_ALL])
def test_codes_are_unique_within_a_tree(path):
    tree = load(path)
    seen = Counter()
    for p in tree:
        seen["province", p["code"]] += 1
        for d in p.get("districts", []):
            seen["district", d["code"]] += 1
            for w in d["wards"]:
                seen["commune", w["code"]] += 1
        for w in p.get("wards", []):
            seen["commune", w["code"]] += 1
    assert [k for k, n in seen.items() if n > 1] == []


def test_reused_codes_old_tiengiang_and_the_new_dongthap(old_units, new_units):
    assert old_units["82"][1] == "Tỉnh Tiền Giang"
    assert new_units["82"][1] == "Đồng Tháp"
    assert old_units["87"][1] == "Tỉnh Đồng Tháp"
    assert "87" not in new_units
    # 24280: the old Xã Ea KPam of Huyện Cư M'gar, and the new Xã Cư M’gar of the new Đắk Lắk.
    assert old_units["24280"] == ("commune", "Xã Ea KPam", "66")
    assert new_units["24280"] == ("commune", "Xã Cư M’gar", "66")
    # The issue counts 245 codes of the five old provinces held again after the reform.
    reused = flat_old(load(OLD_FIVE)).keys() & flat_new(load(NEW_FIVE)).keys()
    assert len(reused) == 245


# --- lineage ---------------------------------------------------------------------------------


def test_lineage_header_and_values(lineage):
    header, data = lineage
    assert header == [
        "ma_don_vi_moi",
        "ten_don_vi_moi",
        "ma_don_vi_cu",
        "ten_don_vi_cu",
        "ngay_hieu_luc",
        "hinh_thuc",
    ]
    assert data
    for row in data:
        assert dt.date.fromisoformat(row["ngay_hieu_luc"]) == REFORM, row
        assert row["hinh_thuc"] in {"nhap", "chia"}, row
        assert row["ten_don_vi_moi"] and row["ten_don_vi_cu"], row


def test_every_lineage_code_is_in_the_right_tree_at_the_same_level(lineage, old_units, new_units):
    _, data = lineage
    for row in data:
        old, new = row["ma_don_vi_cu"], row["ma_don_vi_moi"]
        assert old in old_units, f"old code {old} is not in the pre-2025 fixtures"
        assert new in new_units, f"new code {new} is not in units_2025_five_provinces.json"
        level = old_units[old][0]
        assert level != "district", f"old district {old} has a lineage row"
        assert new_units[new][0] == level, row
        # Codes are written at the width the portal stores them.
        assert len(old) == len(new) == WIDTH[level], row


def test_lineage_names_are_the_names_of_the_trees(lineage, old_units, new_units):
    _, data = lineage
    for row in data:
        assert row["ten_don_vi_cu"] == old_units[row["ma_don_vi_cu"]][1], row
        official = new_units[row["ma_don_vi_moi"]][1]
        # A province is written with its type for the reader ("Tỉnh Đắk Lắk").
        assert row["ten_don_vi_moi"] in {official, f"Tỉnh {official}"}, row


def test_no_duplicate_pairs(lineage):
    _, data = lineage
    pairs = Counter((r["ma_don_vi_moi"], r["ma_don_vi_cu"]) for r in data)
    assert [p for p, n in pairs.items() if n > 1] == []


def test_province_rows(lineage):
    _, data = lineage
    provinces = {(r["ma_don_vi_moi"], r["ma_don_vi_cu"], r["hinh_thuc"]) for r in data}
    provinces = {p for p in provinces if len(p[0]) == 2}
    assert provinces == {
        ("12", "12", "nhap"),
        ("37", "35", "nhap"),
        ("37", "36", "nhap"),
        ("37", "37", "nhap"),
        ("66", "54", "nhap"),
        ("66", "66", "nhap"),
        ("68", "60", "nhap"),
        ("68", "67", "nhap"),
        ("68", "68", "nhap"),
        ("82", "82", "nhap"),
        ("82", "87", "nhap"),
    }


def test_an_old_commune_goes_to_a_commune_of_the_province_its_province_went_into(
    lineage, old_units, new_units
):
    _, data = lineage
    into = {(r["ma_don_vi_cu"], r["ma_don_vi_moi"]) for r in data if len(r["ma_don_vi_cu"]) == 2}
    for row in data:
        if len(row["ma_don_vi_cu"]) == 5:
            old_province = old_units[row["ma_don_vi_cu"]][2]
            new_province = new_units[row["ma_don_vi_moi"]][2]
            assert (old_province, new_province) in into, row


def test_merge_is_whole_and_split_is_into_several(lineage):
    _, data = lineage
    kinds = defaultdict(list)
    for row in data:
        kinds[row["ma_don_vi_cu"]].append(row["hinh_thuc"])
    for old, seen in kinds.items():
        assert len(set(seen)) == 1, f"{old} is both merged and split"
        if seen[0] == "nhap":
            assert len(seen) == 1, f"{old} merged whole into {len(seen)} units"
        else:
            assert len(seen) >= 2, f"{old} split into one unit"
    assert "chia" in {k for seen in kinds.values() for k in seen}


def test_every_new_unit_has_predecessors(lineage, new_units):
    _, data = lineage
    assert set(new_units) - {r["ma_don_vi_moi"] for r in data} == set()


def test_every_old_commune_has_a_successor_but_four_that_had_ceased(lineage, old_units):
    _, data = lineage
    communes = {c for c, (level, _, _) in old_units.items() if level == "commune"}
    # Đạ M'ri, Mỹ Lâm, Tư Nghĩa and Phù Mỹ of Huyện Đạ Huoai are still in the 0.6.0 tree but had
    # been merged into neighbours before the reform: no 2025 conversion names them.
    assert communes - {r["ma_don_vi_cu"] for r in data} == {"25102", "25174", "25177", "25186"}


def test_seed_lineage_of_old_huyen_cumgar(lineage):
    _, data = lineage
    predecessors = defaultdict(set)
    for row in data:
        predecessors[row["ma_don_vi_moi"], row["hinh_thuc"]].add(row["ma_don_vi_cu"])
    # Xã Cư M’gar (24280) was formed from Xã Ea KPam (the old 24280), Xã Ea H'đinh and the old
    # Xã Cư M'gar; the old Thị trấn Quảng Phú went into Xã Quảng Phú (24259).
    assert predecessors["24280", "nhap"] == {"24274", "24280", "24289"}
    assert "24259" in predecessors["24259", "nhap"]


# --- agencies --------------------------------------------------------------------------------


def test_agencies_of_the_new_daklak(new_units):
    header, data = rows(AGENCIES)
    assert header == ["ma_co_quan", "ten_co_quan", "ma_tinh", "ngay_hieu_luc"]
    assert 14 <= len(data) <= 25
    codes = [r["ma_co_quan"] for r in data]
    names = [r["ten_co_quan"] for r in data]
    assert len(set(codes)) == len(codes)
    assert len(set(names)) == len(names)
    for row in data:
        assert re.fullmatch(r"66-[A-Z]+", row["ma_co_quan"]), row
        assert row["ma_tinh"] == "66" and new_units["66"][0] == "province"
        assert dt.date.fromisoformat(row["ngay_hieu_luc"]) == REFORM
    # The agencies every province has (Decree 150/2025/NĐ-CP), under their usual abbreviation.
    assert {
        "66-VPUBND": "Văn phòng Ủy ban nhân dân tỉnh",
        "66-SNV": "Sở Nội vụ",
        "66-STP": "Sở Tư pháp",
        "66-STC": "Sở Tài chính",
        "66-SCT": "Sở Công Thương",
        "66-SNNMT": "Sở Nông nghiệp và Môi trường",
        "66-SXD": "Sở Xây dựng",
        "66-SKHCN": "Sở Khoa học và Công nghệ",
        "66-SGDDT": "Sở Giáo dục và Đào tạo",
        "66-SYT": "Sở Y tế",
        "66-SVHTTDL": "Sở Văn hóa, Thể thao và Du lịch",
        "66-TTT": "Thanh tra tỉnh",
    }.items() <= dict(zip(codes, names, strict=True)).items()


# --- the script ------------------------------------------------------------------------------


def script_module():
    """The script as a module (scripts/ is not a package); its dataclasses need it registered."""
    name = "build_unit_fixtures"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, SCRIPT)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.mark.parametrize(
    "name, key",
    [
        ("Xã Cư M’gar", "xacumgar"),
        ("Xã Ea H'đinh", "xaeahdinh"),
        ("Xã Phú Hòa 2", "xaphuhoa2"),
        ("Xã Tân Thạnh", "xãtânthạnh"),  # the accented key tells it from Xã Tân Thành
        ("Phường Đông Phong", "phuongdongphong"),
    ],
)
def test_name_keys_are_the_keys_of_the_conversion_data(name, key):
    assert key in script_module().name_keys(name)


def test_name_keys_tell_tan_thanh_from_tan_thanh():
    keys = script_module().name_keys
    assert keys("Xã Tân Thành") & keys("Xã Tân Thạnh") == {"xatanthanh"}


def run_script(out: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--pre2025",
            str(PRE_2025),
            "--post2025",
            str(POST_2025),
            "--converter",
            str(CONVERTER),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )


@needs_inputs
def test_five_old_provinces_are_the_official_0_6_0_data():
    official = {p["code"]: p for p in load(PRE_2025)}
    assert [official[p["code"]] for p in load(OLD_FIVE)] == load(OLD_FIVE)


@needs_inputs
def test_script_is_deterministic_and_the_committed_files_are_its_output(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    for out in (first, second):
        done = run_script(out)
        assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in first.iterdir())
    assert names == [
        "agencies_66_daklak.csv",
        "units_2024_merged_partners.json",
        "units_2025_five_provinces.json",
        "units_2025_vietnam.json",
        "units_lineage_2025_five_provinces.csv",
    ]
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
        assert (first / name).read_bytes() == (FIXTURES / name).read_bytes(), name
    assert "495/495 new communes have predecessors" in done.stdout


# --- with the database: the files fit the importer and the resolver -------------------------


@pytest.mark.django_db
def test_lineage_resolves_against_the_imported_trees():
    from units.resolver import UnitResolver
    from units.services import units_import_file

    until = REFORM - dt.timedelta(days=1)
    units_import_file(path=OLD_FIVE, valid_until=until)
    units_import_file(path=OLD_PARTNERS, valid_until=until)
    units_import_file(path=NEW_FIVE, valid_from=REFORM)
    resolver = UnitResolver()
    assert resolver.resolve("24280", on=dt.date(2019, 1, 1)).name == "Xã Ea KPam"
    assert resolver.resolve("24280", on=REFORM).name == "Xã Cư M’gar"
    assert resolver.resolve("82", on=until).name == "Tỉnh Tiền Giang"
    assert (
        resolver.resolve("82", on=REFORM).name == "Tỉnh Đồng Tháp"
    )  # the importer adds the type the JSON leaves out
    _, data = rows(LINEAGE)
    for row in data:
        day = dt.date.fromisoformat(row["ngay_hieu_luc"])
        new = resolver.resolve(row["ma_don_vi_moi"], on=day)
        old = resolver.resolve(row["ma_don_vi_cu"], on=day - dt.timedelta(days=1))
        assert (old.valid_until, new.valid_from) == (until, REFORM), row
        assert old.pk != new.pk
