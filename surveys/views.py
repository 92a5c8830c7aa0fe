"""Survey pages: thin views over the services and selectors.

The council's pages (provincial roles of the survey's province) under /surveys/, and the
public form under /s/<token>/ (no login, its own minimal template, works without JavaScript).
"""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from cchc_portal.charts import bar_chart
from cchc_portal.http import AuthedHttpRequest
from cchc_portal.net import client_address
from cchc_portal.pdf import pdf_response
from cchc_portal.permissions import get_visible_or_404, require, user_passes
from cchc_portal.xlsx import xlsx_response
from scoring.choices import Component
from scoring.models import CriteriaSet
from surveys import exports, selectors, services, throttle
from surveys.choices import RespondentGroup, SurveyState
from surveys.forms import (
    AnswersForm,
    OptionFormSet,
    QuestionFormSet,
    QuestionnaireEditForm,
    QuestionnaireImportForm,
    QuotaForm,
    SurveyCreateForm,
    TokensForm,
    UnitGroupForm,
    field_name,
)
from surveys.models import Questionnaire, Survey, Token


def _errors(exc: services.SurveyError) -> list[str]:
    return [str(m) for m in exc.messages]


# --------------------------------------------------------------------------- the council's pages


@user_passes("is_provincial")
def survey_list(request: AuthedHttpRequest) -> HttpResponse:
    surveys = Survey.objects.visible_to(request.user).select_related("criteria_set")
    questionnaires = (
        Questionnaire.objects.visible_to(request.user)
        .select_related("criteria_set")
        .order_by("-criteria_set__year", "criteria_set__level", "group", "version")
    )
    sets = (
        CriteriaSet.objects.visible_to(request.user)
        .filter(criteria__component=Component.SURVEY)
        .distinct()
        .order_by("-year", "level")
    )
    return render(
        request,
        "surveys/survey_list.html",
        {
            "title": _("Điều tra xã hội học"),
            "surveys": surveys,
            "questionnaires": questionnaires,
            "sets": sets,
        },
    )


def _set(request: AuthedHttpRequest, pk: int) -> CriteriaSet:
    return get_visible_or_404(CriteriaSet.objects.select_related("province"), request.user, pk=pk)


@require_http_methods(["GET", "POST"])
@user_passes("is_provincial")
def questionnaire_import(request: AuthedHttpRequest, set_pk: int) -> HttpResponse:
    criteria_set = _set(request, set_pk)
    require(request.user.is_provincial_admin)
    errors: list[str] = []
    form = QuestionnaireImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with tempfile.NamedTemporaryFile(suffix=Path(upload.name).suffix) as tmp:
            for chunk in upload.chunks():
                tmp.write(chunk)
            tmp.flush()
            try:
                questionnaire = services.questionnaire_import(
                    path=Path(tmp.name),
                    criteria_set=criteria_set,
                    group=form.cleaned_data["group"],
                    title=form.cleaned_data["title"],
                    by=request.user,
                )
            except services.QuestionnaireImportError as exc:
                errors = exc.errors
            except services.SurveyError as exc:
                errors = _errors(exc)
            else:
                messages.success(request, _("Đã nhập phiếu “%(q)s”.") % {"q": questionnaire})
                return redirect("surveys:questionnaire_detail", questionnaire.pk)
    return render(
        request,
        "surveys/questionnaire_import.html",
        {
            "title": _("Nhập phiếu khảo sát"),
            "criteria_set": criteria_set,
            "form": form,
            "errors": errors,
        },
        status=422 if errors else 200,
    )


DEFAULT_SCALE = [
    (5, _lazy("Rất hài lòng")),
    (4, _lazy("Hài lòng")),
    (3, _lazy("Bình thường")),
    (2, _lazy("Không hài lòng")),
    (1, _lazy("Rất không hài lòng")),
]


def _rows(formset: Any) -> list[dict[str, Any]]:
    """The filled, kept rows of a formset, in order (empty extra rows and ticked ones left out)."""
    return [
        f.cleaned_data
        for f in formset.forms
        if f.has_changed() and f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]


def _editor(
    request: AuthedHttpRequest, criteria_set: CriteriaSet, questionnaire: Questionnaire | None
) -> HttpResponse:
    """The questionnaire editor: its title and group, the scale's answers, the questions (each
    asking about one survey criterion of the set). Refused whole, field by field."""
    require(request.user.is_provincial_admin)
    leaves = services.survey_leaves(criteria_set)
    initial: dict[str, Any] = {}
    # A new questionnaire starts on the usual five-level scale (the rows can be changed).
    options_initial: list[dict[str, Any]] = [
        {"value": value, "label": label} for value, label in DEFAULT_SCALE
    ]
    questions_initial: list[dict[str, Any]] = []
    if questionnaire is not None:
        initial = {"title": questionnaire.title, "group": questionnaire.group}
        options_initial = [
            {"value": o.value, "label": o.label} for o in questionnaire.options.all()
        ]
        questions_initial = [
            {"text": q.text, "criterion": q.criterion} for q in questionnaire.questions.all()
        ]
    data = request.POST if request.method == "POST" else None
    form = QuestionnaireEditForm(data, initial=initial)
    if questionnaire is not None:
        form.fields["group"].disabled = True  # a version belongs to its group
    # The rows as they are fill the page; a posted row is read on its own, so a row the user
    # clears is dropped like one ticked "Xóa" (every row may be empty).
    rows: dict[str, Any] = {"empty_permitted": True}
    options = OptionFormSet(
        data, initial=None if data else options_initial, prefix="options", form_kwargs=rows
    )
    questions = QuestionFormSet(
        data,
        initial=None if data else questions_initial,
        prefix="questions",
        form_kwargs={**rows, "leaves": leaves},
    )
    errors: dict[str, list[str]] = {}
    if data is not None and form.is_valid() and options.is_valid() and questions.is_valid():
        try:
            saved = services.questionnaire_save(
                questionnaire=questionnaire,
                criteria_set=criteria_set,
                group=form.cleaned_data["group"],
                title=form.cleaned_data["title"],
                questions=[(r["text"], r["criterion"]) for r in _rows(questions)],
                options=[(r["value"], r["label"]) for r in _rows(options)],
                by=request.user,
            )
        except services.SurveyError as exc:
            errors = {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
        else:
            messages.success(request, _("Đã lưu phiếu “%(q)s”.") % {"q": saved})
            return redirect("surveys:questionnaire_detail", saved.pk)
    invalid = data is not None
    return render(
        request,
        "surveys/questionnaire_edit.html",
        {
            "title": str(questionnaire) if questionnaire else _("Phiếu khảo sát mới"),
            "criteria_set": criteria_set,
            "questionnaire": questionnaire,
            "form": form,
            "options": options,
            "questions": questions,
            "errors": errors,
        },
        status=422 if invalid else 200,
    )


@require_http_methods(["GET", "POST"])
@user_passes("is_provincial")
def questionnaire_new(request: AuthedHttpRequest, set_pk: int) -> HttpResponse:
    return _editor(request, _set(request, set_pk), None)


@require_http_methods(["GET", "POST"])
@user_passes("is_provincial")
def questionnaire_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    questionnaire = _questionnaire(request, pk)
    if questionnaire_answered(questionnaire):
        messages.error(request, str(services.QUESTIONNAIRE_ANSWERED % {"q": questionnaire}))
        return redirect("surveys:questionnaire_detail", questionnaire.pk)
    return _editor(request, questionnaire.criteria_set, questionnaire)


def _questionnaire(request: AuthedHttpRequest, pk: int) -> Questionnaire:
    return get_visible_or_404(
        Questionnaire.objects.select_related("criteria_set").prefetch_related(
            "questions__criterion", "options"
        ),
        request.user,
        pk=pk,
    )


@user_passes("is_provincial")
def questionnaire_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    questionnaire = _questionnaire(request, pk)
    options = list(questionnaire.options.all())
    return render(
        request,
        "surveys/questionnaire_detail.html",
        {
            "title": str(questionnaire),
            "questionnaire": questionnaire,
            "options": [(o, questionnaire.share(o.value)) for o in options],
            "answered": questionnaire_answered(questionnaire),
        },
    )


def questionnaire_answered(questionnaire: Questionnaire) -> bool:
    try:
        services.questionnaire_ensure_editable(questionnaire)
    except services.SurveyError:
        return True
    return False


@user_passes("is_provincial")
def questionnaire_xlsx(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    questionnaire = _questionnaire(request, pk)
    return xlsx_response(
        filename=f"phieu-khao-sat-{questionnaire.pk}-v{questionnaire.version}.xlsx",
        sheets=exports.questionnaire_sheets(questionnaire),
        status=None,  # the import's own format: downloaded, edited and uploaded again
    )


@require_POST
@user_passes("is_provincial")
def questionnaire_copy(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    questionnaire = _questionnaire(request, pk)
    require(request.user.is_provincial_admin)
    copy = services.questionnaire_copy(questionnaire=questionnaire, by=request.user)
    messages.success(request, _("Đã sao chép thành “%(q)s”.") % {"q": copy})
    return redirect("surveys:questionnaire_detail", copy.pk)


@require_http_methods(["GET", "POST"])
@user_passes("is_provincial")
def survey_create(request: AuthedHttpRequest, set_pk: int) -> HttpResponse:
    criteria_set = _set(request, set_pk)
    require(request.user.is_provincial_admin)
    choices = Questionnaire.objects.filter(criteria_set=criteria_set)
    form = SurveyCreateForm(request.POST or None, questionnaires=choices)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_create(
                criteria_set=criteria_set,
                name=form.cleaned_data["name"],
                closes_on=form.cleaned_data["closes_on"],
                questionnaires=list(form.cleaned_data["questionnaires"]),
                by=request.user,
            )
        except services.SurveyError as exc:
            errors = _errors(exc)
        else:
            return redirect("surveys:survey_detail", survey.pk)
    return render(
        request,
        "surveys/survey_create.html",
        {
            "title": _("Đợt khảo sát mới"),
            "criteria_set": criteria_set,
            "form": form,
            "errors": errors,
        },
    )


def _survey(request: AuthedHttpRequest, pk: int) -> Survey:
    return get_visible_or_404(
        Survey.objects.select_related("criteria_set", "criteria_set__province", "closed_by"),
        request.user,
        pk=pk,
    )


def _detail(request: AuthedHttpRequest, survey: Survey, **extra: Any) -> HttpResponse:
    rows = selectors.survey_completion(survey)
    chart = None
    if rows:
        chart = bar_chart(
            title=_("Tỷ lệ phiếu đã trả lời so với chỉ tiêu (%)"),
            labels=[f"{r.unit.name} · {r.group_label}" for r in rows],
            series={
                _("Đã trả lời / chỉ tiêu"): [
                    None if r.rate is None else min(r.rate * 100, Decimal(100)) for r in rows
                ]
            },
            horizontal=True,
            max_value=100,
            value_suffix=" %",
            height=120 + 36 * len(rows),
        )
    context = {
        "title": survey.name,
        "survey": survey,
        "rows": rows,
        "below": [r for r in rows if r.below_quota],
        "chart": chart,
        "questionnaires": survey.questionnaires.all(),
        "is_open": survey.state == SurveyState.OPEN,
        "accepts": services.survey_accepts(survey),
        "quota_form": QuotaForm(prefix="quota"),
        "tokens_form": TokensForm(prefix="tokens"),
        "paper_form": UnitGroupForm(),
        "errors": [],
        **extra,
    }
    return render(
        request, "surveys/survey_detail.html", context, status=422 if context["errors"] else 200
    )


@user_passes("is_provincial")
def survey_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _survey(request, pk))


@require_POST
@user_passes("is_provincial")
def survey_quota(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    require(request.user.is_provincial_admin)
    form = QuotaForm(request.POST, prefix="quota")
    if not form.is_valid():
        return _detail(request, survey, quota_form=form, errors=[_("Kiểm tra lại chỉ tiêu.")])
    try:
        unit = services.survey_unit(survey, form.cleaned_data["unit"])
        services.quota_set(
            survey=survey,
            unit=unit,
            group=form.cleaned_data["group"],
            target=form.cleaned_data["target"],
            by=request.user,
        )
    except services.SurveyError as exc:
        return _detail(request, survey, quota_form=form, errors=_errors(exc))
    messages.success(request, _("Đã đặt chỉ tiêu."))
    return redirect("surveys:survey_detail", survey.pk)


@require_POST
@user_passes("is_provincial")
def survey_tokens(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """New links, handed out once as the file (only their digests are kept)."""
    survey = _survey(request, pk)
    require(request.user.is_provincial_admin)
    form = TokensForm(request.POST, prefix="tokens")
    if not form.is_valid():
        return _detail(request, survey, tokens_form=form, errors=[_("Kiểm tra lại số mã.")])
    data = form.cleaned_data
    base = request.build_absolute_uri("/")
    try:
        # The links exist only if their one copy was built: a failure keeps none.
        with transaction.atomic():
            unit = services.survey_unit(survey, data["unit"])
            raws = services.tokens_create(
                survey=survey, unit=unit, group=data["group"], count=data["count"],
                by=request.user,
            )  # fmt: skip
            build = exports.token_csv if data["format"] == "csv" else exports.token_sheet_pdf
            body = build(survey=survey, unit=unit, group=data["group"], raws=raws, base=base)
    except services.SurveyError as exc:
        return _detail(request, survey, tokens_form=form, errors=_errors(exc))
    name = f"ma-khao-sat-{survey.pk}-{unit.code}-{data['group']}"
    if data["format"] == "csv":
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    return pdf_response(body, filename=f"{name}.pdf")


@require_http_methods(["GET", "POST"])
@user_passes("is_provincial")
def survey_paper(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """A paper form typed in by staff: the unit and group, then the public form's questions."""
    survey = _survey(request, pk)
    chooser = UnitGroupForm(request.GET or None)
    if not chooser.is_valid():
        return redirect("surveys:survey_detail", survey.pk)
    errors: list[str] = []
    try:
        unit = services.survey_unit(survey, chooser.cleaned_data["unit"])
        group = chooser.cleaned_data["group"]
        questionnaire = selectors.questionnaire_for(survey, group)
    except (services.SurveyError, Questionnaire.DoesNotExist):
        return _detail(
            request,
            survey,
            paper_form=chooser,
            errors=[
                _("Không có đơn vị mã %(code)s hoặc đợt không hỏi nhóm này.")
                % {"code": chooser.cleaned_data["unit"]}
            ],
        )
    form = AnswersForm(request.POST or None, questionnaire=questionnaire)
    if request.method == "POST" and form.is_valid():
        try:
            services.paper_response_enter(
                survey=survey, unit=unit, group=group, values=form.values(), by=request.user
            )
        except services.SurveyError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Đã lưu phiếu giấy của %(unit)s.") % {"unit": unit.name})
            return redirect(request.get_full_path())
    return render(
        request,
        "surveys/paper_form.html",
        {
            "title": _("Nhập phiếu giấy"),
            "survey": survey,
            "unit": unit,
            "group_label": RespondentGroup(group).label,
            "questionnaire": questionnaire,
            "form": form,
            "errors": errors,
        },
        status=422 if (errors or form.errors) else 200,
    )


@require_http_methods(["GET", "POST"])
@user_passes("is_provincial")
def survey_remind(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Remind the staff of the units below quota, after a page listing them."""
    survey = _survey(request, pk)
    require(request.user.is_provincial_admin)
    errors: list[str] = []
    if request.method == "POST":
        try:
            count = services.survey_remind(survey=survey, by=request.user)
        except services.SurveyError as exc:
            errors = _errors(exc)
        else:
            messages.success(
                request, _("Đã nhắc %(n)s đơn vị / nhóm chưa đủ chỉ tiêu.") % {"n": count}
            )
            return redirect("surveys:survey_detail", survey.pk)
    return render(
        request,
        "surveys/survey_remind.html",
        {
            "title": _("Nhắc đơn vị chưa đủ chỉ tiêu"),
            "survey": survey,
            "below": selectors.below_quota(survey),
            "errors": errors,
        },
        status=422 if errors else 200,
    )


@require_http_methods(["GET", "POST"])
@user_passes("is_provincial")
def survey_close(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Close the round and write the survey points, after a confirmation page."""
    survey = _survey(request, pk)
    require(request.user.is_provincial_admin)
    errors: list[str] = []
    if request.method == "POST":
        try:
            result = services.survey_close(survey=survey, by=request.user)
        except services.SurveyError as exc:
            errors = _errors(exc)
        else:
            messages.success(
                request,
                _("Đã đóng đợt khảo sát; %(n)s điểm điều tra được ghi vào bản đánh giá.")
                % {"n": result.changed},
            )
            return redirect("surveys:survey_detail", survey.pk)
    rows = selectors.survey_completion(survey)
    return render(
        request,
        "surveys/survey_close.html",
        {
            "title": _("Đóng đợt khảo sát"),
            "survey": survey,
            "answered": sum(r.answered for r in rows),
            "units": len({r.unit.pk for r in rows if r.answered}),
            "errors": errors,
        },
        status=422 if errors else 200,
    )


@user_passes("is_provincial")
def survey_export(request: AuthedHttpRequest, pk: int) -> HttpResponseBase:
    survey = _survey(request, pk)
    return xlsx_response(
        filename=f"khao-sat-{survey.pk}.xlsx",
        sheets=exports.survey_sheets(survey),
        title_rows=[survey.name, survey.criteria_set.name],
        status=exports.survey_status(survey),
    )


# --------------------------------------------------------------------------- the public form


def _public(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200):
    return render(request, f"surveys/public/{template}", context, status=status)


def _refused(request: HttpRequest) -> HttpResponse:
    """An unknown and a spent link answer exactly alike (no enumeration)."""
    return _public(request, "invalid.html", {"title": _("Đường dẫn không hợp lệ")}, status=404)


@login_not_required
@require_http_methods(["GET", "POST"])
def public_form(request: HttpRequest, token: str) -> HttpResponse:
    found = selectors.token_lookup(token)
    if not throttle.throttle_hit(address=client_address(request), miss=found is None):
        return _public(request, "throttled.html", {"title": _("Quá nhiều yêu cầu")}, status=429)
    if found is None:
        return _refused(request)
    survey = found.survey
    if not services.survey_accepts(survey):
        return _public(
            request,
            "closed.html",
            {"title": _("Đợt khảo sát đã kết thúc"), "survey": survey},
            status=410,
        )
    questionnaire = selectors.questionnaire_for(survey, found.group)
    questions = list(questionnaire.questions.all())
    draft = {int(k): v for k, v in found.draft.items()}
    step = _step(request, questions, draft)
    if request.method == "POST":
        return _post(request, found, questionnaire, questions, draft, step)
    return _screen(request, found, questionnaire, questions, draft, step)


def _step(request: HttpRequest, questions: list, draft: dict[int, int]) -> int:
    """The screen asked for (1…n, n + 1 the review), else the first unanswered question."""
    raw = request.POST.get("cau") or request.GET.get("cau")
    try:
        step = int(raw) if raw else 0
    except ValueError:
        step = 0
    if 1 <= step <= len(questions) + 1:
        return step
    for i, q in enumerate(questions, start=1):
        if q.pk not in draft:
            return i
    return len(questions) + 1


def _screen(
    request,
    token: Token,
    questionnaire,
    questions,
    draft,
    step,
    *,
    form=None,
    errors=(),
    status=200,
):
    total = len(questions)
    context: dict[str, Any] = {
        "title": questionnaire.title,
        "survey": token.survey,
        "unit": token.unit,
        "group_label": RespondentGroup(token.group).label,
        "questionnaire": questionnaire,
        "step": step,
        "total": total,
        "answered": sum(1 for q in questions if q.pk in draft),
        "percent": round(100 * sum(1 for q in questions if q.pk in draft) / total) if total else 0,
        "errors": list(errors),
    }
    if step <= total:
        question = questions[step - 1]
        if form is None:
            initial = {field_name(question): draft[question.pk]} if question.pk in draft else {}
            form = AnswersForm(initial=initial, questionnaire=questionnaire, only=question)
        context.update(question=question, form=form, field=form[field_name(question)])
    else:
        labels = {o.value: o.label for o in questionnaire.options.all()}
        context["review"] = [(q, labels.get(draft.get(q.pk))) for q in questions]
    return _public(request, "form.html", context, status=status)


def _post(request, token: Token, questionnaire, questions, draft, step):
    total = len(questions)
    action = request.POST.get("action", "next")
    if step <= total and action in ("next", "back", "save"):
        question = questions[step - 1]
        form = AnswersForm(
            request.POST, questionnaire=questionnaire, only=question, required=action == "next"
        )
        if not form.is_valid():
            return _screen(
                request, token, questionnaire, questions, draft, step, form=form, status=422
            )
        if form.values():
            services.draft_save(token=token, values=form.values())
        target = step + 1 if action == "next" else step - 1 if action == "back" else step
        return redirect(f"{request.path}?cau={max(target, 1)}")
    if action == "back":  # from the review screen to the last question
        return redirect(f"{request.path}?cau={total}")
    if action == "submit":
        try:
            services.response_submit(token=token, values={})
        except services.SurveyError as exc:
            if getattr(exc, "code", None) == services.ERR_TOKEN_SPENT:
                return _refused(request)
            draft = {int(k): v for k, v in token.draft.items()}
            return _screen(
                request, token, questionnaire, questions, draft, total + 1,
                errors=_errors(exc), status=422,
            )  # fmt: skip
        return redirect("survey_public:done")
    return redirect(request.path)


@login_not_required
def public_done(request: HttpRequest) -> HttpResponse:
    return _public(request, "done.html", {"title": _("Cảm ơn bạn đã trả lời")})
