"""`make bench`: the dossier import (`manage.py import_dossiers`) against the bare limits.

- CSV, all new rows: a fresh `import_dossiers FILE` process (Django start-up included) vs a
  psycopg `cursor.copy` of the same CSV into a bare text table (no checks, no indexes).
- CSV re-import where every row changes (all updates), same limit.
- The same two against a second, fair limit: COPY of the same rows, already converted, into
  the real dossier table with its indexes (the day figures' triggers off: keeping them is part
  of the import's work), rolled back.
- Peak memory of the import at 100,000 and 300,000 rows (must stay flat).
- XLSX: a fresh import process vs a fresh process iterating the same file with openpyxl
  `read_only` doing nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
from pathlib import Path

from tests.benchmarks.harness import ROOT, Context, Result, run_process
from tests.dossier_csv import rows, write_csv

SECTION = "Dossier import"
DISTRICT = "648"  # Huyện Cư M'gar (Đắk Lắk), from the units fixture: it and its communes
PROCEDURES = 50


def _setup() -> tuple[list[str], list[str]]:
    """Units from the fixture and the procedures the rows name."""
    from django.core.management import call_command

    from procedures.models import Procedure, ProcedureField
    from units.choices import Level
    from units.models import AdministrativeUnit
    from units.resolver import resolve_unit

    if not AdministrativeUnit.objects.filter(code=DISTRICT).exists():
        call_command("import_units", str(ROOT / "fixtures" / "units_2024_five_provinces.json"))
    district = resolve_unit(DISTRICT, on=dt.date.today())
    units = list(AdministrativeUnit.objects.subtree_of(district).values_list("code", flat=True))
    field, _ = ProcedureField.objects.get_or_create(code="BENCH", defaults={"name": "Bench"})
    codes = [f"9.{k:06d}.BENCH" for k in range(PROCEDURES)]
    Procedure.objects.bulk_create(
        [Procedure(code=c, name=c, field=field, level=Level.DISTRICT) for c in codes],
        ignore_conflicts=True,
    )
    return units, codes


def _write_xlsx(path: Path, n: int, units, procedures) -> Path:
    from openpyxl import Workbook

    from procedures.services import DOSSIER_COLUMNS

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(DOSSIER_COLUMNS)
    for row in rows(n, units, procedures):
        sheet.append(row)
    workbook.save(path)
    return path


def _copy_limit(path: Path) -> float:
    """Seconds to COPY the CSV into a bare text table (psycopg `cursor.copy`)."""
    import time

    from django.db import connection

    from procedures.services import DOSSIER_COLUMNS

    columns = ", ".join(f"{c} text" for c in DOSSIER_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_copy")
        cursor.execute(f"CREATE UNLOGGED TABLE bench_copy ({columns})")
        started = time.perf_counter()
        with (
            open(path, "rb") as fh,
            cursor.cursor.copy("COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
        ):
            while data := fh.read(1 << 20):
                copy.write(data)
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_copy")
    return elapsed


_DOSSIER_COLUMNS = (
    "code, procedure_id, unit_id, channel, received_at, due_at, finished_at, returned_at,"
    " status, digitised_dossier, digitised_result, paid_online"
)


def _converted_rows() -> bytes:
    """The imported benchmark rows as COPY text of the dossier table's own columns."""
    from django.db import connection

    chunks: list[bytes] = []
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            f"COPY (SELECT {_DOSSIER_COLUMNS} FROM procedures_dossier"
            " WHERE code LIKE 'BENCH-%%' ORDER BY id) TO STDOUT".replace("%%", "%")
        ) as copy,
    ):
        for data in copy:
            chunks.append(bytes(data))
    return b"".join(chunks)


def _copy_real_limit(data: bytes) -> float:
    """Seconds to COPY the converted rows into the real, indexed dossier table (rolled back)."""
    import time

    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ALTER TABLE procedures_dossier DISABLE TRIGGER USER")
        started = time.perf_counter()
        with cursor.cursor.copy(f"COPY procedures_dossier ({_DOSSIER_COLUMNS}) FROM STDIN") as copy:
            for k in range(0, len(data), 1 << 20):
                copy.write(data[k : k + (1 << 20)])
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)  # the rows and the ALTER go
    return elapsed


def _clear() -> None:
    """Delete the benchmark's dossiers in SQL: the ORM's delete() would load 300,000 objects
    into this process, and a child forked from a large parent reports the parent's peak RSS
    (Linux keeps ru_maxrss across exec), which would spoil the import's memory figure."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procedures_dossier WHERE code LIKE 'BENCH-%%'")


def _import(ctx: Context, path: Path) -> tuple[float, float]:
    env = {**os.environ, "DATABASE_URL": ctx.database_url}
    return run_process([sys.executable, "manage.py", "import_dossiers", str(path)], env=env)


def _medians(samples: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(s[0] for s in samples), max(s[1] for s in samples)


def run(ctx: Context) -> list[Result]:
    units, procedures = _setup()
    n = ctx.size(300_000, 3_000)
    small = ctx.size(100_000, 1_000)
    new = write_csv(ctx.workdir / "dossiers.csv", n, units, procedures)
    changed = write_csv(ctx.workdir / "dossiers-changed.csv", n, units, procedures, changed=True)
    limit = statistics.median(_copy_limit(new) for _ in range(ctx.repeat))
    results = []

    created, updated = [], []
    # Two pairs at full size (~20 s each import): three would push `make bench` past 15 minutes.
    for _ in range(min(ctx.repeat, 2) if n >= 100_000 else ctx.repeat):
        _clear()
        created.append(_import(ctx, new))
        updated.append(_import(ctx, changed))
    (t_new, peak_new), (t_upd, peak_upd) = _medians(created), _medians(updated)
    converted = _converted_rows()
    _clear()
    real = statistics.median(_copy_real_limit(converted) for _ in range(ctx.repeat))
    del converted
    results.append(
        Result(
            SECTION,
            f"CSV, {n:,} new rows",
            t_new,
            limit,
            "≤ 3×",
            t_new <= 3 * limit,
            peak_mb=peak_new,
            notes=["limit: COPY of the same CSV into a bare text table"],
        )
    )
    results.append(
        Result(
            SECTION,
            f"CSV re-import, {n:,} rows all changed (updates)",
            t_upd,
            limit,
            "≤ 3×",
            t_upd <= 3 * limit,
            peak_mb=peak_upd,
        )
    )

    results.append(
        Result(
            SECTION,
            f"CSV, {n:,} new rows, against COPY into the dossier table",
            t_new,
            real,
            "≤ 1.5×",
            t_new <= 1.5 * real,
            peak_mb=peak_new,
            notes=[
                "limit: COPY of the same rows, converted, into procedures_dossier with its"
                " indexes (figures triggers off), rolled back"
            ],
        )
    )
    results.append(
        Result(
            SECTION,
            f"CSV re-import, {n:,} rows all changed, against COPY into the dossier table",
            t_upd,
            real,
            "≤ 1.5×",
            t_upd <= 1.5 * real,
            peak_mb=peak_upd,
        )
    )

    _clear()
    few = write_csv(ctx.workdir / "dossiers-small.csv", small, units, procedures)
    _t_small, peak_small = _import(ctx, few)
    _clear()
    results.append(
        Result(
            SECTION,
            f"peak memory, {small:,} → {n:,} rows",
            peak_new,
            peak_small,
            "flat",
            peak_new <= peak_small * 1.15,
            unit="MB",
            ratio=peak_new / peak_small,
            peak_mb=peak_new,
            notes=["portal: peak at the full size; limit: at the small size"],
        )
    )

    xlsx = _write_xlsx(ctx.workdir / "dossiers.xlsx", n, units, procedures)
    iterate = (
        "import sys; from openpyxl import load_workbook; "
        "wb = load_workbook(sys.argv[1], read_only=True, data_only=True); "
        "[None for _ in wb.worksheets[0].iter_rows(values_only=True)]"
    )
    bare, portal = [], []
    # Once: openpyxl reads ~60,000 cells/s, so each side takes a minute or more at full size and
    # three runs would not fit `make bench` into its 15 minutes.
    for _ in range(1 if n >= 100_000 else ctx.repeat):
        bare.append(run_process([sys.executable, "-c", iterate, str(xlsx)]))
        _clear()
        portal.append(_import(ctx, xlsx))
    _clear()
    (t_bare, _), (t_xlsx, peak_xlsx) = _medians(bare), _medians(portal)
    results.append(
        Result(
            SECTION,
            f"XLSX, {n:,} new rows",
            t_xlsx,
            t_bare,
            "≤ 1.5×",
            t_xlsx <= 1.5 * t_bare,
            peak_mb=peak_xlsx,
            notes=["limit: openpyxl read_only iterating the file, fresh process; one run each"],
        )
    )
    return results
