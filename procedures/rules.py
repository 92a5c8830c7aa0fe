"""Where one dossier stands, by the rules of the statistics (pure Python, no Django).

`procedures.selectors.dossier_stats` counts the same rules in SQL over many dossiers; this is
the one dossier's version (its page, and the tests that hold both equal on every edge). The
definitions and their sources: docs/domain.md, "Timeliness"; docs/formats.md, "Dossier
statistics".
"""

from __future__ import annotations

import datetime as dt

# Status values (procedures.choices.DossierStatus), repeated so this module stays pure; the
# tests check they match.
NOT_ACCEPTED = "not_accepted"
WITHDRAWN = "withdrawn"
SUPPLEMENT_REQUESTED = "supplement_requested"

# What `standing` answers.
EARLY = "early"
ON_TIME = "on_time"
LATE = "late"
IN_PROGRESS = "in_progress"
OVERDUE = "overdue"
STANDING_WITHDRAWN = "withdrawn"
STANDING_NOT_ACCEPTED = "not_accepted"


def due_day_start(due_at: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """00:00 in `tz` of the day `due_at` falls on: finishing before it is finishing early."""
    local = due_at.astimezone(tz)
    return dt.datetime.combine(local.date(), dt.time.min, tzinfo=tz)


def finished_timeliness(
    *, finished_at: dt.datetime, due_at: dt.datetime | None, tz: dt.tzinfo
) -> str:
    """early / on_time / late of a dossier finished at `finished_at`.

    Late: after the appointed time, by one second. Early: on a calendar day (in `tz`) before
    the appointed day. On time: on the appointed day, by the appointed time. No appointment:
    on time.
    """
    if due_at is None:
        return ON_TIME
    if finished_at > due_at:
        return LATE
    if finished_at < due_day_start(due_at, tz):
        return EARLY
    return ON_TIME


def standing(
    *,
    status: str,
    received_at: dt.datetime,
    due_at: dt.datetime | None,
    finished_at: dt.datetime | None,
    at: dt.datetime,
    tz: dt.tzinfo,
) -> str:
    """Where a dossier stands at the instant `at` (a period's end, or now).

    not_accepted (never received) · withdrawn (ended by the applicant: at `finished_at`, or on
    receipt without one) · early / on_time / late (finished before `at`) · in_progress /
    overdue (not finished; never overdue while waiting for the applicant's supplement).
    """
    if status == NOT_ACCEPTED:
        return STANDING_NOT_ACCEPTED
    ended_at = finished_at
    if status == WITHDRAWN and ended_at is None:
        ended_at = received_at
    if ended_at is None or ended_at >= at:
        if due_at is not None and due_at < at and status != SUPPLEMENT_REQUESTED:
            return OVERDUE
        return IN_PROGRESS
    if status == WITHDRAWN:
        return STANDING_WITHDRAWN
    assert finished_at is not None
    return finished_timeliness(finished_at=finished_at, due_at=due_at, tz=tz)
