"""A synthetic one-stop-system export (docs/formats.md, procedures.services.DOSSIER_COLUMNS).

A copy of the row generator of tests/benchmarks/bench_procedures.py, importable by tests; the
codes start with a prefix so a test can count exactly the rows it imported.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path

from procedures.services import DOSSIER_COLUMNS


def rows(
    n: int, units: Sequence[str], procedures: Sequence[str], *, prefix: str = "BENCH-"
) -> Iterator[list[str]]:
    start = dt.datetime(2024, 1, 1, 7, 0)
    for k in range(n):
        received = start + dt.timedelta(seconds=60 * k)
        finished = received + dt.timedelta(hours=5 + k % 50)
        yield [
            f"{prefix}{k:08d}",
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


def write_csv(
    path: Path, n: int, units: Sequence[str], procedures: Sequence[str], *, prefix: str
) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(DOSSIER_COLUMNS)
        writer.writerows(rows(n, units, procedures, prefix=prefix))
    return path
