"""The arithmetic of the Decision 766/QĐ-TTg service index (pure Python, no Django).

Decision 766/QĐ-TTg (23/06/2022) scores the service to citizens and businesses out of 100 in
five groups: publicity and transparency 18, processing progress 20, digitisation 22, online
service 22, satisfaction 18. Each group is a few indicators, each a rate with a maximum; the
national method gives an indicator its maximum from a rate (`full_at`, e.g. 80 % of dossiers
digitised) and proportionally below it: points = maximum × min(1, rate / full_at).

Rates and points are `Decimal`; points are kept unrounded and only the published figures (an
indicator's points, a group's, the index) are rounded half up to 2 decimals, once, at the end,
as the CCHC index does. The indicators, their maxima, formulas and sources are data
(`ServiceIndicator`, docs/domain.md "Decision 766 service index"); this module only adds up.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)
ONE = Decimal(1)
CENT = Decimal("0.01")

# The five groups and their maxima (Decision 766/QĐ-TTg), in the order the decision lists them.
PUBLICITY = "publicity"
PROGRESS = "progress"
DIGITISATION = "digitisation"
ONLINE = "online"
SATISFACTION = "satisfaction"
GROUP_MAXIMA: dict[str, Decimal] = {
    PUBLICITY: Decimal(18),
    PROGRESS: Decimal(20),
    DIGITISATION: Decimal(22),
    ONLINE: Decimal(22),
    SATISFACTION: Decimal(18),
}


def rounded(value: Decimal) -> Decimal:
    """Half up to 2 decimals (86.375 → 86.38)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def indicator_points(*, rate: Decimal | None, max_points: Decimal, full_at: Decimal) -> Decimal:
    """Points of one indicator, unrounded: the maximum from `full_at` up, proportional below;
    no rate (no data, or nothing to divide by) scores 0. A rate is a fraction 0…1."""
    if rate is None:
        return ZERO
    rate = min(max(rate, ZERO), ONE)
    if full_at <= ZERO:
        return max_points
    return max_points * min(ONE, rate / full_at)


@dataclass(frozen=True)
class IndicatorInput:
    code: str
    group: str
    max_points: Decimal
    full_at: Decimal
    rate: Decimal | None


@dataclass(frozen=True)
class IndicatorScore:
    code: str
    group: str
    rate: Decimal | None
    max_points: Decimal
    points: Decimal  # unrounded

    @property
    def has_data(self) -> bool:
        return self.rate is not None


@dataclass(frozen=True)
class GroupScore:
    group: str
    max_points: Decimal  # the decision's maximum
    indicators_max: Decimal  # what the group's indicators add up to (should be the same)
    points: Decimal  # rounded
    missing: int  # indicators without data

    @property
    def consistent(self) -> bool:
        return self.max_points == self.indicators_max


@dataclass(frozen=True)
class IndexScore:
    indicators: list[IndicatorScore]
    groups: list[GroupScore]
    total: Decimal  # rounded once, from the unrounded points
    missing: int


def score(inputs: Sequence[IndicatorInput]) -> IndexScore:
    """The index of one unit and month from its indicators' rates."""
    indicators = [
        IndicatorScore(
            code=i.code,
            group=i.group,
            rate=i.rate,
            max_points=i.max_points,
            points=indicator_points(rate=i.rate, max_points=i.max_points, full_at=i.full_at),
        )
        for i in inputs
    ]
    groups = []
    for group, maximum in GROUP_MAXIMA.items():
        members = [i for i in indicators if i.group == group]
        groups.append(
            GroupScore(
                group=group,
                max_points=maximum,
                indicators_max=sum((i.max_points for i in members), ZERO),
                points=rounded(sum((i.points for i in members), ZERO)),
                missing=sum(1 for i in members if not i.has_data),
            )
        )
    total = rounded(sum((i.points for i in indicators), ZERO))
    return IndexScore(
        indicators=indicators,
        groups=groups,
        total=total,
        missing=sum(1 for i in indicators if not i.has_data),
    )


def ratio(numerator: int, denominator: int) -> Decimal | None:
    """numerator / denominator as a rate, None when there is nothing to divide by."""
    if not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator)


def months_of(first: tuple[int, int], last: tuple[int, int]) -> Iterable[tuple[int, int]]:
    """(year, month) from `first` to `last`, both included."""
    year, month = first
    while (year, month) <= last:
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
