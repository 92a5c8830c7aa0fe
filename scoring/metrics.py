"""Rates computed from dossier data for criteria that name a `metric`.

The appraiser sees the unit's figure (e.g. share of dossiers resolved on time in the assessed
year) beside a rate criterion, and the points the rule gives for it as a suggestion. The figures
come from `procedures.selectors.dossier_stats`, so the score sheet, the statistics page and the
inspection report all agree.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from procedures.selectors import DossierStats, dossier_stats
from scoring.choices import Metric

if TYPE_CHECKING:
    from scoring.models import Assessment

_RATE_OF = {
    Metric.DOSSIER_ON_TIME_RATE: lambda s: s.on_time_rate,
    Metric.DOSSIER_ONLINE_RATE: lambda s: s.online_rate,
    Metric.DOSSIER_DIGITISED_RESULT_RATE: lambda s: s.digitised_result_rate,
    Metric.DOSSIER_PAID_ONLINE_RATE: lambda s: s.paid_online_rate,
}


def metric_value(metric: str, stats: DossierStats) -> Decimal | None:
    """The rate (fraction 0…1) a metric reads from a unit's statistics; None without data."""
    reader = _RATE_OF.get(Metric(metric)) if metric in Metric.values else None
    return reader(stats) if reader else None


def metric_values(*, assessment: Assessment) -> dict[int, Decimal]:
    """{criterion id: rate} for the assessment's metric criteria, over the assessed year.

    The unit's figures include its communes (a district answers for its whole territory). One
    query for the criteria and one aggregate for the dossiers; nothing when no criterion names
    a metric.
    """
    from scoring.models import Criterion

    criteria = list(
        Criterion.objects.filter(criteria_set_id=assessment.criteria_set_id)
        .exclude(metric="")
        .values_list("pk", "metric")
    )
    if not criteria:
        return {}
    year = assessment.criteria_set.year
    stats = dossier_stats(
        units=[assessment.unit],
        start=dt.date(year, 1, 1),
        end=dt.date(year, 12, 31),
        include_descendants=True,
    )[assessment.unit_id]
    values = {}
    for pk, metric in criteria:
        value = metric_value(metric, stats)
        if value is not None:
            values[pk] = value
    return values
