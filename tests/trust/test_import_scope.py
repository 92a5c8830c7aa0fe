"""A dossier import is its importer's: it names only units they see and rewrites only dossiers
of those units (issue 13, the cross-province rewrite).

The Đắk Lắk inspector uploads a file naming Lai Châu's units and Lai Châu's dossier codes: the
file is refused whole, nothing changes, a foreign unit code reads exactly as an unknown one and
no message names the other province or its unit. On the SQL path (PostgreSQL) and the Python one.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from procedures.choices import DossierImportStatus, DossierStatus
from procedures.models import Dossier, DossierImport
from procedures.services import DOSSIER_COLUMNS, ImportRejected, dossiers_import_file
from tests.procedures.factories import DossierFactory, ProcedureFactory, at

pytestmark = pytest.mark.django_db

ROW = {
    "ma_ho_so": "DL-NEW",
    "ma_tthc": "1.000894",
    "ma_don_vi": "24280",
    "kenh": "Trực tuyến",
    "ngay_tiep_nhan": "02/01/2024 08:15",
    "ngay_hen_tra": "05/01/2024",
    "ngay_ket_thuc": "",
    "ngay_tra_ket_qua": "",
    "trang_thai": "Đang xử lý",
    "so_hoa_ho_so": "",
    "so_hoa_ket_qua": "",
    "thanh_toan_truc_tuyen": "",
}
FOREIGN = "Mã hồ sơ «{}» đã là mã của một hồ sơ ngoài phạm vi đơn vị của bạn; không nhập được."
# What the other province is called anywhere: none of it may reach the importer.
LAICHAU_WORDS = ["Lai Châu", "Nậm Nhùn", "112", "ngoài tỉnh"]


@pytest.fixture(params=["as configured", "row by row"])
def import_path(request, monkeypatch):
    if request.param == "row by row":
        monkeypatch.setattr("procedures.services._validates_in_sql", lambda: False)
    return request.param


@pytest.fixture
def lai_chau_dossiers(personas):
    """Two Nậm Nhùn dossiers and one of Cư M'gar, as they stand before any upload."""
    procedure = ProcedureFactory(code="1.000894")
    DossierFactory(code="LC-1", unit=personas.namnhun, procedure=procedure)
    DossierFactory(code="LC-2", unit=personas.namnhun, procedure=procedure)
    DossierFactory(code="DL-1", unit=personas.cumgar, procedure=procedure)
    return personas


def write(tmp_path, rows) -> str:
    path = tmp_path / "mot-cua.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=DOSSIER_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return str(path)


def snapshot() -> dict[str, tuple]:
    return {
        d.code: (d.unit_id, d.status, d.channel, d.received_at, d.due_at)
        for d in Dossier.objects.order_by("code")
    }


def refused(path, user, *, dry_run=False):
    with pytest.raises(ImportRejected) as caught:
        dossiers_import_file(path=path, user=user, dry_run=dry_run)
    return caught.value.result


def test_lai_chau_dossier_codes_refused_whole_nothing_changed(
    lai_chau_dossiers, tmp_path, import_path
):
    p = lai_chau_dossiers
    before = snapshot()
    rows = [
        {**ROW, "ma_ho_so": "LC-1"},  # would move a Nậm Nhùn dossier into Ea KPam
        {**ROW, "ma_ho_so": "DL-NEW"},  # a good new row
        {**ROW, "ma_ho_so": "LC-2", "ma_don_vi": "648", "trang_thai": "Rút hồ sơ"},
        {**ROW, "ma_ho_so": "DL-1", "ma_don_vi": "648"},  # Đắk Lắk's own: fine
    ]
    result = refused(write(tmp_path, rows), p.inspector)
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (2, "ma_ho_so", FOREIGN.format("LC-1")),
        (4, "ma_ho_so", FOREIGN.format("LC-2")),
    ]
    assert (result.error_count, result.rejected) == (2, 2)
    assert snapshot() == before
    assert not Dossier.objects.filter(code="DL-NEW").exists()


def test_the_preview_counts_no_update_of_a_foreign_dossier(
    lai_chau_dossiers, tmp_path, import_path
):
    rows = [{**ROW, "ma_ho_so": code} for code in ("LC-1", "LC-2", "DL-1", "DL-NEW")]
    result = refused(write(tmp_path, rows), lai_chau_dossiers.inspector, dry_run=True)
    # Only Đắk Lắk's own dossier counts as an update; the foreign codes are just refused rows.
    assert (result.created, result.updated, result.rejected) == (1, 1, 2)
    only_foreign = refused(write(tmp_path, rows[:2]), lai_chau_dossiers.inspector, dry_run=True)
    assert (only_foreign.created, only_foreign.updated) == (0, 0)


def test_a_lai_chau_unit_code_reads_as_an_unknown_one(lai_chau_dossiers, tmp_path, import_path):
    p = lai_chau_dossiers
    before = snapshot()
    rows = [
        {**ROW, "ma_ho_so": "DL-A", "ma_don_vi": "112"},  # Huyện Nậm Nhùn: exists, elsewhere
        {**ROW, "ma_ho_so": "DL-B", "ma_don_vi": "113"},  # exists nowhere
        {**ROW, "ma_ho_so": "DL-C", "ma_don_vi": "12"},  # Tỉnh Lai Châu
    ]
    result = refused(write(tmp_path, rows), p.inspector)
    assert [(e.row, e.column, e.reason) for e in result.errors] == [
        (2, "ma_don_vi", "Không có đơn vị mã 112 có hiệu lực ngày 02/01/2024."),
        (3, "ma_don_vi", "Không có đơn vị mã 113 có hiệu lực ngày 02/01/2024."),
        (4, "ma_don_vi", "Không có đơn vị mã 12 có hiệu lực ngày 02/01/2024."),
    ]
    assert snapshot() == before


def test_no_message_names_the_other_province(lai_chau_dossiers, tmp_path, import_path):
    rows = [
        {**ROW, "ma_ho_so": "LC-1", "ma_don_vi": "112"},
        {**ROW, "ma_ho_so": "LC-2", "ma_don_vi": "12", "kenh": "Fax"},
    ]
    result = refused(write(tmp_path, rows), lai_chau_dossiers.inspector)
    text = " ".join(e.reason for e in result.errors if e.column != "ma_don_vi")
    assert result.error_count == 5
    assert not [word for word in LAICHAU_WORDS if word in text]


def test_inside_the_scope_the_same_rows_go_through(lai_chau_dossiers, tmp_path, import_path):
    """The control: Lai Châu's own admin (and the system) may rewrite Lai Châu's dossiers."""
    p = lai_chau_dossiers
    rows = [{**ROW, "ma_ho_so": "LC-1", "ma_don_vi": "112", "trang_thai": "Tạm dừng"}]
    result = dossiers_import_file(path=write(tmp_path, rows), user=p.laichau_admin)
    assert (result.created, result.updated) == (0, 1)
    assert Dossier.objects.get(code="LC-1").status == DossierStatus.SUSPENDED
    moved = [{**ROW, "ma_ho_so": "LC-2"}]  # the system sees every unit
    assert dossiers_import_file(path=write(tmp_path, moved)).updated == 1
    assert Dossier.objects.get(code="LC-2").unit == p.eakpam


def test_unit_staff_import_only_within_their_unit(lai_chau_dossiers, tmp_path, import_path):
    p = lai_chau_dossiers
    rows = [{**ROW, "ma_ho_so": "DL-1", "ma_don_vi": "24259"}]  # Quảng Phú, under Cư M'gar
    assert dossiers_import_file(path=write(tmp_path, rows), user=p.cumgar_staff).updated == 1
    # Ea KPam's staff see neither Quảng Phú nor Cư M'gar's dossier DL-1 (now at Quảng Phú).
    result = refused(write(tmp_path, rows), p.eakpam_staff)
    assert [(e.column, e.reason) for e in result.errors] == [
        ("ma_ho_so", FOREIGN.format("DL-1")),
        ("ma_don_vi", "Không có đơn vị mã 24259 có hiệu lực ngày 02/01/2024."),
    ]
    assert Dossier.objects.get(code="DL-1").unit == p.quangphu


def test_the_command_as_the_inspector(lai_chau_dossiers, tmp_path, import_path):
    before = snapshot()
    path = write(tmp_path, [{**ROW, "ma_ho_so": "LC-1"}])
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 lỗi"):
        call_command("import_dossiers", path, "--as", "insp66", stdout=io.StringIO(), stderr=err)
    assert f"Dòng 2, cột ma_ho_so: {FOREIGN.format('LC-1')}" in err.getvalue()
    assert snapshot() == before
    with pytest.raises(CommandError, match="Không có người dùng «nobody»"):
        call_command("import_dossiers", path, "--as", "nobody", stdout=io.StringIO())


def test_the_upload_page_refuses_and_says_no_update(
    lai_chau_dossiers, client_for, tmp_path, import_path
):
    before = snapshot()
    client = client_for(lai_chau_dossiers.inspector)
    rows = [{**ROW, "ma_ho_so": code} for code in ("LC-1", "LC-2")]
    with open(write(tmp_path, rows), "rb") as fh:
        upload = SimpleUploadedFile("export.csv", fh.read(), content_type="text/csv")
    assert client.post(reverse("procedures:import_new"), {"file": upload}).status_code == 302
    record = DossierImport.objects.get()
    assert record.status == DossierImportStatus.REJECTED
    assert (record.created_count, record.updated_count, record.rejected_count) == (0, 0, 2)
    page = client.get(reverse("procedures:import_detail", args=[record.pk])).content.decode()
    assert '<td class="updated">0</td>' in page
    assert "Xác nhận nhập" not in page
    assert not [word for word in LAICHAU_WORDS if word in page]
    assert snapshot() == before


def test_a_foreign_dossier_appearing_after_the_preview_is_refused_at_confirm(
    lai_chau_dossiers, client_for, tmp_path, import_path
):
    """The check is made again when the import runs, not only in the preview."""
    p = lai_chau_dossiers
    client = client_for(p.inspector)
    with open(write(tmp_path, [{**ROW, "ma_ho_so": "LATE-1"}]), "rb") as fh:
        upload = SimpleUploadedFile("export.csv", fh.read(), content_type="text/csv")
    client.post(reverse("procedures:import_new"), {"file": upload})
    record = DossierImport.objects.get()
    assert record.status == DossierImportStatus.PREVIEWED
    DossierFactory(code="LATE-1", unit=p.namnhun, received_at=at(2024, 1, 3))
    client.post(reverse("procedures:import_confirm", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == DossierImportStatus.REJECTED
    assert Dossier.objects.get(code="LATE-1").unit == p.namnhun
