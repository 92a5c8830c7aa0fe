"""Benchmarks of the procedures app (not collected by pytest; run by hand on PostgreSQL).

    DATABASE_URL=postgres://… .venv/bin/python manage.py load_demo
    DATABASE_URL=postgres://… .venv/bin/python tests/benchmarks/bench_procedures.py [--rows 300000]

Measures: the dossier import of a CSV and an XLSX file (wall time and peak memory of a fresh
`manage.py import_dossiers` process; the bare limit is a COPY of the same CSV into a table with
no checks), and `dossier_stats` over 1,000,000 dossiers. Rows it adds start with BENCH- and are
deleted at the end.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc_portal.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from procedures.models import Dossier, Procedure  # noqa: E402
from procedures.selectors import dossier_stats  # noqa: E402
from procedures.services import DOSSIER_COLUMNS  # noqa: E402
from units.models import AdministrativeUnit  # noqa: E402


def rows(n: int, units: list[str], procedures: list[str]):
    start = dt.datetime(2024, 1, 1, 7, 0)
    for k in range(n):
        received = start + dt.timedelta(seconds=60 * k)
        finished = received + dt.timedelta(hours=5 + k % 50)
        yield [
            f"BENCH-{k:08d}",
            procedures[k % len(procedures)],
            units[k % len(units)],
            ("Trực tiếp", "Trực tuyến", "Bưu chính công ích")[k % 3],
            received.strftime("%d/%m/%Y %H:%M:%S"),
            (received + dt.timedelta(days=3)).strftime("%d/%m/%Y"),
            finished.strftime("%d/%m/%Y %H:%M:%S") if k % 20 else "",
            "",
            "Đã giải quyết" if k % 20 else "Đang xử lý",
            "1" if k % 2 else "0",
            "1" if k % 3 else "0",
            "0",
        ]


def run_import(path: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of a fresh import_dossiers process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.monotonic()
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "import_dossiers", str(path)],
        check=True,
        stderr=subprocess.DEVNULL,
    )
    elapsed = time.monotonic() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before) / 1024


def copy_baseline(path: Path) -> float:
    cols = ", ".join(f"{c} text" for c in DOSSIER_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE bench_copy ({cols})")
        started = time.monotonic()
        with (
            open(path, "rb") as fh,
            cursor.cursor.copy("COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
        ):
            while data := fh.read(1 << 20):
                copy.write(data)
        elapsed = time.monotonic() - started
        cursor.execute("DROP TABLE bench_copy")
    return elapsed


def stats_over(n: int) -> tuple[float, float, int]:
    """Insert n dossiers (COPY) over Đắk Lắk's units, then time the statistics queries."""
    province = AdministrativeUnit.objects.by_code("66")
    units = list(AdministrativeUnit.objects.subtree_of(province).values_list("pk", flat=True))
    procedure_ids = list(Procedure.objects.values_list("pk", flat=True)[:50])
    tz = dt.timezone(dt.timedelta(hours=7))
    start = dt.datetime(2023, 1, 1, 7, tzinfo=tz)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            "COPY procedures_dossier (code, procedure_id, unit_id, channel, received_at, due_at,"
            " finished_at, status, digitised_dossier, digitised_result, paid_online) FROM STDIN"
        ) as copy,
    ):
        for k in range(n):
            received = start + dt.timedelta(seconds=45 * k)
            copy.write_row(
                (
                    f"BENCH-S{k:08d}",
                    procedure_ids[k % len(procedure_ids)],
                    units[k % len(units)],
                    ("in_person", "online", "postal")[k % 3],
                    received,
                    received + dt.timedelta(days=5),
                    received + dt.timedelta(days=k % 7) if k % 25 else None,
                    "finished" if k % 25 else "in_progress",
                    k % 2 == 0,
                    k % 3 == 0,
                    k % 5 == 0,
                )
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE procedures_dossier")
    districts = list(province.children.all())
    timings = []
    for _ in range(3):
        started = time.monotonic()
        result = dossier_stats(
            units=[province, *districts],
            start=dt.date(2024, 1, 1),
            end=dt.date(2024, 12, 31),
            include_descendants=True,
        )
        timings.append(time.monotonic() - started)
    single = []
    cumgar = AdministrativeUnit.objects.by_code("648")
    for _ in range(3):
        started = time.monotonic()
        dossier_stats(
            units=[cumgar],
            start=dt.date(2024, 1, 1),
            end=dt.date(2024, 6, 30),
            include_descendants=True,
        )
        single.append(time.monotonic() - started)
    return min(timings), min(single), sum(s.received for s in result.values())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--stats-rows", type=int, default=1_000_000)
    parser.add_argument("--skip-xlsx", action="store_true")
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "run on PostgreSQL (DATABASE_URL)"
    cumgar = AdministrativeUnit.objects.by_code("648")
    unit_codes = list(AdministrativeUnit.objects.subtree_of(cumgar).values_list("code", flat=True))
    procedure_codes = list(
        Procedure.objects.filter(province__code="66").values_list("code", flat=True)
    )
    tmp = Path(tempfile.mkdtemp(prefix="bench-procedures-"))
    try:
        for n in sorted({args.rows // 10, args.rows}):
            path = tmp / f"dossiers-{n}.csv"
            with open(path, "w", encoding="utf-8", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow(DOSSIER_COLUMNS)
                writer.writerows(rows(n, unit_codes, procedure_codes))
            baseline = copy_baseline(path)
            first, peak1 = run_import(path)
            again, peak2 = run_import(path)  # every row an update
            print(
                f"CSV {n:,} rows ({path.stat().st_size / 1e6:.0f} MB): COPY {baseline:.1f} s; "
                f"import (create) {first:.1f} s, peak {peak1:.0f} MB; "
                f"re-import (update) {again:.1f} s, peak {peak2:.0f} MB",
                flush=True,
            )
            Dossier.objects.filter(code__startswith="BENCH-").delete()
        if not args.skip_xlsx:
            from openpyxl import Workbook

            path = tmp / "dossiers.xlsx"
            started = time.monotonic()
            workbook = Workbook(write_only=True)
            sheet = workbook.create_sheet()
            sheet.append(DOSSIER_COLUMNS)
            for row in rows(args.rows, unit_codes, procedure_codes):
                sheet.append(row)
            workbook.save(path)
            written = time.monotonic() - started
            elapsed, peak = run_import(path)
            print(
                f"XLSX {args.rows:,} rows ({path.stat().st_size / 1e6:.0f} MB, written in "
                f"{written:.0f} s): import {elapsed:.1f} s, peak {peak:.0f} MB",
                flush=True,
            )
            Dossier.objects.filter(code__startswith="BENCH-").delete()
        province_s, district_s, received = stats_over(args.stats_rows)
        print(
            f"dossier_stats over {Dossier.objects.count():,} dossiers: Đắk Lắk + 15 districts "
            f"(2024, {received:,} received) {province_s * 1000:.0f} ms; Cư M'gar H1 2024 "
            f"{district_s * 1000:.0f} ms",
            flush=True,
        )
    finally:
        Dossier.objects.filter(code__startswith="BENCH-").delete()
        for p in tmp.iterdir():
            p.unlink()
        tmp.rmdir()


if __name__ == "__main__":
    main()
