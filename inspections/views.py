"""Thin views: fetch through `visible_to` (404 outside scope), check the role (403), call a
service, render. The inspection page's sections are htmx partials; without htmx the same
endpoints redirect back to the page."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin, SingleTableView

from cchc_portal import versioning
from cchc_portal.docx import docx_response
from cchc_portal.http import AuthedHttpRequest
from cchc_portal.middleware import captures_photos
from cchc_portal.pdf import pdf_response
from cchc_portal.permissions import get_visible_or_404, require, user_passes
from cchc_portal.xlsx import xlsx_response
from inspections import exports, forms, selectors, services
from inspections.choices import RecommendationState
from inspections.filters import InspectionFilter, InspectionPlanFilter, RecommendationFilter
from inspections.models import (
    ChecklistTemplate,
    DossierCheck,
    Finding,
    Inspection,
    InspectionPhoto,
    InspectionPlan,
    InspectionTeam,
    Recommendation,
    RemediationAttachment,
)
from inspections.tables import (
    InspectionPlanTable,
    InspectionTable,
    InspectionTeamTable,
    RecommendationTable,
)


def _form_errors(form: Any) -> list[str]:
    """Every message of an invalid form, flat (rendered into the section's error list)."""
    return [str(e) for errs in form.errors.values() for e in errs]


def _errors(exc: ValidationError, form: Any = None) -> list[str]:
    """Attach a service's ValidationError to the form (by field when it names one)."""
    if form is not None and hasattr(exc, "error_dict"):
        for field, errs in exc.error_dict.items():
            target = field if field in form.fields else None
            for err in errs:
                form.add_error(target, err)
        return []
    return list(exc.messages)


# --- plans -----------------------------------------------------------------------------------


class PlanListView(SingleTableMixin, FilterView):
    table_class = InspectionPlanTable
    filterset_class = InspectionPlanFilter
    template_name = "inspections/plan_list.html"
    paginate_by = 50
    extra_context = {"title": gettext_lazy("Kế hoạch kiểm tra")}

    def dispatch(self, request, *args, **kwargs):
        require(request.user.is_provincial)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.plans_with_progress(
            InspectionPlan.objects.visible_to(self.request.user)
        ).order_by("-issued_on", "-pk")


@user_passes("is_provincial")
def plan_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    plan = get_visible_or_404(
        selectors.plans_with_progress(InspectionPlan.objects.all()), request.user, pk=pk
    )
    inspections = plan.inspections.for_list().order_by("scheduled_on", "pk")
    percent = round(100 * plan.inspected / plan.planned) if plan.planned else 0
    return render(
        request,
        "inspections/plan_detail.html",
        {
            "plan": plan,
            "title": str(plan),
            "contents": plan.contents.all(),
            "targets": selectors.plan_targets(plan),
            "inspections": inspections,
            "percent": percent,
        },
    )


def _save_form(
    request: AuthedHttpRequest,
    *,
    form,
    save: Callable[..., Any],
    saved: str,
    title: str,
    rows: tuple[str, Any] | None = None,
    template: str = "inspections/form.html",
) -> HttpResponse:
    """The create/edit pattern of plans, teams and inspections: validate the form (and its
    formset of `rows`, given as (context name, formset)), call the service, show its errors on
    the form or go to the saved object."""
    formset = rows[1] if rows else None
    if request.method == "POST" and form.is_valid() & (formset is None or formset.is_valid()):
        try:
            obj = save(**form.cleaned_data, by=request.user)
        except versioning.StaleEdit as exc:
            form.refuse_stale(exc.version)
            for message in exc.messages:
                form.add_error(None, message)
        except ValidationError as exc:
            for message in _errors(exc, form):
                form.add_error(None, message)
        else:
            messages.success(request, saved)
            return redirect(obj)
    context = {"form": form, "title": title, **({rows[0]: formset} if rows else {})}
    return render(request, template, context)


@user_passes("is_provincial")
def plan_edit(request: AuthedHttpRequest, pk: int | None = None) -> HttpResponse:
    """The plan and its targets (a formset: unit via the picker, planned date, body)."""
    plan = get_visible_or_404(InspectionPlan.objects.all(), request.user, pk=pk) if pk else None
    initial = forms.PlanForm.initial_for(plan) if plan else {"issuer": request.user.scope_unit}
    data = request.POST if request.method == "POST" else None
    form = forms.PlanForm(data, initial=initial, user=request.user)
    targets = forms.TargetFormSet(
        data,
        initial=forms.TargetFormSet.initial_for(plan) if plan else None,
        prefix="targets",
        user=request.user,
    )
    return _save_form(
        request,
        form=form,
        save=lambda **kw: services.plan_save(plan=plan, targets=targets.targets(), **kw),
        saved=_("Đã lưu kế hoạch."),
        title=_("Sửa kế hoạch") if plan else _("Kế hoạch kiểm tra mới"),
        rows=("targets", targets),
        template="inspections/plan_form.html",
    )


@user_passes("is_provincial")
def plan_issue(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Issue the plan after a confirmation page: the register gives its number and the
    document is frozen (irreversible)."""
    plan = get_visible_or_404(InspectionPlan.objects.select_related("issuer"), request.user, pk=pk)
    if plan.is_issued:
        messages.info(request, services.PLAN_ALREADY_ISSUED.format(number=plan.number))
        return redirect(plan)
    form = forms.PlanIssueForm(request.POST or None, initial={"number": plan.number})
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_issue(plan=plan, by=request.user, number=form.cleaned_data["number"])
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            plan.refresh_from_db()
            messages.success(
                request, _("Đã ban hành kế hoạch số %(number)s.") % {"number": plan.number}
            )
            return redirect(plan)
    return render(
        request,
        "inspections/plan_issue.html",
        {"plan": plan, "form": form, "title": _("Ban hành kế hoạch")},
    )


@user_passes("is_provincial")
def plan_inspections_xlsx(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    plan = get_visible_or_404(InspectionPlan.objects.select_related("issuer"), request.user, pk=pk)
    return xlsx_response(**exports.plan_inspections_xlsx(plan))


# --- teams -----------------------------------------------------------------------------------


class TeamListView(SingleTableView):
    table_class = InspectionTeamTable
    template_name = "inspections/team_list.html"
    paginate_by = 50
    extra_context = {"title": gettext_lazy("Đoàn kiểm tra")}

    def dispatch(self, request, *args, **kwargs):
        require(request.user.is_provincial)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return InspectionTeam.objects.visible_to(self.request.user).select_related("unit")


@user_passes("is_provincial")
def team_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    team = get_visible_or_404(
        InspectionTeam.objects.select_related("unit").prefetch_related("members"),
        request.user,
        pk=pk,
    )
    return render(request, "inspections/team_detail.html", {"team": team, "title": team.name})


@user_passes("is_provincial")
def team_edit(request: AuthedHttpRequest, pk: int | None = None) -> HttpResponse:
    """The team and its members (a formset: portal users, or outside members by name)."""
    team = get_visible_or_404(InspectionTeam.objects.all(), request.user, pk=pk) if pk else None
    initial = forms.TeamForm.initial_for(team) if team else {"unit": request.user.scope_unit}
    data = request.POST if request.method == "POST" else None
    form = forms.TeamForm(data, initial=initial, user=request.user)
    members = forms.TeamMemberFormSet(
        data,
        initial=forms.TeamMemberFormSet.initial_for(team) if team else None,
        prefix="members",
        user=request.user,
    )
    return _save_form(
        request,
        form=form,
        save=lambda **kw: services.team_save(team=team, members=members.members(), **kw),
        saved=_("Đã lưu đoàn kiểm tra."),
        title=_("Sửa đoàn kiểm tra") if team else _("Đoàn kiểm tra mới"),
        rows=("members", members),
        template="inspections/team_form.html",
    )


# --- inspections -----------------------------------------------------------------------------


class InspectionListView(SingleTableMixin, FilterView):
    table_class = InspectionTable
    filterset_class = InspectionFilter
    template_name = "inspections/inspection_list.html"
    paginate_by = 50
    extra_context = {"title": gettext_lazy("Cuộc kiểm tra")}

    def get_queryset(self):
        return Inspection.objects.visible_to(self.request.user).for_list()


CALENDAR_YEARS = (2000, 2100)


def inspection_calendar(request: AuthedHttpRequest) -> HttpResponse:
    """A month of planned and held inspections (`?month=YYYY-MM`, default: this month); a
    month that is not one, or outside 2000–2100, is a 404, never a server error."""
    today = timezone.localdate()
    raw = request.GET.get("month", "")
    year, month = today.year, today.month
    if raw:
        parts = raw.split("-")
        if len(parts) != 2 or not all(p.isdigit() and len(p) <= 4 for p in parts):
            raise Http404
        year, month = int(parts[0]), int(parts[1])
        if not (CALENDAR_YEARS[0] <= year <= CALENDAR_YEARS[1] and 1 <= month <= 12):
            raise Http404
    cal = selectors.calendar_month(request.user, year=year, month=month)
    return render(
        request,
        "inspections/calendar.html",
        {
            "title": _("Lịch kiểm tra tháng %(month)s") % {"month": cal.first.strftime("%m/%Y")},
            "cal": cal,
            "today": today,
            "weekdays": [
                _("Thứ Hai"),
                _("Thứ Ba"),
                _("Thứ Tư"),
                _("Thứ Năm"),
                _("Thứ Sáu"),
                _("Thứ Bảy"),
                _("Chủ nhật"),
            ],
            "has_previous": cal.previous.year >= CALENDAR_YEARS[0],
            "has_next": cal.next.year <= CALENDAR_YEARS[1],
        },
    )


def _inspection(request: AuthedHttpRequest, pk: int) -> Inspection:
    inspection = selectors.inspection_for_page(Inspection.objects.visible_to(request.user), pk)
    if inspection is None:
        raise Http404
    return inspection


def _editable(request: AuthedHttpRequest, pk: int) -> Inspection:
    """The inspection, visible (404) and editable by this user's role (403)."""
    inspection = get_visible_or_404(
        Inspection.objects.select_related("unit", "plan"), request.user, pk=pk
    )
    require(request.user.is_provincial)
    return inspection


def _page_context(request: AuthedHttpRequest, inspection: Inspection, **forms_: Any) -> dict:
    can_edit = request.user.is_provincial and inspection.is_editable
    return {
        "inspection": inspection,
        "title": str(inspection),
        "can_edit": can_edit,
        "is_provincial": request.user.is_provincial,
        "finding_form": forms_.get("finding_form") or forms.FindingForm(inspection=inspection),
        "recommendation_form": forms_.get("recommendation_form")
        or forms.RecommendationForm(inspection=inspection),
        "pick_form": forms_.get("pick_form") or forms.DossierPickForm(),
        "draw_form": forms.DossierDrawForm(),
        "section_errors": forms_.get("section_errors", []),
        "saved_result": forms_.get("saved_result"),
        "template_form": forms_.get("template_form")
        or forms.ChecklistFromTemplateForm(kind=inspection.kind),
        "conclude_form": forms.ConcludeForm(initial={"notice_number": inspection.notice_number}),
        "reopen_form": forms.ReopenForm(),
        "today": timezone.localdate(),
    }


@captures_photos
def inspection_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    context = _page_context(request, inspection)
    # The dossier figures: as the conclusion notice froze them, or (one aggregate over up to
    # hundreds of thousands of dossiers, ~1 s) loaded after the page by htmx.
    context["statistics"] = selectors.frozen_statistics(inspection)
    context["impact"] = selectors.findings_impact(inspection, user=request.user)
    context["open_recommendations"] = sum(  # prefetched: no query
        r.state != RecommendationState.VERIFIED for r in inspection.recommendations.all()
    )
    return render(request, "inspections/inspection_detail.html", context)


def _id_param(request: AuthedHttpRequest, name: str) -> int | None:
    """A numeric id from the query string; anything else is a 404 (never a server error)."""
    raw = request.GET.get(name, "")
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 12:
        raise Http404
    return int(raw)


def _from_plan(request: AuthedHttpRequest) -> tuple[InspectionPlan | None, dict[str, Any]]:
    """A new inspection from `?plan=` (and `&target=`: one of its targets): the plan, and the
    form pre-filled with the target's unit, body and planned date and the plan's period."""
    plan_id = _id_param(request, "plan")
    if plan_id is None:
        return None, {}
    plan = get_visible_or_404(InspectionPlan.objects.all(), request.user, pk=plan_id)
    initial: dict[str, Any] = {
        "plan": plan,
        "period_start": plan.period_start,
        "period_end": plan.period_end,
    }
    target_id = _id_param(request, "target")
    if target_id is not None:
        target = plan.targets.filter(pk=target_id).first()
        if target is None:
            raise Http404
        initial.update(unit=target.unit_id, body=target.body, scheduled_on=target.scheduled_on)
    return plan, initial


def inspection_statistics(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The unit's dossier figures for the inspected period: the page's section (htmx) or,
    without JavaScript, a page of its own."""
    inspection = get_visible_or_404(Inspection.objects.select_related("unit"), request.user, pk=pk)
    context = {
        "inspection": inspection,
        "statistics": selectors.unit_statistics(inspection),
        "title": _("Kết quả giải quyết hồ sơ trong thời kỳ kiểm tra"),
    }
    if request.htmx:
        return render(request, "inspections/_unit_statistics.html", context)
    return render(request, "inspections/statistics_page.html", context)


@user_passes("is_provincial")
def inspection_edit(request: AuthedHttpRequest, pk: int | None = None) -> HttpResponse:
    inspection = None
    plan: InspectionPlan | None = None
    if pk:
        inspection = get_visible_or_404(Inspection.objects.all(), request.user, pk=pk)
        initial = {
            f: getattr(inspection, f)
            for f in (
                "plan",
                "team",
                "unit",
                "body",
                "kind",
                "scheduled_on",
                "held_on",
                "period_start",
                "period_end",
                "representatives",
                "unit_opinion",
                "version",
            )
        }
    else:
        plan, initial = _from_plan(request)
    return _save_form(
        request,
        form=forms.InspectionForm(
            request.POST or None, initial=initial, user=request.user, plan=plan
        ),
        save=partial(services.inspection_save, inspection=inspection),
        saved=_("Đã lưu cuộc kiểm tra."),
        title=_("Sửa cuộc kiểm tra") if inspection else _("Cuộc kiểm tra mới"),
    )


def _section(request: AuthedHttpRequest, pk: int, name: str, **kwargs: Any) -> HttpResponse:
    """Re-render one section of the inspection page (htmx) or go back to the page."""
    inspection = _inspection(request, pk)
    if not request.htmx:
        for message in kwargs.get("section_errors", []):
            messages.error(request, message)
        return redirect(inspection)
    context = _page_context(request, inspection, **kwargs)
    context["refresh_recommendations"] = name == "findings"
    return render(request, f"inspections/_{name}.html", context)


@require_POST
def checklist_record(request: AuthedHttpRequest, pk: int, result_id: int) -> HttpResponse:
    inspection = _editable(request, pk)
    result = inspection.checklist.filter(pk=result_id).select_related("inspection").first()
    if result is None:
        raise Http404
    form = forms.ChecklistForm(request.POST)
    errors: list[str] = []
    if form.is_valid():
        try:
            services.checklist_record(result=result, **form.cleaned_data)
        except ValidationError as exc:
            errors = list(exc.messages)
    else:
        errors = _form_errors(form)
    saved = None if errors else result.pk  # the row says "Đã lưu"
    return _section(request, pk, "checklist", section_errors=errors, saved_result=saved)


@require_POST
def checklist_from_template(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """ "Lập danh mục từ mẫu": an empty checklist made from the chosen template."""
    inspection = _editable(request, pk)
    form = forms.ChecklistFromTemplateForm(request.POST, kind=inspection.kind)
    errors: list[str] = []
    if form.is_valid():
        try:
            services.checklist_from_template(
                inspection=inspection, template=form.cleaned_data["template"]
            )
        except ValidationError as exc:
            errors = list(exc.messages)
    else:
        errors = _form_errors(form)
    return _section(request, pk, "checklist", section_errors=errors)


# --- photos --------------------------------------------------------------------------------


def _add_photos(request: AuthedHttpRequest, inspection: Inspection, **subject: Any) -> list[str]:
    form = forms.PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        return _form_errors(form)
    try:
        services.photos_add(
            inspection=inspection, files=form.cleaned_data["photos"], by=request.user, **subject
        )
    except ValidationError as exc:
        return list(exc.messages)
    return []


@require_POST
def checklist_photos_add(request: AuthedHttpRequest, pk: int, result_id: int) -> HttpResponse:
    inspection = _editable(request, pk)
    result = inspection.checklist.filter(pk=result_id).first()
    if result is None:
        raise Http404
    errors = _add_photos(request, inspection, checklist_result=result)
    return _section(request, pk, "checklist", section_errors=errors)


@require_POST
def finding_photos_add(request: AuthedHttpRequest, pk: int, finding_id: int) -> HttpResponse:
    inspection = _editable(request, pk)
    finding = inspection.findings.filter(pk=finding_id).first()
    if finding is None:
        raise Http404
    errors = _add_photos(request, inspection, finding=finding)
    return _section(request, pk, "findings", section_errors=errors)


def photo_file(request: AuthedHttpRequest, pk: int, thumb: bool = False) -> FileResponse:
    """A photo (inline, recorded in the audit trail as a download) or its thumbnail (not
    recorded: a page shows many): to whoever may see its inspection, else 404."""
    photo = InspectionPhoto.objects.filter(pk=pk).first()
    if photo is None:
        raise Http404
    get_visible_or_404(Inspection.objects.all(), request.user, pk=photo.inspection_id)
    if thumb:
        response = FileResponse(photo.thumbnail.open("rb"), content_type="image/jpeg")
        del response["Content-Disposition"]  # a picture in the page, not a file handed over
        return response
    stem = photo.name.rsplit(".", 1)[0] or "anh"
    return FileResponse(photo.file.open("rb"), content_type="image/jpeg", filename=f"{stem}.jpg")


def photo_thumbnail(request: AuthedHttpRequest, pk: int) -> FileResponse:
    return photo_file(request, pk, thumb=True)


# --- checklist templates ---------------------------------------------------------------------


@user_passes("is_provincial")
def checklist_template_list(request: AuthedHttpRequest) -> HttpResponse:
    return render(
        request,
        "inspections/checklist_template_list.html",
        {
            "templates": list(selectors.checklist_templates()),
            "title": _("Mẫu danh mục kiểm tra"),
        },
    )


@user_passes("is_provincial")
def checklist_template_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(selectors.checklist_templates().prefetch_related("items"), pk=pk)
    return render(
        request,
        "inspections/checklist_template_detail.html",
        {"template": template, "title": str(template)},
    )


@user_passes("is_provincial")
def checklist_template_edit(request: AuthedHttpRequest, pk: int | None = None) -> HttpResponse:
    """Create a template, or edit one no checklist was made from (a used one: copy it)."""
    template = get_object_or_404(ChecklistTemplate, pk=pk) if pk else None
    if template is not None and services.checklist_template_is_used(template):
        messages.error(request, str(services.TEMPLATE_USED).format(template=template))
        return redirect(template)
    initial = forms.ChecklistTemplateForm.initial_for(template) if template else None
    form = forms.ChecklistTemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.checklist_template_save(
                template=template, **form.cleaned_data, by=request.user
            )
        except ValidationError as exc:
            for message in _errors(exc, form):
                form.add_error(None, message)
        else:
            messages.success(request, _("Đã lưu mẫu danh mục."))
            return redirect(saved)
    title = _("Sửa mẫu %(template)s") % {"template": template} if template else None
    return render(
        request,
        "inspections/checklist_template_form.html",
        {"form": form, "template": template, "title": title or _("Mẫu danh mục mới")},
    )


@require_POST
@user_passes("is_provincial")
def checklist_template_copy(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(ChecklistTemplate.objects.prefetch_related("items"), pk=pk)
    copy = services.checklist_template_copy(template=template, by=request.user)
    messages.success(request, _("Đã sao chép thành %(template)s.") % {"template": copy})
    return redirect("inspections:checklist_template_edit", copy.pk)


def _add_to_section(
    request: AuthedHttpRequest, pk: int, *, form_class, service, section: str, form_name: str
) -> HttpResponse:
    """Validate a section's form, call its service, and re-render the section (htmx) with the
    form cleared on success or kept with its errors."""
    inspection = _editable(request, pk)
    form = form_class(request.POST, inspection=inspection)
    errors: list[str] = []
    if form.is_valid():
        try:
            service(inspection=inspection, **form.cleaned_data)
            form = None
        except ValidationError as exc:
            errors = _errors(exc, form)
    return _section(request, pk, section, section_errors=errors, **{form_name: form})


@require_POST
def finding_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _add_to_section(
        request,
        pk,
        form_class=forms.FindingForm,
        service=services.finding_add,
        section="findings",
        form_name="finding_form",
    )


def finding_delete(request: AuthedHttpRequest, pk: int, finding_id: int) -> HttpResponse:
    """GET: the confirmation (without JavaScript; htmx asks in the browser); POST: delete."""
    inspection = _editable(request, pk)
    finding = (
        Finding.objects.filter(inspection=inspection, pk=finding_id)
        .select_related("inspection")
        .first()
    )
    if finding is None:
        raise Http404
    if request.method != "POST":
        return _confirm(
            request,
            title=_("Xác nhận xóa"),
            subject=str(inspection),
            intro=_("Xóa “%(text)s”? Không khôi phục được.") % {"text": finding.text},
            problems=[] if inspection.is_editable else [str(services.INSPECTION_NOT_EDITABLE)],
            action=request.path,
            button=_("Xóa"),
            danger=True,
            back=inspection.get_absolute_url(),
        )
    errors: list[str] = []
    try:
        services.finding_delete(finding=finding)
    except ValidationError as exc:
        errors = list(exc.messages)
    return _section(request, pk, "findings", section_errors=errors)


@require_POST
def recommendation_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _add_to_section(
        request,
        pk,
        form_class=forms.RecommendationForm,
        service=services.recommendation_add,
        section="recommendations",
        form_name="recommendation_form",
    )


@require_POST
def dossier_draw(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inspection = _editable(request, pk)
    form = forms.DossierDrawForm(request.POST)
    errors: list[str] = []
    if form.is_valid():
        try:
            services.dossier_check_draw(inspection=inspection, seed=form.cleaned_data["seed"])
        except ValidationError as exc:
            errors = list(exc.messages)
    else:
        errors = _form_errors(form)
    return _section(request, pk, "dossier_checks", section_errors=errors)


@require_POST
def dossier_pick(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    from procedures.models import Dossier

    inspection = _editable(request, pk)
    form: forms.DossierPickForm | None = forms.DossierPickForm(request.POST)
    errors: list[str] = []
    if form is not None and form.is_valid():
        code = form.cleaned_data["code"].strip()
        # Only the inspected unit's: another unit's code gets the answer of a missing one.
        dossier = Dossier.objects.filter(code=code, unit_id=inspection.unit_id).first()
        if dossier is None:
            form.add_error("code", services.DOSSIER_NOT_FOUND.format(code=code))
        else:
            try:
                services.dossier_check_pick(inspection=inspection, dossier=dossier)
                form = None
            except ValidationError as exc:
                errors = _errors(exc, form)
    if form is not None and form.errors:
        errors = errors or _form_errors(form)
    return _section(request, pk, "dossier_checks", pick_form=form, section_errors=errors)


@require_POST
def dossier_check_record(request: AuthedHttpRequest, pk: int, check_id: int) -> HttpResponse:
    inspection = _editable(request, pk)
    check = (
        DossierCheck.objects.filter(inspection=inspection, pk=check_id)
        .select_related("inspection")
        .first()
    )
    if check is None:
        raise Http404
    form = forms.DossierCheckForm(request.POST)
    errors: list[str] = []
    if form.is_valid():
        try:
            services.dossier_check_record(check=check, **form.cleaned_data)
        except ValidationError as exc:
            errors = list(exc.messages)
    else:
        errors = _form_errors(form)
    return _section(request, pk, "dossier_checks", section_errors=errors)


def _confirm(request: AuthedHttpRequest, **context: Any) -> HttpResponse:
    """The confirmation step of an action that cannot be undone (works without JavaScript):
    what will happen, what still stands in the way, and the one button that does it."""
    context.setdefault("problems", [])
    context.setdefault("facts", [])
    context.setdefault("hidden", {})
    return render(request, "inspections/confirm.html", context)


def inspection_conclude(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """GET: the confirmation (what the notice will hold, who is told, what is missing);
    POST: conclude, which freezes the report and numbers the notice."""
    inspection = _editable(request, pk)
    form = forms.ConcludeForm(request.POST if request.method == "POST" else request.GET)
    form.is_valid()
    notice_number = form.cleaned_data.get("notice_number", "")
    if request.method != "POST":
        inspection = _inspection(request, pk)
        recs = list(inspection.recommendations.all())
        units = sorted({r.responsible_unit.name for r in recs})
        return _confirm(
            request,
            title=_("Xác nhận kết luận kiểm tra"),
            subject=str(inspection),
            intro=_(
                "Kết luận sẽ chốt nội dung thông báo kết luận và biên bản, cấp số văn bản và "
                "gửi kiến nghị tới đơn vị thực hiện. Muốn sửa sau đó phải mở lại và ghi lý do."
            ),
            facts=[
                (_("Ngày kiểm tra"), _fmt_date(inspection.held_on)),
                (_("Số thông báo kết luận"), notice_number or _("cấp tự động khi kết luận")),
                (_("Nội dung kiểm tra"), str(len(inspection.checklist.all()))),
                (_("Ưu điểm, tồn tại"), str(len(inspection.findings.all()))),
                (_("Kiến nghị"), str(len(recs))),
                (_("Đơn vị nhận kiến nghị"), ", ".join(units) or "—"),
            ],
            problems=services.conclusion_problems(inspection),
            action=request.path,
            hidden={"notice_number": notice_number},
            button=_("Kết luận kiểm tra"),
            back=inspection.get_absolute_url(),
        )
    try:
        services.inspection_conclude(
            inspection=inspection, by=request.user, notice_number=notice_number
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã kết luận cuộc kiểm tra; nội dung báo cáo đã được chốt."))
    return redirect(inspection)


def _fmt_date(day: Any) -> str:
    return day.strftime("%d/%m/%Y") if day else "—"


@require_POST
def inspection_reopen(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inspection = _editable(request, pk)
    try:
        services.inspection_reopen(
            inspection=inspection, by=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã mở lại cuộc kiểm tra."))
    return redirect(inspection)


def inspection_close(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """GET: the confirmation; POST: close (the inspection leaves the follow-up for good)."""
    inspection = _editable(request, pk)
    if request.method != "POST":
        return _confirm(
            request,
            title=_("Xác nhận đóng cuộc kiểm tra"),
            subject=str(inspection),
            intro=_(
                "Đóng cuộc kiểm tra khi mọi kiến nghị đã được xác nhận khắc phục; "
                "cuộc kiểm tra đã đóng không mở lại được."
            ),
            problems=services.close_problems(inspection),
            action=request.path,
            button=_("Đóng cuộc kiểm tra"),
            back=inspection.get_absolute_url(),
        )
    try:
        services.inspection_close(inspection=inspection)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã đóng cuộc kiểm tra."))
    return redirect(inspection)


def inspection_report_pdf(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inspection = get_visible_or_404(Inspection.objects.all(), request.user, pk=pk)
    pdf = exports.inspection_report_pdf(inspection)
    return pdf_response(pdf, filename=f"ket-luan-kiem-tra-{inspection.pk}.pdf")


def inspection_report_docx(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inspection = get_visible_or_404(Inspection.objects.all(), request.user, pk=pk)
    data = exports.inspection_report_docx(inspection)
    return docx_response(data, filename=f"ket-luan-kiem-tra-{inspection.pk}.docx")


def inspection_minutes(request: AuthedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The minutes (biên bản kiểm tra) as PDF or DOCX, to whoever may open the inspection."""
    if fmt not in ("pdf", "docx"):
        raise Http404
    inspection = get_visible_or_404(Inspection.objects.all(), request.user, pk=pk)
    name = f"bien-ban-kiem-tra-{inspection.pk}.{fmt}"
    if fmt == "pdf":
        return pdf_response(exports.minutes_pdf(inspection), filename=name)
    return docx_response(exports.minutes_docx(inspection), filename=name)


@user_passes("is_provincial")
def plan_document(request: AuthedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The printable plan with its schedule annex, PDF or DOCX."""
    if fmt not in ("pdf", "docx"):
        raise Http404
    plan = get_visible_or_404(InspectionPlan.objects.select_related("issuer"), request.user, pk=pk)
    name = f"ke-hoach-kiem-tra-{plan.pk}.{fmt}"
    if fmt == "pdf":
        return pdf_response(exports.plan_pdf(plan), filename=name)
    return docx_response(exports.plan_docx(plan), filename=name)


# --- recommendations -------------------------------------------------------------------------


class RecommendationListView(SingleTableMixin, FilterView):
    """The tracker: unit staff see theirs, provincial roles the province; overdue first."""

    table_class = RecommendationTable
    filterset_class = RecommendationFilter
    template_name = "inspections/recommendation_list.html"
    paginate_by = 50
    extra_context = {"title": gettext_lazy("Theo dõi kiến nghị")}

    def get_queryset(self):
        return Recommendation.objects.visible_to(self.request.user).for_tracker()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["counts"] = selectors.dashboard_counts(self.request.user)
        return context


def recommendations_xlsx(request: AuthedHttpRequest) -> HttpResponseBase:
    qs = RecommendationFilter(
        request.GET,
        queryset=Recommendation.objects.visible_to(request.user).for_tracker(),
        request=request,
    ).qs
    return xlsx_response(**exports.tracker_xlsx(qs, today=timezone.localdate()))


def _recommendation(request: AuthedHttpRequest, pk: int) -> Recommendation:
    return get_visible_or_404(
        Recommendation.objects.select_related(
            "responsible_unit", "responsible_person", "inspection__unit", "finding"
        ).with_overdue_flag(),
        request.user,
        pk=pk,
    )


def recommendation_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    rec = _recommendation(request, pk)
    form = forms.RemediationForm()
    return _recommendation_page(request, rec, form)


def _recommendation_page(
    request: AuthedHttpRequest, rec: Recommendation, form: Any
) -> HttpResponse:
    user = request.user
    can_report = (
        not user.is_provincial
        and rec.state != RecommendationState.VERIFIED
        and user.scope_unit is not None
        and rec.responsible_unit.is_within(user.scope_unit)
    )
    return render(
        request,
        "inspections/recommendation_detail.html",
        {
            "rec": rec,
            "title": _("Kiến nghị"),
            "remediations": rec.remediations.select_related("reported_by", "reviewed_by")
            .prefetch_related("attachments")
            .order_by("pk"),
            "form": form,
            "review_form": forms.ReviewForm(),
            "can_report": can_report,
            "can_review": user.is_provincial and rec.state == RecommendationState.REPORTED,
        },
    )


@require_POST
def remediation_report(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    rec = _recommendation(request, pk)
    # Remediation is the responsible unit's word, not the inspector's.
    require(request.user.is_unit_staff)
    form = forms.RemediationForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.remediation_report(
                recommendation=rec,
                by=request.user,
                text=form.cleaned_data["text"],
                files=form.cleaned_data["files"],
            )
        except ValidationError as exc:
            for message in _errors(exc, form):
                form.add_error(None, message)
        else:
            messages.success(request, _("Đã gửi báo cáo khắc phục."))
            return redirect(rec)
    return _recommendation_page(request, rec, form)


def _review(request: AuthedHttpRequest, pk: int, accept: bool) -> HttpResponse:
    rec = _recommendation(request, pk)
    require(request.user.is_provincial)
    note = request.POST.get("note", "")
    try:
        if accept:
            services.recommendation_verify(recommendation=rec, by=request.user, note=note)
            messages.success(request, _("Đã xác nhận khắc phục."))
        else:
            services.recommendation_send_back(recommendation=rec, by=request.user, note=note)
            messages.success(request, _("Đã trả lại báo cáo khắc phục."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(rec)


def recommendation_verify(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """GET: the confirmation (the report being accepted, the note); POST: verify, which
    ends the follow-up of the recommendation."""
    if request.method == "POST":
        return _review(request, pk, accept=True)
    rec = _recommendation(request, pk)
    require(request.user.is_provincial)
    latest = rec.remediations.filter(accepted__isnull=True).order_by("-pk").first()
    note = request.GET.get("note", "")
    return _confirm(
        request,
        title=_("Xác nhận đã khắc phục"),
        subject=rec.text,
        intro=_(
            "Xác nhận kiến nghị đã được khắc phục: kiến nghị chuyển sang “Đã xác nhận” và "
            "đơn vị không báo cáo thêm được."
        ),
        facts=[
            (_("Đơn vị thực hiện"), rec.responsible_unit.name),
            (_("Thời hạn"), _fmt_date(rec.due_on)),
            (_("Báo cáo khắc phục"), latest.text if latest else "—"),
            (_("Ý kiến của đoàn"), note or "—"),
        ],
        problems=[]
        if latest and rec.state == RecommendationState.REPORTED
        else [str(services.NOT_REPORTED)],
        action=request.path,
        hidden={"note": note},
        button=_("Xác nhận đã khắc phục"),
        back=rec.get_absolute_url(),
    )


@require_POST
def recommendation_send_back(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _review(request, pk, accept=False)


def attachment_download(request: AuthedHttpRequest, pk: int) -> FileResponse:
    attachment = (
        RemediationAttachment.objects.filter(pk=pk)
        .select_related("remediation__recommendation")
        .first()
    )
    if attachment is None:
        raise Http404
    # Visible exactly when its recommendation is.
    get_visible_or_404(
        Recommendation.objects.all(), request.user, pk=attachment.remediation.recommendation_id
    )
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)
