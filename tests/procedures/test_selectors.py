import datetime as dt
from decimal import Decimal

import pytest

from procedures import rules
from procedures.choices import Channel, DossierStatus
from procedures.selectors import (
    BY_CHILD,
    BY_LEVEL,
    DossierStats,
    dossier_stats,
    dossier_stats_breakdown,
    dossier_stats_total,
)
from tests.procedures.factories import DossierFactory, at

pytestmark = pytest.mark.django_db

JAN = (dt.date(2024, 1, 1), dt.date(2024, 1, 31))


def stats_of(unit, period=JAN, **kwargs) -> DossierStats:
    start, end = period
    return dossier_stats(units=[unit], start=start, end=end, **kwargs)[unit.pk]


def test_finished_exactly_on_the_due_time_is_on_time(personas):
    due = at(2024, 1, 15, 17)
    DossierFactory(unit=personas.cumgar, due_at=due, finished_at=due)
    s = stats_of(personas.cumgar)
    assert (s.finished_early, s.finished_on_time, s.finished_late) == (0, 1, 0)
    assert s.on_time_rate == Decimal("1")


def test_finished_one_second_after_the_due_time_is_late(personas):
    due = at(2024, 1, 15, 17)
    DossierFactory(unit=personas.cumgar, due_at=due, finished_at=due + dt.timedelta(seconds=1))
    s = stats_of(personas.cumgar)
    assert (s.finished_early, s.finished_on_time, s.finished_late) == (0, 0, 1)
    assert s.on_time_rate == Decimal("0")


def test_finished_on_a_day_before_the_due_day_is_early(personas):
    # Due 15/01 17:00. 14/01 23:59:59 is the day before: early, though less than a day before
    # the due time; 15/01 00:00:00 is the due day itself: on time.
    due = at(2024, 1, 15, 17)
    DossierFactory(unit=personas.cumgar, due_at=due, finished_at=at(2024, 1, 14, 23, 59, 59))
    DossierFactory(unit=personas.cumgar, due_at=due, finished_at=at(2024, 1, 15, 0, 0, 0))
    DossierFactory(unit=personas.cumgar, due_at=due, finished_at=at(2024, 1, 14, 18))
    s = stats_of(personas.cumgar)
    assert (s.finished_early, s.finished_on_time, s.finished_late) == (2, 1, 0)


def test_the_due_day_is_the_local_day(personas):
    # Due 15/01 00:30 Vietnam time, which is 14/01 17:30 UTC: a dossier finished 14/01 23:00
    # (local) was finished the day before the due day, one finished 15/01 00:10 on the day.
    due = at(2024, 1, 15, 0, 30)
    DossierFactory(unit=personas.cumgar, due_at=due, finished_at=at(2024, 1, 14, 23))
    DossierFactory(unit=personas.cumgar, due_at=due, finished_at=at(2024, 1, 15, 0, 10))
    s = stats_of(personas.cumgar)
    assert (s.finished_early, s.finished_on_time) == (1, 1)


def test_finished_on_the_due_day_after_the_due_time_is_late(personas):
    due = at(2024, 1, 15, 11)
    DossierFactory(unit=personas.cumgar, due_at=due, finished_at=at(2024, 1, 15, 16))
    s = stats_of(personas.cumgar)
    assert (s.finished_on_time, s.finished_late) == (0, 1)


def test_unfinished_past_due_at_the_period_end_is_overdue(personas):
    DossierFactory(
        unit=personas.cumgar,
        due_at=at(2024, 1, 31, 17),
        finished_at=None,
        status=DossierStatus.IN_PROGRESS,
    )
    DossierFactory(
        unit=personas.cumgar,
        due_at=at(2024, 2, 1, 0, 0, 0),  # due after the period: still on time at its end
        finished_at=None,
        status=DossierStatus.IN_PROGRESS,
    )
    s = stats_of(personas.cumgar)
    assert (s.in_progress_overdue, s.in_progress_on_time) == (1, 1)
    # Judged at the period's end: the same dossiers on 15/01 are both in time.
    s = stats_of(personas.cumgar, (dt.date(2024, 1, 1), dt.date(2024, 1, 15)))
    assert (s.in_progress_overdue, s.in_progress_on_time) == (0, 2)


def test_finished_after_the_period_counts_as_in_progress(personas):
    DossierFactory(unit=personas.cumgar, due_at=at(2024, 2, 10), finished_at=at(2024, 2, 5))
    s = stats_of(personas.cumgar)
    assert (s.finished, s.in_progress_on_time) == (0, 1)


def test_returned_is_counted_when_the_result_is_handed_back(personas):
    DossierFactory(unit=personas.cumgar, returned_at=at(2024, 1, 13), status=DossierStatus.RETURNED)
    DossierFactory(
        unit=personas.cumgar,
        received_at=at(2023, 12, 20),
        due_at=at(2023, 12, 30),
        finished_at=at(2023, 12, 28),
        returned_at=at(2024, 1, 2),
        status=DossierStatus.RETURNED,
    )
    s = stats_of(personas.cumgar)
    assert s.returned == 2
    assert (s.received, s.carried_over, s.finished) == (1, 0, 1)


def test_a_dossier_in_several_date_ranges_counts_once(personas):
    # The selector reads received / carried-over / returned dossiers as separate index ranges:
    # one dossier that lies in several of them still counts once in each figure.
    DossierFactory(  # received, finished and returned in the period, still in progress status
        unit=personas.cumgar,
        received_at=at(2024, 1, 2),
        due_at=at(2024, 1, 10),
        finished_at=at(2024, 1, 5),
        returned_at=at(2024, 1, 6),
        status=DossierStatus.RETURNED,
    )
    DossierFactory(  # carried over, finished and returned in the period
        unit=personas.cumgar,
        received_at=at(2023, 12, 28),
        due_at=at(2024, 1, 10),
        finished_at=at(2024, 1, 3),
        returned_at=at(2024, 1, 4),
        status=DossierStatus.RETURNED,
    )
    DossierFactory(  # carried over, still open, returned date set (inconsistent source data)
        unit=personas.cumgar,
        received_at=at(2023, 12, 28),
        due_at=at(2024, 1, 10),
        finished_at=None,
        returned_at=at(2024, 1, 4),
        status=DossierStatus.IN_PROGRESS,
    )
    DossierFactory(  # returned in the period but received after it (inconsistent source data)
        unit=personas.cumgar,
        received_at=at(2024, 2, 3),
        due_at=at(2024, 2, 10),
        finished_at=at(2024, 2, 5),
        returned_at=at(2024, 1, 20),
        status=DossierStatus.RETURNED,
    )
    DossierFactory(  # finished before the period, nothing in it
        unit=personas.cumgar,
        received_at=at(2023, 12, 1),
        due_at=at(2023, 12, 10),
        finished_at=at(2023, 12, 5),
        returned_at=at(2023, 12, 6),
        status=DossierStatus.RETURNED,
    )
    s = stats_of(personas.cumgar)
    assert (s.received, s.carried_over, s.finished_early, s.finished) == (1, 2, 2, 2)
    assert (s.in_progress_overdue, s.returned) == (1, 4)


def test_a_withdrawn_dossier_was_received_and_is_counted_withdrawn(personas):
    DossierFactory(  # withdrawn in the period, end time given
        unit=personas.cumgar,
        finished_at=at(2024, 1, 12),
        returned_at=at(2024, 1, 12),
        status=DossierStatus.WITHDRAWN,
    )
    DossierFactory(  # withdrawn, no end time: it ended on receipt
        unit=personas.cumgar, finished_at=None, status=DossierStatus.WITHDRAWN
    )
    s = stats_of(personas.cumgar)
    assert (s.received, s.withdrawn) == (2, 2)
    assert (s.finished, s.in_progress, s.returned) == (0, 0, 0)  # no result handed back
    assert s.on_time_rate is None  # nothing was finished


def test_a_withdrawn_dossier_is_carried_over_until_it_is_withdrawn(personas):
    DossierFactory(
        unit=personas.cumgar,
        received_at=at(2023, 12, 20),
        due_at=at(2024, 1, 30),
        finished_at=at(2024, 2, 5),
        status=DossierStatus.WITHDRAWN,
    )
    DossierFactory(  # withdrawn without an end time, received before the period: long gone
        unit=personas.cumgar,
        received_at=at(2023, 12, 20),
        finished_at=None,
        status=DossierStatus.WITHDRAWN,
    )
    january = stats_of(personas.cumgar)
    assert (january.carried_over, january.withdrawn, january.in_progress_overdue) == (1, 0, 1)
    february = stats_of(personas.cumgar, (dt.date(2024, 2, 1), dt.date(2024, 2, 29)))
    assert (february.carried_over, february.withdrawn, february.in_progress) == (1, 1, 0)


def test_a_dossier_not_accepted_was_never_received(personas):
    DossierFactory(unit=personas.cumgar, finished_at=None, status=DossierStatus.NOT_ACCEPTED)
    DossierFactory(
        unit=personas.cumgar,
        finished_at=at(2024, 1, 10, 10),
        returned_at=at(2024, 1, 10, 10),
        status=DossierStatus.NOT_ACCEPTED,
    )
    DossierFactory(  # refused in December: nothing in January
        unit=personas.cumgar,
        received_at=at(2023, 12, 1),
        finished_at=None,
        status=DossierStatus.NOT_ACCEPTED,
    )
    s = stats_of(personas.cumgar)
    assert s.not_accepted == 2
    assert (s.received, s.carried_over, s.finished, s.in_progress, s.withdrawn) == (0, 0, 0, 0, 0)
    assert s.returned == 0


def test_supplement_requested_past_due_is_in_progress_never_overdue(personas):
    for status in (DossierStatus.SUPPLEMENT_REQUESTED, DossierStatus.IN_PROGRESS):
        DossierFactory(
            unit=personas.cumgar, finished_at=None, due_at=at(2024, 1, 15, 17), status=status
        )
    s = stats_of(personas.cumgar)
    # The applicant holds the first: the clock is stopped. The second is the agency's: overdue.
    assert (s.supplement_requested, s.in_progress_on_time, s.in_progress_overdue) == (1, 1, 1)
    assert s.finished == 0


def test_every_handled_dossier_ends_finished_withdrawn_or_in_progress(personas):
    statuses = [
        DossierStatus.FINISHED,
        DossierStatus.RETURNED,
        DossierStatus.WITHDRAWN,
        DossierStatus.SUPPLEMENT_REQUESTED,
        DossierStatus.IN_PROGRESS,
        DossierStatus.NOT_ACCEPTED,
    ]
    for i, status in enumerate(statuses * 3):
        DossierFactory(
            unit=personas.cumgar,
            received_at=at(2023, 12, 25) + dt.timedelta(days=3 * i),
            due_at=at(2024, 1, 5) + dt.timedelta(days=2 * i),
            finished_at=None if i % 3 == 0 else at(2024, 1, 2) + dt.timedelta(days=4 * i),
            status=status,
        )
    s = stats_of(personas.cumgar)
    assert s.handled == s.finished + s.withdrawn + s.in_progress
    assert s.handled > 0 and s.not_accepted > 0


def test_carried_over_received_before_and_not_finished_before_the_period(personas):
    DossierFactory(unit=personas.cumgar, received_at=at(2023, 12, 20), finished_at=at(2024, 1, 3))
    DossierFactory(unit=personas.cumgar, received_at=at(2023, 12, 20), finished_at=None)
    DossierFactory(
        unit=personas.cumgar, received_at=at(2023, 12, 20), finished_at=at(2023, 12, 31, 23)
    )
    s = stats_of(personas.cumgar)
    assert (s.carried_over, s.received, s.finished) == (2, 0, 1)


def test_period_days_are_local_days(personas):
    DossierFactory(unit=personas.cumgar, received_at=at(2024, 1, 31, 23, 59, 59))
    DossierFactory(unit=personas.cumgar, received_at=at(2024, 2, 1, 0, 0, 0))
    assert stats_of(personas.cumgar).received == 1


def test_channels_and_rates(personas):
    for channel in (Channel.IN_PERSON, Channel.ONLINE, Channel.ONLINE, Channel.POSTAL):
        DossierFactory(
            unit=personas.cumgar,
            channel=channel,
            paid_online=channel == Channel.ONLINE,
            digitised_dossier=True,
            digitised_result=channel == Channel.POSTAL,
        )
    s = stats_of(personas.cumgar)
    assert (s.received_in_person, s.received_online, s.received_postal) == (1, 2, 1)
    assert s.online_rate == Decimal("0.5")
    assert s.paid_online_rate == Decimal("0.5")
    assert s.digitised_dossier_rate == Decimal("1")
    assert s.digitised_result_rate == Decimal("0.25")


def test_rates_are_none_without_a_denominator(personas):
    s = stats_of(personas.cumgar)
    assert s.on_time_rate is None and s.online_rate is None and s.paid_online_rate is None


def test_descendants_and_deepest_unit_wins(personas):
    DossierFactory(unit=personas.cumgar)
    DossierFactory(unit=personas.eakpam)
    DossierFactory(unit=personas.eakpam)
    DossierFactory(unit=personas.quangphu)
    DossierFactory(unit=personas.namnhun)
    assert stats_of(personas.cumgar).received == 1
    assert stats_of(personas.cumgar, include_descendants=True).received == 4
    both = dossier_stats(
        units=[personas.cumgar, personas.eakpam],
        start=JAN[0],
        end=JAN[1],
        include_descendants=True,
    )
    assert both[personas.cumgar.pk].received == 2
    assert both[personas.eakpam.pk].received == 2
    assert dossier_stats_total(both.values()).received == 4


def test_a_changed_dossier_changes_the_figures(personas):
    dossier = DossierFactory(unit=personas.cumgar)
    assert stats_of(personas.cumgar).finished_late == 0
    dossier.finished_at = dossier.due_at + dt.timedelta(hours=1)
    dossier.save()
    assert stats_of(personas.cumgar).finished_late == 1


def test_total_recomputes_rates_from_sums():
    a = DossierStats(unit_id=1, finished_early=99, finished_late=1, received=10, received_online=1)
    b = DossierStats(unit_id=2, finished_on_time=1, finished_late=9, received=10)
    total = dossier_stats_total([a, b])
    assert total.unit_id is None
    assert total.finished == 110
    assert total.on_time_rate == Decimal("0.9091")
    assert total.online_rate == Decimal("0.05")


@pytest.mark.parametrize("rows", [1, 40])
def test_fixed_number_of_queries(personas, django_assert_max_num_queries, rows):
    for i in range(rows):
        DossierFactory(unit=[personas.cumgar, personas.eakpam, personas.quangphu][i % 3])
    from units.models import AdministrativeUnit

    with django_assert_max_num_queries(3):
        result = dossier_stats(
            units=AdministrativeUnit.objects.subtree_of(personas.cumgar),
            start=JAN[0],
            end=JAN[1],
            include_descendants=True,
        )
    assert sum(s.received for s in result.values()) == rows


# --- One rule, two implementations: the SQL figures and `procedures.rules.standing` ---------

# (status, received, due, finished): every timeliness edge, judged at the end of January.
EDGES = [
    (DossierStatus.FINISHED, at(2024, 1, 10), at(2024, 1, 15, 17), at(2024, 1, 15, 17)),
    (
        DossierStatus.FINISHED,
        at(2024, 1, 10),
        at(2024, 1, 15, 17),
        at(2024, 1, 15, 17) + dt.timedelta(seconds=1),
    ),
    (DossierStatus.FINISHED, at(2024, 1, 10), at(2024, 1, 15, 17), at(2024, 1, 15, 0, 0, 0)),
    (DossierStatus.FINISHED, at(2024, 1, 10), at(2024, 1, 15, 17), at(2024, 1, 14, 23, 59, 59)),
    (DossierStatus.FINISHED, at(2024, 1, 10), at(2024, 1, 15, 0, 30), at(2024, 1, 14, 23)),
    (DossierStatus.RETURNED, at(2024, 1, 10), None, at(2024, 1, 20)),
    (DossierStatus.IN_PROGRESS, at(2024, 1, 10), at(2024, 1, 31, 23, 59, 59), None),
    (DossierStatus.IN_PROGRESS, at(2024, 1, 10), at(2024, 2, 1, 0, 0, 0), None),
    (DossierStatus.SUPPLEMENT_REQUESTED, at(2024, 1, 10), at(2024, 1, 15, 17), None),
    (DossierStatus.WITHDRAWN, at(2024, 1, 10), at(2024, 1, 15, 17), at(2024, 1, 12)),
    (DossierStatus.WITHDRAWN, at(2024, 1, 10), at(2024, 1, 15, 17), None),
    (DossierStatus.WITHDRAWN, at(2024, 1, 10), at(2024, 1, 15, 17), at(2024, 2, 3)),
    (DossierStatus.NOT_ACCEPTED, at(2024, 1, 10), None, None),
    (DossierStatus.FINISHED, at(2024, 1, 10), at(2024, 1, 15, 17), at(2024, 2, 3)),
]
FIGURE_OF = {
    rules.EARLY: "finished_early",
    rules.ON_TIME: "finished_on_time",
    rules.LATE: "finished_late",
    rules.IN_PROGRESS: "in_progress_on_time",
    rules.OVERDUE: "in_progress_overdue",
    rules.STANDING_WITHDRAWN: "withdrawn",
    rules.STANDING_NOT_ACCEPTED: "not_accepted",
}


@pytest.mark.parametrize(("status", "received", "due", "finished"), EDGES)
def test_the_figures_and_the_dossier_page_judge_alike(personas, status, received, due, finished):
    dossier = DossierFactory(
        unit=personas.cumgar, status=status, received_at=received, due_at=due, finished_at=finished
    )
    counted = stats_of(personas.cumgar)
    nonzero = {name for name in FIGURE_OF.values() if getattr(counted, name)}
    assert nonzero == {FIGURE_OF[dossier.timeliness(at=at(2024, 2, 1, 0, 0, 0))]}


def test_the_rules_module_names_the_statuses_of_the_model():
    assert rules.NOT_ACCEPTED == DossierStatus.NOT_ACCEPTED
    assert rules.WITHDRAWN == DossierStatus.WITHDRAWN
    assert rules.SUPPLEMENT_REQUESTED == DossierStatus.SUPPLEMENT_REQUESTED


# --- Breakdowns (`dossier_stats --by`, the page's rows) -------------------------------------


def test_breakdown_by_child_and_by_level(personas):
    DossierFactory(unit=personas.cumgar)  # the district's own desk, finished early
    DossierFactory(unit=personas.eakpam, finished_at=at(2024, 1, 20))  # late
    DossierFactory(unit=personas.eakpam)
    DossierFactory(unit=personas.quangphu)
    period = {"start": JAN[0], "end": JAN[1]}
    by_child = dossier_stats_breakdown(unit=personas.cumgar, by=BY_CHILD, **period)
    assert by_child[0].name == "Huyện Cư M'gar" and by_child[0].stats.received == 1
    received = {line.code: line.stats.received for line in by_child[1:]}
    assert received[personas.eakpam.code] == 2 and received[personas.quangphu.code] == 1
    by_level = dossier_stats_breakdown(unit=personas.cumgar, by=BY_LEVEL, **period)
    communes = personas.cumgar.children.count()
    assert [line.name for line in by_level] == ["Huyện Cư M'gar", f"Cấp xã ({communes} đơn vị)"]
    assert [line.stats.received for line in by_level] == [1, 3]
    assert by_level[1].stats.on_time_rate == Decimal("0.6667")  # 2 of 3 communes' dossiers
    assert by_level[0].stats.on_time_rate == Decimal("1")


@pytest.mark.parametrize("rows", [1, 30])
@pytest.mark.parametrize("by", [BY_CHILD, BY_LEVEL])
def test_breakdowns_cost_fixed_queries(personas, django_assert_num_queries, rows, by):
    for i in range(rows):
        DossierFactory(unit=[personas.cumgar, personas.eakpam, personas.quangphu][i % 3])
    # child: the children, the units below them, the aggregate; level: the units, the aggregate
    with django_assert_num_queries({BY_CHILD: 3, BY_LEVEL: 2}[by]):
        lines = dossier_stats_breakdown(unit=personas.cumgar, by=by, start=JAN[0], end=JAN[1])
    assert sum(line.stats.received for line in lines) == rows


def test_the_benchmark_limit_counts_what_the_selector_counts(personas):
    """`make bench` checks its hand-written aggregate equal to the selector on millions of rows;
    here on every edge, so a definition changed in one place fails here first."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the limit is PostgreSQL SQL")
    from procedures.selectors import COUNT_FIELDS, period_bounds
    from tests.benchmarks.bench_stats import LIMIT_SQL

    for status, received, due, finished in EDGES:
        DossierFactory(
            unit=personas.cumgar,
            status=status,
            received_at=received,
            due_at=due,
            finished_at=finished,
            returned_at=finished,
        )
    begin, stop = period_bounds(*JAN)
    with connection.cursor() as cursor:
        cursor.execute(LIMIT_SQL, {"b": begin, "e": stop, "units": [personas.cumgar.pk]})
        (row,) = cursor.fetchall()
    portal = stats_of(personas.cumgar)
    assert tuple(row[1:]) == tuple(getattr(portal, name) for name in COUNT_FIELDS)
