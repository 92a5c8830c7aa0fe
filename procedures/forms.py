from django import forms
from django.utils.translation import gettext_lazy as _

from cchc_portal import uploads
from cchc_portal.filters import EMPTY_CHOICE


class DossierUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp CSV hoặc Excel (.xlsx) xuất từ hệ thống một cửa"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        """Size, type by content and zip-bomb limits, before anything is stored."""
        upload = self.cleaned_data["file"]
        uploads.check_table(upload, field=self.fields["file"].label)
        return upload


class ServiceIndexForm(forms.Form):
    """The unit, year and month of the Decision 766 service index page."""

    unit: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, label=_("Đơn vị"), required=False, empty_label=EMPTY_CHOICE
    )
    year = forms.IntegerField(label=_("Năm"), min_value=2022, max_value=2100, required=False)
    month = forms.TypedChoiceField(
        label=_("Tháng (chi tiết)"),
        choices=[("", "–"), *((m, f"{m:02d}") for m in range(1, 13))],
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        from units.models import AdministrativeUnit

        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = AdministrativeUnit.objects.visible_to(user).order_by("path")
