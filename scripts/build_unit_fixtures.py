"""Build the two-tier unit fixtures in fixtures/ from the official data.

Writes, deterministically (running it twice gives byte-identical files):

- ``units_2024_merged_partners.json``: the pre-2025 tree (province → districts → wards) of the
  old provinces that were merged into the five demo provinces on 1 July 2025 (Phú Yên, Hà Nam,
  Nam Định, Đắk Nông, Bình Thuận, Tiền Giang), in the shape of units_2024_five_provinces.json
  (which this script only checks, never rewrites).
- ``units_2025_five_provinces.json``: the post-2025 tree (province → wards) of the new Lai Châu
  (12), Ninh Bình (37), Đắk Lắk (66), Lâm Đồng (68) and Đồng Tháp (82).
- ``units_2025_vietnam.json``: the complete post-2025 tree, all 34 provinces.
- ``units_lineage_2025_five_provinces.csv``: old unit → new unit pairs of those five provinces
  (communes and provinces; old districts were dissolved, so they have no row), in the lineage
  format of docs/formats.md.
- ``agencies_66_daklak.csv``: the departments and agencies of the new Tỉnh Đắk Lắk from
  01/07/2025, in the agencies format of docs/formats.md.

The unit JSON files are the official data as published (entries copied unchanged, names not
edited: the 2025 package writes some province names without their type, "Đắk Lắk", and uses the
typographic apostrophe, "Xã Cư M’gar"; the importer adds the type).

Inputs (read-only; they are not committed, fetch them with pip and unpack the wheels)::

    pip download --no-deps --only-binary=:all: vietnam-provinces==0.6.0 -d /tmp/vp
    pip download --no-deps --only-binary=:all: vietnam-provinces==2025.10.1 -d /tmp/vp
    pip download --no-deps --only-binary=:all: vietnamadminunits==1.0.4 -d /tmp/vp
    cd /tmp/vp
    python -m zipfile -e vietnam_provinces-0.6.0-py3-none-any.whl vp06
    python -m zipfile -e vietnam_provinces-2025.10.1-py3-none-any.whl vpx
    python -m zipfile -e vietnamadminunits-1.0.4-py3-none-any.whl vau

Then, from the repository root::

    python scripts/build_unit_fixtures.py \\
        --pre2025 /tmp/vp/vp06/vietnam_provinces/data/nested-divisions.json \\
        --post2025 /tmp/vp/vpx/vietnam_provinces/data/nested-divisions.json \\
        --converter /tmp/vp/vau/vietnamadminunits/data/converter_2025.json

``--out DIR`` writes elsewhere (the test of determinism uses it); ``--check`` writes nothing
and fails when a file in fixtures/ differs from what would be written.

Sources and licences:

- vietnam-provinces (https://github.com/sunshine-tech/VietnamProvinces): names and codes of the
  General Statistics Office of Viet Nam (https://danhmuchanhchinh.gso.gov.vn/); 0.6.0 is the
  63-province tree, 2025.10.1 the 34-province one.
- vietnamadminunits 1.0.4 (https://github.com/tranngocminhhieu/vietnamadminunits), MIT License,
  Copyright (c) 2025 Tran Ngoc Minh Hieu: its 63→34 conversion data (data/converter_2025.json)
  says which old wards went into which new ward. Its keys are names without diacritics
  ("tinhdaklak_huyencumgar_xaeakpam"); the codes behind them are taken from the same package's
  parser data (data/parser_legacy.json, data/parser_from_2025.json, read from the directory of
  --converter unless given), which carries the official code of every key, so no name is ever
  matched by hand. Only facts (which unit became which) are taken from it; the portal does not
  need the package at run time.

Stdlib only. Prints a report: the comparison of the five old provinces with
units_2024_five_provinces.json, the counts, and every new commune without lineage (with why).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
FIVE_2024 = "units_2024_five_provinces.json"

# The five demo provinces: their old (pre-2025) codes and the codes of the new provinces that
# contain them now. Old Đồng Tháp (87) is in the new Đồng Tháp (82, the old Tiền Giang's code).
OLD_FIVE = (12, 37, 66, 68, 87)
NEW_FIVE = (12, 37, 66, 68, 82)
EFFECTIVE_ON = "2025-07-01"
MERGE, SPLIT = "nhap", "chia"
# Same width as the portal stores (units/choices.py CODE_WIDTH), so a code in the CSV matches a
# stored code exactly ("03386" is a commune, "12" a province).
WIDTH_PROVINCE, WIDTH_COMMUNE = 2, 5

LINEAGE_HEADER = (
    "ma_don_vi_moi",
    "ten_don_vi_moi",
    "ma_don_vi_cu",
    "ten_don_vi_cu",
    "ngay_hieu_luc",
    "hinh_thuc",
)
AGENCIES_HEADER = ("ma_co_quan", "ten_co_quan", "ma_tinh", "ngay_hieu_luc")

# The departments and agencies of the new Tỉnh Đắk Lắk (66) from 01/07/2025. The specialised
# agencies of a provincial People's Committee are those of Decree 150/2025/NĐ-CP (12 in every
# province, Sở Dân tộc và Tôn giáo where the province meets its criteria — Đắk Lắk, with its
# ethnic-minority communes, does — and Sở Ngoại vụ in the provinces the decree names, among them
# the border provinces such as Đắk Lắk); plus the Ban Quản lý các khu công nghiệp, an agency
# directly under the Committee that provinces assess with their departments. Central agencies
# on the province's territory (police, tax, social insurance) are not the province's to assess
# and are left out. The code is the province code and the usual abbreviation.
AGENCIES_66 = (
    ("VPUBND", "Văn phòng Ủy ban nhân dân tỉnh"),
    ("SNV", "Sở Nội vụ"),
    ("STP", "Sở Tư pháp"),
    ("STC", "Sở Tài chính"),
    ("SCT", "Sở Công Thương"),
    ("SNNMT", "Sở Nông nghiệp và Môi trường"),
    ("SXD", "Sở Xây dựng"),
    ("SKHCN", "Sở Khoa học và Công nghệ"),
    ("SGDDT", "Sở Giáo dục và Đào tạo"),
    ("SYT", "Sở Y tế"),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
    ("SDTTG", "Sở Dân tộc và Tôn giáo"),
    ("SNGV", "Sở Ngoại vụ"),
    ("TTT", "Thanh tra tỉnh"),
    ("BQLKCN", "Ban Quản lý các khu công nghiệp tỉnh"),
)
AGENCIES_PROVINCE = 66

# The type the official 2025 data gives a province in division_type, as it prefixes the name.
PROVINCE_TYPE = {"tỉnh": "Tỉnh", "thành phố trung ương": "Thành phố"}


class BuildError(Exception):
    """The inputs do not say what the fixtures need; nothing was written."""


@dataclass(frozen=True)
class Old:
    """A pre-2025 ward as the 0.6.0 tree has it."""

    code: int
    name: str
    province: int
    district: int


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise BuildError(f"cannot read {path}: {exc}") from None


def dump_json(data: Any) -> str:
    # The layout of units_2024_five_provinces.json: one-space indent, UTF-8 text.
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def dump_csv(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def fold(name: str) -> str:
    """A name as compared across sources (typographic apostrophe, case, composed accents)."""
    text = unicodedata.normalize("NFC", name).replace("’", "'").replace("‘", "'")
    return " ".join(text.casefold().split())


def province_name(province: dict) -> str:
    """The name with its type, for people reading the CSV ("Tỉnh Đắk Lắk")."""
    name = province["name"]
    prefix = PROVINCE_TYPE.get(province.get("division_type", ""), "")
    if prefix and not fold(name).startswith(fold(prefix) + " "):
        return f"{prefix} {name}"
    return name


def pad(code: int | str, width: int) -> str:
    return str(int(code)).zfill(width)


def name_keys(name: str) -> set[str]:
    """The keys vietnamadminunits makes of a name: "Xã Tân Thạnh" → "xatanthanh" and, for the
    names the plain key cannot tell apart, "xãtânthạnh" (letters and digits only, lower case)."""
    accented = "".join(ch for ch in unicodedata.normalize("NFC", name).lower() if ch.isalnum())
    plain = "".join(
        ch
        for ch in unicodedata.normalize("NFD", accented.replace("đ", "d"))
        if not unicodedata.combining(ch)
    )
    return {accented, plain}


class Keys:
    """Official codes behind the keys of the vietnamadminunits conversion data."""

    def __init__(self, legacy: dict, from_2025: dict):
        self.old_province: dict[str, int] = {
            k: int(v["provinceCode"]) for k, v in legacy["DICT_PROVINCE"].items()
        }
        self.new_province: dict[str, int] = {
            k: int(v["provinceCode"]) for k, v in from_2025["DICT_PROVINCE"].items()
        }
        self.old_district: dict[tuple[str, str], int] = {
            (pk, dk): int(d["districtCode"])
            for pk, districts in legacy["DICT_PROVINCE_DISTRICT"].items()
            for dk, d in districts.items()
        }
        # Plain keys first; the accented tables hold the names the plain key cannot tell apart
        # ("xãtrựchùng" / "xãtrựchưng"), and the converter uses those keys for them.
        self.old_ward: dict[str, int] = {}
        for table in (
            "DICT_PROVINCE_DISTRICT_WARD_NO_ACCENTED",
            "DICT_PROVINCE_DISTRICT_WARD_ACCENTED",
            "DICT_PROVINCE_DISTRICT_WARD_SHORT_ACCENTED",
        ):
            for pk, districts in legacy[table].items():
                for dk, wards in districts.items():
                    for wk, w in wards.items():
                        # The island districts without wards carry NaN: no code to take.
                        if isinstance(w["wardCode"], str):
                            self._put(self.old_ward, f"{pk}_{dk}_{wk}", int(w["wardCode"]))
        self.new_ward: dict[tuple[str, str], int] = {}
        for table in (
            "DICT_PROVINCE_WARD_NO_ACCENTED",
            "DICT_PROVINCE_WARD_ACCENTED",
            "DICT_PROVINCE_WARD_SHORT_ACCENTED",
        ):
            for pk, wards in from_2025[table].items():
                for wk, w in wards.items():
                    if isinstance(w["wardCode"], str):
                        self._put(self.new_ward, (pk, wk), int(w["wardCode"]))

    @staticmethod
    def _put(table: dict, key: Any, code: int) -> None:
        if table.setdefault(key, code) != code:
            raise BuildError(f"key {key} stands for two codes: {table[key]} and {code}")


class Lineage:
    """The (new ward, old ward) pairs of the conversion data, read as official codes.

    Every key is checked against the trees; what does not fit goes to `problems`.
    """

    def __init__(
        self,
        keys: Keys,
        old_wards: dict[int, Old],
        new_provinces: dict[int, dict],
        old_of_new: dict[int, list[int]],
    ):
        self.keys = keys
        self.old_wards = old_wards
        self.old_of_new = old_of_new
        self.new_key_of = {code: key for key, code in keys.new_province.items()}
        self.new_wards = {c: {w["code"]: w for w in p["wards"]} for c, p in new_provinces.items()}
        self.by_name_key: dict[int, dict[str, list[int]]] = {}
        for c, p in new_provinces.items():
            table: dict[str, list[int]] = defaultdict(list)
            for w in p["wards"]:
                for k in name_keys(w["name"]):
                    table[k].append(w["code"])
            self.by_name_key[c] = table
        # Old ward keys of the parser data by district, to tell a misspelt name from a code
        # that belongs to another ward of the district.
        self.old_keys_in_district: dict[tuple[str, str], set[str]] = defaultdict(set)
        for okey in keys.old_ward:
            pk, dk, wk = okey.split("_", 2)
            self.old_keys_in_district[pk, dk].add(wk)
        self.pairs: dict[tuple[int, int], str] = {}  # (new ward, old ward) → kind
        self.problems: list[str] = []
        self.name_notes: list[str] = []
        self.corrections: dict[tuple[str, str], str] = {}

    def new_ward(self, new_code: int, wkey: str) -> int | None:
        # The parser data's code is taken when the official 2025 tree has the same ward (same
        # name key) at that code. It is not always so: for 123 new wards the package carries
        # codes that the official tree gives to another ward or to none (in Ninh Bình, Phủ Lý,
        # Phù Vân and Châu Sơn are rotated). Then the name key, which is what the conversion
        # data is written in, finds the ward in the official tree of the same province.
        pkey = self.new_key_of[new_code]
        wards = self.new_wards[new_code]
        code = self.keys.new_ward.get((pkey, wkey))
        if code in wards and wkey in name_keys(wards[code]["name"]):
            return code
        named = self.by_name_key[new_code].get(wkey, [])
        if len(named) != 1:
            self.problems.append(
                f"new ward key {pkey}/{wkey}: parser code {code} does not hold it in the 2025 "
                f"tree, and {len(named)} wards of province {new_code} have the name"
            )
            return None
        held = wards[code]["name"] if code in wards else "no ward"
        self.corrections[pkey, wkey] = (
            f"{wkey}: parser code {code} ({held} in the 2025 tree) → "
            f"{named[0]} {wards[named[0]]['name']}"
        )
        return named[0]

    def old_ward(self, new_code: int, okey: str) -> int | None:
        code = self.keys.old_ward.get(okey)
        if code is None:
            self.problems.append(f"old ward key {okey}: no code in parser_legacy.json")
            return None
        ward = self.old_wards.get(code)
        if ward is None:
            self.problems.append(f"old ward key {okey} → {code}: not in the 0.6.0 tree")
            return None
        pk, dk, wk = okey.split("_", 2)
        where = (self.keys.old_province.get(pk), self.keys.old_district.get((pk, dk)))
        if where != (ward.province, ward.district):
            self.problems.append(
                f"old ward key {okey} → {code}: in province {ward.province}, district "
                f"{ward.district} of the 0.6.0 tree, not where the key says"
            )
            return None
        if ward.province not in self.old_of_new[new_code]:
            self.problems.append(f"old ward {code} is not in an old province of {new_code}")
            return None
        official = name_keys(ward.name)
        if wk not in official:
            # A spelling of the same ward ("Ea H'đing" / "Ea H'đinh") is noted; the name of
            # another ward of the district at this code would mean a wrong code.
            if official & self.old_keys_in_district[pk, dk]:
                self.problems.append(
                    f"old ward key {okey} → {code}: the 0.6.0 tree has {ward.name} there, "
                    "another ward of the district"
                )
                return None
            self.name_notes.append(f"{okey} → {code} {ward.name}")
        return code

    def _pair(self, ncode: int | None, ocode: int | None, kind: str) -> None:
        if ncode is None or ocode is None:
            return
        if self.pairs.setdefault((ncode, ocode), kind) != kind:
            self.problems.append(f"pair {ocode} → {ncode} is both a merge and a split")

    def merges(self, new_code: int, no_divided: dict[str, list[str]]) -> None:
        """DICT_PROVINCE_WARD_NO_DIVIDED: new ward key → the old wards that went into it whole."""
        for wkey, old_keys in no_divided.items():
            ncode = self.new_ward(new_code, wkey)
            for okey in old_keys:
                self._pair(ncode, self.old_ward(new_code, okey), MERGE)

    def splits(self, new_code: int, divided: dict[str, list[dict]]) -> None:
        """DICT_PROVINCE_WARD_DIVIDED: old ward key → the new wards it was divided among."""
        for okey, parts in divided.items():
            ocode = self.old_ward(new_code, okey)
            targets = {self.new_ward(new_code, part["newWardKey"]) for part in parts}
            if len(targets) < 2:
                self.problems.append(f"old ward {okey} is divided among {len(targets)} ward(s)")
            for ncode in sorted(t for t in targets if t is not None):
                self._pair(ncode, ocode, SPLIT)


@dataclass
class Report:
    lines: list[str]

    def say(self, text: str = "") -> None:
        self.lines.append(text)


def compare_five(pre: dict[int, dict], current: list[dict], report: Report) -> None:
    """Does the official 0.6.0 tree hold what units_2024_five_provinces.json holds?"""
    report.say(f"{FIVE_2024} vs vietnam-provinces 0.6.0:")
    held = {p["code"]: p for p in current}
    if sorted(held) != sorted(OLD_FIVE):
        report.say(f"  provinces differ: fixture has {sorted(held)}, expected {list(OLD_FIVE)}")
    differences = 0
    for code in OLD_FIVE:
        mine, official = held.get(code), pre.get(code)
        if mine is None or official is None:
            continue

        def flat(province: dict) -> dict[tuple[str, int], str]:
            out = {("province", province["code"]): province["name"]}
            for d in province.get("districts", []):
                out["district", d["code"]] = d["name"]
                for w in d.get("wards", []):
                    out["ward", w["code"]] = w["name"]
            return out

        a, b = flat(mine), flat(official)
        for key in sorted(a.keys() | b.keys()):
            if a.get(key) != b.get(key):
                differences += 1
                report.say(f"  {key[0]} {key[1]}: fixture {a.get(key)!r}, 0.6.0 {b.get(key)!r}")
        if mine != official:
            differences += 1
            report.say(f"  province {code}: same codes and names, other fields differ")
    if not differences:
        report.say("  identical (codes, names and every other field of the five provinces)")


def build(
    pre_path: Path,
    post_path: Path,
    converter_path: Path,
    legacy_path: Path,
    from_2025_path: Path,
    current_path: Path,
) -> tuple[dict[str, str], Report]:
    """The files to write (name → text) and the report; raises BuildError."""
    report = Report([])
    pre_list = read_json(pre_path)
    post_list = read_json(post_path)
    converter = read_json(converter_path)
    keys = Keys(read_json(legacy_path), read_json(from_2025_path))
    current = read_json(current_path)

    pre = {p["code"]: p for p in pre_list}
    post = {p["code"]: p for p in post_list}
    if len(pre) != 63 or len(post) != 34:
        raise BuildError(f"expected 63 old and 34 new provinces, got {len(pre)} and {len(post)}")
    compare_five(pre, current, report)

    new_key_of = {code: key for key, code in keys.new_province.items()}
    missing = [c for c in NEW_FIVE if c not in new_key_of or c not in post]
    if missing:
        raise BuildError(f"new provinces {missing} are not in the inputs")

    # 1. The old provinces merged with the five, from the conversion data.
    old_of_new: dict[int, list[int]] = {}
    for new_code in NEW_FIVE:
        olds = converter["DICT_PROVINCE"][new_key_of[new_code]]
        unknown = [k for k in olds if k not in keys.old_province]
        if unknown:
            raise BuildError(f"old province keys without a code: {unknown}")
        old_of_new[new_code] = sorted(keys.old_province[k] for k in olds)
    all_old = sorted({c for codes in old_of_new.values() for c in codes})
    if not set(OLD_FIVE) <= set(all_old):
        raise BuildError(f"the conversion data does not merge {OLD_FIVE} into {NEW_FIVE}")
    partners = [c for c in all_old if c not in OLD_FIVE]
    absent = [c for c in all_old if c not in pre]
    if absent:
        raise BuildError(f"old provinces {absent} are not in the 0.6.0 tree")
    files: dict[str, str] = {}
    files["units_2024_merged_partners.json"] = dump_json([pre[c] for c in partners])
    report.say()
    report.say("Old provinces merged on 01/07/2025:")
    for new_code in NEW_FIVE:
        names = ", ".join(f"{pre[c]['name']} ({c})" for c in old_of_new[new_code])
        report.say(f"  {province_name(post[new_code])} ({new_code}) ← {names}")

    # 2, 3. The post-2025 trees, as published.
    files["units_2025_five_provinces.json"] = dump_json([post[c] for c in sorted(NEW_FIVE)])
    files["units_2025_vietnam.json"] = dump_json(sorted(post_list, key=lambda p: p["code"]))

    # 4. Lineage.
    old_wards: dict[int, Old] = {}
    for pcode in all_old:
        for d in pre[pcode]["districts"]:
            for w in d["wards"]:
                old_wards[w["code"]] = Old(w["code"], w["name"], pcode, d["code"])
    lineage = Lineage(keys, old_wards, {c: post[c] for c in NEW_FIVE}, old_of_new)
    for new_code in NEW_FIVE:
        pkey = new_key_of[new_code]
        lineage.merges(new_code, converter["DICT_PROVINCE_WARD_NO_DIVIDED"][pkey])
        lineage.splits(new_code, converter["DICT_PROVINCE_WARD_DIVIDED"].get(pkey, {}))
    if lineage.problems:
        raise BuildError(
            "the conversion data does not fit the trees:\n  " + "\n  ".join(lineage.problems)
        )
    pairs, corrections, name_notes = lineage.pairs, lineage.corrections, lineage.name_notes

    new_ward_name = {w["code"]: w["name"] for c in NEW_FIVE for w in post[c]["wards"]}
    new_ward_province = {w["code"]: c for c in NEW_FIVE for w in post[c]["wards"]}
    rows: list[tuple[str, ...]] = []
    for new_code in NEW_FIVE:
        for old_code in old_of_new[new_code]:
            rows.append(
                (
                    pad(new_code, WIDTH_PROVINCE),
                    province_name(post[new_code]),
                    pad(old_code, WIDTH_PROVINCE),
                    pre[old_code]["name"],
                    EFFECTIVE_ON,
                    MERGE,
                )
            )
        for (ncode, ocode), kind in sorted(pairs.items()):
            if new_ward_province[ncode] != new_code:
                continue
            rows.append(
                (
                    pad(ncode, WIDTH_COMMUNE),
                    new_ward_name[ncode],
                    pad(ocode, WIDTH_COMMUNE),
                    old_wards[ocode].name,
                    EFFECTIVE_ON,
                    kind,
                )
            )
    files["units_lineage_2025_five_provinces.csv"] = dump_csv(LINEAGE_HEADER, rows)

    # Coverage.
    with_lineage = {n for n, _ in pairs}
    without = sorted(set(new_ward_name) - with_lineage)
    used_old = {o for _, o in pairs}
    unused_old = sorted(set(old_wards) - used_old)
    kinds = Counter(pairs.values())
    split_olds = {o for (_, o), k in pairs.items() if k == SPLIT}
    preds = defaultdict(list)
    for n, o in sorted(pairs):
        preds[n].append(o)

    report.say()
    report.say("Counts:")
    n_partner_d = sum(len(pre[c]["districts"]) for c in partners)
    n_partner_w = sum(len(d["wards"]) for c in partners for d in pre[c]["districts"])
    report.say(
        f"  units_2024_merged_partners.json: {len(partners)} provinces, {n_partner_d} districts, "
        f"{n_partner_w} wards ({len(partners) + n_partner_d + n_partner_w} units)"
    )
    n_new_w = sum(len(post[c]["wards"]) for c in NEW_FIVE)
    report.say(
        f"  units_2025_five_provinces.json: 5 provinces, {n_new_w} wards ({5 + n_new_w} units); "
        + ", ".join(f"{c}: {len(post[c]['wards'])}" for c in NEW_FIVE)
    )
    n_all_w = sum(len(p["wards"]) for p in post_list)
    report.say(
        f"  units_2025_vietnam.json: {len(post_list)} provinces, {n_all_w} wards "
        f"({len(post_list) + n_all_w} units)"
    )
    n_prov_rows = sum(len(v) for v in old_of_new.values())
    report.say(
        f"  units_lineage_2025_five_provinces.csv: {len(rows)} rows = {n_prov_rows} province "
        f"rows + {kinds[MERGE]} commune merge rows + {kinds[SPLIT]} commune split rows "
        f"({len(split_olds)} old wards divided)"
    )
    report.say(f"  agencies_66_daklak.csv: {len(AGENCIES_66)} departments and agencies")
    report.say()
    report.say(
        f"Coverage: {len(with_lineage)}/{len(new_ward_name)} new communes have predecessors; "
        f"{len(used_old)}/{len(old_wards)} old wards of the {len(all_old)} old provinces have "
        "successors."
    )
    for code in without:
        report.say(
            f"  no lineage: {code} {new_ward_name[code]} (the conversion data names no old ward)"
        )
    known_old = set(keys.old_ward.values())
    for code in unused_old:
        w = old_wards[code]
        why = (
            "not in vietnamadminunits' tree of 30/06/2025 either: it had ceased before the "
            "reform, the 0.6.0 tree still lists it"
            if code not in known_old
            else "in vietnamadminunits' tree of 30/06/2025, but its conversion data omits it"
        )
        report.say(
            f"  no successor: {code} {w.name} (province {w.province}, district {w.district}): {why}"
        )
    report.say()
    report.say(
        f"New ward codes of the parser data corrected from the official 2025 tree by name "
        f"({len(corrections)}):"
    )
    for _, text in sorted(corrections.items()):
        report.say(f"  {text}")
    report.say(f"Old wards spelt differently in the conversion keys and 0.6.0 ({len(name_notes)}):")
    for note in sorted(set(name_notes)):
        report.say(f"  {note}")
    report.say()
    report.say("Seed facts, old Huyện Cư M'gar (648):")
    for code in (24280, 24274, 24259):
        w = old_wards.get(code)
        succ = sorted((n, k) for (n, o), k in pairs.items() if o == code)
        if w is None:
            report.say(f"  {code}: not in the 0.6.0 tree")
            continue
        names = "; ".join(f"{new_ward_name[n]} ({n}, {k})" for n, k in succ) or "none"
        report.say(f"  old {code} {w.name} → {names}")
    for code in (24280, 24259):
        if code in preds:
            names = ", ".join(f"{old_wards[o].name} ({o})" for o in preds[code])
            report.say(f"  new {code} {new_ward_name[code]} ← {names}")

    # 5. Agencies.
    if AGENCIES_PROVINCE not in post:
        raise BuildError(f"province {AGENCIES_PROVINCE} is not in the 2025 tree")
    codes = [f"{AGENCIES_PROVINCE}-{abbr}" for abbr, _ in AGENCIES_66]
    if len(set(codes)) != len(codes):
        raise BuildError("two agencies share a code")
    files["agencies_66_daklak.csv"] = dump_csv(
        AGENCIES_HEADER,
        [
            (code, name, pad(AGENCIES_PROVINCE, WIDTH_PROVINCE), EFFECTIVE_ON)
            for code, (_, name) in zip(codes, AGENCIES_66, strict=True)
        ],
    )
    return files, report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pre2025", type=Path, required=True, help="0.6.0 nested-divisions.json")
    parser.add_argument(
        "--post2025", type=Path, required=True, help="2025.10.1 nested-divisions.json"
    )
    parser.add_argument(
        "--converter", type=Path, required=True, help="vietnamadminunits converter_2025.json"
    )
    parser.add_argument("--parser-legacy", type=Path, help="default: beside --converter")
    parser.add_argument("--parser-2025", type=Path, help="default: beside --converter")
    parser.add_argument("--out", type=Path, default=FIXTURES, help="default: fixtures/")
    parser.add_argument(
        "--check", action="store_true", help="write nothing; fail if fixtures/ is not up to date"
    )
    parser.add_argument("--quiet", action="store_true", help="print only problems")
    args = parser.parse_args(argv)
    here = args.converter.parent
    try:
        files, report = build(
            args.pre2025,
            args.post2025,
            args.converter,
            args.parser_legacy or here / "parser_legacy.json",
            args.parser_2025 or here / "parser_from_2025.json",
            FIXTURES / FIVE_2024,
        )
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if not args.quiet:
        print("\n".join(report.lines))
    if args.check:
        stale = [
            name
            for name, text in sorted(files.items())
            if not (FIXTURES / name).exists()
            or (FIXTURES / name).read_text(encoding="utf-8") != text
        ]
        for name in stale:
            print(f"out of date: fixtures/{name}", file=sys.stderr)
        return 1 if stale else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in sorted(files.items()):
        (args.out / name).write_text(text, encoding="utf-8", newline="\n")
    if not args.quiet:
        print(f"\nwrote {len(files)} files to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
