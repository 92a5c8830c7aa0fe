"""Writes for scoring: each in one transaction, keyword-only, error messages as constants."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.choices import Action
from audit.services import record as audit_record
from cchc_portal import uploads
from cchc_portal.tabular import TabularFileError, iter_table
from cchc_portal.templatetags.portal import num
from scoring import index
from scoring.choices import (
    AssessmentState,
    Component,
    CriteriaSetStatus,
    Metric,
    Phase,
    Rule,
    ScoreField,
    ThreadRole,
)
from scoring.models import (
    Assessment,
    AssessmentReminder,
    CriteriaSet,
    Criterion,
    CriterionScore,
    Evidence,
    ExplanationMessage,
    PublishedRanking,
    PublishedResult,
)
from units.choices import ASSESSED_LEVELS, Level
from units.models import AdministrativeUnit, User
from units.resolver import UnitResolver, resolve_unit, year_end

S = AssessmentState

# --------------------------------------------------------------------------- messages
SCORE_ABOVE_MAX = gettext_lazy("Điểm %(score)s vượt điểm tối đa %(max)s.")
SCORE_NEGATIVE = gettext_lazy("Điểm không được âm.")
SCORE_NOT_NUMBER = gettext_lazy("“%(value)s” không phải là số.")
SCORE_NOT_YES_NO = gettext_lazy("Tiêu chí có / không chỉ nhận 0 hoặc %(max)s điểm.")
SCORE_NOT_A_TIER = gettext_lazy("Điểm phải là một mức của thang: %(tiers)s.")
SCORE_BELOW_THRESHOLD = gettext_lazy(
    "Dưới ngưỡng tỷ lệ %(threshold)s tiêu chí được 0 điểm; điểm khác 0 phải từ %(min)s trở lên."
)
SCORE_NOT_A_STEP = gettext_lazy("Điểm phải bằng %(max)s trừ bội số của %(step)s (mỗi vi phạm).")
SCORE_CONFLICT = gettext_lazy(
    "Ô này vừa được %(who)s lưu (giá trị hiện tại: %(current)s). Giá trị bạn nhập (%(yours)s) "
    "chưa được lưu; hãy kiểm tra rồi lưu lại."
)
SCORE_FIELD_LOCKED = gettext_lazy("Bạn không được sửa cột này ở trạng thái hiện tại.")
REASON_REQUIRED = gettext_lazy("Điểm thẩm định khác điểm tự đánh giá: cần ghi lý do.")
REASON_REQUIRED_ROUND2 = gettext_lazy("Điểm vòng 2 khác điểm thẩm định vòng 1: cần ghi lý do.")
# Points are stored with up to 4 decimals; more are refused (never rounded) on every path.
POINT_DECIMALS = 4
TOO_MANY_DECIMALS = gettext_lazy("“%(value)s” có quá %(n)s chữ số thập phân.")
# Appraisal starts from the unit's own figure: what a round keeps when the council changes
# nothing (the history says so: the value was written from its source, not typed).
KEEP_SOURCE = {"round1_score": "self_score", "round2_score": "round1_score"}
KEPT_FROM = {
    "round1_score": gettext_lazy("giữ điểm tự chấm"),
    "round2_score": gettext_lazy("giữ điểm thẩm định vòng 1"),
}
KEEP_NOTHING_TO_KEEP = gettext_lazy("Tiêu chí %(code)s chưa có điểm để giữ.")
NOT_APPLICABLE_NOT_ALLOWED = gettext_lazy(
    "Bộ chỉ số không cho phép đánh dấu “không phát sinh” ở tiêu chí %(code)s."
)
NOT_APPLICABLE_REASON_REQUIRED = gettext_lazy("Cần ghi lý do “không phát sinh”.")
NOT_APPLICABLE_HISTORY = gettext_lazy("không phát sinh: %(reason)s")
EXPLANATION_TEXT_REQUIRED = gettext_lazy("Cần ghi nội dung giải trình.")
EXPLANATION_NOT_NOW = gettext_lazy("Bạn không thể ghi vào giải trình ở trạng thái hiện tại.")
REMIND_UNKNOWN_PHASE = gettext_lazy("Giai đoạn không hợp lệ: %(phase)s.")
PUBLISH_NOT_LOCKED = gettext_lazy(
    "Chỉ công bố khi mọi bản đánh giá đã chốt điểm; chưa chốt: %(units)s."
)
PUBLISH_EMPTY = gettext_lazy("Bộ chỉ số chưa có bản đánh giá nào.")
ALREADY_PUBLISHED = gettext_lazy("Kết quả đã được công bố.")
NOT_PUBLISHED = gettext_lazy("Kết quả chưa được công bố.")
UNPUBLISH_REASON_REQUIRED = gettext_lazy("Cần ghi lý do thu hồi kết quả công bố.")
BONUS_ABOVE_CAP = gettext_lazy("Điểm thưởng tối đa là %(cap)s.")
PENALTY_ABOVE_CAP = gettext_lazy("Điểm trừ tối đa là %(cap)s.")
EVIDENCE_TOO_LARGE = gettext_lazy("Tệp lớn hơn %(mb)s MB.")
EVIDENCE_BAD_TYPE = gettext_lazy(
    "Chỉ nhận tệp PDF, ảnh JPEG/PNG hoặc tài liệu Word/Excel (kiểm tra theo nội dung tệp)."
)

LEVEL_NOT_ASSESSED = gettext_lazy("Cấp đánh giá phải là một trong các cấp: %(levels)s.")
PROVINCE_NOT_VALID = gettext_lazy("%(p)s không phải là tỉnh có hiệu lực ngày %(day)s.")

# The one guard every write path calls (assessment_ensure_writable); `what` names the write.
ASSESSMENT_LOCKED = gettext_lazy(
    "Bản đánh giá của %(unit)s đã chốt điểm: không thể sửa %(what)s. Quản trị viên cần mở khóa "
    "(ghi lý do) trước."
)
ASSESSMENT_PUBLISHED = gettext_lazy(
    "Kết quả của %(unit)s đã công bố: không thể sửa %(what)s. Cần thu hồi kết quả công bố, rồi "
    "mở khóa, trước."
)
ERR_ASSESSMENT_FROZEN = "assessment_frozen"
# States in which nothing of an assessment may be written (scores, evidence, bonus, imports).
FROZEN_STATES = frozenset({AssessmentState.LOCKED, AssessmentState.PUBLISHED})

EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
# Content types of evidence by what cchc_portal.uploads finds in the first bytes.
EVIDENCE_TYPES = {
    "application/pdf": "application/pdf",
    "image/png": "image/png",
    "image/jpeg": "image/jpeg",
    uploads.ZIP: "application/vnd.openxmlformats-officedocument",
    uploads.OLE2: "application/msword",
}


class ScoringError(ValidationError):
    """A rule of the scoring workflow refused the write; the message is for the user."""


class ScoreConflict(ScoringError):
    """Someone saved the cell since the user loaded it; `score` is the current row."""

    def __init__(self, message: str, *, score: CriterionScore) -> None:
        super().__init__(message)
        self.score = score


class ScoringImportError(ValueError):
    """A file was rejected as a whole; `errors` lists every row-level problem."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


# --------------------------------------------------------------------------- who may do what


def assessment_ensure_writable(assessment: Assessment, *, what: str) -> None:
    """Refuse any write into a locked or published assessment (ScoringError, nothing written).

    Every write path calls this first (score sheet cells, evidence, bonus/penalty, imports,
    admin), so the states are enforced by the domain and not by whichever page hides a button.
    `what` says what was being written ("điểm tiêu chí 1.1"), for the message.
    """
    if assessment.state not in FROZEN_STATES:
        return
    message = ASSESSMENT_PUBLISHED if assessment.state == S.PUBLISHED else ASSESSMENT_LOCKED
    raise ScoringError(
        message % {"unit": assessment.unit.name, "what": what}, code=ERR_ASSESSMENT_FROZEN
    )


def is_own_unit(user: User, assessment: Assessment) -> bool:
    return user.is_unit_staff and user.unit_id == assessment.unit_id


def is_council(user: User) -> bool:
    """Inspectors and admins score as the appraisal council (hội đồng thẩm định)."""
    return user.is_inspector or user.is_provincial_admin


def writable_fields(user: User, assessment: Assessment) -> set[str]:
    """The score columns `user` may write in the assessment's current state."""
    state = assessment.state
    fields: set[str] = set()
    if is_own_unit(user, assessment):
        if state == S.OPEN:
            fields |= {ScoreField.SELF, ScoreField.SELF_NOTE}
        if state == S.EXPLANATION:
            fields |= {ScoreField.EXPLANATION}
    if is_council(user):
        if state == S.APPRAISAL_1:
            fields |= {ScoreField.ROUND1}
        if state == S.APPRAISAL_2:
            fields |= {ScoreField.ROUND2}
        if state in (S.APPRAISAL_1, S.EXPLANATION, S.APPRAISAL_2):
            fields |= {ScoreField.SURVEY}
    return fields


def can_add_evidence(user: User, assessment: Assessment) -> bool:
    return is_own_unit(user, assessment) and assessment.state in (S.OPEN, S.EXPLANATION)


def can_set_bonus(user: User, assessment: Assessment) -> bool:
    return is_council(user) and assessment.state in (
        S.APPRAISAL_1,
        S.EXPLANATION,
        S.APPRAISAL_2,
    )


@dataclass(frozen=True)
class Transition:
    name: str
    label: Any
    source: tuple[str, ...]
    target: str
    who: str  # "unit", "council", "admin"


TRANSITIONS = {
    t.name: t
    for t in [
        Transition("submit", gettext_lazy("Gửi tự đánh giá"), (S.OPEN,), S.SELF_ASSESSED, "unit"),
        Transition(
            "start_appraisal",
            gettext_lazy("Bắt đầu thẩm định vòng 1"),
            (S.SELF_ASSESSED,),
            S.APPRAISAL_1,
            "council",
        ),
        Transition(
            "request_explanation",
            gettext_lazy("Chuyển đơn vị giải trình"),
            (S.APPRAISAL_1,),
            S.EXPLANATION,
            "council",
        ),
        Transition(
            "submit_explanation",
            gettext_lazy("Gửi giải trình"),
            (S.EXPLANATION,),
            S.APPRAISAL_2,
            "unit",
        ),
        Transition(
            "lock", gettext_lazy("Chốt điểm"), (S.APPRAISAL_1, S.APPRAISAL_2), S.LOCKED, "admin"
        ),
    ]
}


def _may(user: User, assessment: Assessment, who: str) -> bool:
    if who == "unit":
        # The provincial admin may act for a unit that cannot (e.g. to unblock a deadline).
        return is_own_unit(user, assessment) or user.is_provincial_admin
    if who == "council":
        return is_council(user)
    return user.is_provincial_admin


UNLOCK = Transition("unlock", gettext_lazy("Mở khóa"), (S.LOCKED,), S.APPRAISAL_2, "admin")


def available_transitions(user: User, assessment: Assessment) -> list[Transition]:
    """The buttons of the sheet; unlock (admin, with a reason) is offered on a locked sheet."""
    return [
        t
        for t in [*TRANSITIONS.values(), UNLOCK]
        if assessment.state in t.source and _may(user, assessment, t.who)
    ]


# --------------------------------------------------------------------------- assessments


def _history_by(obj: Assessment | CriterionScore, user: User) -> None:
    """Name `user` in the history row simple_history writes when `obj` is next saved."""
    # simple_history's documented hook: an attribute its post_save handler reads, not a field,
    # so nothing can declare it (the library ships no types either).
    obj._history_user = user  # type: ignore[union-attr]


@transaction.atomic
def assessment_ensure(*, criteria_set: CriteriaSet, unit: AdministrativeUnit) -> Assessment:
    """The unit's assessment for the set, with an empty score per leaf criterion."""
    assessment, _created = Assessment.objects.get_or_create(criteria_set=criteria_set, unit=unit)
    existing = set(assessment.scores.values_list("criterion_id", flat=True))
    leaves = Criterion.objects.filter(criteria_set=criteria_set, is_leaf=True).exclude(
        pk__in=existing
    )
    CriterionScore.objects.bulk_create(
        [CriterionScore(assessment=assessment, criterion=c) for c in leaves]
    )
    return assessment


@transaction.atomic
def assessments_open(*, criteria_set: CriteriaSet, by: User) -> int:
    """Open an assessment for every unit of the set's level in its province that existed in the
    set's year; returns how many were created (existing ones are left as they are)."""
    if not by.is_provincial_admin:
        raise PermissionDenied
    units = (
        AdministrativeUnit.objects.subtree_of(criteria_set.province)
        .filter(level=criteria_set.level)
        .valid_on(year_end(criteria_set.year))
    )
    existing = set(criteria_set.assessments.values_list("unit_id", flat=True))
    created = 0
    for unit in units:
        if unit.pk not in existing:
            assessment_ensure(criteria_set=criteria_set, unit=unit)
            created += 1
    return created


def parse_points(value: Any) -> Decimal | None:
    """A score typed by a person: '' → None, '6,5' → 6.5; ScoringError when not a number."""
    if value is None or str(value).strip() == "":
        return None
    try:
        points = index.to_decimal(value)
    except (InvalidOperation, ValueError):
        raise ScoringError(SCORE_NOT_NUMBER % {"value": value}) from None
    check_decimals(points, str(value).strip())
    return points


def check_decimals(value: Decimal, text: str) -> None:
    """Refuse more than 4 decimals (a silently rounded cell would move the index away from
    rounding once at the end): the sheet, the bonus form and the imports say the same."""
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -POINT_DECIMALS:
        raise ScoringError(TOO_MANY_DECIMALS % {"value": text, "n": POINT_DECIMALS})


def score_error(criterion: Criterion, value: Decimal) -> str:
    """The message for a score its criterion's rule cannot give, '' when it is fine."""
    code = index.check_score(criterion.rule, criterion.rule_params, criterion.max_points, value)
    if not code:
        return ""
    # Numbers in the user's format (6,00 in Vietnamese), as the sheet shows them.
    fmt = {"score": num(value), "max": num(criterion.max_points)}
    if code == index.ABOVE_MAX:
        return SCORE_ABOVE_MAX % fmt
    if code == index.NEGATIVE:
        return str(SCORE_NEGATIVE)
    if code == index.NOT_YES_NO:
        return SCORE_NOT_YES_NO % fmt
    if code == index.NOT_A_TIER:
        tiers = ", ".join(["0", *(p for _low, p in criterion.rule_params.get("tiers", []))])
        return SCORE_NOT_A_TIER % {"tiers": tiers}
    if code == index.BELOW_THRESHOLD:
        threshold = index.to_decimal(criterion.rule_params.get("threshold", 0))
        return SCORE_BELOW_THRESHOLD % {
            "threshold": num(threshold),
            "min": num(index.round2(criterion.max_points * threshold)),
        }
    if code == index.NOT_A_DEDUCTION_STEP:
        return SCORE_NOT_A_STEP % {
            **fmt,
            "step": num(criterion.rule_params.get("per_violation")),
        }
    return code


def _check_points(criterion: Criterion, field: str, value: Decimal | None) -> None:
    if value is None:
        return
    if field == ScoreField.SURVEY:
        if value < 0:
            raise ScoringError(SCORE_NEGATIVE)
        if value > criterion.max_points:
            raise ScoringError(
                SCORE_ABOVE_MAX % {"score": num(value), "max": num(criterion.max_points)}
            )
        return
    message = score_error(criterion, value)
    if message:
        raise ScoringError(message)


@transaction.atomic
def score_save(
    *,
    score_id: int,
    field: str,
    value: Any,
    version: int,
    by: User,
    reason: str = "",
) -> CriterionScore:
    """Write one cell of the score sheet.

    Optimistic locking: `version` is the one the user loaded; when the row has moved on the
    write is refused with ScoreConflict and nothing is changed (the caller shows both values).
    """
    score = (
        CriterionScore.objects.select_for_update(of=("self",))
        .select_related("assessment__unit", "criterion", "updated_by")
        .get(pk=score_id)
    )
    assessment = score.assessment
    assessment_ensure_writable(
        assessment, what=_("điểm tiêu chí %(code)s") % {"code": score.criterion.code}
    )
    if field not in writable_fields(by, assessment):
        raise PermissionDenied(SCORE_FIELD_LOCKED)
    if score.version != version:
        current = getattr(score, field)
        who = score.updated_by.get_full_name() if score.updated_by else _("người khác")
        raise ScoreConflict(
            SCORE_CONFLICT % {"who": who, "current": num(current), "yours": value}, score=score
        )
    criterion = score.criterion
    if field in (ScoreField.EXPLANATION, ScoreField.SELF_NOTE):
        setattr(score, field, str(value or "").strip())
    else:
        if criterion.component == Component.SURVEY and field != ScoreField.SURVEY:
            raise ScoringError(SCORE_FIELD_LOCKED)
        if criterion.component == Component.APPRAISAL and field == ScoreField.SURVEY:
            raise ScoringError(SCORE_FIELD_LOCKED)
        points = parse_points(value)
        _check_points(criterion, field, points)
        if field in (ScoreField.ROUND1, ScoreField.ROUND2):
            reason = (reason or "").strip()
            reason_field = "round1_reason" if field == ScoreField.ROUND1 else "round2_reason"
            # A round needs a reason where it departs from what it starts from: round 1 from
            # the self-score, round 2 from round 1.
            source = keep_value(score, field)
            differs = points is not None and points != source
            if differs and not reason and not getattr(score, reason_field):
                raise ScoringError(
                    REASON_REQUIRED if field == ScoreField.ROUND1 else REASON_REQUIRED_ROUND2
                )
            if reason:
                setattr(score, reason_field, reason)
        setattr(score, field, points)
    score.version += 1
    score.updated_by = by
    _history_by(score, by)
    score.save()
    return score


def keep_value(score: CriterionScore, field: str) -> Decimal | None:
    """What a round starts from: round 1 the self-score, round 2 round 1 (else the self-score)."""
    if field == ScoreField.ROUND2:
        return score.round1_score if score.round1_score is not None else score.self_score
    return score.self_score


@transaction.atomic
def score_keep(*, score_id: int, field: str, version: int, by: User) -> CriterionScore:
    """ "Giữ điểm tự chấm": write the round's value from what it starts from, as a stored value
    (so the index needs no special case) with the history saying it was kept, not typed."""
    score = (
        CriterionScore.objects.select_for_update(of=("self",))
        .select_related("assessment__unit", "criterion", "updated_by")
        .get(pk=score_id)
    )
    assessment = score.assessment
    assessment_ensure_writable(
        assessment, what=_("điểm tiêu chí %(code)s") % {"code": score.criterion.code}
    )
    if field not in KEEP_SOURCE or field not in writable_fields(by, assessment):
        raise PermissionDenied(SCORE_FIELD_LOCKED)
    if score.criterion.component != Component.APPRAISAL:
        raise ScoringError(SCORE_FIELD_LOCKED)
    if score.version != version:
        who = score.updated_by.get_full_name() if score.updated_by else _("người khác")
        current = getattr(score, field)
        raise ScoreConflict(
            SCORE_CONFLICT % {"who": who, "current": num(current), "yours": _("giữ nguyên")},
            score=score,
        )
    value = keep_value(score, field)
    if value is None:
        raise ScoringError(KEEP_NOTHING_TO_KEEP % {"code": score.criterion.code})
    setattr(score, field, value)
    # Kept, the round agrees with where it started: a reason typed for an earlier change no
    # longer explains anything (the history keeps it).
    setattr(score, "round1_reason" if field == ScoreField.ROUND1 else "round2_reason", "")
    score.version += 1
    score.updated_by = by
    _history_by(score, by)
    score._change_reason = str(KEPT_FROM[field])  # type: ignore[attr-defined]
    score.save()
    return score


def _leaves_under(criteria: list[Criterion], root_id: int) -> set[int]:
    kids: dict[int | None, list[Criterion]] = {}
    for c in criteria:
        kids.setdefault(c.parent_id, []).append(c)
    out: set[int] = set()
    stack = [root_id]
    while stack:
        key = stack.pop()
        children = kids.get(key, [])
        if not children:
            out.add(key)
        stack.extend(c.pk for c in children)
    return out


@dataclass
class AreaKeep:
    """What "giữ nguyên cả lĩnh vực" does (or would do) to an area: the leaves it writes, those
    already scored in the round, and those with nothing to keep (blank at the source)."""

    area: Criterion
    field: str
    to_write: list[CriterionScore]
    already: int
    nothing: list[str]


def area_keep_plan(*, assessment: Assessment, area_id: int, field: str) -> AreaKeep:
    """The leaves of an area still blank in the round and what they would keep (2 queries)."""
    criteria = list(Criterion.objects.filter(criteria_set_id=assessment.criteria_set_id))
    area = next((c for c in criteria if c.pk == area_id and not c.is_leaf), None)
    if area is None or field not in KEEP_SOURCE:
        raise CriterionScore.DoesNotExist
    leaves = _leaves_under(criteria, area.pk)
    scores = list(
        CriterionScore.objects.filter(
            assessment=assessment,
            criterion_id__in=leaves,
            criterion__component=Component.APPRAISAL,
        )
        .select_related("criterion")
        .order_by("criterion__position", "criterion__code")
    )
    blank = [s for s in scores if getattr(s, field) is None]
    return AreaKeep(
        area=area,
        field=field,
        to_write=[s for s in blank if keep_value(s, field) is not None],
        already=len(scores) - len(blank),
        nothing=[s.criterion.code for s in blank if keep_value(s, field) is None],
    )


@transaction.atomic
def area_keep(*, assessment_id: int, area_id: int, field: str, by: User) -> AreaKeep:
    """ "Giữ nguyên cả lĩnh vực": every leaf of the area still blank in the round gets the value
    it starts from (round 1 the self-score, round 2 round 1), with history; scored leaves are
    left as the council set them. A fixed number of queries whatever the area's size."""
    assessment = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("unit", "criteria_set")
        .get(pk=assessment_id)
    )
    assessment_ensure_writable(assessment, what=_("điểm thẩm định"))
    if field not in KEEP_SOURCE or field not in writable_fields(by, assessment):
        raise PermissionDenied(SCORE_FIELD_LOCKED)
    plan = area_keep_plan(assessment=assessment, area_id=area_id, field=field)
    ids = [s.pk for s in plan.to_write]
    # Re-read the rows under lock: only those still blank are written.
    rows = list(
        CriterionScore.objects.select_for_update()
        .filter(pk__in=ids, **{f"{field}__isnull": True})
        .select_related("criterion")
    )
    for s in rows:
        setattr(s, field, keep_value(s, field))
        s.version += 1
        s.updated_by = by
        s.updated_at = timezone.now()  # bulk_update skips auto_now
    if rows:
        from simple_history.utils import bulk_update_with_history

        bulk_update_with_history(
            rows,
            CriterionScore,
            [field, "version", "updated_by", "updated_at"],
            default_user=by,
            default_change_reason=str(KEPT_FROM[field]),
        )
    plan.to_write = rows
    return plan


@transaction.atomic
def score_not_applicable_set(
    *, score_id: int, applicable: bool, reason: str, version: int, by: User
) -> CriterionScore:
    """Mark a leaf "không phát sinh" (with a reason) or take the mark back. Marked, its
    self-score is written as the criterion's maximum, so every total counts it without a
    special case; unmarked, the self-score is emptied for the unit to score it."""
    score = (
        CriterionScore.objects.select_for_update(of=("self",))
        .select_related("assessment__unit", "criterion", "updated_by")
        .get(pk=score_id)
    )
    criterion = score.criterion
    assessment_ensure_writable(
        score.assessment, what=_("điểm tiêu chí %(code)s") % {"code": criterion.code}
    )
    if ScoreField.SELF not in writable_fields(by, score.assessment):
        raise PermissionDenied(SCORE_FIELD_LOCKED)
    if not criterion.not_applicable_allowed or criterion.component != Component.APPRAISAL:
        raise ScoringError(NOT_APPLICABLE_NOT_ALLOWED % {"code": criterion.code})
    if score.version != version:
        who = score.updated_by.get_full_name() if score.updated_by else _("người khác")
        raise ScoreConflict(
            SCORE_CONFLICT
            % {"who": who, "current": num(score.self_score), "yours": _("không phát sinh")},
            score=score,
        )
    reason = (reason or "").strip()
    if applicable:
        score.not_applicable = False
        score.not_applicable_reason = ""
        score.self_score = None
    else:
        if not reason:
            raise ScoringError(NOT_APPLICABLE_REASON_REQUIRED)
        score.not_applicable = True
        score.not_applicable_reason = reason
        score.self_score = criterion.max_points
    score.version += 1
    score.updated_by = by
    _history_by(score, by)
    if not applicable:
        score._change_reason = str(  # type: ignore[attr-defined]
            NOT_APPLICABLE_HISTORY % {"reason": reason}
        )
    score.save()
    return score


def thread_role(user: User, assessment: Assessment) -> str | None:
    """Who `user` writes as in a criterion's explanation thread now, None when they may not:
    the unit (or the admin acting for it) while explaining, the council from round 1 to 2."""
    if assessment.state in FROZEN_STATES:
        return None
    if assessment.state == S.EXPLANATION and is_own_unit(user, assessment):
        return ThreadRole.UNIT
    if is_council(user) and assessment.state in (S.APPRAISAL_1, S.EXPLANATION, S.APPRAISAL_2):
        return ThreadRole.COUNCIL
    return None


@transaction.atomic
def explanation_post(
    *, score_id: int, text: str, by: User, upload: UploadedFile | None = None
) -> ExplanationMessage:
    """Add a message to a criterion's explanation thread. The unit's answer may carry a file
    (checked like any evidence) and becomes the score's `explanation` (with history), so the
    sheet and its exports read the latest answer."""
    score = (
        CriterionScore.objects.select_for_update(of=("self",))
        .select_related("assessment__unit", "criterion")
        .get(pk=score_id)
    )
    assessment = score.assessment
    assessment_ensure_writable(
        assessment, what=_("giải trình tiêu chí %(code)s") % {"code": score.criterion.code}
    )
    role = thread_role(by, assessment)
    if role is None:
        raise PermissionDenied(EXPLANATION_NOT_NOW)
    text = (text or "").strip()
    if not text:
        raise ScoringError(EXPLANATION_TEXT_REQUIRED)
    checked = _checked_upload(upload) if upload is not None and role == ThreadRole.UNIT else None
    message = ExplanationMessage.objects.create(
        score=score, role=role, text=text, state=assessment.state, created_by=by
    )
    if checked is not None:
        _evidence_save(score=score, upload=upload, checked=checked, by=by, message=message)
    if role == ThreadRole.UNIT:
        score.explanation = text
        score.version += 1
        score.updated_by = by
        _history_by(score, by)
        score.save()
    return message


PHASE_STATES: dict[str, tuple[str, ...]] = {
    Phase.SELF_ASSESSMENT: (S.OPEN,),
    Phase.EXPLANATION: (S.EXPLANATION,),
}


def late_assessments(*, criteria_set: CriteriaSet, phase: str, today: dt.date) -> list[Assessment]:
    """The set's assessments still in `phase` once its deadline has passed (1 query; none when
    the set has no deadline for the phase)."""
    if phase not in PHASE_STATES:
        raise ScoringError(REMIND_UNKNOWN_PHASE % {"phase": phase})
    deadline = criteria_set.deadline(phase, today)
    if deadline is None or not deadline.overdue:
        return []
    return list(
        criteria_set.assessments.filter(state__in=PHASE_STATES[phase])
        .select_related("unit", "criteria_set")
        .order_by("unit__code")
    )


@transaction.atomic
def assessment_remind_late(*, criteria_set: CriteriaSet, phase: str, by: User) -> list[Assessment]:
    """Record a reminder to every unit late in `phase` (self-assessment or explanation) and
    return them: whom to notify. The council only; the notification is sent by the caller."""
    if not is_council(by):
        raise PermissionDenied
    late = late_assessments(criteria_set=criteria_set, phase=phase, today=timezone.localdate())
    now = timezone.now()
    AssessmentReminder.objects.bulk_create(
        [AssessmentReminder(assessment=a, phase=phase, sent_at=now, sent_by=by) for a in late]
    )
    return late


DEADLINE_ORDER = gettext_lazy("Hạn giải trình phải sau hạn tự đánh giá.")


@transaction.atomic
def criteria_set_deadlines_set(
    *,
    criteria_set: CriteriaSet,
    self_assessment_due_on: dt.date | None,
    explanation_due_on: dt.date | None,
    by: User,
) -> CriteriaSet:
    """The phase deadlines of a set (admins): shown and counted, never closing a phase."""
    if not by.is_provincial_admin:
        raise PermissionDenied
    if (
        self_assessment_due_on is not None
        and explanation_due_on is not None
        and explanation_due_on <= self_assessment_due_on
    ):
        raise ScoringError(DEADLINE_ORDER)
    criteria_set.self_assessment_due_on = self_assessment_due_on
    criteria_set.explanation_due_on = explanation_due_on
    criteria_set.full_clean()
    criteria_set.save(update_fields=["self_assessment_due_on", "explanation_due_on"])
    return criteria_set


def assessment_transition(
    *, assessment_id: int, action: str, by: User, reason: str = ""
) -> Assessment:
    """Move an assessment along its workflow, guarded (scoring.workflow lists every problem)."""
    from scoring import workflow

    return workflow.transition(assessment_id=assessment_id, action=action, by=by, reason=reason)


@transaction.atomic
def bonus_penalty_set(
    *, assessment_id: int, bonus: Any, penalty: Any, note: str, by: User
) -> Assessment:
    assessment = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("criteria_set", "unit")
        .get(pk=assessment_id)
    )
    assessment_ensure_writable(assessment, what=_("điểm thưởng, điểm trừ"))
    if not can_set_bonus(by, assessment):
        raise PermissionDenied(SCORE_FIELD_LOCKED)
    bonus_value = parse_points(bonus) or index.ZERO
    penalty_value = parse_points(penalty) or index.ZERO
    cs = assessment.criteria_set
    if bonus_value < 0 or penalty_value < 0:
        raise ScoringError(SCORE_NEGATIVE)
    if bonus_value > cs.bonus_cap:
        raise ScoringError(BONUS_ABOVE_CAP % {"cap": num(cs.bonus_cap)})
    if penalty_value > cs.penalty_cap:
        raise ScoringError(PENALTY_ABOVE_CAP % {"cap": num(cs.penalty_cap)})
    assessment.bonus_points = bonus_value
    assessment.penalty_points = penalty_value
    assessment.bonus_penalty_note = note.strip()
    _history_by(assessment, by)
    assessment.save()
    return assessment


@transaction.atomic
def evidence_add(*, score: CriterionScore, upload: UploadedFile, by: User) -> Evidence:
    """Attach a file to a score after checking the size and the type by its content."""
    # The state as stored now, not as the caller loaded it (it may have been locked since).
    assessment = Assessment.objects.select_related("unit").get(pk=score.assessment_id)
    what = _("tài liệu kiểm chứng của tiêu chí %(code)s") % {"code": score.criterion.code}
    assessment_ensure_writable(assessment, what=what)
    score.assessment = assessment
    if not can_add_evidence(by, score.assessment):
        raise PermissionDenied(SCORE_FIELD_LOCKED)
    checked = _checked_upload(upload)
    return _evidence_save(score=score, upload=upload, checked=checked, by=by)


def _checked_upload(upload: UploadedFile) -> tuple[str, int]:
    """(content type, size) of an evidence file after the size and content checks."""
    size = upload.size or 0  # an upload from a request always knows its size
    if size > EVIDENCE_MAX_BYTES:
        raise ScoringError(EVIDENCE_TOO_LARGE % {"mb": EVIDENCE_MAX_BYTES // (1024 * 1024)})
    try:
        found = uploads.document_type(upload, field=_("Tài liệu kiểm chứng"))
    except ValidationError as exc:  # a zip bomb or a broken Office file
        raise ScoringError(exc.messages[0]) from None
    content_type = EVIDENCE_TYPES.get(found or "")
    if content_type is None:
        raise ScoringError(EVIDENCE_BAD_TYPE)
    return content_type, size


def _evidence_save(
    *,
    score: CriterionScore,
    upload: Any,
    checked: tuple[str, int],
    by: User,
    message: ExplanationMessage | None = None,
) -> Evidence:
    content_type, size = checked
    name = Path(upload.name or "tai-lieu").name[:200]
    evidence = Evidence(
        score=score,
        original_name=name,
        content_type=content_type,
        size=size,
        uploaded_by=by,
        message=message,
    )
    safe_name = re.sub(r"[^\w.-]", "_", name, flags=re.ASCII) or "tai-lieu"
    evidence.file.save(safe_name, upload, save=False)
    evidence.save()
    return evidence


# --------------------------------------------------------------------------- publication


@transaction.atomic
def ranking_publish(
    *, criteria_set: CriteriaSet, by: User, at: dt.datetime | None = None
) -> PublishedRanking:
    """Freeze the set's results and ranks into a snapshot, number the report announcing them
    in the register and mark assessments published. `at`: when it was published, if not now."""
    from scoring.selectors import ranking

    criteria_set = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
    if criteria_set.publications.current().exists():
        raise ScoringError(ALREADY_PUBLISHED)
    assessments = list(criteria_set.assessments.select_related("unit"))
    if not assessments:
        raise ScoringError(PUBLISH_EMPTY)
    not_locked = [a.unit.name for a in assessments if a.state != S.LOCKED]
    if not_locked:
        raise ScoringError(PUBLISH_NOT_LOCKED % {"units": ", ".join(sorted(not_locked))})
    live = ranking(criteria_set=criteria_set, live=True)
    ranks = [row.rank for row in live.rows]
    assert None not in ranks, "a live ranking ranks every unit"
    publication = PublishedRanking.objects.create(
        criteria_set=criteria_set,
        published_at=at or timezone.now(),
        published_by=by,
        signature=_publication_signature(criteria_set),
    )
    _register_report(publication, by=by)
    PublishedResult.objects.bulk_create(
        [
            PublishedResult(
                ranking=publication,
                unit_id=row.unit_id,
                unit_code=row.unit_code,
                unit_name=row.unit_name,
                appraisal=row.appraisal,
                survey=row.survey,
                bonus=row.bonus,
                penalty=row.penalty,
                index=row.index,
                grade=row.grade,
                rank=int(row.rank or 0),  # never 0: asserted above
                previous_rank=row.previous_rank,
                areas={code: [title, str(pts), str(mx)] for code, title, pts, mx in row.areas},
            )
            for row in live.rows
        ]
    )
    _states_set(assessments, S.PUBLISHED, by=by, reason=str(gettext_lazy("Công bố kết quả")))
    return publication


def _publication_signature(criteria_set: CriteriaSet) -> dict[str, str] | None:
    """The signature block printed on the report and the sheets, frozen with the results."""
    import dataclasses

    from documents.selectors import signature_of
    from scoring.exports import ISSUER_NAME

    signature = signature_of(criteria_set.province, ISSUER_NAME)
    return dataclasses.asdict(signature) if signature else None


def _register_report(publication: PublishedRanking, *, by: User) -> None:
    """The report announcing the results gets its number (…/BC-SNV) when it is issued."""
    from documents.choices import DocumentType
    from documents.services import document_number_issue

    cs = publication.criteria_set
    document_number_issue(
        issuer=cs.province,
        issuer_code="SNV",
        doc_type=DocumentType.REPORT,
        key=f"scoring.ranking:{publication.pk}",
        subject=f"Kết quả Chỉ số CCHC năm {cs.year}, {cs.get_level_display().lower()}",
        issued_on=timezone.localdate(publication.published_at),
        by=by,
    )


@transaction.atomic
def ranking_unpublish(*, criteria_set: CriteriaSet, by: User, reason: str) -> PublishedRanking:
    """Withdraw the current publication (kept as it was) and reopen the locked scores."""
    if not (reason or "").strip():
        raise ScoringError(UNPUBLISH_REASON_REQUIRED)
    publication = (
        PublishedRanking.objects.select_for_update()
        .filter(criteria_set=criteria_set, withdrawn_at__isnull=True)
        .first()
    )
    if publication is None:
        raise ScoringError(NOT_PUBLISHED)
    publication.withdrawn_at = timezone.now()
    publication.withdrawn_by = by
    publication.withdrawn_reason = reason.strip()
    publication.save()
    _states_set(
        list(criteria_set.assessments.filter(state=S.PUBLISHED)), S.LOCKED, by=by, reason=reason
    )
    return publication


def _states_set(assessments: list[Assessment], state: str, *, by: User, reason: str) -> None:
    """Move many assessments to `state` in a fixed number of queries, history included."""
    from simple_history.utils import bulk_update_with_history

    now = timezone.now()
    for a in assessments:
        a.state = state
        a.updated_at = now  # bulk_update skips auto_now
    if assessments:
        bulk_update_with_history(
            assessments,
            Assessment,
            ["state", "updated_at"],
            default_user=by,
            default_change_reason=reason.strip(),
        )


# --------------------------------------------------------------------------- imports

CRITERIA_COLUMNS = ("ma", "noi_dung", "diem_toi_da")
COMPONENT_ALIASES = {
    "appraisal": Component.APPRAISAL,
    "tham_dinh": Component.APPRAISAL,
    "thẩm định": Component.APPRAISAL,
    "survey": Component.SURVEY,
    "dieu_tra": Component.SURVEY,
    "điều tra": Component.SURVEY,
}
DEFAULT_THRESHOLDS = [
    ["90", "Xuất sắc"],
    ["80", "Tốt"],
    ["70", "Khá"],
    ["50", "Trung bình"],
    ["0", "Yếu"],
]
TRUE_WORDS = {"x", "1", "có", "co", "yes", "true"}


def level_labels(levels: Any) -> str:
    """“Cấp huyện, Cấp xã, Sở, ban, ngành”: levels as people read them, never the raw values."""
    return ", ".join(str(Level(level).label) for level in levels)


def criteria_set_province(
    *, code: str, year: int, scope: QuerySet[AdministrativeUnit] | None = None
) -> AdministrativeUnit:
    """The province a set of `year` belongs to: the one holding `code` on 31 December of that
    year (`--province 66 --year 2024` is the old Đắk Lắk, `--year 2025` the merged one).

    Raises UnitCodeError (the resolver's messages; a code outside `scope` reads as unknown).
    """
    return resolve_unit(code, on=year_end(year), scope=scope, levels=[Level.PROVINCE])


def set_units(criteria_set: CriteriaSet) -> UnitResolver:
    """The resolver of the unit codes a set's files name: units of the set's level within its
    province, resolved on the set's `year_end` (2024 scores for 24280 are Xã Ea KPam's, 2026
    ones the new Xã Cư M'gar's). A code of another province reads as unknown."""
    return UnitResolver(
        scope=AdministrativeUnit.objects.subtree_of(criteria_set.province),
        levels=[criteria_set.level],
    )


def _row_dict(header: list[str], values: list[Any]) -> dict[str, Any]:
    return {h: (values[i] if i < len(values) else None) for i, h in enumerate(header) if h}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse_params(raw: str) -> dict[str, Any]:
    """Rule parameters as JSON ({"threshold": 0.95}) or key=value pairs (per_violation=0.5;
    tiers=0.5:1|0.8:2|0.95:4)."""
    raw = raw.strip()
    if not raw:
        return {}
    if raw.startswith("{"):
        parsed: dict[str, Any] = json.loads(raw)  # text starting with "{" parses to an object
        return parsed
    params: dict[str, Any] = {}
    for part in raw.split(";"):
        if not part.strip():
            continue
        key, _sep, value = part.partition("=")
        key = key.strip()
        if key == "tiers":
            params[key] = [item.split(":") for item in value.split("|") if item.strip()]
        else:
            params[key] = value.strip()
    return params


def criteria_rows(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Parsed criteria rows of a file and the row-level errors (nothing is saved here)."""
    errors: list[str] = []
    try:
        header, rows = iter_table(path)
        missing = [c for c in CRITERIA_COLUMNS if c not in header]
        if missing:
            return [], [_("Thiếu cột: %(cols)s.") % {"cols": ", ".join(missing)}]
        parsed = []
        seen: dict[str, int] = {}
        for number, values in rows:
            row = _row_dict(header, values)
            code = _text(row.get("ma")).rstrip(".")
            where = _("Dòng %(n)s (mã %(code)s)") % {"n": number, "code": code or "?"}
            if not code:
                errors.append(_("Dòng %(n)s: thiếu mã tiêu chí.") % {"n": number})
                continue
            if code in seen:
                errors.append(
                    _("%(where)s: mã trùng với dòng %(other)s.")
                    % {"where": where, "other": seen[code]}
                )
                continue
            seen[code] = number
            try:
                max_points = index.to_decimal(_text(row.get("diem_toi_da")))
                if max_points < 0:
                    raise InvalidOperation
            except (InvalidOperation, ValueError):
                errors.append(_("%(where)s: điểm tối đa không hợp lệ.") % {"where": where})
                continue
            component_raw = _text(row.get("thanh_phan")).lower()
            component = COMPONENT_ALIASES.get(component_raw) if component_raw else None
            if component_raw and component is None:
                errors.append(
                    _("%(where)s: thành phần “%(v)s” không hợp lệ (tham_dinh hoặc dieu_tra).")
                    % {"where": where, "v": component_raw}
                )
                continue
            rule = _text(row.get("cach_cham")).lower() or Rule.MANUAL
            if rule not in Rule.values:
                errors.append(
                    _("%(where)s: cách chấm “%(v)s” không được hỗ trợ (%(rules)s).")
                    % {"where": where, "v": rule, "rules": ", ".join(Rule.values)}
                )
                continue
            try:
                params = index.validate_params(
                    rule, _parse_params(_text(row.get("tham_so"))), max_points
                )
            except (index.RuleError, ValueError):
                errors.append(_("%(where)s: tham số cách chấm không hợp lệ.") % {"where": where})
                continue
            metric = _text(row.get("chi_so"))
            if metric and metric not in Metric.values:
                errors.append(
                    _("%(where)s: chỉ số “%(v)s” không tồn tại.") % {"where": where, "v": metric}
                )
                continue
            parsed.append(
                {
                    "row": number,
                    "code": code,
                    "parent": code.rpartition(".")[0] or None,
                    "title": _text(row.get("noi_dung")),
                    "max_points": max_points,
                    "component": component,
                    "rule": rule,
                    "rule_params": params,
                    "metric": metric,
                    "evidence_required": _text(row.get("bat_buoc_kiem_chung")).lower()
                    in TRUE_WORDS,
                    "not_applicable_allowed": _text(row.get("khong_phat_sinh")).lower()
                    in TRUE_WORDS,
                }
            )
    except TabularFileError as exc:
        return [], [str(exc)]
    return parsed, errors


def criteria_check_tree(parsed: list[dict[str, Any]]) -> list[str]:
    """Orphans, children not summing to their parent, components, totals not 100."""
    errors = []
    by_code = {r["code"]: r for r in parsed}
    for r in parsed:
        if r["parent"] and r["parent"] not in by_code:
            errors.append(
                _("Dòng %(n)s (mã %(code)s): không có tiêu chí cha “%(p)s”.")
                % {"n": r["row"], "code": r["code"], "p": r["parent"]}
            )
    # Components flow down from the area; a child may not contradict its area.
    for r in sorted(parsed, key=lambda r: r["code"].count(".")):
        parent = by_code.get(r["parent"]) if r["parent"] else None
        inherited = parent["component"] if parent else None
        if r["component"] and inherited and r["component"] != inherited:
            errors.append(
                _("Dòng %(n)s (mã %(code)s): thành phần khác với tiêu chí cha.")
                % {"n": r["row"], "code": r["code"]}
            )
        r["component"] = r["component"] or inherited or Component.APPRAISAL
    nodes = [index.Node(r["code"], r["parent"], r["max_points"]) for r in parsed]
    for code, _code in index.tree_errors(nodes):
        r = by_code[code]
        kids = sum((k["max_points"] for k in parsed if k["parent"] == code), index.ZERO)
        errors.append(
            _(
                "Dòng %(n)s (mã %(code)s): tổng điểm các tiêu chí con (%(sum)s) khác điểm tối đa "
                "(%(max)s)."
            )
            % {"n": r["row"], "code": code, "sum": kids, "max": r["max_points"]}
        )
    appraisal = sum(
        (r["max_points"] for r in parsed if not r["parent"] and r["component"] == "appraisal"),
        index.ZERO,
    )
    survey = sum(
        (r["max_points"] for r in parsed if not r["parent"] and r["component"] == "survey"),
        index.ZERO,
    )
    if parsed and survey and appraisal + survey != 100:
        errors.append(
            _("Tổng điểm thẩm định (%(a)s) + điều tra (%(s)s) phải bằng 100.")
            % {"a": appraisal, "s": survey}
        )
    return errors


@transaction.atomic
def criteria_set_import(
    *,
    path: Path,
    province: AdministrativeUnit,
    year: int,
    level: str,
    name: str = "",
    legal_basis: str = "",
    bonus_cap: Decimal = Decimal("0"),
    penalty_cap: Decimal = Decimal("0"),
    self_assessment_due_on: dt.date | None = None,
    explanation_due_on: dt.date | None = None,
) -> CriteriaSet:
    """A criteria set from a file, rejected as a whole with row-level errors."""
    if level not in ASSESSED_LEVELS:
        raise ScoringImportError([LEVEL_NOT_ASSESSED % {"levels": level_labels(ASSESSED_LEVELS)}])
    if province.level != Level.PROVINCE or not province.is_valid_on(year_end(year)):
        # A 2024 set belongs to the province as it stood on 31/12/2024 (the old Đắk Lắk), a
        # 2025 one to the merged province: see criteria_set_province.
        raise ScoringImportError(
            [PROVINCE_NOT_VALID % {"p": province.name, "day": f"{year_end(year):%d/%m/%Y}"}]
        )
    parsed, errors = criteria_rows(path)
    if not errors:
        errors = criteria_check_tree(parsed)
    if not parsed and not errors:
        errors = [_("Tệp không có tiêu chí nào.")]
    if CriteriaSet.objects.filter(province=province, level=level, year=year).exists():
        errors.append(
            _("Đã có bộ chỉ số %(level)s năm %(year)s của %(p)s.")
            % {"level": Level(level).label.lower(), "year": year, "p": province.name}
        )
    if errors:
        raise ScoringImportError(errors)
    roots = [r for r in parsed if not r["parent"]]
    appraisal = sum((r["max_points"] for r in roots if r["component"] == "appraisal"), index.ZERO)
    survey = sum((r["max_points"] for r in roots if r["component"] == "survey"), index.ZERO)
    criteria_set = CriteriaSet(
        province=province,
        level=level,
        year=year,
        name=name
        or _("Bộ chỉ số CCHC %(level)s năm %(year)s")
        % {"level": Level(level).label.lower(), "year": year},
        legal_basis=legal_basis,
        status=CriteriaSetStatus.ACTIVE,
        appraisal_max=appraisal,
        survey_max=survey,
        bonus_cap=bonus_cap,
        penalty_cap=penalty_cap,
        grade_thresholds=DEFAULT_THRESHOLDS,
        self_assessment_due_on=self_assessment_due_on,
        explanation_due_on=explanation_due_on,
    )
    criteria_set.full_clean()
    criteria_set.save()
    criteria_create(criteria_set=criteria_set, rows=parsed)
    audit_record(action=Action.IMPORT, unit=province, target=criteria_set, detail=str(path.name))
    return criteria_set


def criteria_create(*, criteria_set: CriteriaSet, rows: list[dict[str, Any]]) -> None:
    """Create the tree (parents before children; rows already validated)."""
    parents = {r["parent"] for r in rows}
    created: dict[str, Criterion] = {}
    for position, r in enumerate(sorted(rows, key=lambda r: r["code"].count("."))):
        c = Criterion.objects.create(
            criteria_set=criteria_set,
            parent=created.get(r["parent"]) if r["parent"] else None,
            code=r["code"],
            title=r["title"],
            max_points=r["max_points"],
            component=r["component"] or Component.APPRAISAL,
            rule=r["rule"],
            rule_params=r["rule_params"],
            metric=r["metric"],
            evidence_required=r["evidence_required"],
            not_applicable_allowed=r.get("not_applicable_allowed", False),
            is_leaf=r["code"] not in parents,
            position=r.get("row", position),
        )
        created[r["code"]] = c


def __getattr__(name: str) -> Any:
    """The imports moved to scoring.imports (which builds on this module): re-exported lazily
    so `from scoring.services import scores_import` keeps working without an import cycle."""
    if name in ("scores_import", "survey_answers_import", "ImportResult"):
        from scoring import imports

        return getattr(imports, name)
    raise AttributeError(name)
