"""Guarded transitions of assessments, one or many at once (sheet, set page, command).

A transition is refused with *every* missing item listed at once (all unscored criteria, all
missing evidence…), never one problem per attempt. One code path serves the score sheet, the
bulk page of a criteria set and `manage.py assessment_transition`: `plan` says what each
assessment would do, `apply` does it; both run a fixed number of queries however many units.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_update_with_history

from audit.choices import Action
from audit.services import record_each
from notifications import kinds
from notifications.services import Notice, notify
from scoring import services
from scoring.choices import AssessmentState, Component, Phase
from scoring.models import Assessment, CriteriaSet, CriterionScore
from units.choices import Role
from units.models import AdministrativeUnit, User

S = AssessmentState

# Actions in the order of the workflow; open/publish/unpublish act on the criteria set.
ACTIONS = (
    "open",
    "submit",
    "start_appraisal",
    "request_explanation",
    "submit_explanation",
    "lock",
    "unlock",
    "publish",
    "unpublish",
)
SET_ACTIONS = ("open", "publish", "unpublish")
# Actions of the set page's bulk form, and those the council (not only the admin) may run.
BULK_ACTIONS = ("open", "start_appraisal", "request_explanation", "lock", "publish", "unpublish")
COUNCIL_BULK = ("start_appraisal", "request_explanation")
# Actions that need a reason kept in the history.
REASON_ACTIONS = ("unlock", "unpublish")

UNSCORED_SELF = gettext_lazy("chưa chấm điểm tự đánh giá %(n)s tiêu chí: %(codes)s")
MISSING_EVIDENCE = gettext_lazy(
    "thiếu tài liệu kiểm chứng hoặc thuyết minh %(n)s tiêu chí: %(codes)s"
)
UNAPPRAISED_1 = gettext_lazy("chưa chấm thẩm định vòng 1 %(n)s tiêu chí: %(codes)s")
UNAPPRAISED_FINAL = gettext_lazy("chưa có điểm thẩm định cuối cùng %(n)s tiêu chí: %(codes)s")
NO_SURVEY = gettext_lazy("chưa có điểm điều tra xã hội học %(n)s tiêu chí: %(codes)s")
WRONG_STATE = gettext_lazy("đang ở trạng thái “%(state)s”, không thể %(action)s")
NOT_ALLOWED = gettext_lazy("bạn không có quyền %(action)s")
REASON_REQUIRED = gettext_lazy("cần ghi lý do %(action)s")
UNLOCK_PUBLISHED = gettext_lazy("kết quả đã công bố: cần thu hồi công bố trước khi mở khóa")
NOT_LOCKED = gettext_lazy("chưa chốt điểm")
ALREADY_EXISTS = gettext_lazy("đã có bản đánh giá")
NO_ASSESSMENT = gettext_lazy("chưa có bản đánh giá")
UNKNOWN_ACTION = gettext_lazy("Thao tác không hợp lệ: %(action)s.")

ACTION_LABELS = {
    "open": gettext_lazy("mở bản đánh giá"),
    "submit": gettext_lazy("gửi tự đánh giá"),
    "start_appraisal": gettext_lazy("bắt đầu thẩm định vòng 1"),
    "request_explanation": gettext_lazy("chuyển đơn vị giải trình"),
    "submit_explanation": gettext_lazy("gửi giải trình"),
    "lock": gettext_lazy("chốt điểm"),
    "unlock": gettext_lazy("mở khóa"),
    "publish": gettext_lazy("công bố kết quả"),
    "unpublish": gettext_lazy("thu hồi kết quả công bố"),
}

DONE, REFUSED, SKIPPED = "done", "refused", "skipped"


@dataclass
class UnitOutcome:
    """What an action does (or would do) to one unit's assessment."""

    unit: AdministrativeUnit
    assessment: Assessment | None
    status: str = DONE
    problems: list[str] = field(default_factory=list)
    target: str = ""

    @property
    def ok(self) -> bool:
        return self.status == DONE

    @property
    def message(self) -> str:
        return "; ".join(self.problems)

    def __str__(self) -> str:
        return f"{self.unit.code} {self.unit.name}: {self.message or self.status}"


@dataclass
class LeafCounts:
    """Per assessment: the leaves still missing a value, by kind (codes in tree order)."""

    self_missing: list[str] = field(default_factory=list)
    evidence_missing: list[str] = field(default_factory=list)
    round1_missing: list[str] = field(default_factory=list)
    final_missing: list[str] = field(default_factory=list)
    survey_missing: list[str] = field(default_factory=list)
    leaves: int = 0


def _listed(message: object, codes: Sequence[str]) -> str:
    return str(message) % {"n": len(codes), "codes": ", ".join(codes)}


def leaf_counts(assessment_ids: Iterable[int]) -> dict[int, LeafCounts]:
    """What every assessment still misses, for all of them in one query."""
    counts: dict[int, LeafCounts] = {}
    rows = (
        CriterionScore.objects.filter(assessment_id__in=list(assessment_ids))
        .annotate(files=Count("evidence"))
        .order_by("assessment_id", "criterion__position", "criterion__code")
        .values_list(
            "assessment_id",
            "criterion__code",
            "criterion__component",
            "criterion__evidence_required",
            "self_score",
            "self_note",
            "round1_score",
            "round2_score",
            "survey_points",
            "files",
            "not_applicable",
        )
    )
    for aid, code, component, evidence, self_score, note, r1, r2, survey, files, na in rows:
        c = counts.setdefault(aid, LeafCounts())
        c.leaves += 1
        if component == Component.SURVEY:
            if survey is None:
                c.survey_missing.append(code)
            continue
        if self_score is None:
            c.self_missing.append(code)
        if evidence and not files and not (note or "").strip() and not na:
            c.evidence_missing.append(code)
        if r1 is None:
            c.round1_missing.append(code)
        if r1 is None and r2 is None:
            c.final_missing.append(code)
    return counts


def guard_problems(assessment: Assessment, action: str, counts: LeafCounts) -> list[str]:
    """Everything that stops `action` on an assessment in its current state, all at once."""
    problems: list[str] = []
    if action == "submit":
        if counts.self_missing:
            problems.append(_listed(UNSCORED_SELF, counts.self_missing))
        if counts.evidence_missing:
            problems.append(_listed(MISSING_EVIDENCE, counts.evidence_missing))
    elif action == "request_explanation":
        if counts.round1_missing:
            problems.append(_listed(UNAPPRAISED_1, counts.round1_missing))
    elif action == "lock":
        if counts.final_missing:
            problems.append(_listed(UNAPPRAISED_FINAL, counts.final_missing))
        if assessment.criteria_set.has_survey and counts.survey_missing:
            problems.append(_listed(NO_SURVEY, counts.survey_missing))
    return problems


def _transition_target(assessment: Assessment, action: str) -> tuple[str, list[str]]:
    """The state `action` leads to from the assessment's state, or the reason it cannot."""
    label = ACTION_LABELS[action]
    if action == "unlock":
        if assessment.state == S.PUBLISHED:
            return "", [str(UNLOCK_PUBLISHED)]
        if assessment.state == S.LOCKED:
            # Back to the council's last round: the scores stay, the council corrects them.
            return S.APPRAISAL_2, []
    else:
        transition = services.TRANSITIONS[action]
        if assessment.state in transition.source:
            return transition.target, []
    state = S(assessment.state).label
    return "", [str(WRONG_STATE % {"state": state, "action": label})]


def _may(user: User, assessment: Assessment, action: str) -> bool:
    if action == "unlock":
        return user.is_provincial_admin
    return services._may(user, assessment, services.TRANSITIONS[action].who)


def plan(
    *,
    assessments: Sequence[Assessment],
    action: str,
    by: User,
    reason: str = "",
) -> list[UnitOutcome]:
    """What `action` would do to each assessment (nothing is written). Two queries."""
    if action not in ACTIONS or action in SET_ACTIONS:
        raise services.ScoringError(UNKNOWN_ACTION % {"action": action})
    counts = leaf_counts(a.pk for a in assessments)
    outcomes = []
    for a in assessments:
        outcome = UnitOutcome(unit=a.unit, assessment=a)
        if not _may(by, a, action):
            outcome.problems.append(str(NOT_ALLOWED % {"action": ACTION_LABELS[action]}))
        else:
            outcome.target, outcome.problems = _transition_target(a, action)
            if not outcome.problems:
                outcome.problems = guard_problems(a, action, counts.get(a.pk, LeafCounts()))
            if action in REASON_ACTIONS and not reason.strip() and not outcome.problems:
                outcome.problems.append(str(REASON_REQUIRED % {"action": ACTION_LABELS[action]}))
        outcome.status = REFUSED if outcome.problems else DONE
        outcomes.append(outcome)
    return outcomes


@transaction.atomic
def apply(
    *,
    assessments: Sequence[Assessment],
    action: str,
    by: User,
    reason: str = "",
) -> list[UnitOutcome]:
    """Do `action` on every assessment its guards let through; the others are left unchanged
    and come back refused with all their problems. Each move is kept in the assessment's
    history with its author (and the reason, for an unlock)."""
    ids = [a.pk for a in assessments]
    # Lock the rows and re-read the states: a page may have been loaded before a colleague acted.
    locked = {
        a.pk: a
        for a in Assessment.objects.select_for_update(of=("self",))
        .select_related("unit", "criteria_set")
        .filter(pk__in=ids)
    }
    current = [locked[pk] for pk in ids if pk in locked]
    outcomes = plan(assessments=current, action=action, by=by, reason=reason)
    moved = []
    now = timezone.now()
    for outcome in outcomes:
        if outcome.ok and outcome.assessment is not None:
            outcome.assessment.state = outcome.target
            outcome.assessment.updated_at = now  # bulk_update skips auto_now
            moved.append(outcome.assessment)
    if moved:
        bulk_update_with_history(
            moved,
            Assessment,
            ["state", "updated_at"],
            default_user=by,
            default_change_reason=reason.strip() or str(ACTION_LABELS[action]),
        )
        record_each(
            action=Action.TRANSITION,
            actor=by,
            items=[
                (a.unit_id, f"{a.unit} · {a.criteria_set}", f"{action} → {a.state}") for a in moved
            ],
        )
        _notify(action, moved, by=by)
    return outcomes


# Who hears of a move: the unit's staff when the province acts, the province when the unit does.
_NOTICES = {
    "submit": (kinds.ASSESSMENT_SUBMITTED, "province"),
    "request_explanation": (kinds.EXPLANATION_REQUESTED, "unit"),
    "submit_explanation": (kinds.EXPLANATION_SUBMITTED, "province"),
    "lock": (kinds.ASSESSMENT_LOCKED, "unit"),
    "publish": (kinds.ASSESSMENT_PUBLISHED, "unit"),
}
_PROVINCE = (Role.PROVINCIAL_ADMIN, Role.PROVINCIAL_INSPECTOR)


def _notify(action: str, assessments: Sequence[Assessment], *, by: User) -> None:
    """Notifications of a move, for those who may open the assessment (a fixed number of
    queries however many assessments moved)."""
    if action not in _NOTICES:
        return
    kind, audience = _NOTICES[action]
    notify(
        kind=kind,
        notices=[
            Notice(
                target=a,
                unit=a.unit,
                staff=audience == "unit",
                roles=_PROVINCE if audience == "province" else (),
                params={"unit": a.unit.name, "set": a.criteria_set.name},
                url=reverse("scoring:assessment_detail", args=[a.pk]),
                actor=by.pk,
            )
            for a in assessments
        ],
    )


def remind_late(*, criteria_set: CriteriaSet, phase: str, by: User) -> list[Assessment]:
    """Remind the units late in `phase`: the reminder is recorded (services) and their staff
    are notified, at most once a day per phase (the notice's key)."""
    reminded = services.assessment_remind_late(criteria_set=criteria_set, phase=phase, by=by)
    today = timezone.localdate()
    deadline = criteria_set.deadline(phase, today)
    with translation.override(settings.LANGUAGE_CODE):  # the msgid, translated when shown
        phase_label = str(Phase(phase).label).lower()
    notify(
        kind=kinds.DEADLINE_REMINDER,
        notices=[
            Notice(
                target=a,
                unit=a.unit,
                staff=True,
                params={
                    "unit": a.unit.name,
                    "set": criteria_set.name,
                    "phase": phase_label,
                    "due": deadline.due_on.strftime("%d/%m/%Y") if deadline else "",
                },
                key=f"remind:{phase}:{today.isoformat()}",
                url=reverse("scoring:assessment_detail", args=[a.pk]),
                actor=by.pk,
            )
            for a in reminded
        ],
    )
    return reminded


def transition(*, assessment_id: int, action: str, by: User, reason: str = "") -> Assessment:
    """One assessment's transition; ScoringError listing every problem when refused."""
    assessment = Assessment.objects.select_related("unit", "criteria_set").get(pk=assessment_id)
    [outcome] = apply(assessments=[assessment], action=action, by=by, reason=reason)
    if not outcome.ok:
        if str(NOT_ALLOWED % {"action": ACTION_LABELS[action]}) in outcome.problems:
            raise PermissionDenied(outcome.message)
        raise services.ScoringError(
            _("Không thể %(action)s: %(problems)s.")
            % {"action": ACTION_LABELS[action], "problems": outcome.message}
        )
    assert outcome.assessment is not None
    return outcome.assessment


# --------------------------------------------------------------------------- whole sets


def set_units(criteria_set: CriteriaSet) -> list[AdministrativeUnit]:
    """The units a set assesses: its level, within its province, existing at its year's end."""
    from units.resolver import year_end

    return list(
        AdministrativeUnit.objects.subtree_of(criteria_set.province)
        .filter(level=criteria_set.level)
        .valid_on(year_end(criteria_set.year))
        .order_by("code")
    )


def set_assessments(
    criteria_set: CriteriaSet, units: Sequence[AdministrativeUnit] | None = None
) -> list[Assessment]:
    qs = criteria_set.assessments.select_related("unit", "criteria_set").order_by("unit__code")
    if units is not None:
        qs = qs.filter(unit__in=list(units))
    return list(qs)


def run(
    *,
    criteria_set: CriteriaSet,
    action: str,
    by: User,
    units: Sequence[AdministrativeUnit] | None = None,
    reason: str = "",
    dry_run: bool = False,
) -> list[UnitOutcome]:
    """`action` for the units of a set (all of them when `units` is None), one outcome per
    unit, refusals with every problem. Publish and unpublish act on the whole set: they are
    refused as a whole (each unit not locked named) or done for every unit."""
    if action not in ACTIONS:
        raise services.ScoringError(UNKNOWN_ACTION % {"action": action})
    if action == "open":
        return _open(criteria_set=criteria_set, by=by, units=units, dry_run=dry_run)
    if action in ("publish", "unpublish"):
        return _publication(
            criteria_set=criteria_set, action=action, by=by, reason=reason, dry_run=dry_run
        )
    assessments = set_assessments(criteria_set, units)
    outcomes = (plan if dry_run else apply)(
        assessments=assessments, action=action, by=by, reason=reason
    )
    if units is not None:
        have = {a.unit_id for a in assessments}
        outcomes += [
            UnitOutcome(unit=u, assessment=None, status=REFUSED, problems=[str(NO_ASSESSMENT)])
            for u in units
            if u.pk not in have
        ]
    return outcomes


def _open(
    *,
    criteria_set: CriteriaSet,
    by: User,
    units: Sequence[AdministrativeUnit] | None,
    dry_run: bool,
) -> list[UnitOutcome]:
    if not by.is_provincial_admin:
        raise PermissionDenied
    targets = list(units) if units is not None else set_units(criteria_set)
    existing = set(criteria_set.assessments.values_list("unit_id", flat=True))
    outcomes = []
    with transaction.atomic():
        for unit in targets:
            if unit.pk in existing:
                outcomes.append(
                    UnitOutcome(
                        unit=unit, assessment=None, status=SKIPPED, problems=[str(ALREADY_EXISTS)]
                    )
                )
                continue
            assessment = None
            if not dry_run:
                assessment = services.assessment_ensure(criteria_set=criteria_set, unit=unit)
            outcomes.append(UnitOutcome(unit=unit, assessment=assessment, target=S.OPEN))
    return outcomes


def _publication(
    *, criteria_set: CriteriaSet, action: str, by: User, reason: str, dry_run: bool
) -> list[UnitOutcome]:
    if not by.is_provincial_admin:
        raise PermissionDenied
    assessments = set_assessments(criteria_set)
    if action == "publish":
        outcomes = [
            UnitOutcome(
                unit=a.unit,
                assessment=a,
                status=DONE if a.state == S.LOCKED else REFUSED,
                problems=[] if a.state == S.LOCKED else [str(NOT_LOCKED)],
                target=S.PUBLISHED,
            )
            for a in assessments
        ]
        refused = any(not o.ok for o in outcomes)
        if criteria_set.publications.current().exists():
            refused = True
            for o in outcomes:
                o.status, o.problems = REFUSED, [str(services.ALREADY_PUBLISHED)]
        if refused:
            for o in outcomes:
                if o.ok:  # publication is all or nothing: the locked ones wait for the others
                    o.status = SKIPPED
            return outcomes
        if not dry_run and assessments:
            services.ranking_publish(criteria_set=criteria_set, by=by)
            _notify("publish", assessments, by=by)
        return outcomes
    outcomes = [
        UnitOutcome(unit=a.unit, assessment=a, target=S.LOCKED)
        if a.state == S.PUBLISHED
        else UnitOutcome(unit=a.unit, assessment=a, status=SKIPPED)
        for a in assessments
    ]
    problems = []
    if not reason.strip():
        problems.append(str(REASON_REQUIRED % {"action": ACTION_LABELS[action]}))
    if not criteria_set.publications.current().exists():
        problems.append(str(services.NOT_PUBLISHED))
    if problems:
        for o in outcomes:
            o.status, o.problems = REFUSED, list(problems)
        return outcomes
    if not dry_run:
        services.ranking_unpublish(criteria_set=criteria_set, by=by, reason=reason)
    return outcomes
