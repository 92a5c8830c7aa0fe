"""Reads for inspection pages, exports and reports: fixed query counts whatever the row count."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cchc_portal.document import in_sentence, place_name
from cchc_portal.templatetags.portal import num
from inspections.choices import FindingKind, InspectionState, MemberRole, RecommendationState
from inspections.models import (
    ChecklistResult,
    ChecklistTemplate,
    Finding,
    Inspection,
    InspectionPlan,
    Recommendation,
    TeamMember,
)
from procedures.selectors import dossier_stats
from scoring.choices import AssessmentState
from scoring.models import Assessment
from scoring.selectors import FixImpact, fix_impact

if TYPE_CHECKING:
    from collections.abc import Iterator

    from django.db.models import QuerySet

    from units.models import User
    from units.querysets import AnyUser


def _fmt(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def plans_with_progress(qs: QuerySet[InspectionPlan]) -> QuerySet[Any]:
    """Plans annotated with planned (targets) and inspected (concluded or closed) counts.

    Rows typed Any: django-stubs loses annotate()'s fields (WithAnnotations) on the way through
    `get_visible_or_404`, and a plain InspectionPlan has no `planned` for the type checker."""
    return qs.select_related("issuer").annotate(
        planned=Count("targets", distinct=True),
        inspected=Count(
            "inspections",
            filter=Q(inspections__state__in=[InspectionState.CONCLUDED, InspectionState.CLOSED]),
            distinct=True,
        ),
    )


def plan_targets(plan: InspectionPlan) -> list[Any]:
    """The plan's targets, each with `inspection`: the inspection made for it (same unit and
    body), or None. 2 queries."""
    from inspections.models import PlanTarget

    made = {
        (i.unit_id, i.body): i
        for i in plan.inspections.only("pk", "unit_id", "body", "state", "held_on", "plan_id")
    }
    targets = list(PlanTarget.objects.filter(plan=plan).select_related("unit"))
    for target in targets:
        target.inspection = made.get((target.unit_id, target.body))  # type: ignore[attr-defined]
    return targets


def inspection_for_page(qs: QuerySet[Inspection], pk: int) -> Inspection | None:
    """One inspection with everything its page shows, in a fixed number of queries."""
    return (
        qs.select_related("plan__issuer", "team", "unit", "assessment", "concluded_by")
        .prefetch_related(
            Prefetch("team__members", queryset=TeamMember.objects.order_by("position_order")),
            Prefetch(
                "checklist",
                queryset=ChecklistResult.objects.select_related(
                    "content", "template_item"
                ).prefetch_related("photos"),
            ),
            Prefetch(
                "findings",
                queryset=Finding.objects.select_related("criterion").prefetch_related("photos"),
            ),
            Prefetch(
                "recommendations",
                queryset=Recommendation.objects.select_related(
                    "responsible_unit", "responsible_person", "finding"
                ),
            ),
            "dossier_checks__dossier",
            "sites",
            "reopenings__by",
        )
        .filter(pk=pk)
        .first()
    )


def _count(value: int) -> str:
    return str(num(value, 0))


def _rate(value: Decimal | None) -> str:
    return "–" if value is None else f"{num(value * 100)} %"


def unit_statistics(inspection: Inspection) -> list[list[str]]:
    """The inspected unit's dossier figures for the inspected period (with its communes), as
    [label, value] rows: computed from the dossiers, never typed. One aggregate query."""
    s = dossier_stats(
        units=[inspection.unit],
        start=inspection.period_start,
        end=inspection.period_end,
        include_descendants=True,
    )[inspection.unit_id]
    if not (s.received or s.carried_over):
        return []
    return [
        [_("Hồ sơ kỳ trước chuyển sang"), _count(s.carried_over)],
        [
            _("Hồ sơ tiếp nhận trong kỳ"),
            _("%(total)s (trực tiếp %(direct)s, trực tuyến %(online)s, bưu chính %(postal)s)")
            % {
                "total": _count(s.received),
                "direct": _count(s.received_in_person),
                "online": _count(s.received_online),
                "postal": _count(s.received_postal),
            },
        ],
        [
            _("Đã giải quyết"),
            _("%(total)s (trước hạn %(early)s, đúng hạn %(on_time)s, quá hạn %(late)s)")
            % {
                "total": _count(s.finished),
                "early": _count(s.finished_early),
                "on_time": _count(s.finished_on_time),
                "late": _count(s.finished_late),
            },
        ],
        [
            _("Đang giải quyết"),
            _("%(total)s (trong hạn %(ok)s, quá hạn %(overdue)s)")
            % {
                "total": _count(s.in_progress_on_time + s.in_progress_overdue),
                "ok": _count(s.in_progress_on_time),
                "overdue": _count(s.in_progress_overdue),
            },
        ],
        [_("Tỷ lệ giải quyết đúng hạn"), _rate(s.on_time_rate)],
        [_("Tỷ lệ hồ sơ trực tuyến"), _rate(s.online_rate)],
        [_("Tỷ lệ số hóa kết quả"), _rate(s.digitised_result_rate)],
        [_("Tỷ lệ thanh toán trực tuyến"), _rate(s.paid_online_rate)],
    ]


def frozen_statistics(inspection: Inspection) -> list[list[str]] | None:
    """The dossier figures the conclusion notice printed (no query), or None while the
    inspection is open: the page then loads the live figures after it (`unit_statistics`)."""
    snapshot = inspection.report_snapshot or {}
    if "statistics" not in snapshot:
        return None
    return [list(row) for row in snapshot["statistics"] or []]


def findings_impact(inspection: Inspection, *, user: User) -> FixImpact | None:
    """What the limitations linked to criteria cost the unit, and, for provincial roles, its
    index and rank now and if fixed.

    Compared on the inspection's own assessment (index appraisal visit), else the unit's latest
    assessment that has been appraised; criteria are matched by code in that set. Unit staff
    get only the points their own unit loses: an index and rank here come from the other
    units' live, unpublished scores, which only the province may read before publication.
    """
    codes = [
        code
        for code in inspection.findings.filter(
            kind=FindingKind.LIMITATION, criterion__isnull=False
        ).values_list("criterion__code", flat=True)
    ]
    if not codes:
        return None
    assessment = inspection.assessment
    if assessment is None:
        assessment = (
            Assessment.objects.filter(unit_id=inspection.unit_id)
            .exclude(state__in=[AssessmentState.OPEN, AssessmentState.SELF_ASSESSED])
            .select_related("criteria_set")
            .order_by("-criteria_set__year")
            .first()
        )
    if assessment is None:
        return None
    return fix_impact(
        assessment=assessment, criterion_codes=codes, with_standing=user.is_provincial
    )


def report_content(inspection: Inspection, *, minutes_number: str = "") -> dict[str, Any]:
    """The conclusion notice is an official Vietnamese document: its text and numbers are
    Vietnamese whatever language the inspector's screen is in."""
    with translation.override(settings.LANGUAGE_CODE):
        return _report_content(inspection, minutes_number)


def _report_content(inspection: Inspection, minutes_number: str = "") -> dict[str, Any]:
    """What the conclusion notice and the minutes say, as plain JSON-able data (frozen at
    conclusion)."""
    found = inspection_for_page(Inspection.objects.all(), inspection.pk)
    assert found is not None
    inspection = found
    plan = inspection.plan
    issuer = plan.issuer
    members = list(inspection.team.members.all())
    findings = list(inspection.findings.all())
    issuer_body = plan.issuer_name or f"UBND {in_sentence(issuer.name)}"
    return {
        "issuer_parent": (f"UBND {issuer.name.upper()}" if plan.issuer_name else ""),
        "issuer": issuer_body.upper(),
        "issuer_body": issuer_body,
        "issuer_is_ubnd": not plan.issuer_name,
        "place": place_name(issuer.name),
        "notice_number": inspection.notice_number,
        "minutes_number": minutes_number,
        "concluded_on": (
            timezone.localdate(inspection.concluded_at)
            if inspection.concluded_at
            else timezone.localdate()
        ).isoformat(),
        "visit_date": inspection.visit_date.isoformat(),
        "unit_in_sentence": (
            f"{inspection.body} – {in_sentence(inspection.unit.name)}"
            if inspection.body
            else in_sentence(inspection.unit.name)
        ),
        "place_date": f"ngày {inspection.visit_date:%d} tháng {inspection.visit_date:%m} "
        f"năm {inspection.visit_date:%Y}",
        "plan": {
            "number": plan.number,
            "issued_on": _fmt(plan.issued_on),
            "title": plan.title,
        },
        "kind": inspection.get_kind_display(),
        "unit": inspection.inspected_name,
        "sites": [s.name for s in inspection.sites.all()],
        "held_on": _fmt(inspection.held_on),
        "period_start": _fmt(inspection.period_start),
        "period_end": _fmt(inspection.period_end),
        "team": {
            "name": inspection.team.name,
            "decision_number": inspection.team.decision_number,
            "decision_date": _fmt(inspection.team.decision_date),
            "members": [
                {
                    "name": m.name,
                    "position": m.position,
                    "organisation": m.organisation,
                    "role": m.get_role_display(),
                    "is_head": m.role == MemberRole.HEAD,
                }
                for m in members
            ],
        },
        "representatives": [
            line.strip() for line in inspection.representatives.splitlines() if line.strip()
        ],
        "unit_opinion": [
            line.strip() for line in inspection.unit_opinion.splitlines() if line.strip()
        ],
        "checklist": [
            {
                "content": r.text,
                "outcome": r.get_outcome_display() if r.outcome else "",
                "note": r.note,
            }
            for r in inspection.checklist.all()
        ],
        "strengths": [f.text for f in findings if f.kind == FindingKind.STRENGTH],
        "limitations": [
            {
                "text": f.text,
                "criterion": f"{f.criterion.code}. {f.criterion.title}" if f.criterion else "",
            }
            for f in findings
            if f.kind == FindingKind.LIMITATION
        ],
        "recommendations": [
            {"text": r.text, "unit": r.responsible_unit.name, "due_on": _fmt(r.due_on)}
            for r in inspection.recommendations.all()
        ],
        "statistics": unit_statistics(inspection),
        "dossier_checks": [
            {
                "code": c.dossier.code,
                "result": c.get_result_display() if c.result else "",
                "note": c.note,
            }
            for c in inspection.dossier_checks.all()
        ],
        "head": next(
            (
                {"name": m.name, "position": m.position}
                for m in members
                if m.role == MemberRole.HEAD
            ),
            None,
        ),
        "recipients": [
            inspection.inspected_name,
            *[s.name for s in inspection.sites.all() if s.pk != inspection.unit_id],
            _("Thành viên đoàn kiểm tra"),
            _("Lưu: VT"),
        ],
    }


def report_for(inspection: Inspection) -> tuple[dict[str, Any], bool]:
    """(content, is_final): the frozen snapshot once concluded, else a live draft."""
    if inspection.report_snapshot and inspection.state in (
        InspectionState.CONCLUDED,
        InspectionState.CLOSED,
    ):
        return inspection.report_snapshot, True
    return report_content(inspection), False


def plan_content(plan: InspectionPlan) -> dict[str, Any]:
    """What the plan document says, as plain JSON-able data (frozen when the plan is issued).
    Vietnamese whatever the screen's language: it is an official document. 4 queries."""
    with translation.override(settings.LANGUAGE_CODE):
        return _plan_content(plan)


def _plan_content(plan: InspectionPlan) -> dict[str, Any]:
    import dataclasses

    from documents.selectors import signature_of

    issuer = plan.issuer
    signature = signature_of(issuer, plan.issuer_name) if plan.issuer_name else None
    return {
        "number": plan.number,
        "issued_on": plan.issued_on.isoformat() if plan.issued_on else "",
        "year": plan.year,
        "issuer_name": plan.issuer_name,
        "issuer_unit": issuer.name,
        "title": plan.title,
        "purpose": [line.strip() for line in plan.purpose.splitlines() if line.strip()],
        "period_start": _fmt(plan.period_start),
        "period_end": _fmt(plan.period_end),
        "contents": [c.text for c in plan.contents.all()],
        "targets": [
            {"unit": t.unit.name, "body": t.body, "scheduled_on": _fmt(t.scheduled_on)}
            for t in plan.targets.select_related("unit")
        ],
        "signature": dataclasses.asdict(signature) if signature else None,
    }


def plan_for(plan: InspectionPlan) -> tuple[dict[str, Any], bool]:
    """(content, is_final): the snapshot frozen at issue, else the live plan as a draft."""
    if plan.issued_snapshot:
        return plan.issued_snapshot, True
    return plan_content(plan), False


def tracker_rows(qs: QuerySet[Recommendation], today: dt.date) -> Iterator[list[Any]]:
    """Rows of the recommendations tracker export, streamed in chunks."""
    for rec in qs.iterator(chunk_size=2000):
        concluded = rec.inspection.concluded_at
        verified = rec.verified_at
        yield [
            rec.responsible_unit.name,
            str(rec.inspection),
            timezone.localdate(concluded) if concluded else None,
            rec.finding.text if rec.finding else "",
            rec.text,
            rec.due_on,
            rec.get_state_display(),
            rec.days_overdue(today),
            timezone.localdate(verified) if verified else None,
        ]


def dashboard_counts(user: AnyUser, today: dt.date | None = None) -> dict[str, int]:
    """Counts of the user's recommendations not yet verified, for both sides' dashboards and
    the tracker: `open` (all of them), `overdue`, `not_reported` (nothing reported yet),
    `reported` (waiting for the inspector's verification) and `sent_back` (the unit must
    report again). One query."""
    from django.utils import timezone

    today = today or timezone.localdate()
    return (
        Recommendation.objects.visible_to(user)
        .open()
        .aggregate(
            open=Count("pk"),
            overdue=Count("pk", filter=Q(due_on__lt=today)),
            not_reported=Count("pk", filter=Q(state=RecommendationState.OPEN)),
            reported=Count("pk", filter=Q(state=RecommendationState.REPORTED)),
            sent_back=Count("pk", filter=Q(state=RecommendationState.SENT_BACK)),
        )
    )


def plan_inspection_rows(plan: InspectionPlan) -> Iterator[list[Any]]:
    qs = (
        plan.inspections.select_related("unit", "team")
        .annotate(
            n_findings=Count("findings", distinct=True),
            n_recommendations=Count("recommendations", distinct=True),
        )
        .order_by("scheduled_on", "pk")
    )
    for insp in qs.iterator(chunk_size=500):
        # django-stubs drops annotate()'s fields through a model's own QuerySet class, hence
        # the two ignores: the counts are there (annotated just above).
        yield [
            insp.unit.code,
            insp.inspected_name,
            insp.get_kind_display(),
            insp.scheduled_on,
            insp.held_on,
            insp.team.name,
            insp.get_state_display(),
            insp.n_findings,  # type: ignore[attr-defined]
            insp.n_recommendations,  # type: ignore[attr-defined]
        ]


@dataclass(frozen=True)
class CalendarEntry:
    """One visit on the calendar: an inspection (held, or planned) or a plan target that has no
    inspection yet."""

    day: dt.date
    label: str
    url: str
    held: bool
    state: str


@dataclass(frozen=True)
class CalendarMonth:
    first: dt.date
    weeks: list[list[tuple[dt.date, list[CalendarEntry]]]]  # Monday first, days of the grid
    days_with_entries: list[tuple[dt.date, list[CalendarEntry]]]
    previous: dt.date
    next: dt.date
    count: int


def calendar_month(user: AnyUser, *, year: int, month: int) -> CalendarMonth:
    """The month's planned and held inspections visible to the user, and the targets of their
    visible plans not yet given an inspection: 2 queries whatever the month holds."""
    import calendar

    from django.urls import reverse

    from inspections.models import PlanTarget

    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    entries: dict[dt.date, list[CalendarEntry]] = {}
    seen: set[tuple[int, int, str]] = set()
    inspections = (
        Inspection.objects.visible_to(user)
        .filter(
            Q(held_on__range=(first, last))
            | Q(held_on__isnull=True, scheduled_on__range=(first, last))
        )
        .select_related("unit")
        .order_by("held_on", "scheduled_on", "pk")
    )
    for insp in inspections:
        seen.add((insp.plan_id, insp.unit_id, insp.body))
        entries.setdefault(insp.visit_date, []).append(
            CalendarEntry(
                day=insp.visit_date,
                label=insp.inspected_name,
                url=insp.get_absolute_url(),
                held=insp.held_on is not None,
                state=insp.get_state_display(),
            )
        )
    targets = (
        PlanTarget.objects.filter(
            plan__in=InspectionPlan.objects.visible_to(user), scheduled_on__range=(first, last)
        )
        .select_related("unit")
        .order_by("scheduled_on", "pk")
    )
    for target in targets:
        if (target.plan_id, target.unit_id, target.body) in seen:
            continue
        name = f"{target.body} – {target.unit.name}" if target.body else target.unit.name
        entries.setdefault(target.scheduled_on, []).append(
            CalendarEntry(
                day=target.scheduled_on,
                label=name,
                url=reverse("inspections:plan_detail", args=[target.plan_id]),
                held=False,
                state=_("Theo kế hoạch"),
            )
        )
    grid = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    weeks = [[(day, entries.get(day, [])) for day in week] for week in grid]
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = last + dt.timedelta(days=1)
    return CalendarMonth(
        first=first,
        weeks=weeks,
        days_with_entries=sorted(entries.items()),
        previous=previous,
        next=following,
        count=sum(len(v) for v in entries.values()),
    )


def checklist_templates() -> QuerySet[ChecklistTemplate]:
    """Templates with `item_count` and `used_by` (inspections made from them): one query."""
    return ChecklistTemplate.objects.select_related("previous").annotate(
        item_count=Count("items", distinct=True),
        used_by=Count("items__results__inspection", distinct=True),
    )
