"""The base of every FilterSet of the portal (django-filter)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _

from cchc_portal.forms import PortalDateField, PortalDateInput

EMPTY_CHOICE = _("Tất cả")


class PortalFilterSet(django_filters.FilterSet):
    """A FilterSet whose choice filters offer "Tất cả" as their empty choice (not Django's
    "---------") and whose date filters read and write dd/mm/yyyy within the portal's bounds
    (cchc_portal.forms.PortalDateField), whatever the browser's language.

    A filter that says otherwise keeps its own: `empty_label=None` (no empty choice) or its
    own label."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for filter_ in self.filters.values():
            if isinstance(filter_, django_filters.DateFilter):
                filter_.field_class = PortalDateField
                filter_.extra["widget"] = PortalDateInput()
            elif (
                isinstance(filter_, django_filters.ChoiceFilter)
                and filter_.extra.get("empty_label", "---------") == "---------"
            ):
                filter_.extra["empty_label"] = EMPTY_CHOICE
