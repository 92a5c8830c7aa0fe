from django import forms
from django.utils.translation import gettext_lazy as _


class DossierUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp CSV hoặc Excel (.xlsx) xuất từ hệ thống một cửa"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
