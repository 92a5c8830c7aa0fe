"""Scoring pages: thin views that fetch through `visible_to`, call services, render."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from cchc_portal.docx import docx_response
from cchc_portal.http import AuthedHttpRequest
from cchc_portal.pdf import pdf_response
from cchc_portal.permissions import get_visible_or_404, require
from cchc_portal.xlsx import XLSX_CONTENT_TYPE, xlsx_response
from scoring import exports, imports, selectors, services, workflow
from scoring.choices import Component, Phase, ScoreField
from scoring.filters import AssessmentFilter, CriteriaSetFilter
from scoring.forms import CriteriaImportForm, DeadlinesForm, ExplanationForm, ScoresImportForm
from scoring.models import (
    Assessment,
    CriteriaSet,
    Criterion,
    CriterionScore,
    Evidence,
    PublishedRanking,
)
from scoring.tables import AssessmentTable, CriteriaSetTable
from units.models import AdministrativeUnit
from units.resolver import UnitCodeError, UnitResolver, code_key, describe, year_end


class CriteriaSetListView(SingleTableMixin, FilterView):
    table_class = CriteriaSetTable
    filterset_class = CriteriaSetFilter
    template_name = "scoring/set_list.html"
    paginate_by = 50
    extra_context = {"title": gettext_lazy("Bộ chỉ số CCHC")}

    def get_queryset(self):
        published = PublishedRanking.objects.current().filter(criteria_set=OuterRef("pk"))
        return (
            CriteriaSet.objects.visible_to(self.request.user)
            .select_related("province")
            .annotate(is_published=Exists(published))
        )


def set_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    criteria_set = get_visible_or_404(
        CriteriaSet.objects.select_related("province"), request.user, pk=pk
    )
    criteria = selectors.tree_order(list(Criterion.objects.filter(criteria_set=criteria_set)))
    publication = criteria_set.publications.current().first()
    return render(
        request,
        "scoring/set_detail.html",
        {
            "title": criteria_set.name,
            "criteria_set": criteria_set,
            "criteria": criteria,
            "publication": publication,
            "can_publish": request.user.is_provincial_admin,
            "can_import_scores": services.is_council(request.user),
            "deadline": criteria_set.self_assessment_deadline(timezone.localdate()),
            "explanation_deadline": criteria_set.explanation_deadline(timezone.localdate()),
            # Who has not submitted per phase, and who is late: the council's follow-up.
            "phases": selectors.phase_status(criteria_set=criteria_set, today=timezone.localdate())
            if services.is_council(request.user)
            else [],
            "deadlines_form": DeadlinesForm(
                initial={
                    "self_assessment_due_on": criteria_set.self_assessment_due_on,
                    "explanation_due_on": criteria_set.explanation_due_on,
                }
            )
            if request.user.is_provincial_admin
            else None,
        },
    )


@require_POST
def set_deadlines(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    criteria_set = get_visible_or_404(CriteriaSet.objects.all(), request.user, pk=pk)
    require(request.user.is_provincial_admin)
    form = DeadlinesForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("scoring:set_detail", pk=criteria_set.pk)
    try:
        services.criteria_set_deadlines_set(
            criteria_set=criteria_set,
            self_assessment_due_on=form.cleaned_data["self_assessment_due_on"],
            explanation_due_on=form.cleaned_data["explanation_due_on"],
            by=request.user,
        )
        messages.success(request, _("Đã lưu các hạn."))
    except services.ScoringError as exc:
        messages.error(request, exc.message)
    return redirect("scoring:set_detail", pk=criteria_set.pk)


def set_remind(request: AuthedHttpRequest, pk: int, phase: str) -> HttpResponse:
    """GET: whom a reminder would go to (the units late in the phase); POST: record it."""
    if phase not in services.PHASE_STATES:
        raise Http404
    criteria_set = get_visible_or_404(
        CriteriaSet.objects.select_related("province"), request.user, pk=pk
    )
    require(services.is_council(request.user))
    if request.method == "POST":
        reminded = workflow.remind_late(criteria_set=criteria_set, phase=phase, by=request.user)
        messages.success(request, _("Đã nhắc hạn %(n)s đơn vị.") % {"n": len(reminded)})
        return redirect("scoring:set_detail", pk=criteria_set.pk)
    late = services.late_assessments(
        criteria_set=criteria_set, phase=phase, today=timezone.localdate()
    )
    label = Phase(phase).label
    return render(
        request,
        "scoring/set_remind.html",
        {
            "title": _("Nhắc hạn %(phase)s") % {"phase": str(label).lower()},
            "criteria_set": criteria_set,
            "late": late,
            "phase_label": label,
            "deadline": criteria_set.deadline(phase, timezone.localdate()),
        },
    )


def _set_province(request: AuthedHttpRequest, year: int) -> AdministrativeUnit:
    """The admin's province as it stood at the end of `year`: a 2024 set of the merged Đắk Lắk's
    admin belongs to the old Đắk Lắk (same code, within the admin's scope through the lineage)."""
    own = request.user.scope_unit
    if own is None:  # set_import lets in only admins who have a province
        raise PermissionDenied
    if own.is_valid_on(year_end(year)):
        return own
    try:
        return services.criteria_set_province(
            code=own.code, year=year, scope=AdministrativeUnit.objects.visible_to(request.user)
        )
    except UnitCodeError as exc:
        raise services.ScoringImportError([exc.message]) from None


def set_import(request: AuthedHttpRequest) -> HttpResponse:
    """Provincial admins upload a criteria set for their province (rejected as a whole)."""
    require(request.user.is_provincial_admin and request.user.scope_unit is not None)
    form = CriteriaImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with tempfile.NamedTemporaryFile(suffix=".upload") as tmp:
            for chunk in upload.chunks():
                tmp.write(chunk)
            tmp.flush()
            try:
                criteria_set = services.criteria_set_import(
                    path=Path(tmp.name),
                    province=_set_province(request, form.cleaned_data["year"]),
                    year=form.cleaned_data["year"],
                    level=form.cleaned_data["level"],
                    name=form.cleaned_data["name"],
                    legal_basis=form.cleaned_data["legal_basis"],
                    bonus_cap=form.cleaned_data["bonus_cap"],
                    penalty_cap=form.cleaned_data["penalty_cap"],
                    self_assessment_due_on=form.cleaned_data["self_assessment_due_on"],
                    explanation_due_on=form.cleaned_data["explanation_due_on"],
                )
            except services.ScoringImportError as exc:
                errors = exc.errors
            else:
                messages.success(request, _("Đã nhập bộ chỉ số."))
                return redirect("scoring:set_detail", pk=criteria_set.pk)
    return render(
        request,
        "scoring/set_import.html",
        {"title": _("Nhập bộ chỉ số từ tệp"), "form": form, "errors": errors},
        status=422 if errors else 200,
    )


def scores_upload(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The council uploads scores or raw survey answers for a set: "Xem trước" checks the file
    and lists what would change without saving; "Nhập" saves (all rows or none), the logged-in
    user recorded as the author."""
    criteria_set = get_visible_or_404(
        CriteriaSet.objects.select_related("province"), request.user, pk=pk
    )
    require(services.is_council(request.user))
    form = ScoresImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    result: imports.ImportResult | None = None
    dry_run = "preview" in request.POST
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with tempfile.NamedTemporaryFile(suffix=".upload") as tmp:
            for chunk in upload.chunks():
                tmp.write(chunk)
            tmp.flush()
            try:
                if form.cleaned_data["kind"] == ScoresImportForm.ANSWERS:
                    result = imports.survey_answers_import(
                        path=Path(tmp.name),
                        criteria_set=criteria_set,
                        by=request.user,
                        scale_min=form.cleaned_data["scale_min"],
                        scale_max=form.cleaned_data["scale_max"],
                        dry_run=dry_run,
                    )
                else:
                    result = imports.scores_import(
                        path=Path(tmp.name),
                        criteria_set=criteria_set,
                        by=request.user,
                        dry_run=dry_run,
                    )
            except services.ScoringImportError as exc:
                errors = exc.errors
        if result is not None and not dry_run:
            messages.success(
                request,
                _("Đã nhập %(rows)s dòng: %(changed)s giá trị thay đổi, %(same)s dòng không đổi.")
                % {"rows": result.rows, "changed": result.changed, "same": result.unchanged_rows},
            )
            return redirect("scoring:set_detail", pk=criteria_set.pk)
    field_labels = {**{f.value: f.label for f in ScoreField}, **_BONUS_LABELS}
    return render(
        request,
        "scoring/scores_upload.html",
        {
            "title": _("Nhập điểm từ tệp"),
            "criteria_set": criteria_set,
            "form": form,
            "errors": errors,
            "preview": result if dry_run else None,
            "field_labels": field_labels,
        },
        status=422 if errors else 200,
    )


_BONUS_LABELS = {
    "bonus_points": gettext_lazy("Điểm thưởng"),
    "penalty_points": gettext_lazy("Điểm trừ"),
}


class AssessmentListView(SingleTableMixin, FilterView):
    """Assessments the user may see: the province for provincial roles, else the own subtree."""

    table_class = AssessmentTable
    filterset_class = AssessmentFilter
    template_name = "scoring/assessment_list.html"
    paginate_by = 50
    extra_context = {"title": gettext_lazy("Bản đánh giá chỉ số CCHC")}

    def get_queryset(self):
        return (
            Assessment.objects.visible_to(self.request.user)
            .select_related("unit", "criteria_set")
            .order_by("-criteria_set__year", "unit__code")
        )


def _sheet_context(request, assessment: Assessment, **extra) -> dict:
    user = request.user
    sheet = selectors.score_sheet(assessment=assessment)
    return {
        "title": f"{assessment.unit.name} · {assessment.criteria_set.year}",
        "assessment": assessment,
        "sheet": sheet,
        "writable": services.writable_fields(user, assessment),
        "can_add_evidence": services.can_add_evidence(user, assessment),
        "can_set_bonus": services.can_set_bonus(user, assessment),
        "transitions": services.available_transitions(user, assessment),
        "deadline": assessment.criteria_set.self_assessment_deadline(timezone.localdate()),
        "explanation_deadline": assessment.criteria_set.explanation_deadline(timezone.localdate()),
        "explanation_counting": assessment.state == services.S.EXPLANATION,
        "can_keep": {
            f for f in services.KEEP_SOURCE if f in services.writable_fields(user, assessment)
        },
        "fields": ScoreField,
        "survey": Component.SURVEY,
        "errors": {},
        "attempted": {},
        **extra,
    }


def assessment_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    assessment = get_visible_or_404(Assessment.objects.for_sheet(), request.user, pk=pk)
    return render(request, "scoring/assessment_detail.html", _sheet_context(request, assessment))


@require_POST
def score_save(request: AuthedHttpRequest, pk: int, score_pk: int) -> HttpResponse:
    """Save one cell; htmx gets the sheet back (subtotals updated, message at the cell)."""
    assessment = get_visible_or_404(Assessment.objects.for_sheet(), request.user, pk=pk)
    score = get_object_or_404(CriterionScore, pk=score_pk, assessment=assessment)
    field = request.POST.get("field", "")
    errors, attempted, status = {}, {}, 200
    try:
        # A locked or published sheet answers with the guard's message, not a bare 403.
        services.assessment_ensure_writable(assessment, what=_("điểm tiêu chí"))
        require(field in services.writable_fields(request.user, assessment))
        version = int(request.POST.get("version", "0"))
        services.score_save(
            score_id=score.pk,
            field=field,
            value=request.POST.get("value", ""),
            version=version,
            by=request.user,
            reason=request.POST.get("reason", ""),
        )
    except services.ScoreConflict as exc:
        # The cell shows the value now stored; the message quotes the one that was not saved.
        errors[score.pk] = exc.message
        status = 409
    except services.ScoringError as exc:
        errors[score.pk] = exc.message
        attempted[score.pk] = {
            "field": field,
            "value": request.POST.get("value", ""),
            "reason": request.POST.get("reason", ""),
        }
        status = 422
    except ValueError:
        errors[score.pk] = _("Dữ liệu gửi lên không hợp lệ.")
        status = 422
    if request.htmx:
        context = _sheet_context(
            request, assessment, errors=errors, attempted=attempted, saved_pk=score.pk
        )
        # htmx swaps 2xx only by default; refusals also come back as the row (see scoring.js).
        return render(request, "scoring/_cell_response.html", context, status=status)
    for message in errors.values():
        messages.error(request, message)
    if not errors:
        messages.success(request, _("Đã lưu."))
    return redirect("scoring:assessment_detail", pk=assessment.pk)


def _cell_answer(
    request: AuthedHttpRequest,
    assessment: Assessment,
    score: CriterionScore,
    call: Any,
    *,
    field: str,
) -> HttpResponse:
    """Run a one-row write and answer as score_save does: the row for htmx, else a redirect."""
    errors, attempted, status = {}, {}, 200
    try:
        services.assessment_ensure_writable(assessment, what=_("điểm tiêu chí"))
        call()
    except services.ScoreConflict as exc:
        errors[score.pk] = exc.message
        status = 409
    except services.ScoringError as exc:
        errors[score.pk] = exc.message
        attempted[score.pk] = {"field": field, "value": request.POST.get("value", "")}
        status = 422
    except ValueError:
        errors[score.pk] = _("Dữ liệu gửi lên không hợp lệ.")
        status = 422
    if request.htmx:
        context = _sheet_context(
            request, assessment, errors=errors, attempted=attempted, saved_pk=score.pk
        )
        return render(request, "scoring/_cell_response.html", context, status=status)
    for message in errors.values():
        messages.error(request, message)
    if not errors:
        messages.success(request, _("Đã lưu."))
    return redirect("scoring:assessment_detail", pk=assessment.pk)


@require_POST
def score_keep(request: AuthedHttpRequest, pk: int, score_pk: int) -> HttpResponse:
    """ "Giữ điểm tự chấm" on one leaf: the round's value written from what it starts from."""
    assessment = get_visible_or_404(Assessment.objects.for_sheet(), request.user, pk=pk)
    score = get_object_or_404(CriterionScore, pk=score_pk, assessment=assessment)
    field = request.POST.get("field", "")
    if assessment.state not in services.FROZEN_STATES:
        require(field in services.KEEP_SOURCE)
        require(field in services.writable_fields(request.user, assessment))
    return _cell_answer(
        request,
        assessment,
        score,
        lambda: services.score_keep(
            score_id=score.pk,
            field=field,
            version=int(request.POST.get("version", "0")),
            by=request.user,
        ),
        field=field,
    )


@require_POST
def score_not_applicable(request: AuthedHttpRequest, pk: int, score_pk: int) -> HttpResponse:
    """The unit marks a leaf "không phát sinh" with a reason (or takes the mark back)."""
    assessment = get_visible_or_404(Assessment.objects.for_sheet(), request.user, pk=pk)
    score = get_object_or_404(CriterionScore, pk=score_pk, assessment=assessment)
    if assessment.state not in services.FROZEN_STATES:
        require(ScoreField.SELF in services.writable_fields(request.user, assessment))
    return _cell_answer(
        request,
        assessment,
        score,
        lambda: services.score_not_applicable_set(
            score_id=score.pk,
            applicable=request.POST.get("applicable") == "1",
            reason=request.POST.get("reason", ""),
            version=int(request.POST.get("version", "0")),
            by=request.user,
        ),
        field="not_applicable",
    )


def area_keep(request: AuthedHttpRequest, pk: int, criterion_pk: int) -> HttpResponse:
    """ "Giữ nguyên cả lĩnh vực": GET the confirmation (which leaves it writes, which it leaves
    alone), POST writes the round's value for every leaf of the area still blank in it."""
    assessment = get_visible_or_404(Assessment.objects.for_sheet(), request.user, pk=pk)
    keepable = [
        f for f in services.KEEP_SOURCE if f in services.writable_fields(request.user, assessment)
    ]
    require(bool(keepable))
    field = keepable[0]
    try:
        plan = services.area_keep_plan(assessment=assessment, area_id=criterion_pk, field=field)
    except CriterionScore.DoesNotExist:
        raise Http404 from None
    if request.method == "POST":
        try:
            done = services.area_keep(
                assessment_id=assessment.pk, area_id=criterion_pk, field=field, by=request.user
            )
        except services.ScoringError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Đã giữ nguyên %(n)s tiêu chí của lĩnh vực %(code)s (%(what)s).")
                % {
                    "n": len(done.to_write),
                    "code": done.area.code,
                    "what": services.KEPT_FROM[field],
                },
            )
        return redirect("scoring:assessment_detail", pk=assessment.pk)
    return render(
        request,
        "scoring/area_keep_confirm.html",
        {
            "title": _("Xác nhận: giữ nguyên cả lĩnh vực %(code)s") % {"code": plan.area.code},
            "assessment": assessment,
            "plan": plan,
            "kept_from": services.KEPT_FROM[field],
            "round_label": ScoreField(field).label,
        },
    )


def score_thread(request: AuthedHttpRequest, pk: int, score_pk: int) -> HttpResponse:
    """A criterion's explanation thread: self-score and its files, round 1 and the council's
    reason, the unit's answers with files, round 2. POST adds a message (the unit while
    explaining, the council from round 1 to round 2)."""
    assessment = get_visible_or_404(Assessment.objects.for_sheet(), request.user, pk=pk)
    score = get_object_or_404(
        CriterionScore.objects.select_related("criterion"), pk=score_pk, assessment=assessment
    )
    role = services.thread_role(request.user, assessment)
    form = ExplanationForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        try:
            services.assessment_ensure_writable(assessment, what=_("giải trình"))
        except services.ScoringError as exc:
            messages.error(request, exc.message)
            return redirect("scoring:score_thread", pk=assessment.pk, score_pk=score.pk)
        require(role is not None)
        if form.is_valid():
            try:
                services.explanation_post(
                    score_id=score.pk,
                    text=form.cleaned_data["text"],
                    upload=form.cleaned_data["file"],
                    by=request.user,
                )
            except services.ScoringError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Đã ghi giải trình."))
                return redirect("scoring:score_thread", pk=assessment.pk, score_pk=score.pk)
        status = 422
    score.refresh_from_db()
    return render(
        request,
        "scoring/score_thread.html",
        {
            "title": _("Giải trình tiêu chí %(code)s") % {"code": score.criterion.code},
            "assessment": assessment,
            "score": score,
            "entries": selectors.score_thread(score=score),
            "form": form if role is not None else None,
            "role": role,
            "explanation_deadline": assessment.criteria_set.explanation_deadline(
                timezone.localdate()
            ),
        },
        status=status,
    )


def score_history(request: AuthedHttpRequest, pk: int, score_pk: int) -> HttpResponse:
    assessment = get_visible_or_404(Assessment.objects.for_sheet(), request.user, pk=pk)
    score = get_object_or_404(
        CriterionScore.objects.select_related("criterion"), pk=score_pk, assessment=assessment
    )
    records = list(score.history.select_related("history_user").order_by("history_date"))
    tracked = [f.value for f in ScoreField] + [
        "round1_reason",
        "round2_reason",
        "not_applicable",
        "not_applicable_reason",
    ]
    labels = {f.name: f.verbose_name for f in CriterionScore._meta.fields}
    changes = []
    previous: Any = None  # the record before (simple_history's models are untyped)
    for record in records:
        for name in tracked:
            old = getattr(previous, name, None) if previous else None
            new = getattr(record, name)
            if old != new and not (previous is None and new in (None, "", False)):
                changes.append(
                    {
                        "when": record.history_date,
                        "who": record.history_user,
                        "field": labels[name],
                        "old": old,
                        "new": new,
                        # "giữ điểm tự chấm": the value was kept, not typed.
                        "why": record.history_change_reason or "",
                    }
                )
        previous = record
    changes.reverse()
    return render(
        request,
        "scoring/score_history.html",
        {
            "title": _("Lịch sử điểm tiêu chí %(code)s") % {"code": score.criterion.code},
            "assessment": assessment,
            "score": score,
            "changes": changes,
        },
    )


@require_POST
def evidence_upload(request: AuthedHttpRequest, pk: int, score_pk: int) -> HttpResponse:
    assessment = get_visible_or_404(Assessment.objects.for_sheet(), request.user, pk=pk)
    score = get_object_or_404(CriterionScore, pk=score_pk, assessment=assessment)
    try:
        services.assessment_ensure_writable(assessment, what=_("tài liệu kiểm chứng"))
    except services.ScoringError as exc:
        messages.error(request, exc.message)
        return redirect("scoring:assessment_detail", pk=assessment.pk)
    require(services.can_add_evidence(request.user, assessment))
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Chưa chọn tệp."))
    else:
        try:
            services.evidence_add(score=score, upload=upload, by=request.user)
            messages.success(request, _("Đã tải lên tài liệu kiểm chứng."))
        except services.ScoringError as exc:
            messages.error(request, exc.message)
    return redirect("scoring:assessment_detail", pk=assessment.pk)


def evidence_download(request: AuthedHttpRequest, pk: int, evidence_pk: int) -> FileResponse:
    """The only door to evidence files: 404 unless the assessment is visible to the user."""
    assessment = get_visible_or_404(Assessment.objects.all(), request.user, pk=pk)
    evidence = get_object_or_404(Evidence, pk=evidence_pk, score__assessment=assessment)
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )


def assessment_transition(request: AuthedHttpRequest, pk: int, action: str) -> HttpResponse:
    """GET: the confirmation page (counts, totals, the index it will produce, every problem);
    POST: the guarded transition, with a message saying what happened."""
    if action not in workflow.ACTIONS or action in workflow.SET_ACTIONS:
        raise Http404
    assessment = get_visible_or_404(Assessment.objects.for_sheet(), request.user, pk=pk)
    names = {t.name for t in services.available_transitions(request.user, assessment)}
    require(action in names)
    label = workflow.ACTION_LABELS[action]
    reason = request.POST.get("reason", "")
    if request.method == "POST":
        try:
            services.assessment_transition(
                assessment_id=assessment.pk, action=action, by=request.user, reason=reason
            )
        except services.ScoringError as exc:
            # Back to the confirmation page, which lists every problem as it stands now.
            messages.error(request, exc.message)
            return redirect("scoring:assessment_transition", pk=assessment.pk, action=action)
        else:
            assessment.refresh_from_db(fields=["state"])
            messages.success(
                request,
                _("Đã %(action)s: %(unit)s chuyển sang “%(state)s”.")
                % {
                    "action": label,
                    "unit": assessment.unit.name,
                    "state": assessment.get_state_display(),
                },
            )
            return redirect("scoring:assessment_detail", pk=assessment.pk)
    [outcome] = workflow.plan(
        assessments=[assessment], action=action, by=request.user, reason=reason or "-"
    )
    counts = workflow.leaf_counts([assessment.pk]).get(assessment.pk, workflow.LeafCounts())
    sheet = selectors.score_sheet(assessment=assessment)
    return render(
        request,
        "scoring/transition_confirm.html",
        {
            "title": _("Xác nhận: %(action)s") % {"action": label},
            "assessment": assessment,
            "action": action,
            "label": label,
            "outcome": outcome,
            "counts": counts,
            "sheet": sheet,
            "target_label": workflow.S(outcome.target).label if outcome.target else "",
            "needs_reason": action in workflow.REASON_ACTIONS,
        },
    )


def set_bulk(request: AuthedHttpRequest, pk: int, action: str) -> HttpResponse:
    """A transition for every unit of a set: GET previews each unit's outcome, POST does it
    and lists what happened to each unit (the same as manage.py assessment_transition)."""
    if action not in workflow.BULK_ACTIONS:
        raise Http404
    criteria_set = get_visible_or_404(
        CriteriaSet.objects.select_related("province"), request.user, pk=pk
    )
    require(
        request.user.is_provincial_admin
        or (request.user.is_inspector and action in workflow.COUNCIL_BULK)
    )
    reason = request.POST.get("reason", "")
    done = request.method == "POST"
    try:
        outcomes = workflow.run(
            criteria_set=criteria_set,
            action=action,
            by=request.user,
            reason=reason if done else reason or "-",
            dry_run=not done,
        )
    except services.ScoringError as exc:
        messages.error(request, exc.message)
        return redirect("scoring:set_detail", pk=criteria_set.pk)
    if done:
        ok = sum(1 for o in outcomes if o.ok)
        messages.success(
            request,
            _("%(action)s: %(ok)s/%(n)s đơn vị đã thực hiện.")
            % {"action": workflow.ACTION_LABELS[action], "ok": ok, "n": len(outcomes)},
        )
    return render(
        request,
        "scoring/set_bulk.html",
        {
            "title": _("%(action)s — %(set)s")
            % {"action": workflow.ACTION_LABELS[action], "set": criteria_set.name},
            "criteria_set": criteria_set,
            "action": action,
            "outcomes": outcomes,
            "done": done,
            # Nothing to confirm when every unit would be refused (publish: all or nothing).
            "can_confirm": any(o.ok for o in outcomes),
            "needs_reason": action in workflow.REASON_ACTIONS,
        },
    )


@require_POST
def assessment_bonus(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    assessment = get_visible_or_404(Assessment.objects.select_related("unit"), request.user, pk=pk)
    try:
        services.assessment_ensure_writable(assessment, what=_("điểm thưởng, điểm trừ"))
    except services.ScoringError as exc:
        messages.error(request, exc.message)
        return redirect("scoring:assessment_detail", pk=assessment.pk)
    require(services.can_set_bonus(request.user, assessment))
    try:
        services.bonus_penalty_set(
            assessment_id=assessment.pk,
            bonus=request.POST.get("bonus", ""),
            penalty=request.POST.get("penalty", ""),
            note=request.POST.get("note", ""),
            by=request.user,
        )
        messages.success(request, _("Đã lưu điểm thưởng, điểm trừ."))
    except services.ScoringError as exc:
        messages.error(request, exc.message)
    return redirect("scoring:assessment_detail", pk=assessment.pk)


def _set_action(
    request: AuthedHttpRequest,
    pk: int,
    do: Callable[[CriteriaSet], str],
    *,
    then: str,
) -> HttpResponse:
    """The shared shape of the set's POST-only actions (the forms their pages post after
    asking): the set through the one door, admins only, the service's refusal as a message,
    back to `then` (a URL name taking the set's pk)."""
    criteria_set = get_visible_or_404(CriteriaSet.objects.all(), request.user, pk=pk)
    require(request.user.is_provincial_admin)
    try:
        messages.success(request, do(criteria_set))
    except services.ScoringError as exc:
        messages.error(request, exc.message)
    return redirect(then, pk=criteria_set.pk)


@require_POST
def set_open(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    def do(criteria_set: CriteriaSet) -> str:
        count = services.assessments_open(criteria_set=criteria_set, by=request.user)
        return _("Đã mở %(n)s bản đánh giá.") % {"n": count}

    return _set_action(request, pk, do, then="scoring:set_detail")


@require_POST
def set_publish(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    def do(criteria_set: CriteriaSet) -> str:
        services.ranking_publish(criteria_set=criteria_set, by=request.user)
        return _("Đã công bố kết quả.")

    return _set_action(request, pk, do, then="scoring:ranking_detail")


@require_POST
def set_unpublish(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    def do(criteria_set: CriteriaSet) -> str:
        services.ranking_unpublish(
            criteria_set=criteria_set, by=request.user, reason=request.POST.get("reason", "")
        )
        return _("Đã thu hồi kết quả công bố.")

    return _set_action(request, pk, do, then="scoring:ranking_detail")


# --------------------------------------------------------------------------- rankings


def _ranking_for(request: AuthedHttpRequest, pk: int) -> selectors.Ranking:
    """The ranking a user may see: provincial roles the live one, unit staff only a published
    one (a provisional ranking shows other units' unpublished scores)."""
    criteria_set = get_visible_or_404(
        CriteriaSet.objects.select_related("province"), request.user, pk=pk
    )
    ranking = selectors.ranking(criteria_set=criteria_set)
    if ranking.provisional and not request.user.is_provincial:
        raise Http404
    return ranking


def _ranking_context(
    request: HttpRequest, ranking: selectors.Ranking, **extra: Any
) -> dict[str, Any]:
    user_unit = getattr(request.user, "unit_id", None)
    selected = exports.selected_row(ranking, request.GET.get("unit"), user_unit)
    # Rows link to the unit's history only where the user may open it (1 query).
    history_units = set(
        AdministrativeUnit.objects.visible_to(request.user)
        .filter(pk__in=[row.unit_id for row in ranking.rows])
        .values_list("pk", flat=True)
    )
    return {
        "title": _("Xếp hạng chỉ số CCHC năm %(year)s") % {"year": ranking.criteria_set.year},
        "ranking": ranking,
        "chart": exports.ranking_chart(ranking),
        "selected": selected,
        "lost_chart": exports.lost_points_chart(ranking, selected),
        "history_units": history_units,
        **extra,
    }


def ranking_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    ranking = _ranking_for(request, pk)
    context = _ranking_context(request, ranking, can_publish=request.user.is_provincial_admin)
    return render(request, "scoring/ranking_detail.html", context)


def _filename(ranking: selectors.Ranking, ext: str) -> str:
    cs = ranking.criteria_set
    return f"xep-hang-cchc-{cs.province.code}-{cs.level}-{cs.year}.{ext}"


def _ranking_xlsx(ranking: selectors.Ranking) -> FileResponse:
    return xlsx_response(
        filename=_filename(ranking, "xlsx"),
        sheets=[(_("Xếp hạng"), exports.ranking_headers(), exports.ranking_values(ranking))],
        **exports.ranking_sheet_head(ranking),
    )


def ranking_xlsx(request: AuthedHttpRequest, pk: int) -> FileResponse:
    return _ranking_xlsx(_ranking_for(request, pk))


def ranking_pdf(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    ranking = _ranking_for(request, pk)
    return pdf_response(exports.ranking_pdf(ranking), filename=_filename(ranking, "pdf"))


def ranking_docx(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    ranking = _ranking_for(request, pk)
    return docx_response(exports.ranking_docx(ranking), filename=_filename(ranking, "docx"))


def assessment_document(request: AuthedHttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    """One unit's score sheet as PDF, DOCX or XLSX, to whoever may open the sheet: its own
    figures only (a rank only once published)."""
    if fmt not in ("pdf", "docx", "xlsx"):
        raise Http404
    assessment = get_visible_or_404(Assessment.objects.for_sheet(), request.user, pk=pk)
    sheet = selectors.score_sheet(assessment=assessment)
    cs = assessment.criteria_set
    name = f"bang-diem-cchc-{assessment.unit.code}-{cs.year}.{fmt}"
    if fmt == "pdf":
        return pdf_response(exports.sheet_pdf(sheet), filename=name)
    if fmt == "docx":
        return docx_response(exports.sheet_docx(sheet), filename=name)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    exports.sheet_xlsx(spool, sheet)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=name, content_type=XLSX_CONTENT_TYPE)


# --------------------------------------------------------------------------- public


@login_not_required
def public_ranking_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "scoring/public_ranking_list.html",
        {
            "title": _("Kết quả chỉ số CCHC đã công bố"),
            "publications": selectors.published_rankings(),
        },
    )


def _published_ranking(pk: int) -> selectors.Ranking:
    """The published ranking of a set for anyone (its frozen snapshot, public data only), or a
    404 when the set has no current publication."""
    publication = selectors.published_rankings().filter(criteria_set_id=pk).first()
    if publication is None:
        raise Http404
    return selectors.ranking(criteria_set=publication.criteria_set)


@login_not_required
def public_ranking_detail(request: HttpRequest, pk: int) -> HttpResponse:
    context = _ranking_context(request, _published_ranking(pk), public=True)
    return render(request, "scoring/ranking_detail.html", context)


@login_not_required
def public_ranking_xlsx(request: HttpRequest, pk: int) -> FileResponse:
    """The published ranking as Excel, the same file as the signed-in download."""
    return _ranking_xlsx(_published_ranking(pk))


@login_not_required
def public_ranking_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    ranking = _published_ranking(pk)
    return pdf_response(exports.ranking_pdf(ranking), filename=_filename(ranking, "pdf"))


# --------------------------------------------------------------------------- unit history


def _history_day(request: AuthedHttpRequest) -> dt.date:
    """The day a code is read on: ?on=YYYY-MM-DD (links to a code's earlier holder), else today."""
    try:
        return dt.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return timezone.localdate()


def _unit_for_code(request: AuthedHttpRequest, code: str) -> tuple[AdministrativeUnit, list[Any]]:
    """The unit a code names for this user, and the other units that held the same code.

    The unit holding it on the day asked (today by default); when none does, the latest one
    that held it. Only units the user sees: anything else is a 404, like an unknown code.
    Two queries (the resolver's, the units).
    """
    visible = AdministrativeUnit.objects.visible_to(request.user)
    # The resolver decides which codes match; `endswith` only keeps its table small.
    resolver = UnitResolver(scope=visible.filter(code__endswith=code_key(code)))
    holders = resolver.holders(code)
    units = AdministrativeUnit.objects.in_bulk(holders)
    try:
        pk = resolver.resolve_id(code, on=_history_day(request))
    except UnitCodeError as exc:
        if exc.candidates or not holders:
            raise Http404 from None
        # The latest holder of the code as written, else of the same number zero-padded.
        exact = [h for h in holders if units[h].code == code.strip()]
        pk = (exact or holders)[-1]
    unit = units[pk]
    others = []
    for other in (units[h] for h in holders if h != pk and units[h].code == unit.code):
        day = other.valid_until or other.valid_from
        others.append(
            {
                "unit": other,
                "description": describe(other),
                "url": reverse("scoring:unit_history", args=[other.code])
                + (f"?on={day:%Y-%m-%d}" if day else ""),
            }
        )
    return unit, others


def unit_history(request: AuthedHttpRequest, code: str) -> HttpResponse:
    """A unit's published index, rank and points per area over the years (before a merger, its
    predecessors'). Provincial roles see any unit of their province, unit staff their own unit
    and those below it; others get 404. A reused code names the unit holding it today, and the
    page links to the other units that held it."""
    unit, others = _unit_for_code(request, code)
    history = selectors.unit_history(unit=unit, user=request.user)
    return render(
        request,
        "scoring/unit_history.html",
        {
            "title": _("Chỉ số CCHC qua các năm — %(unit)s") % {"unit": unit.name},
            "unit": unit,
            "history": history,
            "other_holders": others,
            "chart": exports.unit_history_chart(unit.name, history),
        },
    )
