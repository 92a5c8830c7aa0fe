import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from jobs.choices import JobState
from jobs.models import Job
from procedures.choices import DossierImportStatus, DossierStatus
from procedures.models import Dossier, DossierImport
from tests.documents.readers import assert_ready
from tests.procedures.factories import DossierFactory, ProcedureFactory, at
from tests.procedures.test_services import GOOD, write_csv

pytestmark = pytest.mark.django_db

STATS_JAN = {"start": "2024-01-01", "end": "2024-01-31"}


@pytest.fixture
def world(personas):
    personas.national = ProcedureFactory(code="1.000894")
    personas.daklak_proc = ProcedureFactory(code="1.012753.H66", province=personas.daklak)
    personas.laichau_proc = ProcedureFactory(code="1.012753.H12", province=personas.laichau)
    personas.d_cumgar = DossierFactory(unit=personas.cumgar, code="CUMGAR-1")
    personas.d_eakpam = DossierFactory(unit=personas.eakpam, code="EAKPAM-1")
    personas.d_namnhun = DossierFactory(unit=personas.namnhun, code="NAMNHUN-1")
    return personas


def codes_of(response) -> set[str]:
    return {row.record.code for row in response.context["table"].paginated_rows}


def get(client_for, user, url, **params):
    return client_for(user).get(url, params)


@pytest.mark.parametrize(
    "name", ["procedures:procedure_list", "procedures:dossier_list", "procedures:stats"]
)
def test_anonymous_is_sent_to_login(world, client_for, name):
    response = get(client_for, None, reverse(name))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        ("admin", {"CUMGAR-1", "EAKPAM-1"}),
        ("inspector", {"CUMGAR-1", "EAKPAM-1"}),
        ("cumgar_staff", {"CUMGAR-1", "EAKPAM-1"}),
        ("eakpam_staff", {"EAKPAM-1"}),
        ("namnhun_staff", {"NAMNHUN-1"}),
    ],
)
def test_dossier_list_is_scoped(world, client_for, who, visible):
    response = get(client_for, getattr(world, who), reverse("procedures:dossier_list"))
    assert response.status_code == 200
    shown = codes_of(response)
    assert shown == visible


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin", 200), ("cumgar_staff", 200), ("eakpam_staff", 404), ("namnhun_staff", 404)],
)
def test_dossier_detail_access(world, client_for, who, status):
    url = reverse("procedures:dossier_detail", args=[world.d_cumgar.pk])
    response = get(client_for, getattr(world, who), url)
    assert response.status_code == status
    if status == 200:
        assert "CUMGAR-1" in response.content.decode()


def test_laichau_admin_does_not_see_daklak_dossiers(world, client_for):
    url = reverse("procedures:dossier_detail", args=[world.d_cumgar.pk])
    assert get(client_for, world.laichau_admin, url).status_code == 404


@pytest.mark.parametrize(
    ("who", "proc", "status"),
    [
        ("cumgar_staff", "daklak_proc", 200),
        ("namnhun_staff", "daklak_proc", 404),
        ("namnhun_staff", "laichau_proc", 200),
        ("namnhun_staff", "national", 200),
        ("admin", "laichau_proc", 404),
    ],
)
def test_procedure_detail_access(world, client_for, who, proc, status):
    url = reverse("procedures:procedure_detail", args=[getattr(world, proc).pk])
    assert get(client_for, getattr(world, who), url).status_code == status


def test_procedure_list_search_and_online_levels(world, client_for):
    response = get(client_for, world.admin, reverse("procedures:procedure_list"), q="H66")
    codes = sorted(codes_of(response))
    assert codes == ["1.012753.H66"]
    levels = {row["level"]: row["total"] for row in response.context["online_levels"]}
    assert levels == {"district": 1}


def test_dossier_list_filters(world, client_for):
    url = reverse("procedures:dossier_list")
    response = get(client_for, world.admin, url, unit=world.eakpam.pk)
    assert codes_of(response) == {"EAKPAM-1"}
    response = get(client_for, world.admin, url, q="cumgar")
    assert codes_of(response) == {"CUMGAR-1"}


@pytest.mark.parametrize("rows", [3, 60])
def test_dossier_list_query_count(world, client_for, django_assert_max_num_queries, rows):
    for _ in range(rows):
        DossierFactory(unit=world.eakpam, procedure=world.national)
    client = client_for(world.admin)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("procedures:dossier_list"))
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [3, 60])
def test_procedure_list_query_count(world, client_for, django_assert_max_num_queries, rows):
    for _ in range(rows):
        ProcedureFactory()
    client = client_for(world.admin)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("procedures:procedure_list"))
    assert response.status_code == 200


def stats_table(response):
    return {row["unit"]: row for row in response.context["table"].data.data}


def test_stats_page_rows_and_total(world, client_for):
    response = get(client_for, world.admin, reverse("procedures:stats"), **STATS_JAN)
    assert response.status_code == 200
    rows = stats_table(response)
    assert rows["Huyện Cư M'gar"]["received"] == 2
    assert rows["Tổng cộng"]["received"] == 2
    assert "Huyện Nậm Nhùn" not in rows
    assert "<svg" in response.content.decode()


def test_stats_page_for_district_staff(world, client_for):
    response = get(client_for, world.cumgar_staff, reverse("procedures:stats"), **STATS_JAN)
    rows = stats_table(response)
    assert rows["Huyện Cư M'gar"]["received"] == 1  # the district's own desk
    assert rows["Xã Ea KPam"]["received"] == 1
    assert rows["Tổng cộng"]["received"] == 2


def test_stats_page_cannot_pick_another_province(world, client_for):
    params = {**STATS_JAN, "unit": world.namnhun.pk}
    response = get(client_for, world.admin, reverse("procedures:stats"), **params)
    assert response.status_code == 400  # the form names the refused unit; the page still shows
    assert "Huyện Nậm Nhùn" not in stats_table(response)
    assert response.context["start"].isoformat() == "2024-01-01"  # the rest of the form holds


def test_stats_filter_by_channel(world, client_for):
    params = {**STATS_JAN, "channel": "online"}
    response = get(client_for, world.admin, reverse("procedures:stats"), **params)
    assert stats_table(response)["Tổng cộng"]["received"] == 0


@pytest.mark.parametrize("rows", [2, 50])
def test_stats_page_query_count(world, client_for, django_assert_max_num_queries, rows):
    for _ in range(rows):
        DossierFactory(unit=world.quangphu, procedure=world.national)
    client = client_for(world.admin)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("procedures:stats"), STATS_JAN)
    assert stats_table(response)["Tổng cộng"]["received"] == rows + 2


def test_stats_page_by_level_for_district_staff(world, client_for):
    DossierFactory(unit=world.eakpam, procedure=world.national, status=DossierStatus.WITHDRAWN)
    params = {**STATS_JAN, "by": "level"}
    response = get(client_for, world.cumgar_staff, reverse("procedures:stats"), **params)
    rows = stats_table(response)
    communes = world.cumgar.children.count()
    assert rows["Huyện Cư M'gar"]["received"] == 1  # the district's own desk
    level_row = rows[f"Cấp xã ({communes} đơn vị)"]
    assert (level_row["received"], level_row["withdrawn"]) == (2, 1)
    assert rows["Tổng cộng"]["received"] == 3
    assert "Rút hồ sơ" in response.content.decode()


@pytest.mark.parametrize("rows", [2, 50])
def test_stats_page_by_level_query_count(world, client_for, django_assert_max_num_queries, rows):
    for _ in range(rows):
        DossierFactory(unit=world.quangphu, procedure=world.national)
    client = client_for(world.admin)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("procedures:stats"), {**STATS_JAN, "by": "level"})
    assert stats_table(response)["Tổng cộng"]["received"] == rows + 2


def test_stats_xlsx_download(world, client_for):
    params = {**STATS_JAN, "format": "xlsx"}
    response = get(client_for, world.cumgar_staff, reverse("procedures:stats"), **params)
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    # The title, the period, then the status: January 2024 is over, its figures are closed.
    assert_ready(
        content,
        first_header="Mã đơn vị",
        titles=4,
        status="Số liệu kỳ báo cáo đã kết thúc (đến hết ngày 31/01/2024)",
    )
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    data = {row[1]: row for row in rows if row and row[1]}
    assert data["Xã Ea KPam"][3] == 1
    assert data["Tổng cộng"][3] == 2
    assert "Huyện Nậm Nhùn" not in data
    total = next(r for r in sheet.iter_rows() if r[1].value == "Tổng cộng")
    assert total[3].number_format == "#,##0"  # counts: 89.837, not 89837
    rate = total[16]
    assert rate.value is None or rate.number_format == "#,##0.00"


IMPORT_PAGES = ["procedures:import_list", "procedures:import_new"]


@pytest.mark.parametrize("name", IMPORT_PAGES)
@pytest.mark.parametrize(
    ("who", "status"),
    [("admin", 200), ("inspector", 200), ("cumgar_staff", 403), ("eakpam_staff", 403)],
)
def test_import_pages_access(world, client_for, name, who, status):
    assert get(client_for, getattr(world, who), reverse(name)).status_code == status


def test_import_pages_anonymous(world, client_for):
    assert get(client_for, None, reverse("procedures:import_list")).status_code == 302


def upload(client, path):
    with open(path, "rb") as fh:
        file = SimpleUploadedFile("export.csv", fh.read(), content_type="text/csv")
    return client.post(reverse("procedures:import_new"), {"file": file})


def test_upload_preview_confirm(world, client_for, tmp_path):
    client = client_for(world.inspector)
    rows = [GOOD, {**GOOD, "ma_ho_so": "CUMGAR-1", "ma_don_vi": "648"}]
    response = upload(client, write_csv(tmp_path, rows))
    record = DossierImport.objects.get()
    assert response.status_code == 302
    assert record.status == DossierImportStatus.PREVIEWED
    assert (record.created_count, record.updated_count, record.rejected_count) == (1, 1, 0)
    assert not Dossier.objects.filter(code="HS-0001").exists()  # a preview writes nothing
    page = client.get(reverse("procedures:import_detail", args=[record.pk])).content.decode()
    assert "Xác nhận nhập" in page
    # Staff may not confirm, another province does not see it.
    assert (
        client_for(world.cumgar_staff)
        .post(reverse("procedures:import_confirm", args=[record.pk]))
        .status_code
        == 403
    )
    assert (
        client_for(world.laichau_admin)
        .post(reverse("procedures:import_confirm", args=[record.pk]))
        .status_code
        == 404
    )
    client = client_for(world.inspector)
    response = client.post(reverse("procedures:import_confirm", args=[record.pk]))
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == DossierImportStatus.DONE
    assert (record.job.kind, record.job.state) == ("procedures.dossier_import", "done")
    assert (record.job.done, record.job.total) == (2, 2)
    assert not Path(record.stored_file).exists()  # the upload is not kept after the import
    assert Dossier.objects.filter(code="HS-0001").exists()
    # A finished import cannot be confirmed twice.
    assert client.post(reverse("procedures:import_confirm", args=[record.pk])).status_code == 403


def test_upload_with_errors_is_rejected_and_listed(world, client_for, tmp_path):
    client = client_for(world.admin)
    rows = [GOOD, {**GOOD, "ma_ho_so": "2", "ngay_tiep_nhan": "hôm qua"}]
    upload(client, write_csv(tmp_path, rows))
    record = DossierImport.objects.get()
    assert record.status == DossierImportStatus.REJECTED
    assert record.errors == [
        {"row": 3, "column": "ngay_tiep_nhan", "reason": record.errors[0]["reason"]}
    ]
    page = client.get(reverse("procedures:import_detail", args=[record.pk])).content.decode()
    assert "ngay_tiep_nhan" in page and "hôm qua" in page
    assert "Xác nhận nhập" not in page
    assert client.post(reverse("procedures:import_confirm", args=[record.pk])).status_code == 403


def running_import(world, *, total_rows=10, done=0):
    """An import whose job a worker is running now (its heartbeat fresh)."""
    job = Job.objects.create(
        kind="procedures.dossier_import",
        owner=world.admin,
        state=JobState.RUNNING,
        attempts=1,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        phase="Ghi hồ sơ",
        done=done,
        total=total_rows,
    )
    return DossierImport.objects.create(
        created_by=world.admin,
        unit=world.daklak,
        file_name="x.csv",
        status=DossierImportStatus.RUNNING,
        total_rows=total_rows,
        job=job,
    )


def test_progress_partial_polls_while_running(world, client_for):
    record = running_import(world, done=4)
    client = client_for(world.admin)
    response = client.get(reverse("procedures:import_progress", args=[record.pk]))
    body = response.content.decode()
    assert 'hx-trigger="every 1s"' in body
    assert "Ghi hồ sơ" in body and "4 / 10 dòng" in body
    assert "HX-Refresh" not in response
    Job.objects.filter(pk=record.job_id).update(state=JobState.DONE)
    record.status = DossierImportStatus.DONE
    record.save()
    response = client.get(reverse("procedures:import_progress", args=[record.pk]))
    assert response["HX-Refresh"] == "true"
    staff = client_for(world.cumgar_staff)
    assert staff.get(reverse("procedures:import_progress", args=[record.pk])).status_code == 403


def test_stats_page_defaults_to_the_latest_quarter_with_dossiers(world, client_for):
    """The latest dossier was received on 10/01/2024, a year before today: the page opens on
    its quarter, Q1/2024, not on a year of zeros (this year's case: tests/procedures/
    test_finish.py)."""
    response = get(client_for, world.cumgar_staff, reverse("procedures:stats"))
    assert (response.context["start"].isoformat(), response.context["end"].isoformat()) == (
        "2024-01-01",
        "2024-03-31",
    )
    assert stats_table(response)["Tổng cộng"]["received"] == 2


def test_confirm_only_once_even_from_a_stale_page(world, client_for, tmp_path):
    from procedures.services import ImportAlreadyStarted, dossier_import_start

    client = client_for(world.admin)
    upload(client, write_csv(tmp_path, [GOOD]))
    record = DossierImport.objects.get()
    stale = DossierImport.objects.get(pk=record.pk)
    dossier_import_start(record=record, by=world.admin)
    with pytest.raises(ImportAlreadyStarted):
        dossier_import_start(record=stale, by=world.admin)
    assert Dossier.objects.filter(code="HS-0001").count() == 1


def test_progress_bar_numbers_are_machine_readable(world, client_for):
    """The <progress> element needs 12000, not the Vietnamese display form 12.000."""
    record = running_import(world, total_rows=300_000, done=12_000)
    body = client_for(world.admin).get(reverse("procedures:import_progress", args=[record.pk]))
    assert 'max="300000"' in body.content.decode()
    assert 'value="12000"' in body.content.decode()


# --- the dossier list and the statistics, finished (issue 17) ------------------------------------


def test_dossier_list_shows_procedure_name_local_due_day_and_overdue_badge(world, client_for):
    DossierFactory(
        unit=world.eakpam,
        procedure=world.national,
        code="EAKPAM-LATE",
        due_at=at(2024, 1, 15, 0, 0),  # midnight in the province: the day alone
        finished_at=None,
        status=DossierStatus.IN_PROGRESS,
    )
    response = get(client_for, world.admin, reverse("procedures:dossier_list"), q="EAKPAM")
    html = response.content.decode()
    rows = {row.record.code: row for row in response.context["table"].paginated_rows}
    late, done = rows["EAKPAM-LATE"], rows["EAKPAM-1"]
    assert late.get_cell("procedure") == (
        f'<span class="procedure-name" title="1.000894">{world.national.name}</span>'
    )
    assert late.get_cell("due_at") == "15/01/2024"
    assert done.get_cell("due_at") == "15/01/2024 17:00"  # the factory's 17:00 appointment
    assert 'data-badge="overdue"' in late.get_cell("status")
    assert "Quá hạn" in late.get_cell("status")
    assert "overdue" not in done.get_cell("status")  # finished early
    assert html.count('data-badge="overdue"') == 1


def test_dossier_list_says_how_many(world, client_for):
    response = get(client_for, world.admin, reverse("procedures:dossier_list"))
    assert response.context["total"].value == 2  # Cư M'gar's and Ea KPam's, not Nậm Nhùn's
    assert not response.context["total"].estimated
    assert 'data-total="2"' in response.content.decode()
    response = get(client_for, world.admin, reverse("procedures:dossier_list"), q="CUMGAR")
    assert response.context["total"].value == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's estimate: PostgreSQL")
def test_dossier_list_total_is_an_estimate_said_so_past_the_exact_limit(
    world, client_for, monkeypatch
):
    from procedures import selectors

    monkeypatch.setattr(selectors, "COUNT_EXACT_MAX", -1)
    response = get(client_for, world.admin, reverse("procedures:dossier_list"))
    assert response.context["total"].estimated
    assert "Khoảng" in response.content.decode()


def test_stats_page_defaults_to_this_year_to_date_when_dossiers_are_this_year(world, client_for):
    today = timezone.localdate()
    received = at(today.year, 1, 1, 8) if today > dt.date(today.year, 1, 1) else None
    if received is None:
        pytest.skip("on 1 January this year's first day is today")
    DossierFactory(unit=world.cumgar, received_at=received, due_at=None, finished_at=None)
    response = get(client_for, world.cumgar_staff, reverse("procedures:stats"))
    assert (response.context["start"], response.context["end"]) == (
        dt.date(today.year, 1, 1),
        today,
    )


def test_stats_page_folds_units_without_dossiers(world, client_for):
    """In January 2024 only Cư M'gar (its desk and Ea KPam) received dossiers in Đắk Lắk: the
    other districts are named under the table, not shown as rows of zeros."""
    response = get(client_for, world.admin, reverse("procedures:stats"), **STATS_JAN)
    assert set(stats_table(response)) == {"Huyện Cư M'gar", "Tổng cộng"}
    others = response.context["empty_units"]
    assert others and "Huyện Cư M'gar" not in others
    html = response.content.decode()
    assert "data-empty-units" in html and others[0] in html
