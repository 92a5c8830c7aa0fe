"""The dossier list's export: Tải Excel / Tải CSV of the filtered rows, the background job."""

import csv
import io
import re
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cchc_portal.xlsx import WORKING_DATA
from jobs.models import Job
from procedures import views
from procedures.choices import Channel, DossierStatus
from tests.documents.readers import assert_ready, from_header, header_row, open_xlsx
from tests.procedures.factories import DossierFactory, ProcedureFactory, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    proc = ProcedureFactory(code="1.000894")
    personas.d_cumgar = DossierFactory(
        unit=personas.cumgar,
        procedure=proc,
        code="CUMGAR-1",
        channel=Channel.ONLINE,
        received_at=at(2024, 3, 4, 8, 30),
        due_at=at(2024, 3, 9, 17),
        finished_at=at(2024, 3, 6, 10),
        paid_online=True,
    )
    personas.d_eakpam = DossierFactory(
        unit=personas.eakpam,
        procedure=proc,
        code="EAKPAM-1",
        status=DossierStatus.IN_PROGRESS,
        finished_at=None,
    )
    personas.d_namnhun = DossierFactory(unit=personas.namnhun, procedure=proc, code="NAMNHUN-1")
    return personas


def xlsx_rows(response) -> list[tuple]:
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return from_header(list(sheet.iter_rows(values_only=True)), "Mã hồ sơ")


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def export(client, fmt, **params):
    return client.get(reverse("procedures:dossier_export", args=[fmt]), params)


def test_list_page_links_both_downloads_with_its_filters(world, client_for):
    response = client_for(world.admin).get(reverse("procedures:dossier_list"), {"q": "CUM"})
    html = response.content.decode()
    assert f"{reverse('procedures:dossier_export', args=['xlsx'])}?q=CUM" in html
    assert f"{reverse('procedures:dossier_export', args=['csv'])}?q=CUM" in html


def test_anonymous_is_sent_to_login(world, client_for):
    response = export(client_for(None), "csv")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_unknown_format_is_404(world, client_for):
    assert export(client_for(world.admin), "pdf").status_code == 404


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("admin", {"CUMGAR-1", "EAKPAM-1"}),
        ("cumgar_staff", {"CUMGAR-1", "EAKPAM-1"}),
        ("eakpam_staff", {"EAKPAM-1"}),
        ("namnhun_staff", {"NAMNHUN-1"}),
        ("laichau_admin", {"NAMNHUN-1"}),
    ],
)
def test_export_is_scoped_like_the_list(world, client_for, fmt, who, expected):
    response = export(client_for(getattr(world, who)), fmt)
    assert response.status_code == 200
    rows = xlsx_rows(response) if fmt == "xlsx" else csv_rows(response)
    assert {r[0] for r in rows[1:]} == expected


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_applies_the_list_filters(world, client_for, fmt):
    client = client_for(world.admin)
    response = export(client, fmt, unit=world.eakpam.pk)
    rows = xlsx_rows(response) if fmt == "xlsx" else csv_rows(response)
    assert [r[0] for r in rows[1:]] == ["EAKPAM-1"]
    response = export(client, fmt, status=DossierStatus.FINISHED)
    rows = xlsx_rows(response) if fmt == "xlsx" else csv_rows(response)
    assert [r[0] for r in rows[1:]] == ["CUMGAR-1"]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_unit_outside_the_scope_exports_nothing(world, client_for, fmt):
    response = export(client_for(world.eakpam_staff), fmt, unit=world.namnhun.pk)
    rows = xlsx_rows(response) if fmt == "xlsx" else csv_rows(response)
    assert rows[1:] == []


def test_xlsx_content_reads_back(world, client_for):
    response = export(client_for(world.admin), "xlsx", q="CUMGAR")
    data = b"".join(response.streaming_content)
    assert_ready(data, first_header="Mã hồ sơ", titles=3, status=str(WORKING_DATA))
    sheet = open_xlsx(data).worksheets[0]
    first = header_row(sheet, "Mã hồ sơ") + 1
    assert sheet.cell(first, 5).is_date and sheet.cell(first, 5).number_format == "DD/MM/YYYY HH:MM"
    rows = from_header(list(sheet.iter_rows(values_only=True)), "Mã hồ sơ")
    assert len(rows[0]) == 12 and rows[0][0] == "Mã hồ sơ"
    code, proc, unit, channel, received, _due, finished, returned, status, dig, digr, paid = rows[1]
    assert (code, proc, unit) == ("CUMGAR-1", "1.000894", "Huyện Cư M'gar")
    assert channel == Channel.ONLINE.label
    # local time of the portal (UTC+7), not UTC
    assert received.strftime("%d/%m/%Y %H:%M") == "04/03/2024 08:30"
    assert finished.strftime("%d/%m/%Y %H:%M") == "06/03/2024 10:00"
    assert returned is None
    assert status == DossierStatus.FINISHED.label
    assert (dig, digr, paid) == (None, None, "Có")


def test_csv_content_reads_back(world, client_for):
    response = export(client_for(world.admin), "csv", q="CUMGAR")
    assert response["Content-Type"].startswith("text/csv")
    assert 'attachment; filename="ho-so-' in response["Content-Disposition"]
    header, row = csv_rows(response)
    assert header[0] == "Mã hồ sơ" and len(header) == 12
    assert row[:3] == ["CUMGAR-1", "1.000894", "Huyện Cư M'gar"]
    assert row[4:8] == ["04/03/2024 08:30:00", "09/03/2024 17:00:00", "06/03/2024 10:00:00", ""]
    assert row[11] == "Có"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_formulas_are_never_executed(personas, client_for, fmt):
    DossierFactory(unit=personas.cumgar, code='=HYPERLINK("http://x")')
    response = export(client_for(personas.admin), fmt)
    if fmt == "xlsx":
        content = b"".join(response.streaming_content)
        sheet = load_workbook(io.BytesIO(content)).worksheets[0]
        # text shown as typed, with Excel's quote-prefix flag
        cell = sheet.cell(row=header_row(sheet, "Mã hồ sơ") + 1, column=1)
        assert cell.data_type == "s" and cell.quotePrefix
        assert cell.value == '=HYPERLINK("http://x")'
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()
    else:
        assert csv_rows(response)[1][0] == '\'=HYPERLINK("http://x")'


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_query_count_is_fixed(personas, client_for, django_assert_max_num_queries, fmt):
    client = client_for(personas.admin)
    counts = []
    for n in (2, 40):
        DossierFactory.create_batch(n, unit=personas.eakpam)
        # 7: the export's own queries and the audit trail's line (audit/middleware.py).
        with django_assert_max_num_queries(7) as captured:
            response = export(client, fmt, unit=personas.cumgar.pk)
            rows = xlsx_rows(response) if fmt == "xlsx" else csv_rows(response)
        counts.append(len(captured.captured_queries))
        assert len(rows) - 1 == (2 if n == 2 else 42)
    assert counts[0] == counts[1]


# --- Above the threshold: a job of the queue, its page /jobs/<id>/ -------------------------------
# Tasks run through the immediate backend here (tests/settings.py): the job has run when the
# export answers. The queue itself (waiting, the per-user limit): tests/jobs/test_dossier_jobs.py.


@pytest.fixture
def small_threshold(monkeypatch):
    monkeypatch.setattr(views, "EXPORT_DIRECT_MAX_ROWS", 0)


def job_of(response) -> Job:
    assert response.status_code == 302
    match = re.fullmatch(r"/jobs/(\d+)/", response["Location"])
    assert match, response["Location"]
    return Job.objects.get(pk=match.group(1))


def test_large_xlsx_export_runs_as_a_job_and_downloads(world, client_for, small_threshold):
    client = client_for(world.cumgar_staff)
    job = job_of(export(client, "xlsx", unit=world.cumgar.pk))
    assert (job.kind, job.state, job.owner, job.params) == (
        "procedures.dossier_export",
        "done",
        world.cumgar_staff,
        {"query": f"unit={world.cumgar.pk}"},
    )
    assert (job.done, job.total, job.result) == (2, 2, {"rows": 2})
    page = client.get(job.get_absolute_url())
    assert page.status_code == 200
    assert reverse("jobs:job_download", args=[job.pk]) in page.content.decode()
    download = client.get(reverse("jobs:job_download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="ho-so-')
    assert {r[0] for r in xlsx_rows(download)[1:]} == {"CUMGAR-1", "EAKPAM-1"}


def test_the_job_rebuilds_the_owners_filters(world, client_for, small_threshold):
    job = job_of(export(client_for(world.admin), "xlsx", unit=world.eakpam.pk))
    download = client_for(world.admin).get(reverse("jobs:job_download", args=[job.pk]))
    assert [r[0] for r in xlsx_rows(download)[1:]] == ["EAKPAM-1"]


def test_csv_streams_whatever_the_size(world, client_for, small_threshold):
    response = export(client_for(world.admin), "csv")
    assert response.status_code == 200 and response.streaming
    assert not Job.objects.exists()


def test_a_job_is_its_owners_alone(world, client_for, small_threshold):
    job = job_of(export(client_for(world.cumgar_staff), "xlsx"))
    for who in ("admin", "eakpam_staff", "namnhun_staff"):
        client = client_for(getattr(world, who))
        for name in ("job_detail", "job_progress", "job_download"):
            assert client.get(reverse(f"jobs:{name}", args=[job.pk])).status_code == 404, who
        assert client.post(reverse("jobs:job_retry", args=[job.pk])).status_code == 404, who


def test_the_job_reports_progress_every_chunk(world, monkeypatch):
    from procedures import exports
    from procedures.models import Dossier

    monkeypatch.setattr(exports, "EXPORT_CHUNK", 2)
    DossierFactory.create_batch(4, unit=world.quangphu)
    seen = []
    exports.dossier_export_xlsx(Dossier.objects.all(), io.BytesIO(), progress=seen.append)
    assert seen == [2, 4, 6]  # 7 dossiers: reported after each full chunk
