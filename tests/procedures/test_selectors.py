import datetime as dt
from decimal import Decimal

import pytest

from procedures.choices import Channel, DossierStatus
from procedures.selectors import DossierStats, dossier_stats, dossier_stats_total
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


def test_finished_a_day_before_the_due_time_is_early(personas):
    due = at(2024, 1, 15, 17)
    DossierFactory(unit=personas.cumgar, due_at=due, finished_at=due - dt.timedelta(days=1))
    DossierFactory(
        unit=personas.cumgar, due_at=due, finished_at=due - dt.timedelta(days=1, seconds=-1)
    )
    s = stats_of(personas.cumgar)
    assert (s.finished_early, s.finished_on_time) == (1, 1)


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


def test_withdrawn_and_not_accepted_dossiers_are_left_out(personas):
    DossierFactory(unit=personas.cumgar, finished_at=None, status=DossierStatus.WITHDRAWN)
    DossierFactory(unit=personas.cumgar, finished_at=None, status=DossierStatus.NOT_ACCEPTED)
    DossierFactory(
        unit=personas.cumgar,
        received_at=at(2023, 12, 1),
        finished_at=None,
        status=DossierStatus.WITHDRAWN,
    )
    s = stats_of(personas.cumgar)
    assert (s.received, s.carried_over, s.finished, s.in_progress) == (0, 0, 0, 0)


def test_supplement_requested_is_in_progress_and_counted_apart(personas):
    DossierFactory(
        unit=personas.cumgar,
        finished_at=None,
        due_at=at(2024, 3, 1),
        status=DossierStatus.SUPPLEMENT_REQUESTED,
    )
    s = stats_of(personas.cumgar)
    assert (s.supplement_requested, s.in_progress_on_time, s.finished) == (1, 1, 0)


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
