"""The CCHC index arithmetic: pure Python and Decimal only (no Django, never float).

Everything the portal shows, exports or prints about points (leaf points by rule, subtotals,
the 100-point index, grades, ranks, rank changes) is computed here, so the page, the Excel file,
the PDF and the commands cannot disagree. Rounding happens once, at the end (half up, 2 places).

Errors are returned as codes (module constants); the Django side turns them into messages.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Generic, TypeVar

ZERO = Decimal("0")
HUNDRED = Decimal("100")
CENT = Decimal("0.01")

MANUAL, YES_NO, RATE, TIERS, DEDUCTION = "manual", "yes_no", "rate", "tiers", "deduction"
RULES = (MANUAL, YES_NO, RATE, TIERS, DEDUCTION)

# Error codes for scores and rule parameters.
NEGATIVE = "negative"
ABOVE_MAX = "above_max"
NOT_YES_NO = "not_yes_no"
NOT_A_TIER = "not_a_tier"
NOT_A_DEDUCTION_STEP = "not_a_deduction_step"
BELOW_THRESHOLD = "below_threshold"
UNKNOWN_RULE = "unknown_rule"
BAD_PARAMS = "bad_params"


class RuleError(ValueError):
    """Rule parameters that do not make sense; `code` is one of the module's error codes."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


def to_decimal(value: Any) -> Decimal:
    """A Decimal from a Decimal, int or string ("65,55" accepted); floats go through str."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise InvalidOperation("bool is not a number")
    if isinstance(value, int):
        return Decimal(value)
    text = str(value).strip().replace(",", ".")
    result = Decimal(text)
    if not result.is_finite():
        raise InvalidOperation(text)
    return result


def round2(value: Decimal) -> Decimal:
    """Half up to 2 decimals: 86.375 → 86.38 (published figures; docs/domain.md, "Rounding")."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def clamp(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    return max(low, min(high, value))


# --------------------------------------------------------------------------- rules of a leaf


def validate_params(
    rule: str, params: Mapping[str, Any] | None, max_points: Decimal
) -> dict[str, Any]:
    """Normalised parameters for a rule, or RuleError.

    - manual, yes_no: no parameters.
    - rate: optional `threshold` (a fraction 0…1): below it the leaf earns 0.
    - tiers: `tiers`, a list of [minimum rate, points], points within 0…max.
    - deduction: `per_violation` > 0, points taken off the maximum per violation.
    """
    params = dict(params or {})
    if rule not in RULES:
        raise RuleError(UNKNOWN_RULE, str(rule))
    try:
        if rule in (MANUAL, YES_NO):
            return {}
        if rule == RATE:
            threshold = to_decimal(params.get("threshold", 0))
            if not ZERO <= threshold <= 1:
                raise RuleError(BAD_PARAMS, "threshold")
            return {"threshold": str(threshold)} if threshold else {}
        if rule == TIERS:
            raw = params.get("tiers")
            if not isinstance(raw, list | tuple) or not raw:
                raise RuleError(BAD_PARAMS, "tiers")
            tiers = []
            for item in raw:
                low, points = (to_decimal(v) for v in item)
                if not (ZERO <= low <= 1 and ZERO <= points <= max_points):
                    raise RuleError(BAD_PARAMS, "tiers")
                tiers.append((low, points))
            tiers.sort(reverse=True)
            return {"tiers": [[str(low), str(points)] for low, points in tiers]}
        if rule == DEDUCTION:
            step = to_decimal(params.get("per_violation"))
            if step <= 0:
                raise RuleError(BAD_PARAMS, "per_violation")
            return {"per_violation": str(step)}
    except (InvalidOperation, TypeError, ValueError) as exc:
        if isinstance(exc, RuleError):
            raise
        raise RuleError(BAD_PARAMS, str(exc)) from None
    raise RuleError(UNKNOWN_RULE, rule)  # pragma: no cover


def _tiers(params: Mapping[str, Any]) -> list[tuple[Decimal, Decimal]]:
    return [(to_decimal(low), to_decimal(points)) for low, points in params.get("tiers", [])]


def leaf_points(rule: str, params: Mapping[str, Any], max_points: Decimal, value: Any) -> Decimal:
    """Points a leaf earns from its measured input (unrounded).

    manual: the value itself (clamped to 0…max); yes_no: truthy → max; rate: max × rate (0 below
    the threshold); tiers: the points of the highest band the rate reaches; deduction: max minus
    per_violation × violations, floor 0.
    """
    if rule == MANUAL:
        return clamp(to_decimal(value), ZERO, max_points)
    if rule == YES_NO:
        return max_points if value and str(value).strip().lower() not in ("0", "no") else ZERO
    if rule == RATE:
        rate = clamp(to_decimal(value), ZERO, Decimal(1))
        if rate < to_decimal(params.get("threshold", 0)):
            return ZERO
        return max_points * rate
    if rule == TIERS:
        rate = to_decimal(value)
        for low, points in sorted(_tiers(params), reverse=True):
            if rate >= low:
                return points
        return ZERO
    if rule == DEDUCTION:
        violations = max(int(to_decimal(value)), 0)
        return max(max_points - to_decimal(params["per_violation"]) * violations, ZERO)
    raise RuleError(UNKNOWN_RULE, rule)


def check_score(rule: str, params: Mapping[str, Any], max_points: Decimal, score: Decimal) -> str:
    """'' when `score` is a value the rule can give, else an error code."""
    if score < 0:
        return NEGATIVE
    if score > max_points:
        return ABOVE_MAX
    if rule == YES_NO and score not in (ZERO, max_points):
        return NOT_YES_NO
    if rule == RATE and score != 0 and score < max_points * to_decimal(params.get("threshold", 0)):
        return BELOW_THRESHOLD
    if rule == TIERS and score != 0 and score not in {p for _low, p in _tiers(params)}:
        return NOT_A_TIER
    if rule == DEDUCTION:
        step = to_decimal(params.get("per_violation", 0))
        if step > 0 and score != 0 and (max_points - score) % step != 0:
            return NOT_A_DEDUCTION_STEP
    if rule not in RULES:
        return UNKNOWN_RULE
    return ""


def survey_points(
    answers: Iterable[Any], *, scale_min: Any, scale_max: Any, max_points: Decimal
) -> Decimal:
    """Survey points of a criterion: answers on an ordinal scale averaged, normalised to 0…1 and
    multiplied by the criterion's maximum (unrounded; 0 when there are no answers)."""
    low, high = to_decimal(scale_min), to_decimal(scale_max)
    if high <= low:
        raise RuleError(BAD_PARAMS, "scale")
    values = [clamp(to_decimal(a), low, high) for a in answers]
    if not values:
        return ZERO
    mean = sum(values, ZERO) / len(values)
    return (mean - low) / (high - low) * max_points


# --------------------------------------------------------------------------- the tree


# A criterion's or a unit's key: whatever the caller identifies them by (a primary key in the
# portal, a string in the tests); the functions below hand back the keys they were given.
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Node(Generic[K]):
    """A criterion as the arithmetic sees it."""

    key: K
    parent: K | None
    max_points: Decimal
    component: str = "appraisal"


def children_of(nodes: Sequence[Node[K]]) -> dict[K | None, list[Node[K]]]:
    tree: dict[K | None, list[Node[K]]] = {}
    for node in nodes:
        tree.setdefault(node.parent, []).append(node)
    return tree


def subtotals(
    nodes: Sequence[Node[K]], leaf_scores: Mapping[K, Decimal | None]
) -> dict[K, Decimal]:
    """Unrounded points of every node: a leaf its score (None → 0, capped at its max), a parent
    the sum of its children."""
    tree = children_of(nodes)
    result: dict[K, Decimal] = {}

    def visit(node: Node[K]) -> Decimal:
        kids = tree.get(node.key, [])
        if kids:
            total = sum((visit(k) for k in kids), ZERO)
        else:
            score = leaf_scores.get(node.key)
            total = ZERO if score is None else clamp(score, ZERO, node.max_points)
        result[node.key] = total
        return total

    for root in tree.get(None, []):
        visit(root)
    return result


def component_total(
    nodes: Sequence[Node[K]], leaf_scores: Mapping[K, Decimal | None], component: str
) -> Decimal:
    """Sum of the leaves of one component (appraisal or survey), unrounded."""
    parents = {n.parent for n in nodes}
    total = ZERO
    for node in nodes:
        if node.key in parents or node.component != component:
            continue
        score = leaf_scores.get(node.key)
        if score is not None:
            total += clamp(score, ZERO, node.max_points)
    return total


def tree_errors(nodes: Sequence[Node[K]]) -> list[tuple[K, str]]:
    """(key, code) for parents whose maximum differs from the sum of their children's."""
    tree = children_of(nodes)
    errors: list[tuple[K, str]] = []
    for node in nodes:
        kids = tree.get(node.key, [])
        if kids and sum((k.max_points for k in kids), ZERO) != node.max_points:
            errors.append((node.key, "children_sum"))
    return errors


# --------------------------------------------------------------------------- the index


@dataclass(frozen=True)
class IndexResult:
    """The published figures of one unit, rounded to 2 decimals."""

    appraisal: Decimal
    survey: Decimal | None
    bonus: Decimal
    penalty: Decimal
    index: Decimal
    percentage_form: bool = False


def par_index(
    *,
    appraisal: Decimal,
    survey: Decimal | None,
    bonus: Decimal = ZERO,
    penalty: Decimal = ZERO,
    bonus_cap: Decimal = ZERO,
    penalty_cap: Decimal = ZERO,
    appraisal_max: Decimal = Decimal(70),
) -> IndexResult:
    """The 100-point index: appraisal + survey + bonus − penalty, clamped to 0…100.

    Bonus and penalty are capped by the set. Without a survey (`survey` None) the appraised points
    are rescaled to 100 and published as a percentage (Nam Định 2020: 61.46 / 70 = 87.80 %).
    Only the results are rounded; the sum uses the unrounded parts.
    """
    bonus = clamp(bonus, ZERO, bonus_cap)
    penalty = clamp(penalty, ZERO, penalty_cap)
    if survey is None:
        base = appraisal * HUNDRED / appraisal_max if appraisal_max else ZERO
        percentage = True
    else:
        base = appraisal + survey
        percentage = False
    index = clamp(base + bonus - penalty, ZERO, HUNDRED)
    return IndexResult(
        appraisal=round2(appraisal),
        survey=None if survey is None else round2(survey),
        bonus=round2(bonus),
        penalty=round2(penalty),
        index=round2(index),
        percentage_form=percentage,
    )


def grade(index: Decimal, thresholds: Sequence[tuple[Any, str]]) -> str:
    """The label of the highest threshold the index reaches ('' below all of them).

    `thresholds` are (minimum, label) pairs in any order, e.g. ((90, "Xuất sắc"), (80, "Tốt")).
    """
    for minimum, label in sorted(
        ((to_decimal(m), lbl) for m, lbl in thresholds), key=lambda t: t[0], reverse=True
    ):
        if index >= minimum:
            return label
    return ""


def validate_thresholds(raw: Any) -> list[list[str]]:
    """Normalised grade thresholds [[minimum, label], …] (highest first), or RuleError."""
    if not isinstance(raw, list | tuple):
        raise RuleError(BAD_PARAMS, "thresholds")
    out = []
    try:
        for item in raw:
            minimum, label = item
            value = to_decimal(minimum)
            if not (ZERO <= value <= HUNDRED) or not str(label).strip():
                raise RuleError(BAD_PARAMS, "thresholds")
            out.append((value, str(label).strip()))
    except (InvalidOperation, TypeError, ValueError) as exc:
        if isinstance(exc, RuleError):
            raise
        raise RuleError(BAD_PARAMS, "thresholds") from None
    if len({m for m, _ in out}) != len(out):
        raise RuleError(BAD_PARAMS, "thresholds")
    out.sort(key=lambda t: t[0], reverse=True)
    return [[str(m), lbl] for m, lbl in out]


# --------------------------------------------------------------------------- ranking


def competition_ranks(indices: Mapping[K, Decimal]) -> dict[K, int]:
    """Standard competition ranking ("1224"): equal indices share a rank, the next one skips."""
    ordered = sorted(indices.values(), reverse=True)
    first_position: dict[Decimal, int] = {}
    for position, value in enumerate(ordered, start=1):
        first_position.setdefault(value, position)
    return {key: first_position[value] for key, value in indices.items()}


def rank_change(current: int | None, previous: int | None) -> int | None:
    """Places gained (positive) or lost (negative) since last year; None when new."""
    if current is None or previous is None:
        return None
    return previous - current


def format_rank_change(change: int | None, *, new_label: str = "mới") -> str:
    """▲ 2, ▼ 2, = or the label for a unit not ranked last year."""
    if change is None:
        return new_label
    if change > 0:
        return f"▲ {change}"
    if change < 0:
        return f"▼ {-change}"
    return "="


@dataclass(frozen=True)
class RankedRow(Generic[K]):
    key: K
    result: IndexResult
    rank: int
    previous_rank: int | None
    change: int | None
    grade: str
    extra: dict[str, Any] = field(default_factory=dict, compare=False)


def rank_rows(
    results: Mapping[K, IndexResult],
    *,
    previous_ranks: Mapping[K, int] | None = None,
    thresholds: Sequence[tuple[Any, str]] = (),
) -> list[RankedRow[K]]:
    """Rows ordered by rank (then key), with grade and change against last year's ranks."""
    previous_ranks = previous_ranks or {}
    ranks = competition_ranks({k: r.index for k, r in results.items()})
    rows = [
        RankedRow(
            key=key,
            result=result,
            rank=ranks[key],
            previous_rank=previous_ranks.get(key),
            change=rank_change(ranks[key], previous_ranks.get(key)),
            grade=grade(result.index, thresholds),
        )
        for key, result in results.items()
    ]
    rows.sort(key=lambda r: (r.rank, str(r.key)))
    return rows
