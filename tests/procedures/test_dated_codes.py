"""Unit codes in procedures name a unit only together with a day (codes were reused on
01/07/2025): dossier imports on both paths, `dossier_stats --unit`, `import_procedures`."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

import pytest
from django.core.management import CommandError, call_command

from procedures.models import Dossier, Procedure
from procedures.services import ImportRejected, dossiers_import_file, procedures_import_file
from tests.factories import UnitFactory
from tests.procedures.factories import DossierFactory, ProcedureFactory, at
from tests.procedures.test_services import GOOD, write_csv
from units.choices import Level
from units.models import AdministrativeUnit

pytestmark = pytest.mark.django_db

OLD_UNTIL = dt.date(2025, 6, 30)
NEW_FROM = dt.date(2025, 7, 1)


@dataclass
class TwoTrees:
    old_daklak: AdministrativeUnit
    old_cumgar: AdministrativeUnit
    eakpam: AdministrativeUnit  # 24280 until 30/06/2025
    new_daklak: AdministrativeUnit
    new_cumgar: AdministrativeUnit  # 24280 from 01/07/2025


@pytest.fixture
def trees(db) -> TwoTrees:
    """The old and the new tree of Đắk Lắk as far as code 24280 goes, and the procedure."""
    ProcedureFactory(code="1.000894")
    old = {"valid_until": OLD_UNTIL}
    new = {"valid_from": NEW_FROM}
    old_daklak = UnitFactory(code="66", name="Tỉnh Đắk Lắk (cũ)", level=Level.PROVINCE, **old)
    old_cumgar = UnitFactory(
        code="648", name="Huyện Cư M'gar", level=Level.DISTRICT, parent=old_daklak, **old
    )
    eakpam = UnitFactory(
        code="24280", name="Xã Ea KPam", level=Level.COMMUNE, parent=old_cumgar, **old
    )
    new_daklak = UnitFactory(code="66", name="Tỉnh Đắk Lắk", level=Level.PROVINCE, **new)
    new_cumgar = UnitFactory(
        code="24280", name="Xã Cư M'gar", level=Level.COMMUNE, parent=new_daklak, **new
    )
    return TwoTrees(old_daklak, old_cumgar, eakpam, new_daklak, new_cumgar)


def row(code: str, unit: str, received: str) -> dict[str, str]:
    """A dossier row received on `received` by `unit`, not finished yet."""
    blank = {"ngay_hen_tra": "", "ngay_ket_thuc": "", "trang_thai": "Đang xử lý"}
    return {**GOOD, **blank, "ma_ho_so": code, "ma_don_vi": unit, "ngay_tiep_nhan": received}


def rejected_errors(path) -> list[tuple[int, str, str]]:
    with pytest.raises(ImportRejected) as caught:
        dossiers_import_file(path=path)
    return [(e.row, e.column, e.reason) for e in caught.value.result.errors]


# --- Dossier imports, on the SQL path (PostgreSQL) and the Python one -----------------------


def test_a_reused_code_lands_on_the_unit_of_the_received_day(trees, tmp_path, import_path):
    rows = [
        row("R-2024", "24280", "02/01/2024 08:15"),
        row("R-LAST", "24280", "30/06/2025 16:59"),
        row("R-FIRST", "24280", "2025-07-01 06:15"),  # 30/06 23:15 UTC
        {**row("R-2026", "24280", "05/03/2026 08:15"), "ngay_ket_thuc": "06/03/2026 10:00"},
    ]
    result = dossiers_import_file(path=write_csv(tmp_path, rows))
    assert result.created == 4
    units = dict(Dossier.objects.values_list("code", "unit__name"))
    assert units == {
        "R-2024": "Xã Ea KPam",
        "R-LAST": "Xã Ea KPam",
        "R-FIRST": "Xã Cư M'gar",
        "R-2026": "Xã Cư M'gar",
    }


def test_reimporting_a_dossier_with_a_later_day_moves_it_to_the_new_unit(
    trees, tmp_path, import_path
):
    dossiers_import_file(path=write_csv(tmp_path, [GOOD]))
    assert Dossier.objects.get().unit == trees.eakpam
    corrected = {
        **GOOD,
        "ngay_tiep_nhan": "02/01/2026 08:15",
        "ngay_hen_tra": "05/01/2026",
        "ngay_ket_thuc": "03/01/2026 10:00",
    }
    assert dossiers_import_file(path=write_csv(tmp_path, [corrected])).updated == 1
    assert Dossier.objects.get().unit == trees.new_cumgar


def test_a_code_valid_on_neither_day_is_unknown(trees, tmp_path, import_path):
    UnitFactory(code="24283", name="Xã Ea Tar", level=Level.COMMUNE, valid_until=OLD_UNTIL)
    UnitFactory(code="24290", name="Xã Ea Kiết", level=Level.COMMUNE, valid_from=NEW_FROM)
    rows = [
        row("N-1", "24283", "01/07/2025"),
        row("N-2", "24290", "30/06/2025 08:00"),
        row("N-3", "24283", "30/06/2025 23:59"),  # fine: still the old commune
    ]
    assert rejected_errors(write_csv(tmp_path, rows)) == [
        (2, "ma_don_vi", "Không có đơn vị mã 24283 có hiệu lực ngày 01/07/2025."),
        (3, "ma_don_vi", "Không có đơn vị mã 24290 có hiệu lực ngày 30/06/2025."),
    ]
    assert not Dossier.objects.exists()


def test_two_candidates_on_the_day_are_an_error_naming_both(trees, tmp_path, import_path):
    UnitFactory(code="24300", name="Xã Ea Pốk", level=Level.COMMUNE, valid_from=dt.date(2020, 1, 1))
    UnitFactory(
        code="24300",
        name="Xã Quảng Tiến",
        level=Level.COMMUNE,
        valid_from=dt.date(2023, 1, 1),
        valid_until=dt.date(2024, 12, 31),
    )
    rows = [row("A-1", "24300", "02/01/2024"), row("A-2", "24300", "02/01/2026")]
    errors = rejected_errors(write_csv(tmp_path, rows))
    first = "Xã Ea Pốk (24300, từ 01/01/2020)"
    second = "Xã Quảng Tiến (24300, 01/01/2023–31/12/2024)"
    # Only 2024 has two candidates (the one named first by the resolver is not specified).
    assert [(row, column) for row, column, _reason in errors] == [(2, "ma_don_vi")]
    assert errors[0][2] in {
        f"Mã 24300 ứng với nhiều đơn vị có hiệu lực ngày 02/01/2024: {a}; {b}."
        for a, b in ((first, second), (second, first))
    }
    assert not Dossier.objects.exists()


def test_leading_zeros_and_exact_codes_on_a_day(trees, tmp_path, import_path):
    UnitFactory(code="03386", name="Xã Lào Cai A", level=Level.COMMUNE)
    rows = [
        {**GOOD, "ma_ho_so": "Z-1", "ma_don_vi": "3386"},
        {**GOOD, "ma_ho_so": "Z-2", "ma_don_vi": "024280"},  # zero-padded 24280, 2024: old
        row("Z-3", " 024280 ", "02/01/2026"),
    ]
    dossiers_import_file(path=write_csv(tmp_path, rows))
    assert Dossier.objects.get(code="Z-1").unit.name == "Xã Lào Cai A"
    assert Dossier.objects.get(code="Z-2").unit == trees.eakpam
    assert Dossier.objects.get(code="Z-3").unit == trees.new_cumgar


def test_a_bad_received_date_is_its_own_error_not_the_units(trees, tmp_path, import_path):
    rows = [{**GOOD, "ngay_tiep_nhan": "31/02/2024"}]
    assert rejected_errors(write_csv(tmp_path, rows)) == [
        (
            2,
            "ngay_tiep_nhan",
            "Không đọc được ngày giờ «31/02/2024» (dùng dd/mm/yyyy [hh:mm[:ss]] hoặc yyyy-mm-dd).",
        ),
    ]


# --- dossier_stats --unit: the unit as it stands at the end of the period -------------------


def stats_csv(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("dossier_stats", *args, "--format", "csv", stdout=out)
    return list(csv.reader(io.StringIO(out.getvalue())))[1]


def test_dossier_stats_unit_by_the_period(trees):
    DossierFactory(unit=trees.eakpam, received_at=at(2018, 3, 1), finished_at=at(2018, 3, 2))
    DossierFactory(unit=trees.new_cumgar, received_at=at(2026, 3, 1), finished_at=None)
    DossierFactory(unit=trees.new_cumgar, received_at=at(2026, 3, 2), finished_at=None)
    old = stats_csv("--unit", "24280", "--from", "2018-01-01", "--to", "2019-06-30")
    assert old[:4] == ["24280", "Xã Ea KPam", "0", "1"]
    new = stats_csv("--unit", "24280", "--from", "2025-07-01", "--to", "2026-11-30")
    assert new[:4] == ["24280", "Xã Cư M'gar", "0", "2"]
    # A period across the merger: the unit holding the code at its end.
    across = stats_csv("--unit", "24280", "--from", "2025-01-01", "--to", "2026-12-31")
    assert across[1] == "Xã Cư M'gar"
    # A district dissolved within the period: no unit at its end, the one of its first day.
    dissolved = stats_csv(
        "--unit", "648", "--descendants", "--from", "2018-01-01", "--to", "2025-12-31"
    )
    assert dissolved[:4] == ["648", "Huyện Cư M'gar", "0", "1"]


def test_dossier_stats_bad_or_ambiguous_unit_codes(trees):
    with pytest.raises(
        CommandError, match=r"^Không có đơn vị mã 648 có hiệu lực ngày 31/12/2026\.$"
    ):
        stats_csv("--unit", "648", "--from", "2026-01-01", "--to", "2026-12-31")
    UnitFactory(code="24300", name="Xã A", level=Level.COMMUNE, valid_from=dt.date(2020, 1, 1))
    UnitFactory(code="24300", name="Xã B", level=Level.COMMUNE, valid_from=dt.date(2021, 1, 1))
    with pytest.raises(
        CommandError, match=r"^Mã 24300 ứng với nhiều đơn vị có hiệu lực ngày 31/12/2022: "
    ):
        stats_csv("--unit", "24300", "--from", "2022-01-01", "--to", "2022-12-31")


# --- import_procedures: province codes on the import day ------------------------------------


def test_procedure_province_codes_resolve_on_the_import_day(trees, tmp_path, monkeypatch):
    path = tmp_path / "c.csv"
    path.write_text(
        "ma_tthc,ten_tthc,ma_linh_vuc,cap_thuc_hien,ma_tinh\n"
        "1.1.H66,A,TP,xã,66\n"
        "1.2.H54,B,TP,xã,54\n",
        encoding="utf-8",
    )
    UnitFactory(code="54", name="Tỉnh Phú Yên", level=Level.PROVINCE, valid_until=OLD_UNTIL)
    monkeypatch.setattr("procedures.services.timezone.localdate", lambda: dt.date(2026, 12, 1))
    with pytest.raises(ImportRejected) as caught:
        procedures_import_file(path=path)
    assert [(e.row, e.column, e.reason) for e in caught.value.result.errors] == [
        (3, "ma_tinh", "Không có đơn vị mã 54 có hiệu lực ngày 01/12/2026.")
    ]
    path.write_text(path.read_text().splitlines()[0] + "\n1.1.H66,A,TP,xã,066\n", encoding="utf-8")
    procedures_import_file(path=path)
    assert Procedure.objects.get(code="1.1.H66").province == trees.new_daklak
    monkeypatch.setattr("procedures.services.timezone.localdate", lambda: dt.date(2024, 5, 1))
    procedures_import_file(path=path)
    assert Procedure.objects.get(code="1.1.H66").province == trees.old_daklak
