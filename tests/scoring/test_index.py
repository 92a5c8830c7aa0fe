"""The pure index arithmetic: no database, no Django."""

import subprocess
import sys
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring import index as ix

THRESHOLDS = [("90", "Xuất sắc"), ("80", "Tốt"), ("70", "Khá"), ("50", "Trung bình"), ("0", "Yếu")]


def test_module_does_not_import_django():
    code = "import sys, scoring.index; print('django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_kim_son_2018():
    result = ix.par_index(appraisal=D("65.55"), survey=D("20.83"), appraisal_max=D(70))
    assert result.index == D("86.38")
    assert ix.grade(result.index, THRESHOLDS) == "Tốt"


def test_nam_dinh_2020_percentage_form():
    result = ix.par_index(appraisal=D("61.46"), survey=None, appraisal_max=D(70))
    assert result.percentage_form
    assert result.index == D("87.80")


@pytest.mark.parametrize(
    "raw, rounded",
    [
        (D("86.375"), D("86.38")),
        (D("86.385"), D("86.39")),
        (D("0.005"), D("0.01")),
        (D("86.3749"), D("86.37")),
    ],
)
def test_round_half_up(raw, rounded):
    assert ix.round2(raw) == rounded


def test_rounding_only_at_the_end():
    # 33.334 + 33.333 + 20.003 = 86.67 exactly; rounding parts first would give 86.67 too, but
    # 0.005 + 0.005 shows the difference: parts rounded first → 0.02, at the end → 0.01.
    assert ix.par_index(appraisal=D("0.005"), survey=D("0.005")).index == D("0.01")


def test_clamping_and_caps():
    high = ix.par_index(appraisal=D(70), survey=D(30), bonus=D(5), bonus_cap=D(3), penalty_cap=D(5))
    assert high.index == D(100) and high.bonus == D(3)
    low = ix.par_index(appraisal=D(1), survey=D(0), penalty=D(9), penalty_cap=D(5))
    assert low.index == D(0) and low.penalty == D(5)


@pytest.mark.parametrize(
    "rule, params, value, points",
    [
        (ix.MANUAL, {}, "2,5", D("2.5")),
        (ix.MANUAL, {}, "9", D("4")),
        (ix.YES_NO, {}, True, D("4")),
        (ix.YES_NO, {}, "0", D("0")),
        (ix.RATE, {}, "0.9936", D("3.9744")),
        (ix.RATE, {"threshold": "0.95"}, "0.94", D("0")),
        (ix.TIERS, {"tiers": [["0.5", "1"], ["0.8", "2"], ["0.95", "4"]]}, "0.85", D("2")),
        (ix.TIERS, {"tiers": [["0.5", "1"], ["0.8", "2"], ["0.95", "4"]]}, "0.2", D("0")),
        (ix.DEDUCTION, {"per_violation": "0.5"}, 3, D("2.5")),
        (ix.DEDUCTION, {"per_violation": "0.5"}, 30, D("0")),
    ],
)
def test_leaf_points_by_rule(rule, params, value, points):
    assert ix.leaf_points(rule, ix.validate_params(rule, params, D(4)), D(4), value) == points


@pytest.mark.parametrize(
    "rule, params, score, code",
    [
        (ix.MANUAL, {}, D("4.01"), ix.ABOVE_MAX),
        (ix.MANUAL, {}, D("-1"), ix.NEGATIVE),
        (ix.MANUAL, {}, D("1.37"), ""),
        (ix.YES_NO, {}, D("2"), ix.NOT_YES_NO),
        (ix.YES_NO, {}, D("4"), ""),
        (ix.TIERS, {"tiers": [["0.5", "1"], ["0.9", "4"]]}, D("2"), ix.NOT_A_TIER),
        (ix.TIERS, {"tiers": [["0.5", "1"], ["0.9", "4"]]}, D("1"), ""),
        (ix.DEDUCTION, {"per_violation": "0.5"}, D("3.2"), ix.NOT_A_DEDUCTION_STEP),
        (ix.DEDUCTION, {"per_violation": "0.5"}, D("3.5"), ""),
        (ix.RATE, {}, D("3.97"), ""),
        (ix.RATE, {"threshold": "0.5"}, D("1.5"), ix.BELOW_THRESHOLD),
        (ix.RATE, {"threshold": "0.5"}, D("0"), ""),
    ],
)
def test_check_score(rule, params, score, code):
    assert ix.check_score(rule, params, D(4), score) == code


@pytest.mark.parametrize(
    "rule, params",
    [
        ("bogus", {}),
        (ix.RATE, {"threshold": "2"}),
        (ix.TIERS, {}),
        (ix.TIERS, {"tiers": [["0.5", "9"]]}),
        (ix.DEDUCTION, {}),
        (ix.DEDUCTION, {"per_violation": "x"}),
    ],
)
def test_bad_params_rejected(rule, params):
    with pytest.raises(ix.RuleError):
        ix.validate_params(rule, params, D(4))


def test_survey_points_from_answers():
    # answers on 1…5: mean 4 → (4-1)/4 = 0.75 of 6 points
    assert ix.survey_points([3, 4, 5], scale_min=1, scale_max=5, max_points=D(6)) == D("4.5")
    assert ix.survey_points([], scale_min=1, scale_max=5, max_points=D(6)) == 0


def test_subtotals_and_tree_errors():
    nodes = [
        ix.Node("1", None, D(10)),
        ix.Node("1.1", "1", D(4)),
        ix.Node("1.2", "1", D(6)),
        ix.Node("2", None, D(5), "survey"),
    ]
    totals = ix.subtotals(nodes, {"1.1": D("3.5"), "1.2": None, "2": D("4.25")})
    assert totals["1"] == D("3.5") and totals["2"] == D("4.25")
    assert ix.component_total(nodes, {"1.1": D(3), "1.2": D(6), "2": D(1)}, "appraisal") == D(9)
    assert ix.tree_errors(nodes) == []
    assert ix.tree_errors([*nodes[:2], nodes[3]]) == [("1", "children_sum")]


def test_ties_share_a_rank():
    assert ix.competition_ranks({"a": D(90), "b": D(85), "c": D(85), "d": D(70)}) == {
        "a": 1,
        "b": 2,
        "c": 2,
        "d": 4,
    }


def test_rank_change_with_a_unit_missing_last_year():
    rows = ix.rank_rows(
        {
            "112": ix.par_index(appraisal=D(50), survey=D(20)),
            "105": ix.par_index(appraisal=D(60), survey=D(25)),
            "999": ix.par_index(appraisal=D(65), survey=D(25)),
        },
        previous_ranks={"112": 1, "105": 2},
        thresholds=THRESHOLDS,
    )
    by_key = {r.key: r for r in rows}
    assert by_key["112"].rank == 3 and by_key["112"].change == -2
    assert ix.format_rank_change(by_key["112"].change) == "▼ 2"
    assert by_key["999"].change is None and ix.format_rank_change(None) == "mới"
    assert ix.format_rank_change(2) == "▲ 2" and ix.format_rank_change(0) == "="


def test_thresholds_validation():
    assert ix.validate_thresholds([["80", "Tốt"], ["90", "Xuất sắc"]])[0] == ["90", "Xuất sắc"]
    for bad in ("x", [["a", "b"]], [["80", ""]], [["80", "A"], ["80", "B"]]):
        with pytest.raises(ix.RuleError):
            ix.validate_thresholds(bad)


points = st.decimals(min_value=0, max_value=10, places=2, allow_nan=False, allow_infinity=False)


@given(st.lists(points, min_size=1, max_size=12), st.lists(points, min_size=1, max_size=6))
def test_totals_never_exceed_maxima(appraisal_leaves, survey_leaves):
    nodes = [ix.Node(f"a{i}", None, D(5)) for i in range(len(appraisal_leaves))]
    nodes += [ix.Node(f"s{i}", None, D(5), "survey") for i in range(len(survey_leaves))]
    scores = {f"a{i}": v for i, v in enumerate(appraisal_leaves)}
    scores |= {f"s{i}": v for i, v in enumerate(survey_leaves)}
    appraisal = ix.component_total(nodes, scores, "appraisal")
    survey = ix.component_total(nodes, scores, "survey")
    assert appraisal <= 5 * len(appraisal_leaves) and survey <= 5 * len(survey_leaves)
    result = ix.par_index(appraisal=appraisal, survey=survey, bonus=D(3), bonus_cap=D(2))
    assert D(0) <= result.index <= D(100)


@given(points, points, points, st.decimals(min_value=0, max_value=3, places=2))
def test_higher_leaf_never_lowers_index(a, b, survey, bump):
    nodes = [ix.Node("1", None, D(10)), ix.Node("2", None, D(10))]
    before = ix.par_index(
        appraisal=ix.component_total(nodes, {"1": a, "2": b}, "appraisal"), survey=survey
    )
    after = ix.par_index(
        appraisal=ix.component_total(nodes, {"1": a + bump, "2": b}, "appraisal"), survey=survey
    )
    assert after.index >= before.index


@given(st.dictionaries(st.text(min_size=1, max_size=3), points, min_size=1, max_size=10))
def test_ranking_is_a_function_of_indices(indices):
    ranks = ix.competition_ranks(indices)
    for k1, v1 in indices.items():
        for k2, v2 in indices.items():
            if v1 == v2:
                assert ranks[k1] == ranks[k2]  # ties share a rank
            elif v1 > v2:
                assert ranks[k1] < ranks[k2]
        assert ranks[k1] == 1 + sum(1 for v in indices.values() if v > v1)
