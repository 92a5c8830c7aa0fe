from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc_portal.forms import PortalDateField
from inspections.choices import (
    ChecklistOutcome,
    DossierCheckResult,
    FindingKind,
    InspectionKind,
    MemberRole,
)
from inspections.models import ChecklistTemplate, Finding, InspectionPlan, InspectionTeam
from inspections.services import MemberData, TargetData
from units.choices import Level, Role
from units.models import AdministrativeUnit, User
from units.widgets import UnitChoiceField

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """The form's model-choice field `name`, typed so its queryset can be narrowed."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


def _date_field(label: StrOrPromise, required: bool = True) -> forms.DateField:
    """A date typed and shown dd/mm/yyyy whatever the browser's language (cchc_portal/forms.py)."""
    return PortalDateField(label=label, required=required)


class VersionedForm(forms.Form):
    """An edit form carrying the version the user loaded (cchc_portal/versioning.py)."""

    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def refuse_stale(self, version: int) -> None:
        """After a refused stale save: carry the stored version, so saving again overwrites
        deliberately, and keep what the user typed."""
        data = dict(self.data.items()) if not isinstance(self.data, QueryDict) else self.data.copy()
        data["version"] = str(version)
        self.data = data


class PersonChoiceField(forms.ModelChoiceField):
    """A portal user, shown by name and unit ("Nguyễn Văn A · Xã Cư M’gar")."""

    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name() or obj.username
        return f"{name} · {obj.unit.name}" if obj.unit_id else name


class PlanForm(VersionedForm):
    number = forms.CharField(label=gettext_lazy("Số kế hoạch"), max_length=50, required=False)
    issued_on = PortalDateField(label=gettext_lazy("Ngày ban hành"), required=False)
    issuer = forms.ModelChoiceField(
        label=gettext_lazy("Cơ quan ban hành (cấp)"), queryset=AdministrativeUnit.objects.none()
    )
    issuer_name = forms.CharField(
        label=gettext_lazy("Tên cơ quan ban hành"), max_length=200, required=False
    )
    year = forms.IntegerField(label=gettext_lazy("Năm"), min_value=2000, max_value=2100)
    title = forms.CharField(label=gettext_lazy("Tên kế hoạch"), max_length=300)
    purpose = forms.CharField(
        label=gettext_lazy("Mục đích, yêu cầu"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    period_start = PortalDateField(label=gettext_lazy("Thời kỳ kiểm tra từ"))
    period_end = PortalDateField(label=gettext_lazy("Thời kỳ kiểm tra đến"))
    contents = forms.CharField(
        label=gettext_lazy("Nội dung kiểm tra (mỗi dòng một nội dung)"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        _choice_field(self, "issuer").queryset = AdministrativeUnit.objects.visible_to(
            user
        ).exclude(level=Level.COMMUNE)

    @classmethod
    def initial_for(cls, plan: InspectionPlan) -> dict[str, Any]:
        return {
            "version": plan.version,
            "number": plan.number,
            "issued_on": plan.issued_on,
            "issuer": plan.issuer,
            "issuer_name": plan.issuer_name,
            "year": plan.year,
            "title": plan.title,
            "purpose": plan.purpose,
            "period_start": plan.period_start,
            "period_end": plan.period_end,
            "contents": "\n".join(c.text for c in plan.contents.all()),
        }

    def clean_contents(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["contents"].splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            raise forms.ValidationError(_("Kế hoạch phải có ít nhất một nội dung kiểm tra."))
        return lines


class TargetForm(forms.Form):
    """One target of a plan: a unit (the picker), its planned date and, when the visit is to
    one body of the unit, that body. A row left empty is no target (that is how a row is
    removed); a half-filled row is an error on the missing field."""

    unit = UnitChoiceField(label=gettext_lazy("Đơn vị"), required=False)
    scheduled_on = PortalDateField(label=gettext_lazy("Ngày dự kiến"), required=False)
    body = forms.CharField(label=gettext_lazy("Cơ quan, bộ phận"), max_length=200, required=False)

    def __init__(self, *args: Any, units: list[AdministrativeUnit] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if units is not None:
            field = self.fields["unit"]
            assert isinstance(field, UnitChoiceField)
            field.share(units)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        unit, day = data.get("unit"), data.get("scheduled_on")
        filled = unit is not None or day is not None or (data.get("body") or "").strip()
        if not filled or self.errors:
            return data
        if unit is None:
            self.add_error("unit", TARGET_WITHOUT_UNIT)
        if day is None:
            self.add_error("scheduled_on", TARGET_WITHOUT_DATE)
        if unit is not None and day is not None and not unit.is_valid_on(day):
            # Codes and names were reused in 2025: a target is the unit that exists on the day.
            self.add_error(
                "unit", TARGET_NOT_VALID_ON % {"unit": unit.name, "day": f"{day:%d/%m/%Y}"}
            )
        return data

    def target(self) -> TargetData | None:
        data = self.cleaned_data
        if data.get("unit") is None or data.get("scheduled_on") is None:
            return None
        return TargetData(
            unit=data["unit"], scheduled_on=data["scheduled_on"], body=data.get("body", "").strip()
        )


TARGET_WITHOUT_UNIT = gettext_lazy("Chọn đơn vị được kiểm tra.")
TARGET_WITHOUT_DATE = gettext_lazy("Nhập ngày dự kiến (dd/mm/yyyy).")
TARGET_NOT_VALID_ON = gettext_lazy("%(unit)s không có hiệu lực vào ngày %(day)s.")
TARGET_ROW_ERROR = gettext_lazy("Đơn vị được kiểm tra, dòng %(row)s — %(field)s: %(error)s")


class BaseTargetFormSet(forms.BaseFormSet):
    """A plan's targets, one row each; the units offered are those the editor sees (below the
    province level), read once for every row."""

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        self.units = list(
            AdministrativeUnit.objects.visible_to(user)
            .exclude(level=Level.PROVINCE)
            .order_by("name", "code", "pk")
        )
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "units": self.units}

    def targets(self) -> list[TargetData]:
        return [t for t in (f.target() for f in self.forms) if t is not None]

    def row_errors(self) -> list[str]:
        """Every field error of every row, naming the row (1-based) and the field."""
        return [
            str(
                TARGET_ROW_ERROR % {"row": number, "field": form.fields[name].label, "error": error}
            )
            for number, form in enumerate(self.forms, start=1)
            for name, errors in form.errors.items()
            if name in form.fields
            for error in errors
        ]

    @staticmethod
    def initial_for(plan: InspectionPlan) -> list[dict[str, Any]]:
        return [
            {"unit": t.unit_id, "scheduled_on": t.scheduled_on, "body": t.body}
            for t in plan.targets.order_by("scheduled_on", "pk")
        ]


TargetFormSet: type[BaseTargetFormSet] = forms.formset_factory(  # type: ignore[assignment]
    TargetForm, formset=BaseTargetFormSet, extra=3, max_num=200, validate_max=True
)


class TeamForm(VersionedForm):
    name = forms.CharField(label=gettext_lazy("Tên đoàn"), max_length=200)
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Cấp thành lập"), queryset=AdministrativeUnit.objects.none()
    )
    decision_number = forms.CharField(
        label=gettext_lazy("Số quyết định thành lập"), max_length=50, required=False
    )
    decision_date = _date_field(gettext_lazy("Ngày quyết định"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "unit").queryset = AdministrativeUnit.objects.visible_to(user).exclude(
            level=Level.COMMUNE
        )

    @classmethod
    def initial_for(cls, team: InspectionTeam) -> dict[str, Any]:
        return {
            "version": team.version,
            "name": team.name,
            "unit": team.unit,
            "decision_number": team.decision_number,
            "decision_date": team.decision_date,
        }


class TeamMemberForm(forms.Form):
    """One member: a portal user (who can then be assigned work and told), or someone from
    outside the portal by name and title."""

    role = forms.ChoiceField(
        label=gettext_lazy("Vai trò"), choices=[("", "—"), *MemberRole.choices], required=False
    )
    user = PersonChoiceField(
        label=gettext_lazy("Tài khoản trên cổng"), queryset=User.objects.none(), required=False
    )
    name = forms.CharField(
        label=gettext_lazy("Họ và tên (người ngoài cổng)"), max_length=200, required=False
    )
    position = forms.CharField(label=gettext_lazy("Chức vụ"), max_length=200, required=False)
    organisation = forms.CharField(label=gettext_lazy("Cơ quan"), max_length=200, required=False)

    def __init__(self, *args: Any, people: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if people is not None:
            _choice_field(self, "user").queryset = people

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        person, name = data.get("user"), (data.get("name") or "").strip()
        if person is None and not name:
            if data.get("role") and self.has_changed():
                raise forms.ValidationError(MEMBER_WITHOUT_NAME)
            return data  # an empty row
        if not data.get("role"):
            self.add_error("role", MEMBER_WITHOUT_ROLE)
        if person is not None and not name:
            data["name"] = person.get_full_name() or person.username
        return data

    def member(self) -> MemberData | None:
        data = self.cleaned_data
        if not data.get("name"):
            return None
        return MemberData(
            role=data["role"],
            name=data["name"],
            position=data.get("position", ""),
            organisation=data.get("organisation", ""),
            user=data.get("user"),
        )


MEMBER_WITHOUT_NAME = gettext_lazy("Chọn tài khoản hoặc nhập họ tên thành viên.")
MEMBER_WITHOUT_ROLE = gettext_lazy("Chọn vai trò của thành viên.")


class BaseTeamMemberFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        # Members are the province's people: users of units the editor sees.
        self.people = (
            User.objects.filter(
                unit__in=AdministrativeUnit.objects.visible_to(user), is_active=True
            )
            .select_related("unit")
            .order_by("unit__name", "last_name", "first_name", "username")
        )
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "people": self.people}

    def members(self) -> list[MemberData]:
        return [m for m in (f.member() for f in self.forms) if m is not None]

    @staticmethod
    def initial_for(team: InspectionTeam) -> list[dict[str, Any]]:
        return [
            {
                "role": m.role,
                "user": m.user_id,
                "name": "" if m.user_id else m.name,
                "position": m.position,
                "organisation": m.organisation,
            }
            for m in team.members.all()
        ]


TeamMemberFormSet: type[BaseTeamMemberFormSet] = forms.formset_factory(  # type: ignore[assignment]
    TeamMemberForm, formset=BaseTeamMemberFormSet, extra=3, max_num=40, validate_max=True
)


class InspectionForm(VersionedForm):
    plan = forms.ModelChoiceField(
        label=gettext_lazy("Kế hoạch"), queryset=InspectionPlan.objects.none()
    )
    team = forms.ModelChoiceField(
        label=gettext_lazy("Đoàn kiểm tra"), queryset=InspectionTeam.objects.none()
    )
    unit = UnitChoiceField(label=gettext_lazy("Đơn vị được kiểm tra"))
    body = forms.CharField(
        label=gettext_lazy("Cơ quan, bộ phận (để trống khi kiểm tra UBND)"),
        max_length=200,
        required=False,
    )
    kind = forms.ChoiceField(label=gettext_lazy("Loại kiểm tra"), choices=InspectionKind.choices)
    scheduled_on = _date_field(gettext_lazy("Ngày dự kiến"))
    held_on = _date_field(gettext_lazy("Ngày kiểm tra thực tế"), required=False)
    period_start = _date_field(
        gettext_lazy("Thời kỳ kiểm tra từ (mặc định theo kế hoạch)"), required=False
    )
    period_end = _date_field(gettext_lazy("Thời kỳ kiểm tra đến"), required=False)
    representatives = forms.CharField(
        label=gettext_lazy("Đại diện đơn vị (mỗi dòng một người)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    unit_opinion = forms.CharField(
        label=gettext_lazy("Ý kiến của đơn vị được kiểm tra (ghi vào biên bản)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args: Any, user: Any, plan: InspectionPlan | None = None, **kwargs: Any
    ) -> None:
        """`plan`: an inspection created from a plan offers only that plan and its targets."""
        super().__init__(*args, **kwargs)
        plans = InspectionPlan.objects.visible_to(user)
        units = AdministrativeUnit.objects.visible_to(user).exclude(level=Level.PROVINCE)
        if plan is not None:
            plans = plans.filter(pk=plan.pk)
            units = units.filter(pk__in=plan.targets.values("unit_id"))
            _choice_field(self, "unit").help_text = _("Các đơn vị trong kế hoạch %(plan)s.") % {
                "plan": plan
            }
        _choice_field(self, "plan").queryset = plans
        _choice_field(self, "team").queryset = InspectionTeam.objects.visible_to(user)
        _choice_field(self, "unit").queryset = units


class ChecklistForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Kết quả"),
        choices=[("", "—"), *ChecklistOutcome.choices],
        required=False,
    )
    note = forms.CharField(label=gettext_lazy("Ghi chú"), required=False, max_length=2000)


class ChecklistTemplateForm(forms.Form):
    """A checklist template: its kind, name and lines (one content per line)."""

    kind = forms.ChoiceField(label=gettext_lazy("Loại kiểm tra"), choices=InspectionKind.choices)
    name = forms.CharField(label=gettext_lazy("Tên mẫu"), max_length=300)
    items = forms.CharField(
        label=gettext_lazy("Nội dung kiểm tra"),
        help_text=gettext_lazy("Mỗi dòng một nội dung, theo thứ tự."),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=50000,
        strip=False,  # blank lines reach the service, which names what is wrong
    )

    def clean_items(self) -> list[str]:
        return str(self.cleaned_data["items"]).splitlines()

    @staticmethod
    def initial_for(template: ChecklistTemplate) -> dict[str, Any]:
        return {
            "kind": template.kind,
            "name": template.name,
            "items": "\n".join(i.text for i in template.items.all()),
        }


class ChecklistFromTemplateForm(forms.Form):
    """The template an empty checklist is made from (templates of the inspection's kind)."""

    template = forms.ModelChoiceField(
        label=gettext_lazy("Mẫu danh mục"), queryset=ChecklistTemplate.objects.none()
    )

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "template").queryset = ChecklistTemplate.objects.filter(kind=kind)


class PhotoInput(forms.ClearableFileInput):
    """Several photos at once, from the phone's camera (accept="image/*" capture)."""

    allow_multiple_selected = True

    def __init__(self) -> None:
        super().__init__(
            attrs={
                "accept": "image/*",
                "capture": "environment",
                "multiple": True,
                "class": "form-control form-control-sm",
            }
        )


class PhotoField(forms.FileField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", PhotoInput())
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(PhotoField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)]


class PhotoForm(forms.Form):
    photos = PhotoField(label=gettext_lazy("Ảnh"))


class FindingForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Loại"), choices=FindingKind.choices)
    text = forms.CharField(label=gettext_lazy("Nội dung"), max_length=4000)
    criterion: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=gettext_lazy("Tiêu chí bị ảnh hưởng"), queryset=None, required=False
    )

    def __init__(self, *args: Any, inspection: Any, **kwargs: Any) -> None:
        from scoring.models import Criterion

        super().__init__(*args, **kwargs)
        province_id = inspection.unit.province_id
        _choice_field(self, "criterion").queryset = Criterion.objects.filter(
            criteria_set__province_id=province_id
        ).select_related("criteria_set")


class RecommendationForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Nội dung kiến nghị"), max_length=4000)
    responsible_unit = forms.ModelChoiceField(
        label=gettext_lazy("Đơn vị thực hiện"), queryset=AdministrativeUnit.objects.none()
    )
    due_on = _date_field(gettext_lazy("Thời hạn"))
    responsible_person = PersonChoiceField(
        label=gettext_lazy("Người phụ trách (không bắt buộc)"),
        queryset=User.objects.none(),
        required=False,
    )
    finding = forms.ModelChoiceField(
        label=gettext_lazy("Tồn tại liên quan"), queryset=Finding.objects.none(), required=False
    )

    def __init__(self, *args: Any, inspection: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = AdministrativeUnit.objects.subtree_of(inspection.unit)
        _choice_field(self, "responsible_unit").queryset = units
        # The people of the inspected unit and the units below it (the service checks the
        # person belongs to the chosen responsible unit).
        _choice_field(self, "responsible_person").queryset = (
            User.objects.filter(unit__in=units, is_active=True, role=Role.UNIT_STAFF)
            .select_related("unit")
            .order_by("unit__name", "last_name", "first_name", "username")
        )
        _choice_field(self, "finding").queryset = inspection.findings.filter(
            kind=FindingKind.LIMITATION
        )


class DossierPickForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Mã hồ sơ"), max_length=64)


class DossierDrawForm(forms.Form):
    seed = forms.IntegerField(
        label=gettext_lazy("Mã lượt rút (để trống: rút ngẫu nhiên; nhập lại một mã để rút lại)"),
        required=False,
        min_value=0,
        max_value=2**62,
    )


class DossierCheckForm(forms.Form):
    result = forms.ChoiceField(label=gettext_lazy("Kết quả"), choices=DossierCheckResult.choices)
    note = forms.CharField(label=gettext_lazy("Ghi chú"), required=False, max_length=2000)


class ConcludeForm(forms.Form):
    notice_number = forms.CharField(
        label=gettext_lazy("Số thông báo kết luận"), max_length=50, required=False
    )


class PlanIssueForm(forms.Form):
    number = forms.CharField(
        label=gettext_lazy("Số kế hoạch (để trống: lấy số tiếp theo của sổ đăng ký)"),
        max_length=50,
        required=False,
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Lý do mở lại"), widget=forms.Textarea(attrs={"rows": 2})
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class RemediationForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Kết quả khắc phục"), widget=forms.Textarea(attrs={"rows": 3})
    )
    # The form's metaclass moves declared fields into base_fields, so this never shadows
    # BaseForm.files (the uploaded files) at run time; the stubs see only the class body.
    files = MultipleFileField(label=gettext_lazy("Tài liệu kèm theo"), required=False)  # type: ignore[assignment]


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Ý kiến của đoàn"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
