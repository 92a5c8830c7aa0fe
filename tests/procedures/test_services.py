import csv
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import Workbook

from procedures.choices import Channel, DossierStatus
from procedures.models import Dossier, Procedure
from procedures.services import (
    DOSSIER_COLUMNS,
    ERR_BAD_BOOLEAN,
    ERR_BAD_DATE,
    ERR_DUE_BEFORE_RECEIVED,
    ERR_DUPLICATE_CODE,
    ERR_FINISHED_BEFORE_RECEIVED,
    ERR_MISSING_COLUMN,
    ERR_REQUIRED,
    ERR_UNKNOWN_CHANNEL,
    ERR_UNKNOWN_PROCEDURE,
    ERR_UNKNOWN_STATUS,
    MAX_ERRORS,
    ImportRejected,
    ImportResult,
    dossiers_import_file,
    procedures_import_file,
)
from tests.procedures.factories import ProcedureFactory, at
from units.resolver import ERR_UNKNOWN_CODE

pytestmark = pytest.mark.django_db

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
GOOD = {
    "ma_ho_so": "HS-0001",
    "ma_tthc": "1.000894",
    "ma_don_vi": "24280",
    "kenh": "Trực tiếp",
    "ngay_tiep_nhan": "02/01/2024 08:15",
    "ngay_hen_tra": "05/01/2024",
    "ngay_ket_thuc": "03/01/2024 10:00",
    "ngay_tra_ket_qua": "",
    "trang_thai": "Đã giải quyết",
    "so_hoa_ho_so": "có",
    "so_hoa_ket_qua": "0",
    "thanh_toan_truc_tuyen": "",
}


def unknown_code(code: str, day: str) -> str:
    return ERR_UNKNOWN_CODE % {"code": code, "day": day}


@pytest.fixture
def catalogue(personas):
    ProcedureFactory(code="1.000894")
    return personas


def write_csv(tmp_path, rows, columns=DOSSIER_COLUMNS) -> Path:
    path = tmp_path / "export.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_import_creates_dossiers(catalogue, tmp_path):
    result = dossiers_import_file(path=write_csv(tmp_path, [GOOD]))
    assert (result.created, result.updated, result.total_rows) == (1, 0, 1)
    dossier = Dossier.objects.get(code="HS-0001")
    assert dossier.unit == catalogue.eakpam
    assert dossier.channel == Channel.IN_PERSON
    assert dossier.status == DossierStatus.FINISHED
    assert dossier.received_at == at(2024, 1, 2, 8, 15)
    assert dossier.due_at == at(2024, 1, 5, 23, 59, 59)  # a due date means the end of that day
    assert dossier.digitised_dossier and not dossier.digitised_result and not dossier.paid_online


def test_reimport_updates_and_never_duplicates(catalogue, tmp_path):
    dossiers_import_file(path=write_csv(tmp_path, [GOOD]))
    changed = {**GOOD, "trang_thai": "Đã trả kết quả", "ngay_tra_ket_qua": "04/01/2024"}
    second = {**GOOD, "ma_ho_so": "HS-0002"}
    result = dossiers_import_file(path=write_csv(tmp_path, [changed, second]))
    assert (result.created, result.updated) == (1, 1)
    assert Dossier.objects.count() == 2
    assert Dossier.objects.get(code="HS-0001").status == DossierStatus.RETURNED


def test_dry_run_reports_and_writes_nothing(catalogue, tmp_path):
    dossiers_import_file(path=write_csv(tmp_path, [GOOD]))
    rows = [{**GOOD, "kenh": "online"}, {**GOOD, "ma_ho_so": "HS-0002"}]
    result = dossiers_import_file(path=write_csv(tmp_path, rows), dry_run=True)
    assert (result.created, result.updated, result.dry_run) == (1, 1, True)
    assert Dossier.objects.count() == 1
    assert Dossier.objects.get().channel == Channel.IN_PERSON


@pytest.mark.parametrize(
    ("change", "column", "message"),
    [
        ({"ma_don_vi": "99999"}, "ma_don_vi", unknown_code("99999", "02/01/2024")),
        ({"ma_tthc": "9.999999"}, "ma_tthc", ERR_UNKNOWN_PROCEDURE.format(value="9.999999")),
        (
            {"ngay_tiep_nhan": "31/02/2024"},
            "ngay_tiep_nhan",
            ERR_BAD_DATE.format(value="31/02/2024"),
        ),
        ({"ngay_hen_tra": "01/01/2024"}, "ngay_hen_tra", ERR_DUE_BEFORE_RECEIVED),
        ({"trang_thai": "Lạ"}, "trang_thai", ERR_UNKNOWN_STATUS.format(value="Lạ")),
        ({"kenh": "Fax"}, "kenh", ERR_UNKNOWN_CHANNEL.format(value="Fax")),
        ({"so_hoa_ho_so": "maybe"}, "so_hoa_ho_so", ERR_BAD_BOOLEAN.format(value="maybe")),
    ],
)
def test_bad_row_rejects_the_whole_file(catalogue, tmp_path, change, column, message):
    rows = [{**GOOD, "ma_ho_so": "OK-1"}, {**GOOD, **change}]
    with pytest.raises(ImportRejected) as caught:
        dossiers_import_file(path=write_csv(tmp_path, rows))
    result = caught.value.result
    assert result.error_count == 1
    assert (result.errors[0].row, result.errors[0].column, result.errors[0].reason) == (
        3,
        column,
        message,
    )
    assert Dossier.objects.count() == 0  # the good row is not saved either


def test_missing_column(catalogue, tmp_path):
    columns = [c for c in DOSSIER_COLUMNS if c != "ma_don_vi"]
    with pytest.raises(ImportRejected) as caught:
        dossiers_import_file(path=write_csv(tmp_path, [GOOD], columns))
    error = caught.value.result.errors[0]
    assert (error.row, error.column, error.reason) == (None, "ma_don_vi", ERR_MISSING_COLUMN)


def test_duplicate_code_in_the_file(catalogue, tmp_path):
    with pytest.raises(ImportRejected) as caught:
        dossiers_import_file(path=write_csv(tmp_path, [GOOD, GOOD]))
    assert caught.value.result.errors[0].reason == ERR_DUPLICATE_CODE.format(
        value="HS-0001", first=2
    )


def test_errors_after_a_written_batch_roll_everything_back(catalogue, tmp_path, monkeypatch):
    monkeypatch.setattr("procedures.services.BATCH_SIZE", 2)
    rows = [{**GOOD, "ma_ho_so": f"B-{i}"} for i in range(5)] + [{**GOOD, "kenh": "Fax"}]
    with pytest.raises(ImportRejected):
        dossiers_import_file(path=write_csv(tmp_path, rows))
    assert Dossier.objects.count() == 0


def test_only_the_first_errors_are_kept_but_all_are_counted(catalogue, tmp_path):
    rows = [{**GOOD, "ma_ho_so": f"E-{i}", "kenh": "Fax"} for i in range(MAX_ERRORS + 20)]
    with pytest.raises(ImportRejected) as caught:
        dossiers_import_file(path=write_csv(tmp_path, rows))
    result = caught.value.result
    assert (len(result.errors), result.error_count, result.rejected) == (
        MAX_ERRORS,
        MAX_ERRORS + 20,
        MAX_ERRORS + 20,
    )


def test_xlsx_import_with_real_dates(catalogue, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(DOSSIER_COLUMNS)
    sheet.append(
        [
            "X-1",
            "1.000894",
            24280,
            "Trực tuyến",
            at(2024, 1, 2, 8).replace(tzinfo=None),
            at(2024, 1, 5, 17).replace(tzinfo=None),
            None,
            None,
            "Đang xử lý",
            1,
            0,
            True,
        ]
    )
    path = tmp_path / "export.xlsx"
    workbook.save(path)
    result = dossiers_import_file(path=path)
    assert result.created == 1
    dossier = Dossier.objects.get(code="X-1")
    assert (dossier.received_at, dossier.channel, dossier.paid_online) == (
        at(2024, 1, 2, 8),
        Channel.ONLINE,
        True,
    )


def test_sample_files_import(personas):
    result = procedures_import_file(path=FIXTURES / "procedures_catalogue_sample.csv")
    assert result.created == 4
    assert Procedure.objects.get(code="1.012753.H19").province == personas.daklak
    result = dossiers_import_file(path=FIXTURES / "procedures_dossiers_sample.csv")
    assert result.created == 4
    assert Dossier.objects.filter(unit=personas.eakpam).count() == 2
    again = procedures_import_file(path=FIXTURES / "procedures_catalogue_sample.csv")
    assert (again.created, again.updated) == (0, 4)


def test_procedure_import_rejects_bad_rows(personas, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(
        "ma_tthc,ten_tthc,ma_linh_vuc,cap_thuc_hien,muc_do\n1.1,A,TP,huyện,2\n1.2,B,TP,vũ trụ,9\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportRejected) as caught:
        procedures_import_file(path=path)
    assert [(e.row, e.column) for e in caught.value.result.errors] == [
        (3, "cap_thuc_hien"),
        (3, "muc_do"),
    ]
    assert not Procedure.objects.exists()


def test_duplicate_code_across_batches(catalogue, tmp_path, monkeypatch):
    monkeypatch.setattr("procedures.services.BATCH_SIZE", 2)
    rows = [{**GOOD, "ma_ho_so": f"B-{i}"} for i in range(5)] + [{**GOOD, "ma_ho_so": "B-1"}]
    with pytest.raises(ImportRejected) as caught:
        dossiers_import_file(path=write_csv(tmp_path, rows))
    result = caught.value.result
    assert [(e.row, e.reason) for e in result.errors] == [
        (7, ERR_DUPLICATE_CODE.format(value="B-1", first=3))
    ]
    assert Dossier.objects.count() == 0
    # The next import in the same session starts with a clean slate.
    assert dossiers_import_file(path=write_csv(tmp_path, rows[:5])).created == 5


# --- The set-based import (PostgreSQL) and the row-by-row one (SQLite) report alike ----------

BAD_ROWS = [
    {**GOOD, "ma_ho_so": "A-1"},  # row 2: good
    {**GOOD, "ma_ho_so": "", "ma_don_vi": "99999"},  # 3: two errors, in column order
    {**GOOD, "ma_ho_so": "A-3", "ma_tthc": " 9.9 ", "kenh": "Fax"},
    {**GOOD, "ma_ho_so": "A-4", "ngay_tiep_nhan": "", "ngay_ket_thuc": "02/01/2024 25:00"},
    {**GOOD, "ma_ho_so": "A-5", "ngay_hen_tra": "01/01/2024", "so_hoa_ket_qua": "maybe"},
    {**GOOD, "ma_ho_so": "A-6", "ngay_ket_thuc": "01/01/2024 08:00", "trang_thai": "Lạ"},
    {**GOOD, "ma_ho_so": "A-1"},  # 8: repeats row 2
    {**GOOD, "ma_ho_so": "A-8", "ngay_tra_ket_qua": "2024-01-02T08:00 09:00"},
    {**GOOD, "ma_ho_so": "A-9", "ngay_tiep_nhan": "2024-02-30"},
    {**GOOD, "ma_ho_so": "A-1"},  # 11: repeats row 2 again
]
BAD_ROWS_ERRORS = [
    (3, "ma_ho_so", ERR_REQUIRED),
    (3, "ma_don_vi", unknown_code("99999", "02/01/2024")),
    (4, "ma_tthc", ERR_UNKNOWN_PROCEDURE.format(value="9.9")),
    (4, "kenh", ERR_UNKNOWN_CHANNEL.format(value="Fax")),
    (5, "ngay_tiep_nhan", ERR_REQUIRED),
    (5, "ngay_ket_thuc", ERR_BAD_DATE.format(value="02/01/2024 25:00")),
    (6, "ngay_hen_tra", ERR_DUE_BEFORE_RECEIVED),
    (6, "so_hoa_ket_qua", ERR_BAD_BOOLEAN.format(value="maybe")),
    (7, "ngay_ket_thuc", ERR_FINISHED_BEFORE_RECEIVED),
    (7, "trang_thai", ERR_UNKNOWN_STATUS.format(value="Lạ")),
    (8, "ma_ho_so", ERR_DUPLICATE_CODE.format(value="A-1", first=2)),
    (9, "ngay_tra_ket_qua", ERR_BAD_DATE.format(value="2024-01-02T08:00 09:00")),
    (10, "ngay_tiep_nhan", ERR_BAD_DATE.format(value="2024-02-30")),
    (11, "ma_ho_so", ERR_DUPLICATE_CODE.format(value="A-1", first=2)),
]


def rejected(path) -> ImportResult:
    with pytest.raises(ImportRejected) as caught:
        dossiers_import_file(path=path)
    return caught.value.result


def test_every_kind_of_bad_row_named_by_row_and_column(catalogue, tmp_path, import_path):
    result = rejected(write_csv(tmp_path, BAD_ROWS))
    assert [(e.row, e.column, e.reason) for e in result.errors] == BAD_ROWS_ERRORS
    assert (result.error_count, result.rejected, result.total_rows) == (14, 9, 10)
    assert (result.created, result.updated) == (1, 0)  # what the good rows would have done
    assert not Dossier.objects.exists()


def test_first_errors_kept_in_row_order_and_all_counted(catalogue, tmp_path, import_path):
    rows = [{**GOOD, "ma_ho_so": f"E-{i}", "kenh": "Fax", "ngay_hen_tra": "x"} for i in range(80)]
    result = rejected(write_csv(tmp_path, rows))
    assert (len(result.errors), result.error_count, result.rejected) == (MAX_ERRORS, 160, 80)
    assert [(e.row, e.column) for e in result.errors[:3]] == [
        (2, "kenh"),
        (2, "ngay_hen_tra"),
        (3, "kenh"),
    ]
    assert result.errors[-1].row == 51


def test_semicolons_bom_blank_and_ragged_rows(catalogue, tmp_path, import_path):
    path = tmp_path / "excel.csv"
    good = ";".join(GOOD[c] for c in DOSSIER_COLUMNS)
    path.write_bytes(
        (
            "\ufeff"
            + ";".join(DOSSIER_COLUMNS)
            + "\r\n"
            + good
            + "\r\n\r\n"
            + good.replace("HS-0001", "HS-0002").replace("24280", "  648 ")
            + ";extra\r\n"
            + ";;;;;;;;;;;\r\n"
            + good.replace("HS-0001", '"HS;3"')
            + "\r\n\r\n"
        ).encode()
    )
    result = dossiers_import_file(path=path)
    assert (result.total_rows, result.created) == (3, 3)
    assert Dossier.objects.get(code="HS;3").unit == catalogue.eakpam
    assert Dossier.objects.get(code="HS-0002").unit.code == "648"
    broken = tmp_path / "broken.csv"
    broken.write_bytes(path.read_bytes().replace(b"HS;3", b"HS-0004").replace(b"Tr\xe1", b"Tr\xff"))
    assert rejected(broken).errors[-1].reason == "Tệp CSV phải được mã hóa UTF-8."


def test_dates_as_the_one_stop_systems_write_them(catalogue, tmp_path, import_path):
    rows = [
        {
            **GOOD,
            "ma_ho_so": "D-1",
            "ngay_tiep_nhan": "2/1/2024",
            "ngay_hen_tra": "2024-01-05 17:30",
        },
        {**GOOD, "ma_ho_so": "D-2", "ngay_tiep_nhan": "2024-01-02T08:15:30.5", "ngay_ket_thuc": ""},
    ]
    dossiers_import_file(path=write_csv(tmp_path, rows))
    first, second = Dossier.objects.get(code="D-1"), Dossier.objects.get(code="D-2")
    assert (first.received_at, first.due_at) == (at(2024, 1, 2, 0), at(2024, 1, 5, 17, 30))
    assert second.received_at == at(2024, 1, 2, 8, 15, 30).replace(microsecond=500000)
    assert second.finished_at is None


def test_reimport_all_or_nothing_on_either_path(catalogue, tmp_path, import_path):
    dossiers_import_file(path=write_csv(tmp_path, [GOOD]))
    changed = {**GOOD, "trang_thai": "", "ngay_tra_ket_qua": "04/01/2024 10:00"}
    bad = {**GOOD, "ma_ho_so": "HS-9", "so_hoa_ho_so": "?"}
    rejected(write_csv(tmp_path, [changed, bad]))
    assert Dossier.objects.get().status == DossierStatus.FINISHED  # untouched
    result = dossiers_import_file(path=write_csv(tmp_path, [changed, {**bad, "so_hoa_ho_so": "2"}]))
    assert (result.created, result.updated) == (1, 1)
    assert Dossier.objects.get(code="HS-0001").status == DossierStatus.RETURNED  # derived
    assert Dossier.objects.get(code="HS-9").digitised_dossier  # a number: 0 no, else yes
