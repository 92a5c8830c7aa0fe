"""Form plumbing every app shares: the portal's date field and widget (dd/mm/yyyy whatever the
browser's language), a form base that gives every date field of a form that widget, and the
bound on dates a page accepts from a URL or a form.

A native `<input type="date">` shows the browser's own order (mm/dd/yyyy in an English
browser) while officials read and type dd/mm/yyyy, so the portal's date input is a text input
with a pattern; `static/js/dateinput.js` adds a calendar button and fills in the slashes, and
without JavaScript the text input alone still works.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

# Dates a user may type or put in a URL: wide enough for any record of the province (the
# 2018–2024 history, plans years ahead), narrow enough that arithmetic on them (a period's end
# plus one day, a year's end) never overflows and the database never sees year 9999.
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"]
DATE_PATTERN = r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}"

ERR_DATE_RANGE = _("Ngày phải trong khoảng %(min)s – %(max)s.")
ERR_DATE_FORMAT = _("Nhập ngày theo dạng ngày/tháng/năm, ví dụ 31/12/2026.")


class PortalDateInput(forms.DateInput):
    """A text input that shows and takes dd/mm/yyyy (never the browser's locale order)."""

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {
            "placeholder": "dd/mm/yyyy",
            "pattern": DATE_PATTERN,
            "inputmode": "numeric",
            "autocomplete": "off",
            "data-date-input": "",
            "size": "10",
            "maxlength": "10",
            "data-pick-label": _("Chọn ngày"),
        }
        super().__init__(attrs={**defaults, **(attrs or {})}, format="%d/%m/%Y")


class PortalDateField(forms.DateField):
    """A date typed as dd/mm/yyyy (ISO and dd-mm-yyyy also read), within MIN_DATE…MAX_DATE."""

    widget = PortalDateInput
    input_formats = DATE_INPUT_FORMATS
    default_error_messages = {"invalid": ERR_DATE_FORMAT}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> dt.date | None:
        try:
            date = super().to_python(value)
        except OverflowError as error:  # a year past what datetime holds
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from error
        if date is not None and not (MIN_DATE <= date <= MAX_DATE):
            raise forms.ValidationError(
                ERR_DATE_RANGE,
                code="date_range",
                params={"min": f"{MIN_DATE:%d/%m/%Y}", "max": f"{MAX_DATE:%d/%m/%Y}"},
            )
        return date


def portal_formfield(field: models.Field, **kwargs: Any) -> forms.Field | None:
    """The `formfield_callback` of the portal's model forms: date fields get PortalDateField."""
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        kwargs.setdefault("form_class", PortalDateField)
    return field.formfield(**kwargs)


def use_portal_dates(fields: dict[str, forms.Field]) -> None:
    """Swap every plain date field of a form for the portal's (keeping label, help text,
    required and initial)."""
    for name, field in list(fields.items()):
        if type(field) is forms.DateField:
            fields[name] = PortalDateField(
                label=field.label,
                required=field.required,
                help_text=field.help_text,
                initial=field.initial,
                disabled=field.disabled,
            )


class PortalForm(forms.Form):
    """The base of the portal's forms: every `forms.DateField` becomes a PortalDateField."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        use_portal_dates(self.fields)


class PortalModelForm(forms.ModelForm):
    """The base of the portal's model forms: model date fields and declared ones alike."""

    formfield_callback = portal_formfield

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        use_portal_dates(self.fields)
