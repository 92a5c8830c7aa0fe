"""Rows of the Decision 766 service index for CSV, Excel and the `service_index` command: one
definition of the columns for each table (by indicator, by month)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from procedures.choices import ServiceFormula, ServiceGroup
from procedures.service_index import GROUP_MAXIMA, rounded
from procedures.service_selectors import ServiceIndexReport, ServiceMonth

HUNDRED = Decimal(100)


def _pct(rate: Decimal | None) -> Decimal | None:
    return None if rate is None else rounded(rate * HUNDRED)


def indicator_headers() -> list[str]:
    return [
        _("Mã chỉ số"),
        _("Nhóm"),
        _("Chỉ số"),
        _("Cách tính"),
        _("Tỷ lệ (%)"),
        _("Điểm"),
        _("Điểm tối đa"),
    ]


def indicator_rows(report: ServiceIndexReport, month: ServiceMonth) -> Iterator[list[Any]]:
    """The month's indicators, then each group's subtotal, then the index."""
    groups = dict(ServiceGroup.choices)
    formulas = dict(ServiceFormula.choices)
    for indicator, scored in zip(report.indicators, month.score.indicators, strict=True):
        yield [
            indicator.code,
            str(groups.get(indicator.group, indicator.group)),
            indicator.name,
            str(formulas.get(indicator.formula, indicator.formula)),
            _pct(scored.rate),
            rounded(scored.points),
            indicator.max_points,
        ]
    for group in month.score.groups:
        yield [
            "",
            str(groups[group.group]),
            _("Cộng nhóm"),
            "",
            None,
            group.points,
            group.max_points,
        ]
    yield [
        "",
        "",
        _("Chỉ số phục vụ (100 điểm)"),
        "",
        None,
        month.score.total,
        sum(GROUP_MAXIMA.values()),
    ]


def month_headers() -> list[str]:
    return [
        _("Tháng"),
        *(f"{label} ({GROUP_MAXIMA[value]})" for value, label in ServiceGroup.choices),
        _("Tổng điểm"),
        _("Chỉ số chưa có số liệu"),
    ]


def month_rows(report: ServiceIndexReport, *, as_dates: bool = False) -> Iterator[list[Any]]:
    """One row per month; `as_dates`: the month as the date of its first day (a spreadsheet
    shows it "MM/YYYY" and can sort and filter it), else as the text "09/2026" (the page)."""
    for month in report.months:
        by_group = {g.group: g.points for g in month.score.groups}
        yield [
            month.month if as_dates else f"{month.month:%m/%Y}",
            *(by_group[value] for value in ServiceGroup.values),
            month.score.total,
            month.score.missing,
        ]


def indicator_rows_by_month(report: ServiceIndexReport) -> Iterator[list[Any]]:
    """The indicators of every month, the month first as a date (spreadsheet: "MM/YYYY")."""
    for month in report.months:
        for row in indicator_rows(report, month):
            yield [month.month, *row]
