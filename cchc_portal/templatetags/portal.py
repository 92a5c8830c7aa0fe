"""Formatting for officials: Vietnamese numbers (86,38), percentages (99,36 %), dates."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def num(value, places: int = 2):
    """A number with `places` decimals in the active language: 86,38 (vi) / 86.38 (en)."""
    if value is None or value == "":
        return "–"
    try:
        value = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return value
    if not value.is_finite():
        return "–"
    # Django's number_format cuts extra decimals off; officials expect rounding (86,375 → 86,38).
    with localcontext() as context:  # enough digits for any value a user can type
        context.prec = max(28, value.adjusted() + int(places) + 2)
        value = value.quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)
    return number_format(value, decimal_pos=int(places), use_l10n=True, force_grouping=True)


@register.filter
def percent(value, places: int = 2):
    """A rate given as a fraction (0.9936) or a Decimal percentage shown as 99,36 %."""
    if value is None or value == "":
        return "–"
    try:
        value = Decimal(str(value)) * 100
    except (InvalidOperation, ValueError):
        return value
    return f"{num(value, places)}\u00a0%"


@register.filter
def percent_value(value, places: int = 2):
    """A value already in percent (87.80) shown as 87,80 %."""
    if value is None or value == "":
        return "–"
    return f"{num(value, places)}\u00a0%"


@register.filter
def bs(field):
    """Render a bound form field with Bootstrap's class for its widget type."""
    widget = field.field.widget
    input_type = getattr(widget, "input_type", None)
    if input_type in ("checkbox", "radio"):
        css = "form-check-input"
    elif input_type == "select" or widget.__class__.__name__.endswith("Select"):
        css = "form-select"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    existing = widget.attrs.get("class", "")
    return field.as_widget(attrs={"class": f"{existing} {css}".strip()})
