"""A synthetic one-stop-system dossier export (docs/formats.md, `DOSSIER_COLUMNS`), shared by the
kill-midway test (tests/ops) and the import benchmark (tests/benchmarks/bench_import.py).

Codes start with a prefix so a caller can count exactly the rows it imported.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path

from procedures.services import DOSSIER_COLUMNS


def rows(
    n: int,
    units: Sequence[str],
    procedures: Sequence[str],
    *,
    prefix: str = "BENCH-",
    changed: bool = False,
) -> Iterator[list[str]]:
    """n dossier rows as the one-stop system exports them; `changed` gives every row new
    values (a later export of the same dossiers: now finished and returned)."""
    start = dt.datetime(2024, 1, 1, 7, 0)
    for k in range(n):
        received = start + dt.timedelta(seconds=60 * k)
        finished = received + dt.timedelta(hours=5 + k % 50)
        done = changed or k % 20
        yield [
            f"{prefix}{k:08d}",
            procedures[k % len(procedures)],
            units[k % len(units)],
            ("Trực tiếp", "Trực tuyến", "Bưu chính công ích")[k % 3],
            received.strftime("%d/%m/%Y %H:%M:%S"),
            (received + dt.timedelta(days=3)).strftime("%d/%m/%Y"),
            finished.strftime("%d/%m/%Y %H:%M:%S") if done else "",
            (finished + dt.timedelta(hours=2)).strftime("%d/%m/%Y %H:%M") if changed else "",
            ("Đã trả kết quả" if changed else "Đã giải quyết") if done else "Đang xử lý",
            "1" if k % 2 else "0",
            "1" if k % 3 else "0",
            "1" if changed else "0",
        ]


def write_csv(
    path: Path,
    n: int,
    units: Sequence[str],
    procedures: Sequence[str],
    *,
    prefix: str = "BENCH-",
    changed: bool = False,
) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(DOSSIER_COLUMNS)
        writer.writerows(rows(n, units, procedures, prefix=prefix, changed=changed))
    return path
