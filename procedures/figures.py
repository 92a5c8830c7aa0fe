"""Dossier figures pre-aggregated by unit and day (`DossierDayFigures`) and by unit and month
(`DossierMonthFigures`, the sums of the day rows), kept by the database.

Why: the statistics page read every dossier of the period (and the carried-over ones) on each
view, so it grew with the dossiers (1.96 s for a province at 5,000,000). The figures of a whole-day
period are sums over a unit's day rows instead (`procedures.selectors.dossier_stats` answers from
here whenever it can), which grow with units × days, not with dossiers.

What a dossier adds (its *contribution*; local days in the portal's time zone, R = received day,
E = end day: the finished day, or the received day for a withdrawal without an end time, U = due
day). The same definitions as `procedures.selectors` (docs/formats.md, "Dossier statistics"):

- on R, unless refused: received, its channel, digitised dossier, paid online; +1 open, and +1
  supplement-open when its status is *supplement requested*;
- on R, when refused (*not accepted*): not accepted (never received, in no other figure);
- on E, unless refused: finished early / on time / late and digitised result (not withdrawn), or
  withdrawn; −1 open (and −1 supplement-open);
- on its returned day, unless withdrawn or refused: returned;
- overdue-open, unless refused, without a due date or awaiting a supplement: +1 on max(R, U),
  −1 on max(E, U). Open at the end of day D and overdue (U ≤ D) is R ≤ D < E and U ≤ D, i.e.
  max(R, U) ≤ D < max(E, U).

So for the days S…D (whole months read from the month rows, the edge days from the day rows:
`procedures.selectors._figure_ranges`): the flows are sums over S…D; carried over = Σ open up
to S−1; in progress = Σ open up to D (overdue: Σ overdue-open up to D, the rest on time);
supplement requested = Σ supplement-open up to D. This needs E ≥ R, which the import enforces
(ERR_FINISHED_BEFORE_RECEIVED).

How the rows stay in step: triggers on `procedures_dossier` add the contributions of the rows
written and subtract those of the rows replaced or deleted, in the writing statement's
transaction, so a refused import (rolled back) changes nothing here either, and every writer is
covered (both import engines, the demo, the admin, tests' factories). PostgreSQL: one
statement-level trigger per event over its transition tables (one upsert per statement, however
many rows: an import's 300,000 rows cost one grouped upsert); SQLite (development): row-level
triggers. A bulk load that switches triggers off (`session_replication_role = replica`, the
benchmark's data loader) calls `figures_rebuild()` afterwards. TRUNCATE of the dossiers empties
the figures (PostgreSQL); `flush` (tests' teardown) is followed by a rebuild
(`procedures.apps`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from procedures.choices import Channel, DossierStatus

TABLE = "procedures_dossierdayfigures"
MONTHS = "procedures_dossiermonthfigures"
DOSSIERS = "procedures_dossier"
# Flows (summed over the period's days), then stock deltas (summed over every day up to a day).
FLOWS = [
    "received",
    "received_in_person",
    "received_online",
    "received_postal",
    "digitised_dossier",
    "paid_online",
    "not_accepted",
    "finished_early",
    "finished_on_time",
    "finished_late",
    "digitised_result",
    "withdrawn",
    "returned",
]
STOCKS = ["open_delta", "overdue_delta", "supplement_delta"]
COLUMNS = FLOWS + STOCKS
# The dossier columns the contributions read.
_READS = [
    "unit_id",
    "channel",
    "status",
    "received_at",
    "due_at",
    "finished_at",
    "returned_at",
    "digitised_dossier",
    "digitised_result",
    "paid_online",
]


class _Dialect:
    """The few SQL spellings that differ between PostgreSQL and SQLite."""

    def __init__(self, vendor: str):
        self.vendor = vendor
        tz = timezone.get_default_timezone()
        self.zone = str(tz)
        offset = tz.utcoffset(dt.datetime(2000, 1, 1)) or dt.timedelta(0)
        self.hours = int(offset.total_seconds() // 3600)

    def day(self, column: str) -> str:
        if self.vendor == "postgresql":
            return f"(({column}) AT TIME ZONE '{self.zone}')::date"
        # SQLite stores UTC text; Vietnam keeps +07:00 all year (see selectors._due_day_start).
        return f"date({column}, '{self.hours:+d} hours')"

    def greatest(self, a: str, b: str) -> str:
        return f"GREATEST({a}, {b})" if self.vendor == "postgresql" else f"max({a}, {b})"

    def flag(self, condition: str) -> str:
        return f"(CASE WHEN {condition} THEN 1 ELSE 0 END)"


def _parts(d: _Dialect) -> list[tuple[str, str, list[str]]]:
    """What a dossier `x` adds, as (day, condition, one value per COLUMNS) triples: a dossier
    meeting the condition adds the values to the row of (its unit, that day). `x` carries the
    local days rd, fd, ud, td (received, finished, due, returned), computed once per dossier."""
    refused = f"x.status = '{DossierStatus.NOT_ACCEPTED}'"
    withdrawn = f"x.status = '{DossierStatus.WITHDRAWN}'"
    supplement = f"x.status = '{DossierStatus.SUPPLEMENT_REQUESTED}'"
    # Local days, computed once per dossier (`_with_days`).
    received_day = "x.rd"
    # The end: the finished time, or receipt for a withdrawal without one.
    end_day = f"(CASE WHEN x.finished_at IS NOT NULL THEN x.fd WHEN {withdrawn} THEN x.rd END)"
    due_day = "x.ud"
    early = f"x.due_at IS NOT NULL AND x.fd < {due_day}"  # finished on a day before the due day
    late = "x.due_at IS NOT NULL AND x.finished_at > x.due_at"

    def row(day: str, where: str, values: dict[str, str]) -> tuple[str, str, list[str]]:
        return day, where, [values.get(c, "0") for c in COLUMNS]

    finished_values = {
        "finished_early": d.flag(f"NOT ({withdrawn}) AND {early}"),
        "finished_on_time": d.flag(f"NOT ({withdrawn}) AND NOT ({early}) AND NOT ({late})"),
        "finished_late": d.flag(f"NOT ({withdrawn}) AND {late}"),
        "digitised_result": d.flag(f"NOT ({withdrawn}) AND x.digitised_result"),
        "withdrawn": d.flag(withdrawn),
        "open_delta": "-1",
        "supplement_delta": f"-{d.flag(supplement)}",
    }
    return [
        row(
            received_day,
            f"NOT ({refused})",
            {
                "received": "1",
                "received_in_person": d.flag(f"x.channel = '{Channel.IN_PERSON}'"),
                "received_online": d.flag(f"x.channel = '{Channel.ONLINE}'"),
                "received_postal": d.flag(f"x.channel = '{Channel.POSTAL}'"),
                "digitised_dossier": d.flag("x.digitised_dossier"),
                "paid_online": d.flag("x.paid_online"),
                "open_delta": "1",
                "supplement_delta": d.flag(supplement),
            },
        ),
        row(received_day, refused, {"not_accepted": "1"}),
        row(
            "x.fd",
            f"x.finished_at IS NOT NULL AND NOT ({refused})",
            finished_values,
        ),
        row(
            received_day,
            f"x.finished_at IS NULL AND {withdrawn}",
            {"withdrawn": "1", "open_delta": "-1"},
        ),
        row(
            "x.td",
            f"x.returned_at IS NOT NULL AND NOT ({refused}) AND NOT ({withdrawn})",
            {"returned": "1"},
        ),
        row(
            d.greatest(received_day, due_day),
            f"x.due_at IS NOT NULL AND NOT ({refused}) AND NOT ({supplement})",
            {"overdue_delta": "1"},
        ),
        row(
            d.greatest(end_day, due_day),
            f"x.due_at IS NOT NULL AND NOT ({refused}) AND NOT ({supplement})"
            f" AND {end_day} IS NOT NULL",
            {"overdue_delta": "-1"},
        ),
    ]


def _with_days(source: str, d: _Dialect) -> str:
    return (
        f"SELECT s.*, {d.day('s.received_at')} AS rd, {d.day('s.finished_at')} AS fd,"
        f" {d.day('s.due_at')} AS ud, {d.day('s.returned_at')} AS td FROM {source} s"
    )


def _month(d: _Dialect, column: str) -> str:
    if d.vendor == "postgresql":
        return f"({column} - EXTRACT(DAY FROM {column})::int + 1)"
    return f"date({column}, 'start of month')"


def _add(table: str, source: str, key: str = "day") -> str:
    """INSERT … ON CONFLICT adding grouped rows of `source` (unit_id, day, *COLUMNS) into
    `table`, in (unit, day) order so concurrent imports lock the rows in the same order."""
    sums = ", ".join(f"SUM({c})" for c in COLUMNS)
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in COLUMNS)
    return (
        f"INSERT INTO {table} (unit_id, day, {', '.join(COLUMNS)}) "
        f"SELECT unit_id, {key}, {sums} FROM {source} "
        f"WHERE day IS NOT NULL GROUP BY unit_id, {key} ORDER BY unit_id, {key} "
        f"ON CONFLICT (unit_id, day) DO UPDATE SET {updates}"
    )


def _upserts(sources: list[tuple[str, int]], d: _Dialect) -> list[str]:
    """The statements adding the contributions of `sources` (relation, sign) to the day rows
    and the month rows.

    PostgreSQL (a statement's transition tables, or every dossier for a rebuild): one
    statement. The rows are read once, with their local days (`x`); each part of `_parts` is
    grouped by (unit, day) on its own, so the final grouping sees one row per part and
    (unit, day) instead of several per dossier (unpivoting every dossier into its
    contributions first was 4× slower: ~960,000 rows into one aggregate for 100,000 updated
    dossiers); the day rows and the month rows are written from the same groups (a
    data-modifying CTE). SQLite (row triggers, one dossier): one statement per table.
    """
    parts = _parts(d)
    if d.vendor == "postgresql":
        reads = ", ".join(_READS)
        rows = " UNION ALL ".join(
            f"SELECT {reads}, {sign} AS sign FROM {src}" for src, sign in sources
        )
        grouped = " UNION ALL ".join(
            f"SELECT x.unit_id AS unit_id, {day} AS day, "
            + ", ".join(
                f"SUM(x.sign * {v}) AS {c}" if v != "0" else f"0 AS {c}"
                for v, c in zip(cols, COLUMNS, strict=True)
            )
            + f" FROM x WHERE {where} GROUP BY 1, 2"
            for day, where, cols in parts
        )
        sums = ", ".join(f"SUM({c}) AS {c}" for c in COLUMNS)
        return [
            f"WITH x AS MATERIALIZED ({_with_days(f'({rows})', d)}),"
            f" c AS MATERIALIZED (SELECT unit_id, day, {sums} FROM ({grouped}) u"
            " WHERE day IS NOT NULL GROUP BY unit_id, day),"
            f" days AS ({_add(TABLE, 'c')}) " + _add(MONTHS, "c", key=_month(d, "day"))
        ]
    union = " UNION ALL ".join(
        f"SELECT x.unit_id AS unit_id, {day} AS day, "
        + ", ".join(f"{sign} * {v} AS {c}" for v, c in zip(cols, COLUMNS, strict=True))
        + f" FROM ({_with_days(src, d)}) x WHERE {where}"
        for src, sign in sources
        for day, where, cols in parts
    )
    return [
        _add(TABLE, f"({union}) c"),
        _add(MONTHS, f"({union}) c", key=_month(d, "day")),
    ]


def _sqlite_row(prefix: str) -> str:
    """The trigger's NEW/OLD row as a one-row relation the contributions can read."""
    return "(SELECT " + ", ".join(f"{prefix}.{c} AS {c}" for c in _READS) + ")"


def install_sql(vendor: str) -> list[str]:
    """The statements creating the triggers (after any previous version is dropped)."""
    d = _Dialect(vendor)
    if vendor == "postgresql":
        statements = []
        for event, sources in (
            ("INSERT", [("new_rows", 1)]),
            ("UPDATE", [("new_rows", 1), ("old_rows", -1)]),
            ("DELETE", [("old_rows", -1)]),
        ):
            name = f"procedures_dossier_figures_{event.lower()}"
            tables = {
                "INSERT": "NEW TABLE AS new_rows",
                "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
                "DELETE": "OLD TABLE AS old_rows",
            }[event]
            statements += [
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN {'; '.join(_upserts(sources, d))}; RETURN NULL; END $$",
                f"CREATE TRIGGER {name} AFTER {event} ON {DOSSIERS} REFERENCING {tables} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
            ]
        statements += [
            "CREATE OR REPLACE FUNCTION procedures_dossier_figures_truncate() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN DELETE FROM {TABLE}; DELETE FROM {MONTHS};"
            " RETURN NULL; END $$",
            "CREATE TRIGGER procedures_dossier_figures_truncate AFTER TRUNCATE ON "
            f"{DOSSIERS} FOR EACH STATEMENT EXECUTE FUNCTION procedures_dossier_figures_truncate()",
        ]
        return uninstall_sql(vendor) + statements
    if vendor == "sqlite":
        # SQLite parses `INSERT … SELECT … ON CONFLICT` only with a WHERE before ON CONFLICT,
        # which _upsert has.
        statements = []
        for event, sources in (
            ("INSERT", [(_sqlite_row("NEW"), 1)]),
            ("UPDATE", [(_sqlite_row("NEW"), 1), (_sqlite_row("OLD"), -1)]),
            ("DELETE", [(_sqlite_row("OLD"), -1)]),
        ):
            name = f"procedures_dossier_figures_{event.lower()}"
            statements.append(
                f"CREATE TRIGGER {name} AFTER {event} ON {DOSSIERS} FOR EACH ROW "
                f"BEGIN {'; '.join(_upserts(sources, d))}; END"
            )
        return uninstall_sql(vendor) + statements
    raise NotImplementedError(vendor)


def uninstall_sql(vendor: str) -> list[str]:
    events = ("insert", "update", "delete") + (("truncate",) if vendor == "postgresql" else ())
    statements = [
        f"DROP TRIGGER IF EXISTS procedures_dossier_figures_{e}"
        + (f" ON {DOSSIERS}" if vendor == "postgresql" else "")
        for e in events
    ]
    if vendor == "postgresql":
        statements += [f"DROP FUNCTION IF EXISTS procedures_dossier_figures_{e}()" for e in events]
    return statements


def rebuild_sql(vendor: str) -> list[str]:
    return [
        f"DELETE FROM {TABLE}",
        f"DELETE FROM {MONTHS}",
        *_upserts([(DOSSIERS, 1)], _Dialect(vendor)),
    ]


@contextmanager
def bulk_load(*, using: BaseDatabaseWrapper | None = None) -> Iterator[None]:
    """Around a bulk insert of many dossiers (the demo): on SQLite, whose triggers run per row
    (~0.4 ms a dossier: two minutes for the demo's 281,643), the triggers are dropped for the
    load and the figures rebuilt once after it, all in one transaction; on PostgreSQL nothing
    changes (a COPY fires the statement trigger once)."""
    conn = using or connection
    if conn.vendor != "sqlite":
        yield
        return
    with transaction.atomic(using=conn.alias):
        with conn.cursor() as cursor:
            for statement in uninstall_sql(conn.vendor):
                cursor.execute(statement)
        yield
        with conn.cursor() as cursor:
            for statement in rebuild_sql(conn.vendor) + install_sql(conn.vendor):
                cursor.execute(statement)


def figures_rebuild(*, using: BaseDatabaseWrapper | None = None) -> None:
    """Recompute every day row from the dossiers, in one transaction (after a bulk load with
    triggers off, or a change of the portal's time zone)."""
    conn = using or connection
    with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
        for statement in rebuild_sql(conn.vendor):
            cursor.execute(statement)
