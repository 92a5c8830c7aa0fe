"""The Decision 766/QĐ-TTg service index: the pure arithmetic, the monthly report from dossiers,
catalogue and entered values, the `service_index` command and the page. Expected figures are
worked out by hand in the comments, never taken from the code under test."""

import ast
import csv
import datetime as dt
import io
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from procedures import service_index
from procedures.choices import Channel, DossierStatus, OnlineService, ServiceFormula, ServiceGroup
from procedures.models import ServiceIndicator, ServiceIndicatorValue
from procedures.service_selectors import service_index_report
from tests.documents.readers import assert_ready, header_row
from tests.procedures.factories import DossierFactory, ProcedureFactory, at
from units.choices import Level

JAN = dt.date(2024, 1, 1)


# --- Pure arithmetic ------------------------------------------------------------------------


def test_the_arithmetic_imports_nothing_from_django():
    tree = ast.parse(Path(service_index.__file__).read_text(encoding="utf-8"))
    imported = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert not any(name and name.startswith("django") for name in imported)


@pytest.mark.parametrize(
    ("rate", "max_points", "full_at", "expected"),
    [
        (D("0.4"), D(8), D("0.5"), D("6.4")),  # 8 × 0.4 / 0.5
        (D("0.6"), D(8), D("0.5"), D(8)),  # above the threshold: the maximum
        (D("0.75"), D(20), D(1), D(15)),
        (None, D(6), D(1), D(0)),  # no data
        (D("1.2"), D(4), D(1), D(4)),  # a rate is never above 100 %
    ],
)
def test_indicator_points(rate, max_points, full_at, expected):
    points = service_index.indicator_points(rate=rate, max_points=max_points, full_at=full_at)
    assert points == expected


def test_groups_and_total_round_once_at_the_end():
    # 3 × 1.335 = 4.005 → 4.01 (group and index), although each indicator shows 1.34.
    inputs = [
        service_index.IndicatorInput(f"2.{i}", "progress", D("1.335"), D(1), D(1)) for i in range(3)
    ]
    result = service_index.score(inputs)
    progress = next(g for g in result.groups if g.group == "progress")
    assert (progress.points, result.total, result.missing) == (D("4.01"), D("4.01"), 0)
    assert not progress.consistent  # 4.005 of the 20 points the decision gives the group


def test_the_groups_are_the_decisions():
    assert service_index.GROUP_MAXIMA == {
        "publicity": 18, "progress": 20, "digitisation": 22, "online": 22, "satisfaction": 18,
    }  # fmt: skip
    assert list(service_index.GROUP_MAXIMA) == ServiceGroup.values
    assert sum(service_index.GROUP_MAXIMA.values()) == 100


# --- The default indicator table ------------------------------------------------------------


@pytest.mark.django_db
def test_the_default_indicators_fill_each_group_to_its_maximum():
    indicators = list(ServiceIndicator.objects.filter(active=True))
    assert len(indicators) == 15
    for group, maximum in service_index.GROUP_MAXIMA.items():
        assert sum(i.max_points for i in indicators if i.group == group) == maximum, group
    computed = {i.code for i in indicators if i.formula != ServiceFormula.ENTERED}
    assert computed == {"2.1", "3.1", "3.2", "3.3", "3.4", "4.1", "4.2"}
    assert all(i.source.startswith("QĐ 766/QĐ-TTg") for i in indicators)


# --- The report from the portal's data ------------------------------------------------------


@pytest.fixture
def january(personas):
    """Xã Ea KPam in January 2024: 4 dossiers, 5 commune procedures, one entered value."""
    online_full = ProcedureFactory(level=Level.COMMUNE, online_service=OnlineService.FULL)
    ProcedureFactory(level=Level.COMMUNE, online_service=OnlineService.FULL)
    ProcedureFactory(level=Level.COMMUNE, online_service=OnlineService.PARTIAL)
    plain = ProcedureFactory(level=Level.COMMUNE)
    ProcedureFactory(level=Level.COMMUNE)
    ProcedureFactory(level=Level.DISTRICT, online_service=OnlineService.FULL)  # not a commune's
    unit = personas.eakpam
    common = {"unit": unit, "received_at": at(2024, 1, 10), "due_at": at(2024, 1, 15, 17)}
    DossierFactory(
        **common,
        procedure=online_full,
        channel=Channel.ONLINE,
        paid_online=True,
        digitised_dossier=True,
        digitised_result=True,
    )
    DossierFactory(**common, procedure=online_full, channel=Channel.ONLINE, digitised_dossier=True)
    DossierFactory(**common, procedure=plain, digitised_dossier=True)
    DossierFactory(  # still open on 31/01, due 15/01: overdue
        **common, procedure=plain, finished_at=None, status=DossierStatus.IN_PROGRESS
    )
    ServiceIndicatorValue.objects.create(
        indicator=ServiceIndicator.objects.get(code="5.3"), unit=unit, month=JAN, rate=D("0.81")
    )
    return unit


@pytest.mark.django_db
def test_the_month_from_dossiers_catalogue_and_entered_values(january):
    (month,) = service_index_report(unit=january, first=JAN, last=JAN).months
    points = {i.code: i.points for i in month.score.indicators}
    rates = {i.code: i.rate for i in month.score.indicators}
    # 2.1: 3 finished early + 0 in progress in time over 3 finished + 1 in progress = 0.75 × 20
    assert (rates["2.1"], points["2.1"]) == (D("0.75"), D(15))
    # 3.1: 3 of the 5 commune procedures online = 0.6; full marks from 0.8: 4 × 0.6 / 0.8
    assert points["3.1"] == D(3)
    # 3.2: 1 of the 3 online services had an online dossier: 4 / 3
    assert service_index.rounded(points["3.2"]) == D("1.33")
    # 3.3: 2 of 4 submitted online = 0.5, full marks from 0.5
    assert points["3.3"] == D(8)
    # 3.4: 1 of 4 paid online × 6
    assert points["3.4"] == D("1.5")
    # 4.1: 1 of 3 finished with a digitised result (0.3333) × 8
    assert points["4.1"] == D("2.6664")
    # 4.2: 3 of 4 digitised = 0.75, full marks from 0.8: 8 × 0.75 / 0.8
    assert points["4.2"] == D("7.5")
    # 5.3 entered 81 %, full marks from 90 %: 6 × 0.81 / 0.9
    assert points["5.3"] == D("5.4")
    assert rates["1.1"] is None and points["1.1"] == 0
    groups = {g.group: g.points for g in month.score.groups}
    assert groups == {
        "publicity": D("0.00"),
        "progress": D("15.00"),
        "digitisation": D("10.17"),  # 2.6664 + 7.5
        "online": D("13.83"),  # 3 + 1.3333 + 8 + 1.5
        "satisfaction": D("5.40"),
    }
    # 15 + 10.1664 + 13.8333… + 5.4 = 44.3997… → 44.40, rounded once
    assert month.score.total == D("44.40")
    assert month.score.missing == 7  # 1.1–1.4, 4.3, 5.1, 5.2


@pytest.mark.django_db
def test_an_adjusted_indicator_changes_the_index(january):
    ServiceIndicator.objects.filter(code="3.3").update(full_at=D(1))  # full marks only at 100 %
    (month,) = service_index_report(unit=january, first=JAN, last=JAN).months
    assert next(i.points for i in month.score.indicators if i.code == "3.3") == D(4)


@pytest.mark.parametrize(("last", "queries"), [(JAN, 6), (dt.date(2024, 3, 1), 8)])
@pytest.mark.django_db
def test_fixed_queries_per_month(january, django_assert_num_queries, last, queries):
    # indicators, units below, one aggregate a month, online services used, catalogue, values
    for i in range(20):
        DossierFactory(unit=january, received_at=at(2024, 1, 1 + i))
    with django_assert_num_queries(queries):
        report = service_index_report(unit=january, first=JAN, last=last)
    assert len(report.months) == (last.month - JAN.month) + 1


# --- The command ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_service_index_command_csv_table_and_xlsx(january, tmp_path):
    out = io.StringIO()
    call_command(
        "service_index", "--unit", "24280", "--month", "2024-01", "--format", "csv", stdout=out
    )
    header, *rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert header == [
        "Mã chỉ số",
        "Nhóm",
        "Chỉ số",
        "Cách tính",
        "Tỷ lệ (%)",
        "Điểm",
        "Điểm tối đa",
    ]
    by_code = {r[0]: r for r in rows if r[0]}
    assert by_code["2.1"][4:] == ["75.00", "15.00", "20.00"]
    assert by_code["1.1"][4:] == ["", "0.00", "4.00"]
    assert rows[-1][2:] == ["Chỉ số phục vụ (100 điểm)", "", "", "44.40", "100"]
    out = io.StringIO()
    call_command("service_index", "--unit", "24280", "--month", "2024-01", stdout=out)
    assert "Xã Ea KPam: 01/2024" in out.getvalue()
    assert "44.40 / 100" in out.getvalue()
    target = tmp_path / "766.xlsx"
    call_command(
        "service_index", "--unit", "24280", "--month", "2024-01", "--format", "xlsx",
        "-o", str(target), stdout=io.StringIO(),
    )  # fmt: skip
    assert_ready(
        target.read_bytes(),
        first_header="Mã chỉ số",
        titles=3,
        status="Số liệu kỳ báo cáo đã kết thúc (đến hết ngày 31/01/2024)",
    )
    cells = [row for row in load_workbook(target).active.iter_rows(values_only=True) if row]
    assert cells[-1][5] == 44.4


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args",
    [
        ["--unit", "24280", "--month", "2024-13"],
        ["--unit", "24280", "--month", "01/2024"],
        ["--unit", "77777", "--month", "2024-01"],
        ["--unit", "24280", "--month", "2024-01", "--format", "xlsx"],  # no -o
    ],
)
def test_service_index_command_refuses_bad_input(personas, args):
    with pytest.raises(CommandError):
        call_command("service_index", *args, stdout=io.StringIO())


# --- The page -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_for_the_commune_and_its_excel(january, personas, client_for):
    client = client_for(personas.eakpam_staff)
    url = reverse("procedures:service_index")
    response = client.get(url, {"year": 2024, "month": 1})
    assert response.status_code == 200
    assert response.context["unit"] == january
    first = response.context["month_rows"][0]
    assert first[0] == "01/2024" and first[-2] == D("44.40")
    page = response.content.decode()
    assert "44,40" in page and "<svg" in page
    response = client.get(url, {"year": 2024, "format": "xlsx"})
    content = b"".join(response.streaming_content)
    assert_ready(
        content,
        first_header="Tháng",
        titles=4,
        status="Số liệu kỳ báo cáo đã kết thúc (đến hết ngày 31/12/2024)",
    )
    workbook = load_workbook(io.BytesIO(content))
    months = [row for row in workbook["Theo tháng"].iter_rows() if row and row[0].value]
    january_row = next(row for row in months if row[0].value == dt.datetime(2024, 1, 1))
    assert january_row[6].value == 44.4
    assert january_row[0].is_date and january_row[0].number_format == "MM/YYYY"  # a real month
    by_indicator = workbook["Theo chỉ số"]
    first = by_indicator.cell(header_row(by_indicator, "Tháng") + 1, 1)
    assert first.value == dt.datetime(2024, 1, 1) and first.number_format == "MM/YYYY"
    assert "Theo chỉ số" in workbook.sheetnames


@pytest.mark.django_db
def test_the_page_never_shows_a_unit_outside_the_scope(january, personas, client_for):
    client = client_for(personas.eakpam_staff)
    response = client.get(
        reverse("procedures:service_index"), {"year": 2024, "unit": personas.namnhun.pk}
    )
    assert response.status_code == 200
    assert response.context["unit"] == january  # the form refuses the unit; their own shows
    assert "Nậm Nhùn" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 40])
def test_the_page_query_count(january, personas, client_for, django_assert_num_queries, rows):
    for i in range(rows):
        DossierFactory(unit=january, received_at=at(2024, 1 + i % 12, 3))
    client = client_for(personas.admin)
    # A year: 17 for the report (5 + 12 months), the rest the session, the user, the form's unit,
    # the latest dossier day and the page's menu, whatever the dossiers.
    with django_assert_num_queries(23):
        response = client.get(
            reverse("procedures:service_index"), {"year": 2024, "unit": january.pk}
        )
    assert response.status_code == 200


# --- Entered values (import_service_values) -------------------------------------------------


def _values_file(tmp_path, rows):
    path = tmp_path / "values.csv"
    lines = ["ma_don_vi,thang,ma_chi_so,gia_tri", *(",".join(r) for r in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.django_db
def test_import_service_values_creates_updates_and_keeps(personas, tmp_path):
    path = _values_file(
        tmp_path, [["24280", "2024-01", "5.3", "81"], ["24280", "02/2024", "1.1", "100"]]
    )
    out = io.StringIO()
    call_command("import_service_values", str(path), "--by", "admin66", stdout=out)
    assert "tạo mới 2" in out.getvalue()
    value = ServiceIndicatorValue.objects.get(indicator__code="5.3")
    assert (value.unit, value.month, value.rate) == (personas.eakpam, JAN, D("0.81"))
    path = _values_file(
        tmp_path, [["24280", "2024-01", "5.3", '"90,5"'], ["24280", "02/2024", "1.1", "100"]]
    )
    out = io.StringIO()
    call_command("import_service_values", str(path), stdout=out)
    assert "cập nhật 1, giữ nguyên 1" in out.getvalue()
    assert ServiceIndicatorValue.objects.get(indicator__code="5.3").rate == D("0.905")


@pytest.mark.django_db
def test_import_service_values_refuses_the_whole_file(personas, tmp_path):
    path = _values_file(
        tmp_path,
        [
            ["24280", "2024-01", "5.3", "81"],  # good, but the file is refused
            ["24280", "2024-13", "5.3", "81"],
            ["24280", "2024-01", "2.1", "81"],  # computed from dossiers
            ["24280", "2024-01", "9.9", "81"],
            ["24280", "2024-01", "5.2", "101"],
            ["77777", "2024-01", "5.1", "50"],
            ["24280", "2024-01", "5.3", "70"],  # the first row again
        ],
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="6 lỗi"):
        call_command("import_service_values", str(path), stdout=io.StringIO(), stderr=err)
    text = err.getvalue()
    assert "Dòng 3, cột thang" in text
    assert "Dòng 4, cột ma_chi_so: Chỉ số 2.1 được tính từ hồ sơ, không nhập được." in text
    assert "Dòng 5, cột ma_chi_so" in text and "Dòng 6, cột gia_tri" in text
    assert "Dòng 7, cột ma_don_vi: Không có đơn vị mã 77777 có hiệu lực ngày 31/01/2024." in text
    assert "Dòng 8, cột ma_chi_so: Đơn vị, tháng và chỉ số này đã có ở dòng 2." in text
    assert not ServiceIndicatorValue.objects.exists()


@pytest.mark.django_db
def test_import_service_values_within_the_importers_scope(personas, tmp_path):
    path = _values_file(tmp_path, [[personas.namnhun.code, "2024-01", "5.3", "81"]])
    with pytest.raises(CommandError):
        call_command(
            "import_service_values", str(path), "--by", personas.eakpam_staff.username,
            stdout=io.StringIO(), stderr=io.StringIO(),
        )  # fmt: skip
    assert not ServiceIndicatorValue.objects.exists()
