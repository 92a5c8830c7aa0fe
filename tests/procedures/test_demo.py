"""The demo reproduces the source articles' figures, computed by the statistics selector."""

import datetime as dt
from decimal import Decimal

import pytest

from procedures import demo
from procedures.models import Dossier, Procedure
from procedures.selectors import dossier_stats, dossier_stats_total, procedure_online_levels
from units import demo as units_demo
from units.models import AdministrativeUnit

pytestmark = pytest.mark.django_db


def test_demo_reproduces_the_articles_and_is_idempotent():
    units_demo.load(out=lambda _line: None)
    demo.load(out=lambda _line: None)
    unit = AdministrativeUnit.objects.by_code

    cumgar = unit("648")
    s = dossier_stats(
        units=[cumgar],
        start=dt.date(2018, 1, 1),
        end=dt.date(2019, 6, 30),
        include_descendants=True,
    )[cumgar.pk]
    assert s.received == 272_143  # ">272,000 received"
    assert s.finished_early + s.finished_on_time == 272_014  # "~272,000 on time"
    assert (s.in_progress, s.in_progress_overdue, s.finished_late) == (129, 0, 0)

    namnhun = unit("112")
    s2023 = dossier_stats(units=[namnhun], start=dt.date(2023, 1, 1), end=dt.date(2023, 12, 31))
    assert s2023[namnhun.pk].on_time_rate == Decimal("0.9936")
    h1 = dossier_stats(units=[namnhun], start=dt.date(2024, 1, 1), end=dt.date(2024, 6, 30))
    assert h1[namnhun.pk].digitised_result_rate == Decimal("0.6760")
    assert h1[namnhun.pk].paid_online_rate == Decimal("0.7814")

    lacduong = unit("675")
    year = {"start": dt.date(2019, 1, 1), "end": dt.date(2019, 12, 31)}
    assert dossier_stats(units=[lacduong], **year)[lacduong.pk].on_time_rate == Decimal("0.9880")
    communes = dossier_stats(units=lacduong.children.all(), **year)
    assert len(communes) == 6
    assert dossier_stats_total(communes.values()).on_time_rate == Decimal("0.9970")

    levels = {
        row["level"]: row
        for row in procedure_online_levels(procedures=Procedure.objects.filter(province__code="68"))
    }
    assert (levels["district"]["total"], levels["commune"]["total"]) == (290, 144)
    assert [levels["district"][f"legacy_{i}"] for i in (2, 3, 4)] == [240, 43, 7]
    daklak = Procedure.objects.filter(province__code="66")
    assert daklak.filter(level="district", field__code="TP").count() == 25
    assert daklak.filter(level="district", field__code="NV").count() == 22
    assert daklak.filter(level="commune", field__code="NV").count() == 12

    count, last_id = Dossier.objects.count(), Dossier.objects.order_by("-pk").first().pk
    demo.load(out=lambda _line: None)
    assert Dossier.objects.count() == count
    assert Dossier.objects.order_by("-pk").first().pk == last_id
