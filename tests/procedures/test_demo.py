"""The demo reproduces the source articles' figures, computed by the statistics selector, and
gives the new Tỉnh Đắk Lắk (since 01/07/2025) dossiers through November 2026."""

import datetime as dt
import re
from decimal import Decimal
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone

from procedures import demo
from procedures.models import Dossier, Procedure
from procedures.selectors import dossier_stats, dossier_stats_total, procedure_online_levels
from units import demo as units_demo
from units.choices import Level
from units.models import AdministrativeUnit, User
from units.resolver import resolve_unit

pytestmark = pytest.mark.django_db

OLD = dt.date(2024, 12, 31)  # a day of the pre-2025 tree
NOW = dt.date(2026, 12, 1)  # the demo's "today"


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    """The units and procedures demo, loaded once for the module (~15 s on SQLite) inside a
    transaction rolled back when the module ends."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            units_demo.load(out=lambda _line: None)
            demo.load(out=lambda _line: None)
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def loaded(demo_world, db):
    """The demo inside this test's savepoint."""


def _on(day: dt.date):
    """Pretend the clock reads `day`, 10:00 in Vietnam (the dashboards ask for today)."""
    moment = dt.datetime.combine(day, dt.time(10), tzinfo=timezone.get_default_timezone())
    return mock.patch("django.utils.timezone.now", return_value=moment)


def _rate(numerator: int, denominator: int) -> Decimal:
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.0001"))


def test_demo_reproduces_the_articles_and_is_idempotent(loaded):
    cumgar = resolve_unit("648", on=OLD)
    s = dossier_stats(
        units=[cumgar],
        start=dt.date(2018, 1, 1),
        end=dt.date(2019, 6, 30),
        include_descendants=True,
    )[cumgar.pk]
    assert s.received == 272_143  # ">272,000 received"
    assert s.finished_early + s.finished_on_time == 272_014  # "~272,000 on time"
    assert (s.in_progress, s.in_progress_overdue, s.finished_late) == (129, 0, 0)

    namnhun = resolve_unit("112", on=OLD)
    s2023 = dossier_stats(units=[namnhun], start=dt.date(2023, 1, 1), end=dt.date(2023, 12, 31))
    assert s2023[namnhun.pk].on_time_rate == Decimal("0.9936")
    h1 = dossier_stats(units=[namnhun], start=dt.date(2024, 1, 1), end=dt.date(2024, 6, 30))
    assert h1[namnhun.pk].digitised_result_rate == Decimal("0.6760")
    assert h1[namnhun.pk].paid_online_rate == Decimal("0.7814")

    lacduong = resolve_unit("675", on=OLD)
    year = {"start": dt.date(2019, 1, 1), "end": dt.date(2019, 12, 31)}
    assert dossier_stats(units=[lacduong], **year)[lacduong.pk].on_time_rate == Decimal("0.9880")
    communes = dossier_stats(units=lacduong.children.all(), **year)
    assert len(communes) == 6
    assert dossier_stats_total(communes.values()).on_time_rate == Decimal("0.9970")

    lamdong = resolve_unit("68", on=OLD)
    levels = {
        row["level"]: row
        for row in procedure_online_levels(procedures=Procedure.objects.filter(province=lamdong))
    }
    assert (levels["district"]["total"], levels["commune"]["total"]) == (290, 144)
    assert [levels["district"][f"legacy_{i}"] for i in (2, 3, 4)] == [240, 43, 7]
    daklak = Procedure.objects.filter(province=resolve_unit("66", on=OLD))
    assert daklak.filter(level="district", field__code="TP").count() == 25
    assert daklak.filter(level="district", field__code="NV").count() == 22
    assert daklak.filter(level="commune", field__code="NV").count() == 12

    count, last_id = Dossier.objects.count(), Dossier.objects.order_by("-pk").first().pk
    procedures = Procedure.objects.count()
    demo.load(out=lambda _line: None)
    assert Dossier.objects.count() == count
    assert Dossier.objects.order_by("-pk").first().pk == last_id
    assert Procedure.objects.count() == procedures


def test_seed_fact_codes_after_the_merger_name_the_new_units(loaded):
    """24280 since 01/07/2025 is the new Xã Cư M'gar: its 2018–2019 figures stay Ea KPam's."""
    ea_kpam = resolve_unit("24280", on=OLD)
    cu_mgar = resolve_unit("24280", on=NOW)
    assert ea_kpam.pk != cu_mgar.pk
    old = dossier_stats(units=[ea_kpam, cu_mgar], start=dt.date(2018, 1, 1), end=OLD)
    assert old[ea_kpam.pk].received > 10_000 and old[cu_mgar.pk].received == 0
    new = dossier_stats(units=[ea_kpam, cu_mgar], start=dt.date(2025, 7, 1), end=NOW)
    assert new[ea_kpam.pk].received == 0 and new[cu_mgar.pk].received > 0


def test_new_province_procedures_are_settled_by_communes_and_departments(loaded):
    province = resolve_unit("66", on=NOW)
    own = Procedure.objects.filter(province=province)
    levels = set(own.values_list("level", flat=True))
    assert levels == {Level.COMMUNE, Level.PROVINCE}  # never "department": docs/domain.md
    assert own.filter(level=Level.COMMUNE).count() == demo.COMMUNE_PROCEDURES
    justice = resolve_unit("66-STP", on=NOW)
    received = Procedure.objects.filter(dossiers__unit=justice).distinct()
    assert set(received.values_list("level", "field__code", "province")) == {
        (Level.PROVINCE, "TP", province.pk)
    }
    # Every dossier of the new province is received by a current unit, on or after 01/07/2025.
    new = Dossier.objects.filter(code__startswith=demo.NEW_PREFIX)
    assert not new.filter(received_at__date__lt=dt.date(2025, 7, 1)).exists()
    assert not new.exclude(unit__valid_from=dt.date(2025, 7, 1)).exists()
    assert new.latest("received_at").received_at.date() <= dt.date(2026, 11, 30)


def test_every_commune_and_working_department_has_dossiers_each_month(loaded):
    province = resolve_unit("66", on=NOW)
    communes = province.children.filter(level=Level.COMMUNE)
    assert communes.count() == 102
    with_dossiers = set(
        Dossier.objects.filter(code__startswith=demo.NEW_PREFIX).values_list("unit", flat=True)
    )
    assert set(communes.values_list("pk", flat=True)) <= with_dossiers
    departments = set(
        AdministrativeUnit.objects.filter(parent=province, level=Level.DEPARTMENT).values_list(
            "code", flat=True
        )
    )
    # The Office of the People's Committee settles no procedure of its own.
    assert departments - set(demo.DEPARTMENT_PROCEDURES) == {"66-VPUBND"}
    quarter = dossier_stats(
        units=list(AdministrativeUnit.objects.filter(pk__in=with_dossiers)),
        start=dt.date(2026, 7, 1),
        end=dt.date(2026, 9, 30),
    )
    for s in quarter.values():
        assert Decimal("0.90") <= s.on_time_rate <= 1
        assert Decimal("0.40") <= s.online_rate <= Decimal("0.90")
        assert Decimal("0.50") <= s.digitised_result_rate <= Decimal("0.95")


@pytest.mark.parametrize("code", ["24280", "66-STP"])
def test_a_full_quarter_of_a_unit_follows_the_generation_table(loaded, code):
    """Q3/2026: three months of the unit's profile, every dossier finished in its month."""
    p = demo.NEW_PROFILES[code]
    unit = resolve_unit(code, on=NOW)
    s = dossier_stats(units=[unit], start=dt.date(2026, 7, 1), end=dt.date(2026, 9, 30))[unit.pk]
    received, late = 3 * p.received, 3 * p.late
    assert (s.received, s.finished, s.finished_late, s.in_progress) == (received, received, late, 0)
    assert s.on_time_rate == _rate(received - late, received)
    assert s.online_rate == _rate(3 * p.online, received)
    assert s.digitised_result_rate == _rate(3 * p.digitised_result, received)
    assert s.paid_online_rate == _rate(3 * p.paid_online, received)


def _figure(html: str, name: str) -> list[str]:
    """The cells of one row of the unit dashboard's comparison table."""
    row = re.search(rf'<tr data-figure="{name}">(.*?)</tr>', html, re.S).group(1)
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]


def _percent(rate: Decimal) -> str:
    return f"{rate * 100:.2f}".replace(".", ",") + "\u00a0%"


def test_commune_dashboard_on_1_december_2026_shows_quarter_iv(loaded, client_for):
    """Xã Cư M'gar's panel: Q4/2026 (October and November) beside Q3/2026, from the table."""
    p = demo.NEW_PROFILES["24280"]
    user = User.objects.get(username="cumgar.xa")
    with _on(NOW):
        html = client_for(user).get("/").content.decode()
    assert "Hồ sơ của đơn vị Quý IV/2026" in html
    assert 'data-figure="quarter-note"' not in html  # the current quarter has dossiers
    received = 2 * p.received  # October and November
    finished = received - p.open_at_end
    late = 2 * p.late
    assert _figure(html, "received")[:2] == [str(received), str(3 * p.received)]
    assert _figure(html, "on-time")[:2] == [
        _percent(_rate(finished - late, finished)),
        _percent(_rate(3 * (p.received - p.late), 3 * p.received)),
    ]
    assert _figure(html, "online")[0] == _percent(_rate(2 * p.online, received))
    assert _figure(html, "digitised-result")[0] == _percent(_rate(2 * p.digitised_result, finished))
    # Judged on 01/12/2026, not at the quarter's end: only the open dossiers already past their
    # due day are overdue; the others are due in December.
    assert _figure(html, "overdue")[0] == str(p.overdue_at_end)
    assert p.overdue_at_end < p.open_at_end  # the table has both kinds, so this tells them apart


def test_provincial_dashboard_on_1_december_2026_shows_quarter_iv(loaded, client_for):
    user = User.objects.get(username="quantri.daklak")
    with _on(NOW):
        html = client_for(user).get("/").content.decode()
    assert "Giải quyết hồ sơ Quý IV/2026" in html
    assert 'data-figure="quarter-note"' not in html
    assert "Xã Cư M’gar" in html and "Sở Tư pháp" in html
    # 102 communes and the 14 departments that settle TTHC: the chart draws the 20 lowest
    # on-time rates and says so; its table keeps every unit.
    assert "Biểu đồ: 20 đơn vị có tỷ lệ đúng hạn thấp nhất; đủ 116 đơn vị" in html


def test_lac_duong_by_level_is_one_command(loaded):
    # Lạc Dương 2019 (source article): "98,8 % ở cấp huyện, cấp xã đạt 99,7 %".
    import csv
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command(
        "dossier_stats",
        "--unit",
        "675",
        "--by",
        "level",
        "--from",
        "2019-01-01",
        "--to",
        "2019-12-31",
        "--format",
        "csv",
        stdout=out,
    )
    header, *rows = list(csv.reader(io.StringIO(out.getvalue())))
    rate = header.index("Tỷ lệ đúng hạn (%)")
    assert [(r[1], r[rate]) for r in rows] == [
        ("Huyện Lạc Dương", "98.80"),
        ("Cấp xã (6 đơn vị)", "99.70"),
    ]
