"""The day figures (procedures.figures): kept by the database on every write, and the statistics
summed from them equal the statistics counted from the dossiers, on every edge."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from procedures import figures
from procedures.choices import Channel, DossierStatus
from procedures.models import Dossier, DossierDayFigures, DossierMonthFigures
from procedures.selectors import DIRECT, FIGURES, dossier_stats
from procedures.services import ImportRejected, dossiers_import_file
from tests.procedures.factories import DossierFactory, ProcedureFactory, at

pytestmark = pytest.mark.django_db

JAN = (dt.date(2024, 1, 1), dt.date(2024, 1, 31))
SOURCES = [DIRECT, FIGURES]


def stats_of(unit, source, period=JAN, **kwargs):
    start, end = period
    return dossier_stats(units=[unit], start=start, end=end, source=source, **kwargs)[unit.pk]


def _day_rows() -> list[tuple]:
    cols = ["unit_id", "day", *figures.COLUMNS]
    return sorted(
        (model.__name__, *r)
        for model in (DossierDayFigures, DossierMonthFigures)
        for r in model.objects.values_list(*cols)
        if any(r[2:])  # a row whose contributions cancelled out is as good as none
    )


# --- The definitions, with values stated by hand, from both sources --------------------------


@pytest.mark.parametrize("source", SOURCES)
def test_finished_one_second_after_the_due_time_is_late(personas, source):
    due = at(2024, 1, 15, 17)
    DossierFactory(unit=personas.cumgar, due_at=due, finished_at=due + dt.timedelta(seconds=1))
    DossierFactory(unit=personas.cumgar, due_at=due, finished_at=due)
    s = stats_of(personas.cumgar, source)
    assert (s.finished_early, s.finished_on_time, s.finished_late) == (0, 1, 1)


@pytest.mark.parametrize("source", SOURCES)
def test_finished_on_the_due_day_is_on_time_the_day_before_early(personas, source):
    due = at(2024, 1, 15, 17)
    DossierFactory(unit=personas.cumgar, due_at=due, finished_at=at(2024, 1, 15, 0, 0, 0))
    DossierFactory(unit=personas.cumgar, due_at=due, finished_at=at(2024, 1, 14, 23, 59, 59))
    s = stats_of(personas.cumgar, source)
    assert (s.finished_early, s.finished_on_time, s.finished_late) == (1, 1, 0)


@pytest.mark.parametrize("source", SOURCES)
def test_withdrawn_was_received_not_accepted_was_not(personas, source):
    DossierFactory(unit=personas.cumgar, status=DossierStatus.WITHDRAWN, finished_at=None)
    DossierFactory(
        unit=personas.cumgar, status=DossierStatus.NOT_ACCEPTED, due_at=None, finished_at=None
    )
    s = stats_of(personas.cumgar, source)
    assert (s.received, s.withdrawn, s.not_accepted, s.finished, s.in_progress) == (1, 1, 1, 0, 0)


@pytest.mark.parametrize("source", SOURCES)
def test_supplement_requested_past_due_is_in_progress_never_overdue(personas, source):
    DossierFactory(
        unit=personas.cumgar, status=DossierStatus.SUPPLEMENT_REQUESTED, finished_at=None
    )
    DossierFactory(unit=personas.cumgar, status=DossierStatus.IN_PROGRESS, finished_at=None)
    s = stats_of(personas.cumgar, source)
    assert (s.in_progress_on_time, s.in_progress_overdue, s.supplement_requested) == (1, 1, 1)


@pytest.mark.parametrize("source", SOURCES)
def test_carried_over_into_the_next_month(personas, source):
    # Received 10/01, withdrawn 03/02 and one still open: both carried into February.
    DossierFactory(unit=personas.cumgar, status=DossierStatus.WITHDRAWN, finished_at=at(2024, 2, 3))
    DossierFactory(unit=personas.cumgar, status=DossierStatus.IN_PROGRESS, finished_at=None)
    DossierFactory(unit=personas.cumgar)  # finished 12/01: not carried
    s = stats_of(personas.cumgar, source, period=(dt.date(2024, 2, 1), dt.date(2024, 2, 29)))
    assert (s.carried_over, s.received, s.withdrawn, s.in_progress_overdue) == (2, 0, 1, 1)


# --- The database keeps them on every write -------------------------------------------------


def test_updates_and_deletes_move_the_figures(personas):
    d = DossierFactory(unit=personas.cumgar, channel=Channel.ONLINE)
    assert stats_of(personas.cumgar, FIGURES).received_online == 1
    Dossier.objects.filter(pk=d.pk).update(channel=Channel.POSTAL, unit=personas.eakpam)
    assert stats_of(personas.cumgar, FIGURES).received == 0
    assert stats_of(personas.eakpam, FIGURES).received_postal == 1
    Dossier.objects.filter(pk=d.pk).delete()
    assert stats_of(personas.eakpam, FIGURES).received == 0


def test_rebuild_gives_the_rows_the_triggers_kept(personas):
    DossierFactory.create_batch(3, unit=personas.cumgar)
    DossierFactory(unit=personas.eakpam, status=DossierStatus.WITHDRAWN, finished_at=None)
    Dossier.objects.filter(unit=personas.cumgar).update(finished_at=at(2024, 1, 20))
    kept = _day_rows()
    figures.figures_rebuild()
    assert _day_rows() == kept
    assert kept  # something was counted


def test_a_refused_import_changes_no_figure(personas, tmp_path, import_path):
    ProcedureFactory(code="1.000001", province=personas.daklak)
    DossierFactory(unit=personas.cumgar)
    before = _day_rows()
    path = tmp_path / "hs.csv"
    path.write_text(
        "ma_ho_so,ma_tthc,ma_don_vi,kenh,ngay_tiep_nhan,ngay_hen_tra,ngay_ket_thuc,trang_thai\n"
        f"N-1,1.000001,{personas.cumgar.code},Trực tiếp,05/01/2024,10/01/2024,08/01/2024,\n"
        f"N-2,1.000001,{personas.cumgar.code},Trực tiếp,05/01/2024,10/01/2024,01/01/2024,\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportRejected):  # N-2 finished before it was received
        dossiers_import_file(path=path)
    assert _day_rows() == before


def test_an_import_adds_its_dossiers_to_the_figures(personas, tmp_path, import_path):
    ProcedureFactory(code="1.000001", province=personas.daklak)
    path = tmp_path / "hs.csv"
    path.write_text(
        "ma_ho_so,ma_tthc,ma_don_vi,kenh,ngay_tiep_nhan,ngay_hen_tra,ngay_ket_thuc,trang_thai\n"
        f"N-1,1.000001,{personas.cumgar.code},Trực tiếp,05/01/2024,10/01/2024,08/01/2024,\n"
        f"N-2,1.000001,{personas.cumgar.code},Trực tiếp,05/01/2024,10/01/2024,,\n",
        encoding="utf-8",
    )
    assert dossiers_import_file(path=path).ok
    s = stats_of(personas.cumgar, FIGURES)
    # N-1 finished 08/01, two days before its due day: early; N-2 open, due 10/01: overdue.
    assert (s.received, s.finished_early, s.in_progress_overdue) == (2, 1, 1)
    assert dossiers_import_file(path=path).ok  # the same file again changes nothing
    assert stats_of(personas.cumgar, FIGURES) == s


def test_only_what_the_user_sees(personas):
    DossierFactory(unit=personas.eakpam)
    DossierFactory(unit=personas.namnhun)
    for source in SOURCES:
        seen = dossier_stats(
            units=[personas.cumgar, personas.namnhun],
            start=JAN[0],
            end=JAN[1],
            include_descendants=True,
            visible_to=personas.cumgar_staff,
            source=source,
        )
        assert (seen[personas.cumgar.pk].received, seen[personas.namnhun.pk].received) == (1, 0)


def test_narrowed_dossiers_are_never_read_from_the_figures(personas):
    with pytest.raises(ValueError):
        dossier_stats(
            units=[personas.cumgar],
            start=JAN[0],
            end=JAN[1],
            dossiers=Dossier.objects.filter(channel=Channel.ONLINE),
            source=FIGURES,
        )


# --- Property: on random dossiers, both sources agree ----------------------------------------

BASE = at(2024, 3, 1, 0, 0, 0)
SECOND = dt.timedelta(seconds=1)
# Times of day that sit on the edges (midnight, a second before it) and ordinary ones.
TIMES = st.sampled_from(
    [dt.time(0, 0, 0), dt.time(23, 59, 59), dt.time(7, 0), dt.time(16, 59, 59), dt.time(17, 0)]
)


@st.composite
def dossier_specs(draw):
    received = BASE + dt.timedelta(days=draw(st.integers(-40, 40)))
    received = received.replace(
        hour=draw(st.integers(0, 23)), minute=draw(st.sampled_from([0, 59])), second=0
    )
    due = None
    if draw(st.booleans()) or draw(st.booleans()):
        due_day = (received + dt.timedelta(days=draw(st.integers(0, 20)))).date()
        due = dt.datetime.combine(due_day, draw(TIMES), tzinfo=received.tzinfo)
        due = max(due, received)
    finished = None
    if draw(st.integers(0, 3)):
        anchor = due or received
        edge = draw(
            st.sampled_from(["-1s", "0", "+1s", "day start", "day before", "days", "long after"])
        )
        finished = {
            "-1s": anchor - SECOND,
            "0": anchor,
            "+1s": anchor + SECOND,
            "day start": anchor.replace(hour=0, minute=0, second=0),
            "day before": anchor.replace(hour=23, minute=59, second=59) - dt.timedelta(days=1),
            "days": anchor + dt.timedelta(days=draw(st.integers(-10, 10))),
            "long after": anchor + dt.timedelta(days=draw(st.integers(30, 90))),
        }[edge]
        finished = max(finished, received)  # the import refuses an end before receipt
    returned = None
    if finished is not None and draw(st.booleans()):
        returned = finished + dt.timedelta(days=draw(st.integers(0, 40)))
    return {
        "status": draw(st.sampled_from(list(DossierStatus.values))),
        "channel": draw(st.sampled_from(list(Channel.values))),
        "received_at": received,
        "due_at": due,
        "finished_at": finished,
        "returned_at": returned,
        "digitised_dossier": draw(st.booleans()),
        "digitised_result": draw(st.booleans()),
        "paid_online": draw(st.booleans()),
    }


PERIOD_DAY = st.integers(-50, 60).map(lambda k: BASE.date() + dt.timedelta(days=k))


@settings(
    max_examples=60 if connection.vendor == "sqlite" else 40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    specs=st.lists(dossier_specs(), min_size=1, max_size=25),
    units=st.lists(st.integers(0, 2), min_size=25, max_size=25),
    period=st.tuples(PERIOD_DAY, PERIOD_DAY).map(sorted),
    rewrite=st.lists(st.integers(0, 24), max_size=5),
)
def test_figures_equal_the_direct_count(personas, specs, units, period, rewrite):
    Dossier.objects.all().delete()  # each example starts from nothing (the triggers too)
    procedure = ProcedureFactory()
    where = [personas.cumgar, personas.eakpam, personas.namnhun]
    Dossier.objects.bulk_create(
        Dossier(code=f"P-{k}", procedure=procedure, unit=where[units[k]], **spec)
        for k, spec in enumerate(specs)
    )
    # Rewrite some (an update replaces a dossier's contributions) and delete one.
    for k in rewrite:
        if k < len(specs):
            Dossier.objects.filter(code=f"P-{k}").update(
                status=DossierStatus.FINISHED, unit=where[(units[k] + 1) % 3]
            )
    Dossier.objects.filter(code=f"P-{len(specs) - 1}").delete()
    start, end = period
    for descendants in (False, True):
        asked = [personas.cumgar, personas.eakpam, personas.namnhun]
        direct = dossier_stats(
            units=asked, start=start, end=end, include_descendants=descendants, source=DIRECT
        )
        summed = dossier_stats(
            units=asked, start=start, end=end, include_descendants=descendants, source=FIGURES
        )
        assert summed == direct


def test_a_period_reads_whole_months_from_the_month_rows():
    from procedures.selectors import _figure_ranges

    d = dt.date
    # 15/01–10/04/2024: before it, months up to December and 1–14 January by day; in it, 15–31
    # January by day, February and March as months, 1–10 April by day.
    assert _figure_ranges(d(2024, 1, 15), d(2024, 4, 10)) == [
        (figures.MONTHS, None, d(2023, 12, 31), 0),
        (figures.TABLE, d(2024, 1, 1), d(2024, 1, 14), 0),
        (figures.TABLE, d(2024, 1, 15), d(2024, 1, 31), 1),
        (figures.MONTHS, d(2024, 2, 1), d(2024, 3, 31), 1),
        (figures.TABLE, d(2024, 4, 1), d(2024, 4, 10), 1),
    ]
    # A calendar quarter: months only.
    assert _figure_ranges(d(2024, 1, 1), d(2024, 3, 31)) == [
        (figures.MONTHS, None, d(2023, 12, 31), 0),
        (figures.MONTHS, d(2024, 1, 1), d(2024, 3, 31), 1),
    ]
    # Days within one month: no whole month.
    assert _figure_ranges(d(2024, 2, 10), d(2024, 2, 20))[-1] == (
        figures.TABLE,
        d(2024, 2, 10),
        d(2024, 2, 20),
        1,
    )


@pytest.mark.parametrize("source", SOURCES)
def test_a_year_boundary_and_a_leap_day(personas, source):
    DossierFactory(
        unit=personas.cumgar,
        received_at=at(2023, 12, 31, 23, 59, 59),
        due_at=at(2024, 2, 29, 17),
        finished_at=at(2024, 2, 29, 0, 0, 0),
    )
    s = stats_of(personas.cumgar, source, period=(dt.date(2024, 1, 1), dt.date(2024, 2, 29)))
    # Received on the last second of 2023: carried into 2024; finished on the due day: on time.
    assert (s.carried_over, s.received, s.finished_on_time) == (1, 0, 1)
