from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cchc_portal import uploads
from cchc_portal.forms import PortalForm
from scoring.models import Criterion
from surveys.choices import RespondentGroup
from surveys.models import Question, Questionnaire


def field_name(question: Question) -> str:
    return f"q_{question.pk}"


class AnswersForm(PortalForm):
    """The questions of a questionnaire as radio buttons: the public form shows one at a time
    (`only`), the paper entry all of them; the values are checked again by the services."""

    def __init__(
        self,
        *args: Any,
        questionnaire: Questionnaire,
        only: Question | None = None,
        required: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(o.value), o.label) for o in questionnaire.options.all()]
        for q in questionnaire.questions.all():
            if only is not None and q.pk != only.pk:
                continue
            self.fields[field_name(q)] = forms.TypedChoiceField(
                label=f"{q.position}. {q.text}",
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
                required=required,
                error_messages={"required": _("Hãy chọn một câu trả lời.")},
            )

    def values(self) -> dict[int, int]:
        return {
            int(name[2:]): value
            for name, value in self.cleaned_data.items()
            if name.startswith("q_") and value not in (None, "")
        }


class QuestionnaireImportForm(PortalForm):
    file = forms.FileField(label=_("Tệp phiếu khảo sát (XLSX/CSV)"))
    group = forms.ChoiceField(label=_("Nhóm đối tượng"), choices=RespondentGroup.choices)
    title = forms.CharField(label=_("Tên phiếu"), max_length=300)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        uploads.check_table(upload, field=self.fields["file"].label)
        return upload


class SurveyCreateForm(PortalForm):
    name = forms.CharField(label=_("Tên đợt khảo sát"), max_length=300)
    closes_on = forms.DateField(label=_("Hạn trả lời"))
    questionnaires = forms.ModelMultipleChoiceField(
        label=_("Phiếu khảo sát (mỗi nhóm một phiếu)"),
        queryset=Questionnaire.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, questionnaires: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["questionnaires"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = questionnaires


class UnitGroupForm(PortalForm):
    """A unit (by its code, resolved like the set's imports) and a respondent group."""

    unit = forms.CharField(label=_("Mã đơn vị"), max_length=20)
    group = forms.ChoiceField(label=_("Nhóm đối tượng"), choices=RespondentGroup.choices)


class QuotaForm(UnitGroupForm):
    target = forms.IntegerField(label=_("Chỉ tiêu (số phiếu)"), min_value=0, max_value=100000)


class TokensForm(UnitGroupForm):
    count = forms.IntegerField(label=_("Số mã"), min_value=1, max_value=2000, initial=24)
    format = forms.ChoiceField(
        label=_("Tệp"),
        choices=[("pdf", _("PDF: mã QR in trên giấy A4")), ("csv", _("CSV: danh sách đường dẫn"))],
    )


class QuestionnaireEditForm(PortalForm):
    """The questionnaire's own fields in the editor; its scale and questions are formsets."""

    title = forms.CharField(label=_("Tên phiếu"), max_length=300)
    group = forms.ChoiceField(label=_("Nhóm đối tượng"), choices=RespondentGroup.choices)


class OptionForm(PortalForm):
    value = forms.IntegerField(label=_("Giá trị"), min_value=-100, max_value=100)
    label = forms.CharField(label=_("Mức trả lời"), max_length=200)


class QuestionForm(PortalForm):
    text = forms.CharField(
        label=_("Nội dung câu hỏi"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    criterion = forms.ModelChoiceField(
        label=_("Tiêu chí"), queryset=Criterion.objects.none(), empty_label=_("Chọn tiêu chí")
    )

    def __init__(self, *args: Any, leaves: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["criterion"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = leaves if leaves is not None else Criterion.objects.none()
        field.label_from_instance = lambda obj: f"{obj.code} {obj.title}"  # type: ignore[method-assign]


# Empty rows to fill (more appear after saving); a row left empty is skipped, and ticking
# "Xóa" drops a filled one.
OptionFormSet = forms.formset_factory(OptionForm, extra=2, can_delete=True)
QuestionFormSet = forms.formset_factory(QuestionForm, extra=3, can_delete=True)
