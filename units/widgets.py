"""The searchable unit picker: a server-rendered `<select>` of the units a user may choose,
grouped by level, that `static/js/unitpicker.js` turns into a select with a filter box.

Without JavaScript it is a plain `<select>` with optgroups (tỉnh, sở/ban/ngành, xã/phường, and
the units that ended on 30/06/2025 as history), the units current on the field's day first.
With it, typing filters the options by name or code, accent-insensitive ("cu mgar" finds
"Cư M'gar"): each option carries its name and code already folded (`data-search`, by
`fold()` below), so the script only folds what is typed.

The choices are the field's queryset, which callers narrow with `visible_to(user)`: a unit
outside it posted by hand is refused by the field like any invalid choice, with its message.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

import django_filters
from django import forms
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from units.choices import Level
from units.models import AdministrativeUnit

ERR_UNIT_NOT_OFFERED = _("Đơn vị đã chọn không có trong danh sách bạn được chọn.")

# Optgroups in the order they are shown: today's units first, the pre-2025 tree after them.
CURRENT_GROUPS = (
    (Level.PROVINCE, _("Tỉnh")),
    (Level.DEPARTMENT, _("Sở, ban, ngành")),
    (Level.COMMUNE, _("Xã, phường")),
    (Level.DISTRICT, _("Huyện")),
)
HISTORY_GROUPS = (
    (Level.PROVINCE, _("Lịch sử: tỉnh đã sáp nhập")),
    (Level.DEPARTMENT, _("Lịch sử: sở, ban, ngành đã thôi hoạt động")),
    (Level.DISTRICT, _("Lịch sử: huyện (đến 30/06/2025)")),
    (Level.COMMUNE, _("Lịch sử: xã, phường cũ")),
)

_NOT_WORD = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower case without accents or punctuation: "Xã Cư M’gar" → "xa cu mgar"."""
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _SPACES.sub(" ", _NOT_WORD.sub("", text)).strip()


def unit_label(unit: AdministrativeUnit) -> str:
    return f"{unit.name} ({unit.code})"


class UnitPickerSelect(forms.Select):
    """A `<select>` whose options carry their folded name and code for the filter script."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {
            "data-unit-picker": "",
            "data-filter-label": _("Lọc theo tên hoặc mã đơn vị"),
            "data-no-match": _("Không có đơn vị phù hợp."),
        }
        super().__init__(attrs={**defaults, **(attrs or {})})

    def create_option(
        self,
        name: str,
        value: Any,
        label: Any,
        selected: Any,
        index: int,
        subindex: int | None = None,
        attrs: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        unit = getattr(value, "instance", None)
        if isinstance(unit, AdministrativeUnit):
            option["attrs"] = {"data-search": f"{fold(unit.name)} {unit.code}", **option["attrs"]}
        return option


class UnitChoiceIterator(ModelChoiceIterator):
    """The field's units in optgroups, read in one query when the widget renders."""

    field: UnitChoiceField

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        on = self.field.on or timezone.localdate()
        groups: dict[tuple[bool, str], list[tuple[ModelChoiceIteratorValue, str]]] = {}
        for unit in self.field.units():
            key = (unit.is_valid_on(on), unit.level)
            groups.setdefault(key, []).append(self.choice(unit))
        for current, table in ((True, CURRENT_GROUPS), (False, HISTORY_GROUPS)):
            for level, label in table:
                if (current, level) in groups:
                    yield (str(label), groups[(current, level)])

    def __len__(self) -> int:
        return len(self.field.units()) + (1 if self.field.empty_label is not None else 0)

    def choice(self, obj: Any) -> tuple[ModelChoiceIteratorValue, str]:
        return (ModelChoiceIteratorValue(self.field.prepare_value(obj), obj), unit_label(obj))


class UnitChoiceField(forms.ModelChoiceField):
    """A unit chosen with the picker. `on`: the day that decides which units are current
    (shown first; default today). Narrow `queryset` to the user's scope.

    Many pickers over the same units (the rows of a formset) share one read: `share(units)`
    gives the field the evaluated list, used for rendering and for checking a posted choice."""

    iterator = UnitChoiceIterator
    widget = UnitPickerSelect
    _units: tuple[Any, list[AdministrativeUnit]] | None = None
    default_error_messages = {"invalid_choice": ERR_UNIT_NOT_OFFERED}

    def __init__(
        self,
        queryset: Any = None,
        *,
        on: dt.date | None = None,
        **kwargs: Any,
    ) -> None:
        self.on = on
        kwargs.setdefault("empty_label", "—")
        super().__init__(
            AdministrativeUnit.objects.none() if queryset is None else queryset, **kwargs
        )

    def label_from_instance(self, obj: Any) -> str:
        return unit_label(obj)

    def share(self, units: list[AdministrativeUnit]) -> None:
        self._units = (self.queryset, units)

    def units(self) -> list[AdministrativeUnit]:
        """The units offered, by name (one query, once per queryset given to the field)."""
        queryset = self.queryset
        assert queryset is not None
        if self._units is None or self._units[0] is not queryset:
            self._units = (queryset, list(queryset.order_by("name", "code", "pk")))
        return self._units[1]

    def to_python(self, value: Any) -> AdministrativeUnit | None:
        if value in self.empty_values:
            return None
        by_pk = {str(u.pk): u for u in self.units()}
        unit = by_pk.get(str(getattr(value, "pk", value)))
        if unit is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return unit


class UnitFilter(django_filters.ModelChoiceFilter):
    """A list's filter by unit with the picker: the records of the chosen unit and of the
    units below it. Offers the units the requesting user sees (none without a request)."""

    field_class = UnitChoiceField

    def __init__(self, *args: Any, via: str = "unit", **kwargs: Any) -> None:
        kwargs.setdefault("queryset", _visible_units)
        kwargs.setdefault("label", _("Đơn vị"))
        kwargs.setdefault("method", self.in_subtree)
        self.via = via
        super().__init__(*args, **kwargs)

    def in_subtree(self, queryset: Any, name: str, value: AdministrativeUnit | None) -> Any:
        if value is None:
            return queryset
        return queryset.filter(**{f"{self.via}__path__startswith": value.path})


def _visible_units(request: Any) -> Any:
    if request is None:
        return AdministrativeUnit.objects.none()
    return AdministrativeUnit.objects.visible_to(request.user)
