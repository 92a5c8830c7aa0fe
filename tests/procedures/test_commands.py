import csv
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from procedures.models import Dossier
from tests.documents.readers import assert_ready
from tests.procedures.factories import DossierFactory, ProcedureFactory, at
from tests.procedures.test_services import GOOD, write_csv

pytestmark = pytest.mark.django_db


def test_import_dossiers_command_and_dry_run(personas, tmp_path):
    ProcedureFactory(code="1.000894")
    path = write_csv(tmp_path, [GOOD])
    out = io.StringIO()
    call_command("import_dossiers", str(path), "--dry-run", stdout=out, stderr=io.StringIO())
    assert "Sẽ tạo mới 1" in out.getvalue()
    assert not Dossier.objects.exists()
    call_command("import_dossiers", str(path), stdout=out, stderr=io.StringIO())
    assert Dossier.objects.count() == 1


def test_import_dossiers_command_fails_with_the_error_list(personas, tmp_path):
    ProcedureFactory(code="1.000894")
    path = write_csv(tmp_path, [GOOD, {**GOOD, "ma_ho_so": "2", "ma_don_vi": "77777"}])
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 lỗi"):
        call_command("import_dossiers", str(path), stdout=io.StringIO(), stderr=err)
    expected = "Dòng 3, cột ma_don_vi: Không có đơn vị mã 77777 có hiệu lực ngày 02/01/2024."
    assert expected in err.getvalue()
    assert not Dossier.objects.exists()


def test_dossier_stats_command_csv_and_xlsx(personas, tmp_path):
    DossierFactory(unit=personas.eakpam)
    DossierFactory(unit=personas.eakpam, finished_at=at(2024, 1, 20))
    out = io.StringIO()
    args = ["--unit", "648", "--from", "2024-01-01", "--to", "2024-01-31"]
    call_command("dossier_stats", *args, "--descendants", "--format", "csv", stdout=out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[1][0:4] == ["648", "Huyện Cư M'gar", "0", "2"]
    assert rows[1][rows[0].index("Tỷ lệ đúng hạn (%)")] == "50.00"
    out = io.StringIO()
    call_command("dossier_stats", *args, stdout=out)  # without descendants: the district's own
    assert "Tiếp nhận" in out.getvalue() and " 0\n" in out.getvalue()
    target = tmp_path / "s.xlsx"
    call_command("dossier_stats", *args, "--descendants", "--format", "xlsx", "-o", str(target))
    assert_ready(
        target.read_bytes(),
        first_header="Mã đơn vị",
        titles=4,
        status="Số liệu kỳ báo cáo đã kết thúc (đến hết ngày 31/01/2024)",
    )
    sheet = load_workbook(target).active
    values = [row for row in sheet.iter_rows(values_only=True) if row and row[0] == "648"]
    assert values[0][3] == 2


def test_dossier_stats_command_bad_input(personas):
    with pytest.raises(CommandError):
        call_command("dossier_stats", "--unit", "000", "--from", "2024-01-01", "--to", "2024-01-31")
    with pytest.raises(CommandError):
        call_command("dossier_stats", "--unit", "648", "--from", "01/01/2024", "--to", "2024-01-31")


def test_dossier_stats_command_by_child_and_by_level(personas):
    DossierFactory(unit=personas.cumgar)
    DossierFactory(unit=personas.eakpam, finished_at=at(2024, 1, 20))  # late
    DossierFactory(unit=personas.quangphu)
    args = ["--unit", "648", "--from", "2024-01-01", "--to", "2024-01-31", "--format", "csv"]
    out = io.StringIO()
    call_command("dossier_stats", *args, "--by", "child", stdout=out)
    header, *rows = list(csv.reader(io.StringIO(out.getvalue())))
    received = header.index("Tiếp nhận")
    by_code = {r[0]: r[received] for r in rows}
    assert rows[0][:2] == ["648", "Huyện Cư M'gar"]  # the district's own desk first
    assert by_code["648"] == "1"
    assert by_code[personas.eakpam.code] == "1" and by_code[personas.quangphu.code] == "1"
    assert len(rows) == 1 + personas.cumgar.children.count()
    out = io.StringIO()
    call_command("dossier_stats", *args, "--by", "level", stdout=out)
    header, *rows = list(csv.reader(io.StringIO(out.getvalue())))
    rate = header.index("Tỷ lệ đúng hạn (%)")
    communes = personas.cumgar.children.count()
    assert [(r[0], r[1], r[received], r[rate]) for r in rows] == [
        ("648", "Huyện Cư M'gar", "1", "100.00"),
        ("", f"Cấp xã ({communes} đơn vị)", "2", "50.00"),
    ]
    out = io.StringIO()  # the table: one column per row
    call_command("dossier_stats", *args[:-2], "--by", "level", stdout=out)
    line = next(x for x in out.getvalue().splitlines() if x.startswith("Tiếp nhận"))
    assert line.split()[-2:] == ["1", "2"]


def test_dossier_stats_command_refuses_an_unknown_breakdown(personas):
    with pytest.raises(CommandError):
        call_command(
            "dossier_stats", "--unit", "648", "--by", "district", "--from", "2024-01-01",
            "--to", "2024-01-31",
        )  # fmt: skip
