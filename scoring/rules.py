"""Scoring rules in words, the one wording every page and export shows.

"≥ 80 %: 2 điểm; ≥ 50 %: 1,5 điểm; ≥ 30 %: 1 điểm", never the stored parameters
({'tiers': [['0.8', '2'], …]}). The arithmetic itself stays in scoring.index.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from cchc_portal.templatetags.portal import num
from scoring import index
from scoring.choices import Rule

HUNDRED = Decimal(100)


def plain_number(value: Decimal) -> str:
    """A number in the user's format with no trailing zeros: 1,5 / 2 / 87,5."""
    exponent = value.normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return str(num(value, places))


def _points(value: Decimal) -> str:
    return _("%(n)s điểm") % {"n": plain_number(value)}


def _percent(rate: Decimal) -> str:
    return f"{plain_number(rate * HUNDRED)} %"


def rule_text(rule: str, params: Mapping[str, Any] | None, max_points: Decimal) -> str:
    """How a leaf is scored, in words (the rule's label when its parameters say nothing more).

    Parameters that do not parse fall back to the label: a page must not fail on a bad row
    (criteria are validated when saved, see Criterion.clean)."""
    params = params or {}
    label = str(Rule(rule).label) if rule in Rule.values else str(rule)
    try:
        if rule == Rule.YES_NO:
            return _("Có: %(max)s; không: 0 điểm") % {"max": _points(max_points)}
        if rule == Rule.RATE:
            text = _("Tỷ lệ × %(max)s") % {"max": _points(max_points)}
            threshold = index.to_decimal(params.get("threshold", 0))
            if threshold:
                text += "; " + _("dưới %(rate)s: 0 điểm") % {"rate": _percent(threshold)}
            return text
        if rule == Rule.TIERS:
            tiers = sorted(
                ((index.to_decimal(low), index.to_decimal(p)) for low, p in params["tiers"]),
                reverse=True,
            )
            bands = [f"≥ {_percent(low)}: {_points(points)}" for low, points in tiers]
            return "; ".join(bands)
        if rule == Rule.DEDUCTION:
            step = index.to_decimal(params["per_violation"])
            return _("%(max)s, trừ %(step)s mỗi vi phạm") % {
                "max": _points(max_points),
                "step": _points(step),
            }
    except (KeyError, TypeError, ValueError, InvalidOperation):
        return label
    return label
