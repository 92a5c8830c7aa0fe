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
    values (a later export of the same dossiers: now finished and returned).

    Row k is received at 07:00 on 01/01/2024 plus k minutes, due 3 days later, finished 5 + k % 50
    hours after it was received (every 20th row not yet, unless `changed`), returned 2 hours
    after that. The times are computed in minutes and the dates formatted once per day:
    datetime arithmetic and strftime for every row made 300,000 rows take 15 s.
    """
    first = dt.date(2024, 1, 1)
    days: dict[int, str] = {}

    def day(offset: int) -> str:
        text = days.get(offset)
        if text is None:
            text = days[offset] = (first + dt.timedelta(days=offset)).strftime("%d/%m/%Y")
        return text

    def stamp(minutes: int) -> tuple[str, str]:
        offset, minute = divmod(minutes, 1440)
        return day(offset), f"{minute // 60:02d}:{minute % 60:02d}"

    channels = ("Trực tiếp", "Trực tuyến", "Bưu chính công ích")
    status_done = "Đã trả kết quả" if changed else "Đã giải quyết"
    n_units, n_procedures = len(units), len(procedures)
    for k in range(n):
        received = 7 * 60 + k
        finished = received + 60 * (5 + k % 50)
        done = changed or k % 20
        received_day, received_time = stamp(received)
        finished_day, finished_time = stamp(finished)
        returned_day, returned_time = stamp(finished + 120)
        yield [
            f"{prefix}{k:08d}",
            procedures[k % n_procedures],
            units[k % n_units],
            channels[k % 3],
            f"{received_day} {received_time}:00",
            day(received // 1440 + 3),
            f"{finished_day} {finished_time}:00" if done else "",
            f"{returned_day} {returned_time}" if changed else "",
            status_done if done else "Đang xử lý",
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
