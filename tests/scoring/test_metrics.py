"""Rate criteria read their figure from the unit's dossiers (procedures statistics)."""

from decimal import Decimal

import pytest

from procedures.choices import Channel, DossierStatus
from scoring.metrics import metric_values
from scoring.models import Criterion
from tests.procedures.factories import DossierFactory, ProcedureFactory, at
from tests.scoring.factories import make_assessment, make_set

pytestmark = pytest.mark.django_db


def test_metrics_come_from_the_units_dossiers_of_the_assessed_year(personas):
    cs = make_set(province=personas.daklak, year=2024)
    Criterion.objects.filter(criteria_set=cs, code="2.1").update(metric="dossier_on_time_rate")
    Criterion.objects.filter(criteria_set=cs, code="2.2").update(metric="dossier_online_rate")
    assessment = make_assessment(criteria_set=cs, unit=personas.cumgar)
    procedure = ProcedureFactory()
    # District desk: 3 finished on time, 1 late; the commune: 1 on time, received online.
    for i in range(3):
        DossierFactory(procedure=procedure, unit=personas.cumgar, code=f"A{i}")
    DossierFactory(
        procedure=procedure,
        unit=personas.cumgar,
        code="LATE",
        finished_at=at(2024, 1, 16),
    )
    DossierFactory(procedure=procedure, unit=personas.eakpam, code="C1", channel=Channel.ONLINE)
    # Another year and another unit do not count.
    DossierFactory(
        procedure=procedure,
        unit=personas.cumgar,
        code="OLD",
        received_at=at(2023, 3, 1),
        due_at=at(2023, 3, 2),
        finished_at=at(2023, 3, 9),
        status=DossierStatus.FINISHED,
    )
    DossierFactory(
        procedure=procedure, unit=personas.namnhun, code="NN", finished_at=at(2024, 2, 1)
    )

    values = metric_values(assessment=assessment)
    on_time = Criterion.objects.get(criteria_set=cs, code="2.1").pk
    online = Criterion.objects.get(criteria_set=cs, code="2.2").pk
    assert values == {on_time: Decimal(4) / Decimal(5), online: Decimal(1) / Decimal(5)}


def test_no_metric_criteria_means_no_dossier_query(personas, django_assert_num_queries):
    cs = make_set(province=personas.daklak, year=2024)
    assessment = make_assessment(criteria_set=cs, unit=personas.cumgar)
    with django_assert_num_queries(1):
        assert metric_values(assessment=assessment) == {}
