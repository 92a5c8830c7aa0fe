from django import forms
from django.utils.translation import gettext_lazy as _

from cchc_portal import uploads


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
