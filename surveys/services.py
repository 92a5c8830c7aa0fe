"""Writes of the online survey: questionnaires, rounds, quotas, links, answers, closing.

Keyword-only, one transaction each, messages as module constants the tests import. Closing a
round computes the survey points through `scoring.imports.survey_points_apply`, the very code
`import_scores --survey-answers` runs, so the two paths cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc_portal.tabular import TabularFileError, iter_table
from scoring.choices import Component
from scoring.imports import ImportResult, survey_points_apply
from scoring.models import Assessment, CriteriaSet, Criterion
from scoring.services import (
    ScoringError,
    _row_dict,
    _text,
    assessment_ensure_writable,
    set_units,
)
from surveys.choices import Channel, RespondentGroup, SurveyState
from surveys.models import (
    Answer,
    Question,
    Questionnaire,
    Quota,
    Response,
    ScaleOption,
    Survey,
    Token,
)
from units.models import AdministrativeUnit, User
from units.resolver import UnitCodeError, year_end

# 18 random bytes = 144 bits, 24 URL-safe characters: short enough for a small QR code.
TOKEN_BYTES = 18
MAX_TOKENS_PER_BATCH = 2000
HISTORY_REASON = gettext_lazy("từ khảo sát trực tuyến")

NOT_PROVINCIAL_ADMIN = gettext_lazy("Chỉ quản trị cấp tỉnh được làm việc này.")
NOT_COUNCIL = gettext_lazy("Chỉ cán bộ cấp tỉnh được nhập phiếu giấy.")
MISSING_COLUMNS = gettext_lazy("Thiếu cột: %(cols)s.")
ROW_EMPTY = gettext_lazy(
    "dòng phải có câu hỏi (stt, noi_dung, ma_tieu_chi) hoặc mức trả lời (gia_tri, nhan)."
)
NOT_A_SURVEY_LEAF = gettext_lazy("“%(v)s” không phải tiêu chí điều tra (lá) của bộ chỉ số.")
NOT_AN_INTEGER = gettext_lazy("“%(v)s” không phải là số nguyên.")
DUPLICATE_POSITION = gettext_lazy("câu %(v)s trùng với dòng %(first)s.")
DUPLICATE_VALUE = gettext_lazy("mức %(v)s trùng với dòng %(first)s.")
TEXT_REQUIRED = gettext_lazy("cần ghi nội dung.")
NO_QUESTIONS = gettext_lazy("Phiếu chưa có câu hỏi nào.")
TOO_FEW_OPTIONS = gettext_lazy("Thang trả lời cần ít nhất 2 mức (cột gia_tri, nhan).")
TOO_FEW_OPTIONS_EDITOR = gettext_lazy("Thang trả lời cần ít nhất 2 mức khác nhau.")
QUESTIONNAIRE_ANSWERED = gettext_lazy(
    "Phiếu “%(q)s” đã có người trả lời nên không sửa được; hãy sao chép thành phiên bản mới."
)
NO_SURVEY_CRITERIA = gettext_lazy("Bộ chỉ số không có tiêu chí điều tra xã hội học.")
NO_QUESTIONNAIRE = gettext_lazy("Cần chọn ít nhất một phiếu khảo sát.")
TWO_FOR_ONE_GROUP = gettext_lazy("Hai phiếu cho cùng nhóm “%(group)s”: chỉ chọn một.")
OTHER_SET = gettext_lazy("Phiếu “%(q)s” thuộc bộ chỉ số khác.")
SCALES_DIFFER = gettext_lazy(
    "Các phiếu của một đợt phải cùng thang trả lời (%(a)s: %(x)s…%(y)s, %(b)s: %(z)s…%(w)s)."
)
CLOSES_IN_PAST = gettext_lazy("Hạn trả lời phải từ hôm nay trở đi.")
GROUP_NOT_ASKED = gettext_lazy("Đợt khảo sát không có phiếu cho nhóm “%(group)s”.")
UNKNOWN_GROUP = gettext_lazy("Nhóm đối tượng “%(v)s” không có; các nhóm: %(groups)s.")
BAD_COUNT = gettext_lazy("Số mã phải từ 1 đến %(max)s.")
BAD_TARGET = gettext_lazy("Chỉ tiêu phải là số nguyên không âm.")
SURVEY_NOT_OPEN = gettext_lazy("Đợt khảo sát đã đóng.")
ANSWER_MISSING = gettext_lazy("Chưa trả lời câu %(n)s.")
ANSWER_NOT_ON_SCALE = gettext_lazy("Câu %(n)s: câu trả lời không thuộc thang của phiếu.")
TOKEN_REFUSED = gettext_lazy("Đường dẫn khảo sát không hợp lệ hoặc đã được sử dụng.")
ERR_TOKEN_SPENT = "token_spent"
FROZEN_UNITS = gettext_lazy("Không đóng được đợt khảo sát: %(detail)s")


class SurveyError(ValidationError):
    """A refused survey action; nothing was written."""


class QuestionnaireImportError(ValueError):
    """A questionnaire file refused as a whole; `errors` names every row and column."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


def token_digest(raw: str) -> str:
    """What is stored of a token: its SHA-256 (a 144-bit secret needs no slow hash)."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def group_from_code(code: str) -> str:
    if code in RespondentGroup.values:
        return code
    raise SurveyError(UNKNOWN_GROUP % {"v": code, "groups": ", ".join(RespondentGroup.values)})


# --------------------------------------------------------------------------- questionnaires


@dataclass(frozen=True)
class _Parsed:
    questions: list[tuple[int, str, Criterion]]
    options: list[tuple[int, str]]


def _where(number: int, column: str) -> str:
    return _("Dòng %(n)s, cột %(col)s") % {"n": number, "col": column}


def _int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def questionnaire_parse(*, path: Path, criteria_set: CriteriaSet) -> _Parsed:
    """The questions and the scale of a questionnaire file (docs/formats.md, "Questionnaires");
    QuestionnaireImportError lists every refused row with its column."""
    try:
        header, rows = iter_table(path)
    except TabularFileError as exc:
        raise QuestionnaireImportError([str(exc)]) from None
    needed = ["stt", "noi_dung", "ma_tieu_chi", "gia_tri", "nhan"]
    missing = [c for c in needed if c not in header]
    if missing:
        raise QuestionnaireImportError([str(MISSING_COLUMNS % {"cols": ", ".join(missing)})])
    leaves = {c.code: c for c in survey_leaves(criteria_set)}
    errors: list[str] = []
    questions: list[tuple[int, str, Criterion]] = []
    options: list[tuple[int, str]] = []
    positions: dict[int, int] = {}
    values: dict[int, int] = {}
    try:
        for number, raw in rows:
            row = {k: _text(v) for k, v in _row_dict(header, raw).items()}
            if row.get("stt"):
                position = _int(row["stt"])
                if position is None:
                    errors.append(f"{_where(number, 'stt')}: {NOT_AN_INTEGER % {'v': row['stt']}}")
                    continue
                first = positions.setdefault(position, number)
                if first != number:
                    message = DUPLICATE_POSITION % {"v": position, "first": first}
                    errors.append(f"{_where(number, 'stt')}: {message}")
                if not row.get("noi_dung"):
                    errors.append(f"{_where(number, 'noi_dung')}: {TEXT_REQUIRED}")
                code = row.get("ma_tieu_chi", "").rstrip(".")
                criterion = leaves.get(code)
                if criterion is None:
                    errors.append(
                        f"{_where(number, 'ma_tieu_chi')}: {NOT_A_SURVEY_LEAF % {'v': code}}"
                    )
                    continue
                questions.append((position, row.get("noi_dung", ""), criterion))
            elif row.get("gia_tri"):
                value = _int(row["gia_tri"])
                if value is None:
                    message = NOT_AN_INTEGER % {"v": row["gia_tri"]}
                    errors.append(f"{_where(number, 'gia_tri')}: {message}")
                    continue
                first = values.setdefault(value, number)
                if first != number:
                    message = DUPLICATE_VALUE % {"v": value, "first": first}
                    errors.append(f"{_where(number, 'gia_tri')}: {message}")
                if not row.get("nhan"):
                    errors.append(f"{_where(number, 'nhan')}: {TEXT_REQUIRED}")
                options.append((value, row.get("nhan", "")))
            else:
                errors.append(f"{_where(number, 'stt')}: {ROW_EMPTY}")
    except TabularFileError as exc:
        errors.append(str(exc))
    if not errors and not questions:
        errors.append(str(NO_QUESTIONS))
    if not errors and len(options) < 2:
        errors.append(str(TOO_FEW_OPTIONS))
    if errors:
        raise QuestionnaireImportError(errors)
    return _Parsed(questions=sorted(questions, key=lambda q: q[0]), options=options)


def _require_admin(by: User) -> None:
    if not by.is_provincial_admin:
        raise SurveyError(NOT_PROVINCIAL_ADMIN)


def _fill(questionnaire: Questionnaire, parsed: _Parsed) -> None:
    Question.objects.bulk_create(
        Question(questionnaire=questionnaire, position=p, text=t, criterion=c)
        for p, t, c in parsed.questions
    )
    ScaleOption.objects.bulk_create(
        ScaleOption(questionnaire=questionnaire, value=v, label=label)
        for v, label in parsed.options
    )


@transaction.atomic
def questionnaire_import(
    *,
    path: Path,
    criteria_set: CriteriaSet,
    group: str,
    title: str,
    by: User,
    replace: Questionnaire | None = None,
) -> Questionnaire:
    """A questionnaire from its file: a new version of the group's questionnaire, or, with
    `replace`, the same version rewritten (refused once anybody has answered it)."""
    _require_admin(by)
    group = group_from_code(group)
    parsed = questionnaire_parse(path=path, criteria_set=criteria_set)
    return _write(
        questionnaire=replace, criteria_set=criteria_set, group=group, title=title,
        parsed=parsed, by=by,
    )  # fmt: skip


def _write(
    *,
    questionnaire: Questionnaire | None,
    criteria_set: CriteriaSet,
    group: str,
    title: str,
    parsed: _Parsed,
    by: User,
) -> Questionnaire:
    """The one writer of a questionnaire's content (import, editor): the next version of the
    group's questionnaire, or `questionnaire` itself rewritten (refused once answered)."""
    low, high = min(v for v, _l in parsed.options), max(v for v, _l in parsed.options)
    if questionnaire is not None:
        questionnaire_ensure_editable(questionnaire)
        questionnaire.questions.all().delete()
        questionnaire.options.all().delete()
        questionnaire.title, questionnaire.scale_min, questionnaire.scale_max = title, low, high
        questionnaire.save()
        _fill(questionnaire, parsed)
        return questionnaire
    latest = (
        Questionnaire.objects.filter(criteria_set=criteria_set, group=group)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    questionnaire = Questionnaire.objects.create(
        criteria_set=criteria_set,
        group=group,
        version=(latest or 0) + 1,
        title=title,
        scale_min=low,
        scale_max=high,
        created_by=by,
    )
    _fill(questionnaire, parsed)
    return questionnaire


def survey_leaves(criteria_set: CriteriaSet) -> QuerySet[Criterion]:
    """The criteria a question may ask about: the set's survey leaves, in code order."""
    return Criterion.objects.filter(
        criteria_set=criteria_set, component=Component.SURVEY, is_leaf=True
    ).order_by("position", "pk")


@transaction.atomic
def questionnaire_save(
    *,
    questionnaire: Questionnaire | None = None,
    criteria_set: CriteriaSet,
    group: str,
    title: str,
    questions: list[tuple[str, Criterion]],
    options: list[tuple[int, str]],
    by: User,
) -> Questionnaire:
    """A questionnaire built in the portal's editor: a new one (the next version of the
    group's), or `questionnaire` changed while nobody has answered it. The questions are
    numbered in the order given. SurveyError names what is wrong, per field; nothing is written."""
    _require_admin(by)
    group = group_from_code(group)
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors.setdefault("title", []).append(str(TEXT_REQUIRED))
    leaves = set(survey_leaves(criteria_set).values_list("pk", flat=True))
    if not questions:
        errors.setdefault("questions", []).append(str(NO_QUESTIONS))
    for n, (text, criterion) in enumerate(questions, start=1):
        if not text.strip():
            errors.setdefault("questions", []).append(f"{n}: {TEXT_REQUIRED}")
        if criterion.pk not in leaves:
            message = NOT_A_SURVEY_LEAF % {"v": criterion.code}
            errors.setdefault("questions", []).append(f"{n}: {message}")
    seen: dict[int, int] = {}
    for n, (value, label) in enumerate(options, start=1):
        if value in seen:
            message = DUPLICATE_VALUE % {"v": value, "first": seen[value]}
            errors.setdefault("options", []).append(f"{n}: {message}")
        seen.setdefault(value, n)
        if not label.strip():
            errors.setdefault("options", []).append(f"{n}: {TEXT_REQUIRED}")
    if len(seen) < 2:
        errors.setdefault("options", []).append(str(TOO_FEW_OPTIONS_EDITOR))
    if errors:
        raise SurveyError(errors)
    parsed = _Parsed(
        questions=[(n, t.strip(), c) for n, (t, c) in enumerate(questions, start=1)],
        options=[(v, label.strip()) for v, label in options],
    )
    return _write(
        questionnaire=questionnaire, criteria_set=criteria_set, group=group,
        title=title.strip(), parsed=parsed, by=by,
    )  # fmt: skip


def questionnaire_ensure_editable(questionnaire: Questionnaire) -> None:
    """The versioning rule, in one place: a questionnaire with answers is never changed."""
    if Response.objects.filter(questionnaire=questionnaire).exists():
        raise SurveyError(QUESTIONNAIRE_ANSWERED % {"q": str(questionnaire)})


@transaction.atomic
def questionnaire_copy(*, questionnaire: Questionnaire, by: User) -> Questionnaire:
    """The next version of a questionnaire, with the same questions and scale."""
    _require_admin(by)
    latest = (
        Questionnaire.objects.filter(
            criteria_set_id=questionnaire.criteria_set_id, group=questionnaire.group
        )
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    copy = Questionnaire.objects.create(
        criteria_set_id=questionnaire.criteria_set_id,
        group=questionnaire.group,
        version=(latest or 0) + 1,
        title=questionnaire.title,
        scale_min=questionnaire.scale_min,
        scale_max=questionnaire.scale_max,
        created_by=by,
    )
    parsed = _Parsed(
        questions=[(q.position, q.text, q.criterion) for q in questionnaire.questions.all()],
        options=[(o.value, o.label) for o in questionnaire.options.all()],
    )
    _fill(copy, parsed)
    return copy


# --------------------------------------------------------------------------- rounds


@transaction.atomic
def survey_create(
    *,
    criteria_set: CriteriaSet,
    name: str,
    closes_on: dt.date,
    questionnaires: list[Questionnaire],
    by: User,
) -> Survey:
    """A survey round asking one questionnaire per group, all on the same scale (the points
    of a criterion average the answers of every group, as the answers import does)."""
    _require_admin(by)
    errors: list[str] = []
    if not Criterion.objects.filter(criteria_set=criteria_set, component=Component.SURVEY).exists():
        errors.append(str(NO_SURVEY_CRITERIA))
    if not questionnaires:
        errors.append(str(NO_QUESTIONNAIRE))
    if closes_on < timezone.localdate():
        errors.append(str(CLOSES_IN_PAST))
    seen: dict[str, Questionnaire] = {}
    for q in questionnaires:
        if q.criteria_set_id != criteria_set.pk:
            errors.append(str(OTHER_SET % {"q": str(q)}))
        if q.group in seen:
            errors.append(str(TWO_FOR_ONE_GROUP % {"group": q.get_group_display()}))
        seen[q.group] = q
    first = questionnaires[0] if questionnaires else None
    for q in questionnaires[1:]:
        assert first is not None
        if (q.scale_min, q.scale_max) != (first.scale_min, first.scale_max):
            errors.append(
                str(
                    SCALES_DIFFER
                    % {"a": first, "x": first.scale_min, "y": first.scale_max,
                       "b": q, "z": q.scale_min, "w": q.scale_max}
                )
            )  # fmt: skip
    if errors:
        raise SurveyError(errors)
    survey = Survey.objects.create(
        criteria_set=criteria_set, name=name, closes_on=closes_on, created_by=by
    )
    survey.questionnaires.set(questionnaires)
    return survey


def survey_unit(survey: Survey, code: str) -> AdministrativeUnit:
    """An assessed unit of the survey's set by its code, resolved as the set's imports do."""
    try:
        return set_units(survey.criteria_set).resolve(code, on=year_end(survey.criteria_set.year))
    except UnitCodeError as exc:
        raise SurveyError(exc.message) from None


def _asked(survey: Survey, group: str) -> Questionnaire:
    group = group_from_code(group)
    questionnaire = survey.questionnaires.filter(group=group).first()
    if questionnaire is None:
        raise SurveyError(GROUP_NOT_ASKED % {"group": RespondentGroup(group).label})
    return questionnaire


@transaction.atomic
def quota_set(
    *, survey: Survey, unit: AdministrativeUnit, group: str, target: int, by: User
) -> Quota:
    _require_admin(by)
    if survey.state != SurveyState.OPEN:  # a closed survey's completion is its record
        raise SurveyError(SURVEY_NOT_OPEN)
    _asked(survey, group)
    if target < 0:
        raise SurveyError(BAD_TARGET)
    quota, _created = Quota.objects.update_or_create(
        survey=survey, unit=unit, group=group, defaults={"target": target}
    )
    return quota


@transaction.atomic
def tokens_create(
    *, survey: Survey, unit: AdministrativeUnit, group: str, count: int, by: User | None
) -> list[str]:
    """`count` new one-time links for a unit and group. The secrets are returned once, to be
    printed now (QR sheet or CSV); only their digests are kept. `by` None is the server's
    operator (the `survey_tokens` command), otherwise a provincial admin."""
    if by is not None:
        _require_admin(by)
    if survey.state != SurveyState.OPEN:
        raise SurveyError(SURVEY_NOT_OPEN)
    _asked(survey, group)
    if not 1 <= count <= MAX_TOKENS_PER_BATCH:
        raise SurveyError(BAD_COUNT % {"max": MAX_TOKENS_PER_BATCH})
    raws = [secrets.token_urlsafe(TOKEN_BYTES) for _i in range(count)]
    Token.objects.bulk_create(
        Token(survey=survey, unit=unit, group=group, digest=token_digest(r)) for r in raws
    )
    return raws


# --------------------------------------------------------------------------- answering


def survey_accepts(survey: Survey, *, today: dt.date | None = None) -> bool:
    """Whether the round still takes answers: open and not past its last day."""
    today = today or timezone.localdate()
    return survey.state == SurveyState.OPEN and today <= survey.closes_on


def check_values(questionnaire: Questionnaire, values: dict[int, int], *, complete: bool) -> None:
    """Each value on the questionnaire's scale; with `complete`, every question answered."""
    allowed = {o.value for o in questionnaire.options.all()}
    errors = []
    for q in questionnaire.questions.all():
        if q.pk not in values:
            if complete:
                errors.append(str(ANSWER_MISSING % {"n": q.position}))
        elif values[q.pk] not in allowed:
            errors.append(str(ANSWER_NOT_ON_SCALE % {"n": q.position}))
    if errors:
        raise SurveyError(errors)


@transaction.atomic
def draft_save(*, token: Token, values: dict[int, int]) -> None:
    """Keep the answers given so far on the link (resumed when the respondent comes back)."""
    questionnaire = token.survey.questionnaires.get(group=token.group)
    check_values(questionnaire, values, complete=False)
    draft = {**token.draft, **{str(k): v for k, v in values.items()}}
    Token.objects.filter(pk=token.pk, used_on__isnull=True).update(draft=draft)
    token.draft = draft


def _store(
    *, survey: Survey, questionnaire: Questionnaire, unit_id: int, group: str,
    values: dict[int, int], channel: str, by: User | None, today: dt.date,
) -> Response:  # fmt: skip
    response = Response.objects.create(
        survey=survey,
        questionnaire=questionnaire,
        unit_id=unit_id,
        group=group,
        channel=channel,
        entered_by=by,
        submitted_on=today,
    )
    Answer.objects.bulk_create(
        Answer(response=response, question_id=q, value=v) for q, v in values.items()
    )
    return response


@transaction.atomic
def response_submit(*, token: Token, values: dict[int, int]) -> Response:
    """Submit the form of a link: once. The link is spent by a conditional UPDATE, so two
    submissions at the same moment store one response and refuse the other."""
    survey = token.survey
    if not survey_accepts(survey):
        raise SurveyError(SURVEY_NOT_OPEN)
    questionnaire = survey.questionnaires.get(group=token.group)
    merged = {int(k): int(v) for k, v in token.draft.items()} | values
    check_values(questionnaire, merged, complete=True)
    today = timezone.localdate()
    spent = Token.objects.filter(pk=token.pk, used_on__isnull=True).update(used_on=today, draft={})
    if not spent:
        raise SurveyError(TOKEN_REFUSED, code=ERR_TOKEN_SPENT)
    return _store(
        survey=survey, questionnaire=questionnaire, unit_id=token.unit_id, group=token.group,
        values=merged, channel=Channel.ONLINE, by=None, today=today,
    )  # fmt: skip


@transaction.atomic
def paper_response_enter(
    *, survey: Survey, unit: AdministrativeUnit, group: str, values: dict[int, int], by: User
) -> Response:
    """A paper form typed in by provincial staff, marked as paper, naming who typed it."""
    if not by.is_provincial:
        raise SurveyError(NOT_COUNCIL)
    if survey.state != SurveyState.OPEN:
        raise SurveyError(SURVEY_NOT_OPEN)
    questionnaire = _asked(survey, group)
    check_values(questionnaire, values, complete=True)
    return _store(
        survey=survey, questionnaire=questionnaire, unit_id=unit.pk, group=group,
        values=values, channel=Channel.PAPER, by=by, today=timezone.localdate(),
    )  # fmt: skip


# --------------------------------------------------------------------------- closing


def survey_answers(survey: Survey) -> dict[tuple[int, str], list[Decimal]]:
    """Every answer of the round by (unit id, criterion code), in one query."""
    out: dict[tuple[int, str], list[Decimal]] = {}
    rows = Answer.objects.filter(response__survey=survey).values_list(
        "response__unit_id", "question__criterion__code", "value"
    )
    for unit_id, code, value in rows:
        out.setdefault((unit_id, code), []).append(Decimal(value))
    return out


@transaction.atomic
def survey_close(*, survey: Survey, by: User) -> ImportResult:
    """Close the round and write each unit's survey points into its assessment, with history
    ("từ khảo sát trực tuyến"): the same points `import_scores --survey-answers` gives for the
    same answers. Refused, writing nothing, when an answered unit's assessment is locked."""
    _require_admin(by)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.state != SurveyState.OPEN:
        raise SurveyError(SURVEY_NOT_OPEN)
    criteria_set = survey.criteria_set
    answers = survey_answers(survey)
    units = AdministrativeUnit.objects.in_bulk({u for u, _c in answers})
    assessments = {
        a.unit_id: a
        for a in Assessment.objects.filter(
            criteria_set=criteria_set, unit_id__in=units
        ).select_related("unit")
    }
    frozen = []
    for unit_id in sorted(units):
        assessment = assessments.get(unit_id)
        if assessment is None:
            continue
        try:
            assessment_ensure_writable(assessment, what=str(_("điểm điều tra xã hội học")))
        except ScoringError as exc:
            frozen.append(" ".join(exc.messages))
    if frozen:
        raise SurveyError(FROZEN_UNITS % {"detail": " ".join(frozen)})
    criteria = {
        c.code: c
        for c in Criterion.objects.filter(
            criteria_set=criteria_set, component=Component.SURVEY, is_leaf=True
        )
    }
    scale = survey.questionnaires.values_list("scale_min", "scale_max").first() or (1, 5)
    result = survey_points_apply(
        criteria_set=criteria_set,
        answers={(units[u], code): values for (u, code), values in answers.items()},
        criteria=criteria,
        scale_min=scale[0],
        scale_max=scale[1],
        by=by,
        reason=str(HISTORY_REASON),
    )
    survey.state = SurveyState.CLOSED
    survey.closed_at = timezone.now()
    survey.closed_by = by
    survey.save(update_fields=["state", "closed_at", "closed_by"])
    return result


# --------------------------------------------------------------------------- reminders


def survey_remind(*, survey: Survey, by: User) -> int:
    """Tell the staff of every unit below its quota (per group) how many forms it has, once a
    day per quota; returns how many units × groups were reminded."""
    from notifications import kinds
    from notifications.services import Notice, notify
    from surveys.selectors import below_quota

    _require_admin(by)
    if survey.state != SurveyState.OPEN:
        raise SurveyError(SURVEY_NOT_OPEN)
    rows = below_quota(survey)
    quotas = {
        (q.unit_id, q.group): q for q in Quota.objects.filter(survey=survey).select_related("unit")
    }
    today = timezone.localdate()
    # The group is stored as its msgid (Vietnamese) and translated when shown.
    with translation.override(settings.LANGUAGE_CODE):
        group_msgids = {g.value: str(g.label) for g in RespondentGroup}
    notices = [
        Notice(
            target=quotas[(r.unit.pk, r.group)],
            unit=r.unit,
            staff=True,
            key=f"surveys.below_quota:{quotas[(r.unit.pk, r.group)].pk}:{today.isoformat()}",
            actor=by.pk,
            # Their dashboard: unit staff have no survey page (the message says it all).
            url=reverse("home"),
            params={
                "survey": survey.name,
                "unit": r.unit.name,
                "answered": r.answered,
                "quota": r.quota,
                "group": group_msgids[r.group],
                "due": survey.closes_on.strftime("%d/%m/%Y"),
            },
        )
        for r in rows
    ]
    notify(kind=kinds.SURVEY_BELOW_QUOTA, notices=notices)
    return len(notices)
