from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cchc_portal.forms import PortalDateField
from units.agencies import CODE_RE


class DepartmentForm(forms.Form):
    """A department or agency of the province (sở, ban, ngành); its code is the province's code
    and the abbreviation."""

    name = forms.CharField(label=_("Tên cơ quan"), max_length=200)
    abbreviation = forms.CharField(
        label=_("Tên viết tắt (trong mã)"),
        max_length=7,
        help_text=_("Ví dụ STP (Sở Tư pháp): mã cơ quan là mã tỉnh-STP."),
    )
    valid_from = PortalDateField(label=_("Hiệu lực từ"), required=False)
    valid_until = PortalDateField(label=_("Hiệu lực đến"), required=False)

    def clean_abbreviation(self) -> str:
        value = self.cleaned_data["abbreviation"].strip().upper()
        if not CODE_RE.match(f"00-{value}"):
            raise forms.ValidationError(_("Chỉ gồm chữ cái in hoa và chữ số, tối đa 7 ký tự."))
        return value

    @staticmethod
    def initial_for(unit) -> dict:
        return {
            "name": unit.name,
            "abbreviation": unit.code.split("-", 1)[-1],
            "valid_from": unit.valid_from,
            "valid_until": unit.valid_until,
        }
