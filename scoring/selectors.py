"""Reads for scoring pages and exports, each a fixed number of queries whatever the row count.

All points, subtotals, indices, grades and ranks come from `scoring.index`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from scoring import history, index
from scoring.choices import AssessmentState, Component
from scoring.metrics import metric_values
from scoring.models import (
    Assessment,
    CriteriaSet,
    Criterion,
    CriterionScore,
    Evidence,
    ExplanationMessage,
    PublishedRanking,
    PublishedResult,
)
from units.models import AdministrativeUnit, UnitLineage
from units.querysets import province_scope_q

if TYPE_CHECKING:
    from scoring.querysets import PublishedRankingQuerySet
    from units.querysets import AnyUser


def criteria_nodes(criteria: list[Criterion]) -> list[index.Node[int]]:
    return [index.Node(c.pk, c.parent_id, c.max_points, c.component) for c in criteria]


def tree_order(criteria: list[Criterion]) -> list[Criterion]:
    """Criteria depth first (1, 1.1, 1.1.1, 1.2, 2 …) by position."""
    kids: dict[Any, list[Criterion]] = {}
    for c in criteria:
        kids.setdefault(c.parent_id, []).append(c)
    out: list[Criterion] = []

    def walk(parent: Any) -> None:
        for c in sorted(kids.get(parent, []), key=lambda c: (c.position, c.code)):
            out.append(c)
            walk(c.pk)

    walk(None)
    return out


def unit_result(
    criteria_set: CriteriaSet,
    nodes: list[index.Node[int]],
    points: dict[int, Decimal | None],
    *,
    bonus: Decimal,
    penalty: Decimal,
) -> index.IndexResult:
    """The index of one unit from its leaf points (appraised for appraisal leaves, survey
    points for survey leaves)."""
    appraisal = index.component_total(nodes, points, Component.APPRAISAL)
    survey = (
        index.component_total(nodes, points, Component.SURVEY) if criteria_set.has_survey else None
    )
    return index.par_index(
        appraisal=appraisal,
        survey=survey,
        bonus=bonus,
        penalty=penalty,
        bonus_cap=criteria_set.bonus_cap,
        penalty_cap=criteria_set.penalty_cap,
        appraisal_max=criteria_set.appraisal_max,
    )


# --------------------------------------------------------------------------- score sheet


@dataclass
class SheetRow:
    criterion: Criterion
    score: CriterionScore | None
    self_total: Decimal
    appraised_total: Decimal
    survey_total: Decimal
    metric_value: Decimal | None = None
    suggested: Decimal | None = None
    findings: list[str] = field(default_factory=list)
    appraised_any: bool = False

    @property
    def difference(self) -> Decimal | None:
        """Appraised minus self (leaves with both, and areas), rounded for display."""
        if self.score is not None:
            if self.score.appraised_score is None or self.score.self_score is None:
                return None
            return index.round2(self.score.appraised_score - self.score.self_score)
        if not self.appraised_any:
            return None  # nothing appraised below this node yet: no difference to show
        return index.round2(self.appraised_total - self.self_total)


@dataclass
class Sheet:
    assessment: Assessment
    rows: list[SheetRow]
    result: index.IndexResult
    self_result: index.IndexResult
    grade: str
    missing_evidence: list[Criterion] = field(default_factory=list)
    self_grade: str = ""

    @property
    def self_assessed(self) -> bool:
        """Before appraisal the figure to show is the unit's own: the appraised one is blank."""
        return self.assessment.state in (AssessmentState.OPEN, AssessmentState.SELF_ASSESSED)

    @property
    def headline(self) -> tuple[str, index.IndexResult, str]:
        """(label, result, grade) of the sheet's index, saying which figure it is: the
        self-assessed index, the provisional appraised index, or the published index."""
        if self.self_assessed:
            return (
                _("Chỉ số tự đánh giá"),
                self.self_result,
                self._grade_or_progress(self.self_grade),
            )
        if self.assessment.state == AssessmentState.PUBLISHED:
            return _("Chỉ số đã công bố"), self.result, self.grade
        return _("Chỉ số thẩm định (tạm tính)"), self.result, self._grade_or_progress(self.grade)

    @property
    def unscored(self) -> tuple[int, int]:
        """(leaves without a value in the current round, leaves): the self-score of appraisal
        leaves while the unit assesses itself (survey leaves are not the unit's), the counted
        value during appraisal (appraised, or survey points) — a blank is not a 0."""
        leaves = [r.score for r in self.rows if r.criterion.is_leaf and r.score is not None]
        if self.self_assessed:
            own = [s for s in leaves if s.criterion.component == Component.APPRAISAL]
            return sum(1 for s in own if s.self_score is None), len(own)
        return sum(1 for s in leaves if s.points() is None), len(leaves)

    @property
    def round_progress(self) -> tuple[str, int, int] | None:
        """(round, leaves still blank in it, appraisal leaves) for the sheet's counter: the
        self-assessment, round 1 or round 2 (a blank round-2 cell keeps round 1 in the totals,
        as the domain says, but the counter shows what the council has not looked at)."""
        state = self.assessment.state
        field = {
            AssessmentState.OPEN: "self_score",
            AssessmentState.APPRAISAL_1: "round1_score",
            AssessmentState.APPRAISAL_2: "round2_score",
        }.get(AssessmentState(state))
        if field is None:
            return None
        own = [
            r.score
            for r in self.rows
            if r.criterion.is_leaf
            and r.score is not None
            and r.criterion.component == Component.APPRAISAL
        ]
        label = {
            "self_score": _("tự đánh giá"),
            "round1_score": _("thẩm định vòng 1"),
            "round2_score": _("thẩm định vòng 2"),
        }[field]
        return label, sum(1 for s in own if getattr(s, field) is None), len(own)

    def _grade_or_progress(self, grade: str) -> str:
        """A grade only once every leaf of the round has a value: "Yếu" for a sheet half filled
        in says nothing about the unit."""
        if self.assessment.state in (AssessmentState.LOCKED, AssessmentState.PUBLISHED):
            return grade
        blank, leaves = self.unscored
        if not blank:
            return grade
        return _("còn %(n)s/%(m)s tiêu chí chưa chấm") % {"n": blank, "m": leaves}


def _inspection_findings(assessment: Assessment) -> dict[int, list[str]]:
    """{criterion id: [limitation texts]} that inspections of this unit linked to the set's
    criteria. The inspections app sits above scoring and adds the reverse relation
    `Criterion.findings`; it is reached through the relation, never imported. One query."""
    relation = getattr(Criterion, "findings", None)
    if relation is None:
        return {}
    finding_model = relation.rel.related_model
    found: dict[int, list[str]] = {}
    for criterion_id, text in finding_model.objects.filter(
        criterion__criteria_set_id=assessment.criteria_set_id,
        inspection__unit_id=assessment.unit_id,
    ).values_list("criterion_id", "text"):
        found.setdefault(criterion_id, []).append(text)
    return found


def score_sheet(*, assessment: Assessment) -> Sheet:
    """The criteria tree with the assessment's scores, subtotals per node and the index
    (a fixed number of queries: criteria, findings, scores, evidence, thread messages, the
    metrics; nothing per row)."""
    criteria_set = assessment.criteria_set
    criteria = tree_order(list(Criterion.objects.filter(criteria_set=criteria_set)))
    findings = _inspection_findings(assessment)
    scores = {
        s.criterion_id: s
        for s in CriterionScore.objects.filter(assessment=assessment)
        .select_related("criterion", "updated_by")
        .prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at")),
            Prefetch("messages", queryset=ExplanationMessage.objects.order_by("created_at", "pk")),
        )
    }
    nodes = criteria_nodes(criteria)
    self_points = {k: s.self_score for k, s in scores.items()}
    appraised = {k: s.appraised_score for k, s in scores.items()}
    survey = {k: s.survey_points for k, s in scores.items()}
    counted = {k: s.points() for k, s in scores.items()}
    self_totals = index.subtotals(nodes, self_points)
    appraised_totals = index.subtotals(nodes, appraised)
    survey_totals = index.subtotals(nodes, survey)
    # Counting nodes as 1-point leaves tells which parents have any appraised leaf below them.
    count_nodes = [index.Node(n.key, n.parent, Decimal(10**6), n.component) for n in nodes]
    appraised_counts = index.subtotals(
        count_nodes, {k: Decimal(1) for k, v in appraised.items() if v is not None}
    )
    metrics = metric_values(assessment=assessment)
    rows = []
    for c in criteria:
        row = SheetRow(
            criterion=c,
            score=scores.get(c.pk) if c.is_leaf else None,
            self_total=index.round2(self_totals.get(c.pk, index.ZERO)),
            appraised_total=index.round2(appraised_totals.get(c.pk, index.ZERO)),
            survey_total=index.round2(survey_totals.get(c.pk, index.ZERO)),
            appraised_any=appraised_counts.get(c.pk, index.ZERO) > 0,
        )
        row.findings = findings.get(c.pk, [])
        if c.pk in metrics:
            row.metric_value = metrics[c.pk]
            row.suggested = index.round2(
                index.leaf_points(c.rule, c.rule_params, c.max_points, metrics[c.pk])
            )
        rows.append(row)
    result = unit_result(
        criteria_set,
        nodes,
        counted,
        bonus=assessment.bonus_points,
        penalty=assessment.penalty_points,
    )
    self_counted = {
        k: (s.self_score if s.criterion.component == Component.APPRAISAL else s.survey_points)
        for k, s in scores.items()
    }
    self_result = unit_result(
        criteria_set, nodes, self_counted, bonus=index.ZERO, penalty=index.ZERO
    )
    missing = [
        c
        for c in criteria
        if c.is_leaf
        and c.evidence_required
        and c.pk in scores
        and not scores[c.pk].evidence.all()
        and not scores[c.pk].self_note.strip()
        and not scores[c.pk].not_applicable  # its reason is the written note
    ]
    return Sheet(
        assessment=assessment,
        rows=rows,
        result=result,
        self_result=self_result,
        grade=index.grade(result.index, criteria_set.thresholds()),
        missing_evidence=missing,
        self_grade=index.grade(self_result.index, criteria_set.thresholds()),
    )


def missing_evidence(*, assessment: Assessment) -> list[Criterion]:
    """Leaves that require evidence and have neither a file nor a written note (1 query)."""
    return list(
        Criterion.objects.filter(
            scores__assessment=assessment, evidence_required=True, is_leaf=True
        )
        .annotate(files=Count("scores__evidence"))
        .filter(files=0, scores__self_note="")
        .order_by("position", "code")
    )


# --------------------------------------------------------------------------- rankings


@dataclass
class RankingRow:
    rank: int | None  # None: no appraised point yet, the unit is listed but not ranked
    unit_id: int
    unit_code: str
    unit_name: str
    appraisal: Decimal
    survey: Decimal | None
    bonus: Decimal
    penalty: Decimal
    index: Decimal
    grade: str
    previous_rank: int | None
    change: int | None
    areas: list[tuple[str, str, Decimal, Decimal]] = field(default_factory=list)
    appraised: bool = True

    @property
    def change_label(self) -> str:
        if not self.appraised:
            return ""
        return index.format_rank_change(self.change, new_label=_("mới"))

    @property
    def lost_per_area(self) -> list[tuple[str, Decimal]]:
        return [(code, index.round2(mx - pts)) for code, _t, pts, mx in self.areas]


@dataclass
class Ranking:
    criteria_set: CriteriaSet
    rows: list[RankingRow]
    publication: PublishedRanking | None
    area_titles: list[tuple[str, str]] = field(default_factory=list)

    @property
    def provisional(self) -> bool:
        return self.publication is None

    @property
    def percentage_form(self) -> bool:
        return not self.criteria_set.has_survey

    @property
    def ranked_rows(self) -> list[RankingRow]:
        """Rows with a rank (a unit not yet appraised is listed, never ranked or charted)."""
        return [r for r in self.rows if r.appraised]

    @property
    def index_label(self) -> str:
        """What the index column is: the published index or the provisional appraised one."""
        return _("Chỉ số tạm tính") if self.provisional else _("Chỉ số đã công bố")


def not_appraised_label() -> str:
    """ "chưa có điểm thẩm định": a provisional ranking's unit without an appraised point."""
    return _("chưa có điểm thẩm định")


def _points_by_assessment(
    criteria_set: CriteriaSet, criteria: list[Criterion]
) -> dict[int, dict[int, Decimal | None]]:
    """{assessment id: {criterion id: counted points}} of a set in one query: the latest
    appraisal round for appraisal leaves, survey points for survey leaves."""
    by_assessment: dict[int, dict[int, Decimal | None]] = {}
    component = {c.pk: c.component for c in criteria}
    for assessment_id, criterion_id, r1, r2, survey in CriterionScore.objects.filter(
        assessment__criteria_set=criteria_set
    ).values_list("assessment_id", "criterion_id", "round1_score", "round2_score", "survey_points"):
        if component.get(criterion_id) == Component.SURVEY:
            value = survey
        else:
            value = r2 if r2 is not None else r1
        by_assessment.setdefault(assessment_id, {})[criterion_id] = value
    return by_assessment


_AreaPoints = list[tuple[str, str, Decimal, Decimal]]


def _live_results(
    criteria_set: CriteriaSet,
) -> tuple[
    dict[int, index.IndexResult],
    dict[int, AdministrativeUnit],
    list[tuple[str, str]],
    dict[int, _AreaPoints],
]:
    """(results by unit id, units by id, areas, area points by unit) computed from the scores:
    3 queries whatever the number of units."""
    criteria = list(Criterion.objects.filter(criteria_set=criteria_set))
    assessments = list(Assessment.objects.filter(criteria_set=criteria_set).select_related("unit"))
    nodes = criteria_nodes(criteria)
    scored = _points_by_assessment(criteria_set, criteria)
    by_assessment = {a.pk: scored.get(a.pk, {}) for a in assessments}
    areas = sorted((c for c in criteria if c.parent_id is None), key=lambda c: (c.position, c.code))
    results: dict[int, index.IndexResult] = {}
    units: dict[int, AdministrativeUnit] = {}
    area_points: dict[int, _AreaPoints] = {}
    for a in assessments:
        points = by_assessment[a.pk]
        results[a.unit_id] = unit_result(
            criteria_set, nodes, points, bonus=a.bonus_points, penalty=a.penalty_points
        )
        units[a.unit_id] = a.unit
        totals = index.subtotals(nodes, points)
        area_points[a.unit_id] = [
            (c.code, c.title, index.round2(totals.get(c.pk, index.ZERO)), c.max_points)
            for c in areas
        ]
    return results, units, [(c.code, c.title) for c in areas], area_points


def previous_set(criteria_set: CriteriaSet) -> CriteriaSet | None:
    return (
        CriteriaSet.objects.filter(
            province_id=criteria_set.province_id,
            level=criteria_set.level,
            year__lt=criteria_set.year,
        )
        .order_by("-year")
        .first()
    )


def ranks_of(criteria_set: CriteriaSet) -> dict[int, int]:
    """{unit id: rank} of a set: its current publication, else the live provisional ranks."""
    publication = criteria_set.publications.current().first()
    if publication is not None:
        return dict(publication.results.values_list("unit_id", "rank"))
    results, _units, _areas, _pts = _live_results(criteria_set)
    return index.competition_ranks({k: r.index for k, r in results.items()})


def ranking(*, criteria_set: CriteriaSet, live: bool = False) -> Ranking:
    """The ranking of a set: the frozen snapshot when published (unless `live`), else the
    provisional ranking computed from the current scores. Fixed query count."""
    publication = None if live else criteria_set.publications.current().first()
    if publication is not None:
        area_titles: list[tuple[str, str]] = []
        rows = []
        for r in publication.results.all():
            areas = [
                (code, title, Decimal(pts), Decimal(mx))
                for code, (title, pts, mx) in r.areas.items()
            ]
            if not area_titles:
                area_titles = [(code, title) for code, title, _p, _m in areas]
            rows.append(
                RankingRow(
                    rank=r.rank,
                    unit_id=r.unit_id,
                    unit_code=r.unit_code,
                    unit_name=r.unit_name,
                    appraisal=r.appraisal,
                    survey=r.survey,
                    bonus=r.bonus,
                    penalty=r.penalty,
                    index=r.index,
                    grade=r.grade,
                    previous_rank=r.previous_rank,
                    change=index.rank_change(r.rank, r.previous_rank),
                    areas=areas,
                )
            )
        rows.sort(key=lambda r: (r.rank, r.unit_code))
        return Ranking(criteria_set, rows, publication, area_titles)

    results, units, area_titles, area_points = _live_results(criteria_set)
    # Publishing (`live`) ranks every unit: the workflow lets only locked sheets, each with a
    # final value on every leaf, be published.
    appraised = set(results) if live else _appraised_units(criteria_set)
    before = previous_set(criteria_set)
    previous = ranks_of(before) if before is not None else {}
    # A unit with no appraised point would rank last at 0,00: it is listed apart, unranked.
    ranked = index.rank_rows(
        {k: r for k, r in results.items() if k in appraised},
        previous_ranks=previous,
        thresholds=criteria_set.thresholds(),
    )
    rows = [
        RankingRow(
            rank=r.rank,
            unit_id=r.key,
            unit_code=units[r.key].code,
            unit_name=units[r.key].name,
            appraisal=r.result.appraisal,
            survey=r.result.survey,
            bonus=r.result.bonus,
            penalty=r.result.penalty,
            index=r.result.index,
            grade=r.grade,
            previous_rank=r.previous_rank,
            change=r.change,
            areas=area_points[r.key],
        )
        for r in ranked
    ]
    rows.sort(key=lambda r: (r.rank or 0, r.unit_code))
    waiting = sorted((k for k in results if k not in appraised), key=lambda k: units[k].code)
    rows += [
        RankingRow(
            rank=None,
            unit_id=k,
            unit_code=units[k].code,
            unit_name=units[k].name,
            appraisal=results[k].appraisal,
            survey=results[k].survey,
            bonus=results[k].bonus,
            penalty=results[k].penalty,
            index=results[k].index,
            grade="",
            previous_rank=previous.get(k),
            change=None,
            areas=area_points[k],
            appraised=False,
        )
        for k in waiting
    ]
    return Ranking(criteria_set, rows, None, area_titles)


def _appraised_units(criteria_set: CriteriaSet) -> set[int]:
    """Units of a set with at least one appraised (round 1 or 2) appraisal leaf (1 query)."""
    return set(
        CriterionScore.objects.filter(
            assessment__criteria_set=criteria_set,
            criterion__component=Component.APPRAISAL,
        )
        .filter(Q(round1_score__isnull=False) | Q(round2_score__isnull=False))
        .values_list("assessment__unit_id", flat=True)
        .distinct()
    )


def published_rankings() -> PublishedRankingQuerySet:
    """Current publications for the public page, newest first (1 query)."""
    return (
        PublishedRanking.objects.current()
        .select_related("criteria_set", "criteria_set__province")
        .order_by("-criteria_set__year", "criteria_set__province__name")
    )


__all__ = ["PublishedResult", "Ranking", "RankingRow", "Sheet", "SheetRow", "ranking"]


# --------------------------------------------------------------------------- what if fixed


@dataclass
class FixImpact:
    """What the criteria an inspection found fault with cost a unit and, for readers who may
    see a ranking, its index and rank now and if they were brought to full points (the scoring
    arithmetic, on the live scores).

    The standing (`index_now` … `units`) is None when it was not computed: before publication
    it comes from other units' unpublished scores, which unit staff must not read."""

    criteria_set: CriteriaSet
    lost: list[tuple[Criterion, Decimal]]
    index_now: Decimal | None = None
    rank_now: int | None = None
    index_fixed: Decimal | None = None
    rank_fixed: int | None = None
    units: int | None = None

    @property
    def total_lost(self) -> Decimal:
        return index.round2(sum((p for _c, p in self.lost), index.ZERO))

    @property
    def has_standing(self) -> bool:
        return self.rank_now is not None


def fix_impact(
    *, assessment: Assessment, criterion_codes: list[str], with_standing: bool = True
) -> FixImpact | None:
    """Points lost on the named criteria (matched by code in the assessment's set, since sets
    change between years) and, `with_standing`, the index and rank with those criteria at full
    points. Without the standing only the unit's own scores are read: no other unit's figure
    goes into the result. At most four queries whatever the number of units; None when no code
    matches."""
    criteria_set = assessment.criteria_set
    criteria = list(Criterion.objects.filter(criteria_set=criteria_set))
    by_code = {c.code: c for c in criteria}
    named = [by_code[code] for code in dict.fromkeys(criterion_codes) if code in by_code]
    if not named:
        return None
    nodes = criteria_nodes(criteria)
    if with_standing:
        scored = _points_by_assessment(criteria_set, criteria)
    else:
        scored = {assessment.pk: _own_points(assessment, criteria)}
    points = dict(scored.get(assessment.pk, {}))
    totals = index.subtotals(nodes, points)
    lost = [
        (criterion, index.round2(criterion.max_points - totals.get(criterion.pk, index.ZERO)))
        for criterion in named
    ]
    if not with_standing:
        return FixImpact(criteria_set=criteria_set, lost=lost)

    assessments = list(Assessment.objects.filter(criteria_set=criteria_set))
    results = {
        a.unit_id: unit_result(
            criteria_set,
            nodes,
            scored.get(a.pk, {}),
            bonus=a.bonus_points,
            penalty=a.penalty_points,
        ).index
        for a in assessments
    }
    children = index.children_of(nodes)
    max_points = {c.pk: c.max_points for c in criteria}

    def leaves(key: int) -> list[int]:
        kids = children.get(key, [])
        return [key] if not kids else [leaf for kid in kids for leaf in leaves(kid.key)]

    fixed = dict(points)
    for criterion in named:
        for leaf in leaves(criterion.pk):
            fixed[leaf] = max_points[leaf]
    me = next(a for a in assessments if a.pk == assessment.pk)
    fixed_index = unit_result(
        criteria_set, nodes, fixed, bonus=me.bonus_points, penalty=me.penalty_points
    ).index
    ranks_now = index.competition_ranks(results)
    ranks_fixed = index.competition_ranks({**results, assessment.unit_id: fixed_index})
    return FixImpact(
        criteria_set=criteria_set,
        lost=lost,
        index_now=results[assessment.unit_id],
        rank_now=ranks_now[assessment.unit_id],
        index_fixed=fixed_index,
        rank_fixed=ranks_fixed[assessment.unit_id],
        units=len(results),
    )


def _own_points(assessment: Assessment, criteria: list[Criterion]) -> dict[int, Decimal | None]:
    """{criterion id: counted points} of one assessment, as `_points_by_assessment` counts
    them (1 query, this assessment's rows only)."""
    component = {c.pk: c.component for c in criteria}
    points: dict[int, Decimal | None] = {}
    for criterion_id, r1, r2, survey in CriterionScore.objects.filter(
        assessment=assessment
    ).values_list("criterion_id", "round1_score", "round2_score", "survey_points"):
        if component.get(criterion_id) == Component.SURVEY:
            points[criterion_id] = survey
        else:
            points[criterion_id] = r2 if r2 is not None else r1
    return points


# --------------------------------------------------------------------------- unit history


@dataclass
class HistoryYear:
    """A unit's published result in one year, with the size of that year's ranking.

    `predecessor` is set when the figure is that of a unit this one was formed from, published
    before the merger (`merged_on`): shown, labelled, never compared with this unit's ranks."""

    criteria_set: CriteriaSet
    result: PublishedResult
    units: int
    predecessor: AdministrativeUnit | None = None
    merged_on: dt.date | None = None
    # The unit's first own year after its predecessors' years: its rank change is "mới", a rank
    # among other units of another tree says nothing about this one's progress.
    across_merger: bool = False

    @property
    def year(self) -> int:
        return self.criteria_set.year

    @property
    def change(self) -> int | None:
        if self.across_merger:
            return None
        return index.rank_change(self.result.rank, self.result.previous_rank)

    @property
    def change_label(self) -> str:
        return index.format_rank_change(self.change, new_label=_("mới"))

    @property
    def percentage_form(self) -> bool:
        return not self.criteria_set.has_survey

    @property
    def predecessor_label(self) -> str:
        """ "trước 01/07/2025: Xã Ea KPam", "" for the unit's own years."""
        if self.predecessor is None or self.merged_on is None:
            return ""
        return _("trước %(day)s: %(unit)s") % {
            "day": f"{self.merged_on:%d/%m/%Y}",
            "unit": self.predecessor.name,
        }


@dataclass
class UnitHistory:
    years: list[HistoryYear]
    areas: list[history.AreaLine]
    changes: list[history.Change]

    @property
    def latest(self) -> HistoryYear | None:
        """The unit's own latest year (a predecessor's figure is not the unit's result)."""
        return next((y for y in reversed(self.years) if y.predecessor is None), None)


def unit_history(*, unit: AdministrativeUnit, user: AnyUser) -> UnitHistory:
    """A unit's published index, rank and points per area over all years on record, oldest
    first, from the frozen publications (never live scores): 1 query.

    Only current publications of sets the user may read; before the unit was formed
    (`UnitLineage`), its predecessors' published figures, each labelled with the predecessor.
    Areas matched across sets by `scoring.history.match_areas`.
    """
    size = (
        PublishedResult.objects.filter(ranking=OuterRef("ranking"))
        .order_by()
        .values("ranking")
        .annotate(n=Count("pk"))
        .values("n")
    )
    # The day a result's unit went into this one (None for the unit's own results and for
    # units that are no predecessor): a subquery, so the history stays one query.
    merged_on = (
        UnitLineage.objects.filter(successor=unit, predecessor=OuterRef("unit_id"))
        .order_by("effective_on")
        .values("effective_on")[:1]
    )
    # Sets of the provinces the user answers for, the merged province's predecessors included:
    # the one scoping rule (units.querysets), as CriteriaSet.objects.visible_to applies it.
    sets_q = province_scope_q(user, via="ranking__criteria_set__province")
    own_q = Q(pk__in=[]) if sets_q is None else Q(sets_q, unit=unit)
    results = list(
        PublishedResult.objects.annotate(merged_on=Subquery(merged_on))
        .filter(
            own_q
            # A predecessor's figures of the years before it went into this unit (a set of
            # year Y resolves its units on 31/12/Y). Published figures are public (the public
            # ranking page); the caller has checked the user sees `unit`, and through it the
            # units it was formed from.
            | Q(merged_on__isnull=False, ranking__criteria_set__year__lt=ExtractYear("merged_on")),
            ranking__withdrawn_at__isnull=True,
        )
        .select_related("ranking__criteria_set", "unit")
        .annotate(units=Subquery(size))
    )
    years = []
    for r in results:
        own = r.unit_id == unit.pk
        years.append(
            HistoryYear(
                r.ranking.criteria_set,
                r,
                r.units,
                predecessor=None if own else r.unit,
                merged_on=None if own else r.merged_on,
            )
        )
    years.sort(
        key=lambda y: (
            y.year,
            y.predecessor is None,
            y.criteria_set.level,
            y.predecessor.name if y.predecessor else "",
        )
    )
    seen_predecessor = False
    for y in years:
        if y.predecessor is not None:
            seen_predecessor = True
        elif seen_predecessor:
            y.across_merger = True
            break
    areas, changes = history.match_areas(
        [
            (
                y.year,
                [
                    history.AreaCell(code, title, Decimal(pts), Decimal(mx))
                    for code, (title, pts, mx) in y.result.areas.items()
                ],
            )
            for y in years
        ]
    )
    return UnitHistory(years=years, areas=areas, changes=changes)


# --------------------------------------------------------------------------- explanation


@dataclass
class ThreadEntry:
    """One step of a criterion's explanation thread, in order: the self-score (with the
    self-assessment's files), round 1 with the council's reason, the messages, round 2."""

    kind: str  # "self", "round1", "message", "round2"
    points: Decimal | None = None
    text: str = ""
    files: list[Evidence] = field(default_factory=list)
    message: ExplanationMessage | None = None
    differs: bool = False  # the round departs from what it started from


def score_thread(*, score: CriterionScore) -> list[ThreadEntry]:
    """A criterion's explanation thread (2 queries: files, messages with their files)."""
    files = list(score.evidence.select_related("message").order_by("uploaded_at", "pk"))
    messages = list(score.messages.select_related("created_by").order_by("created_at", "pk"))
    by_message: dict[int, list[Evidence]] = {}
    for e in files:
        if e.message_id is not None:
            by_message.setdefault(e.message_id, []).append(e)
    note = score.not_applicable_reason if score.not_applicable else score.self_note
    entries = [
        ThreadEntry(
            "self",
            score.self_score,
            note,
            [e for e in files if e.message_id is None],
        )
    ]
    if score.round1_score is not None or score.round1_reason:
        entries.append(
            ThreadEntry(
                "round1",
                score.round1_score,
                score.round1_reason,
                differs=score.round1_score is not None and score.round1_score != score.self_score,
            )
        )
    entries += [
        ThreadEntry("message", text=m.text, files=by_message.get(m.pk, []), message=m)
        for m in messages
    ]
    if score.round2_score is not None or score.round2_reason:
        start = score.round1_score if score.round1_score is not None else score.self_score
        entries.append(
            ThreadEntry(
                "round2",
                score.round2_score,
                score.round2_reason,
                differs=score.round2_score is not None and score.round2_score != start,
            )
        )
    return entries


@dataclass
class PendingUnit:
    assessment: Assessment
    late: bool
    reminded_at: dt.datetime | None


@dataclass
class PhaseStatus:
    """Who has not yet submitted in one phase of a set, and who is late (past the deadline)."""

    phase: str
    label: str
    deadline: Any  # models.Deadline | None
    pending: list[PendingUnit]

    @property
    def late(self) -> list[PendingUnit]:
        return [p for p in self.pending if p.late]


def phase_status(*, criteria_set: CriteriaSet, today: dt.date) -> list[PhaseStatus]:
    """Per phase with a unit deadline (self-assessment, explanation): the assessments still in
    it, late ones flagged, with the last reminder sent. 2 queries whatever the units."""
    from scoring.choices import Phase
    from scoring.services import PHASE_STATES

    pending = list(
        criteria_set.assessments.filter(state__in=[s for v in PHASE_STATES.values() for s in v])
        .select_related("unit")
        .prefetch_related("reminders")
        .order_by("unit__code")
    )
    out = []
    for phase, states in PHASE_STATES.items():
        deadline = criteria_set.deadline(phase, today)
        late = deadline is not None and deadline.overdue
        rows = []
        for a in pending:
            if a.state not in states:
                continue
            sent = [r.sent_at for r in a.reminders.all() if r.phase == phase]
            rows.append(PendingUnit(a, late, max(sent) if sent else None))
        out.append(PhaseStatus(phase, str(Phase(phase).label), deadline, rows))
    return out
