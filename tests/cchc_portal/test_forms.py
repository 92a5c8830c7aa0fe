"""The shared form plumbing: the dd/mm/yyyy date field and widget, the base FilterSet's empty
choice and dates, the bounded page number of every table."""

from __future__ import annotations

import datetime as dt

import django_filters
import pytest
from django import forms
from django.http import Http404
from django.utils import translation

from cchc_portal.filters import PortalFilterSet
from cchc_portal.forms import (
    ERR_DATE_FORMAT,
    PortalDateField,
    PortalDateInput,
    PortalForm,
    PortalModelForm,
)
from cchc_portal.tables import MAX_PAGE, bounded_page
from documents.models import RegisteredDocument
from units.models import AdministrativeUnit


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31/12/2026", dt.date(2026, 12, 31)),
        ("1/7/2025", dt.date(2025, 7, 1)),
        ("2019-09-27", dt.date(2019, 9, 27)),  # the links the dashboard writes
        ("27-09-2019", dt.date(2019, 9, 27)),
    ],
)
def test_date_field_reads_day_first(text, expected):
    assert PortalDateField().clean(text) == expected


@pytest.mark.parametrize(
    "text", ["9999-12-31", "31/12/9999", "0001-01-01", "31/12/1899", "01/01/2101"]
)
def test_date_field_refuses_dates_outside_1900_2100_with_the_range(text):
    with translation.override("vi"), pytest.raises(forms.ValidationError) as error:
        PortalDateField().clean(text)
    assert "01/01/1900 – 31/12/2100" in str(error.value)


@pytest.mark.parametrize("text", ["32/01/2026", "12/31/2026", "10000-01-01", "9" * 40, "hôm qua"])
def test_date_field_refuses_what_is_not_a_day_first_date(text):
    with pytest.raises(forms.ValidationError) as error:
        PortalDateField().clean(text)
    assert str(ERR_DATE_FORMAT) in str(error.value)


def test_date_widget_is_a_text_input_showing_day_first():
    html = PortalDateInput().render("d", dt.date(2026, 7, 1))
    assert 'type="text"' in html
    assert 'value="01/07/2026"' in html
    assert "pattern=" in html and "data-date-input" in html
    assert 'type="date"' not in html  # the browser's locale order never shows


def test_portal_form_swaps_plain_date_fields():
    class Plain(PortalForm):
        on = forms.DateField(label="Ngày", required=False)

    form = Plain(data={"on": "05/02/2026"})
    assert isinstance(form.fields["on"], PortalDateField)
    assert form.fields["on"].label == "Ngày" and not form.fields["on"].required
    assert form.is_valid() and form.cleaned_data["on"] == dt.date(2026, 2, 5)


def test_portal_model_form_gives_model_date_fields_the_portal_widget():
    class DocumentForm(PortalModelForm):
        class Meta:
            model = RegisteredDocument
            fields = ["issued_on"]

    field = DocumentForm().fields["issued_on"]
    assert isinstance(field, PortalDateField)
    assert isinstance(field.widget, PortalDateInput)


class _Filter(PortalFilterSet):
    level = django_filters.ChoiceFilter(choices=[("commune", "Cấp xã")])
    parent = django_filters.ModelChoiceFilter(queryset=AdministrativeUnit.objects.none())
    kept = django_filters.ChoiceFilter(choices=[("a", "A")], empty_label=None)
    since = django_filters.DateFilter(field_name="valid_from", lookup_expr="gte")

    class Meta:
        model = AdministrativeUnit
        fields = ["level", "parent", "kept", "since"]


@pytest.mark.django_db
def test_filterset_empty_choice_says_tat_ca():
    with translation.override("vi"):
        form = _Filter(queryset=AdministrativeUnit.objects.none()).form
        assert next(iter(form.fields["level"].choices)) == ("", "Tất cả")
        assert next(iter(form.fields["parent"].choices))[1] == "Tất cả"
        assert [c[0] for c in form.fields["kept"].choices] == ["a"]  # no empty choice, as asked
        html = str(form)
    assert "---------" not in html


@pytest.mark.django_db
def test_filterset_dates_are_day_first_and_bounded():
    filterset = _Filter({"since": "31/12/9999"}, queryset=AdministrativeUnit.objects.all())
    assert isinstance(filterset.form.fields["since"], PortalDateField)
    assert not filterset.is_valid()
    assert "since" in filterset.errors
    filterset = _Filter({"since": "01/07/2025"}, queryset=AdministrativeUnit.objects.all())
    assert filterset.is_valid()
    assert filterset.form.cleaned_data["since"] == dt.date(2025, 7, 1)


@pytest.mark.parametrize("page", ["1", "2", str(MAX_PAGE), "last", "", "abc", "-3", 7])
def test_page_numbers_the_paginator_may_judge_pass(page):
    assert bounded_page(page) == page


@pytest.mark.parametrize("page", [str(MAX_PAGE + 1), "9" * 40, "-" + "9" * 40, "١" * 30])
def test_page_numbers_past_any_list_are_404(page):
    with pytest.raises(Http404):
        bounded_page(page)
