from django import forms
from django.utils.translation import gettext_lazy as _

from cchc_portal import uploads
from cchc_portal.forms import PortalDateField
from units.choices import ASSESSED_LEVELS


class CriteriaImportForm(forms.Form):
    """Upload of a criteria set file (same format and checks as `import_criteria`)."""

    file = forms.FileField(label=_("Tệp bộ chỉ số (XLSX/CSV)"))
    year = forms.IntegerField(label=_("Năm đánh giá"), min_value=2000, max_value=2100)
    level = forms.ChoiceField(
        label=_("Cấp"),
        choices=[(level.value, level.label) for level in ASSESSED_LEVELS],
    )
    name = forms.CharField(label=_("Tên bộ chỉ số"), max_length=300, required=False)
    legal_basis = forms.CharField(label=_("Quyết định ban hành"), max_length=200, required=False)
    bonus_cap = forms.DecimalField(
        label=_("Điểm thưởng tối đa"), initial=0, min_value=0, max_digits=5, decimal_places=2
    )
    penalty_cap = forms.DecimalField(
        label=_("Điểm trừ tối đa"), initial=0, min_value=0, max_digits=5, decimal_places=2
    )
    self_assessment_due_on = PortalDateField(
        label=_("Hạn tự đánh giá"),
        required=False,
    )

    explanation_due_on = PortalDateField(
        label=_("Hạn giải trình"),
        required=False,
    )

    def clean_file(self):
        """Size, type by content and zip-bomb limits, before the file is read."""
        upload = self.cleaned_data["file"]
        uploads.check_table(upload, field=self.fields["file"].label)
        return upload


class DeadlinesForm(forms.Form):
    """The phase deadlines of a criteria set (the province's plan), edited on the set page."""

    self_assessment_due_on = PortalDateField(
        label=_("Hạn tự đánh giá"),
        required=False,
    )
    explanation_due_on = PortalDateField(
        label=_("Hạn giải trình"),
        required=False,
    )


class ExplanationForm(forms.Form):
    """A message of a criterion's explanation thread, with an optional file (checked by the
    service like any evidence)."""

    text = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 3}))
    file = forms.FileField(label=_("Tệp kèm theo"), required=False)


SCALE_EMPTY = _("Giá trị cao nhất của thang phải lớn hơn giá trị thấp nhất.")


class ScoresImportForm(forms.Form):
    """Upload of scores or raw survey answers for a set (same format as `import_scores`)."""

    SCORES, ANSWERS = "scores", "survey_answers"

    file = forms.FileField(label=_("Tệp điểm (XLSX/CSV)"))
    kind = forms.ChoiceField(
        label=_("Nội dung tệp"),
        choices=[
            (SCORES, _("Điểm tự đánh giá, thẩm định, điều tra, thưởng / trừ")),
            (ANSWERS, _("Câu trả lời phiếu điều tra xã hội học (thô)")),
        ],
        initial=SCORES,
    )
    scale_min = forms.IntegerField(label=_("Thang trả lời từ"), initial=1, min_value=0)
    scale_max = forms.IntegerField(label=_("đến"), initial=5, min_value=1)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        uploads.check_table(upload, field=self.fields["file"].label)
        return upload

    def clean(self):
        data = super().clean() or {}
        low, high = data.get("scale_min"), data.get("scale_max")
        if low is not None and high is not None and high <= low:
            self.add_error("scale_max", SCALE_EMPTY)
        return data
