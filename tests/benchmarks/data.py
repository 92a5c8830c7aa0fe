"""Synthetic data on PostgreSQL for the benchmarks and the load test.

    DATABASE_URL=postgres://… .venv/bin/python tests/benchmarks/data.py --dossiers 1000000

Builds one province the size of Đắk Lắk (its 196 official units from
`fixtures/units_2024_five_provinces.json`: 1 province, 15 districts, 180 communes), a catalogue of
procedures, N dossiers spread over three years (1 July 2022 – 30 June 2025) with realistic
channel / status / timeliness mixes, and a commune-level criteria set with a full tree
(8 areas × 4 criteria × 3 sub-criteria) assessed for 170 communes.

Dossiers go in with `COPY` (psycopg `cursor.copy`) with the table's secondary indexes dropped and
rebuilt afterwards and its foreign-key triggers off during the load (the generator only writes
ids it has just read), so 5,000,000 rows load in about a minute. Rows are a deterministic function
of their number (no per-row random calls): the same N gives the same data on every machine.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROVINCE = "66"  # Đắk Lắk: 15 districts, 180 communes
UNITS_FILE = ROOT / "fixtures" / "units_2024_five_provinces.json"
DATA_START = dt.datetime(2022, 7, 1, tzinfo=dt.timezone(dt.timedelta(hours=7)))
DATA_END = dt.datetime(2025, 7, 1, tzinfo=dt.timezone(dt.timedelta(hours=7)))
# The 6-month statistics period of the benchmarks: a sixth of the three years of dossiers.
PERIOD = (dt.date(2024, 1, 1), dt.date(2024, 6, 30))
RANKED_COMMUNES = 170


@dataclass
class World:
    province: object  # AdministrativeUnit
    districts: list = field(default_factory=list)
    communes: list = field(default_factory=list)
    procedure_ids: list[int] = field(default_factory=list)
    dossiers: int = 0
    criteria_set: object = None  # CriteriaSet (commune level, full tree, 170 assessments)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def units(self) -> list:
        return [self.province, *self.districts, *self.communes]


def load_units():
    """The province's official units (idempotent); returns (province, districts, communes)."""
    from units.choices import Level
    from units.models import AdministrativeUnit
    from units.resolver import resolve_unit
    from units.services import units_import

    data = [p for p in json.loads(UNITS_FILE.read_text()) if str(p["code"]) == PROVINCE]
    units_import(data=data)
    province = resolve_unit(PROVINCE, on=dt.date.today())
    below = AdministrativeUnit.objects.subtree_of(province).order_by("code")
    districts = list(below.filter(level=Level.DISTRICT))
    communes = list(below.filter(level=Level.COMMUNE))
    return province, districts, communes


def load_procedures(province, count: int = 300) -> list[int]:
    """A catalogue of `count` procedures over a few fields, a third of them per level."""
    from procedures.choices import OnlineService
    from procedures.models import Procedure, ProcedureField
    from units.choices import Level

    fields = [
        ProcedureField.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in [
            ("TP", "Tư pháp"),
            ("HT", "Hộ tịch"),
            ("CT", "Chứng thực"),
            ("NV", "Nội vụ"),
            ("DD", "Đất đai"),
            ("XD", "Xây dựng"),
        ]
    ]
    levels = [Level.PROVINCE, Level.DISTRICT, Level.COMMUNE]
    online = [OnlineService.FULL, OnlineService.PARTIAL, OnlineService.NONE]
    Procedure.objects.bulk_create(
        [
            Procedure(
                code=f"1.{900000 + i:06d}.H{PROVINCE}",
                name=f"Thủ tục số {i + 1}",
                field=fields[i % len(fields)],
                level=levels[i % 3],
                processing_days=(1, 3, 5, 7, 10, 15, 20)[i % 7],
                online_service=online[i % 3],
                province=province,
            )
            for i in range(count)
        ],
        ignore_conflicts=True,
    )
    return list(
        Procedure.objects.filter(province=province).order_by("pk").values_list("pk", flat=True)
    )


# --- Dossiers ---------------------------------------------------------------------------------

_PROFILES = 4096
NULL = "\\N"  # COPY text format
DAY = 86400


def _profiles(seed: int = 8) -> list[tuple]:
    """Per-dossier shapes, drawn once: (channel, due offset, finished offset or None,
    returned offset or None, status, digitised dossier, digitised result, paid online).

    Mix: 55 % in person, 40 % online, 5 % postal; 2 % refused or withdrawn; 3 % still open
    (of which a third waits for a supplement); of the finished, ~70 % early, ~25 % on the due
    date, ~5 % late; 90 % of results returned within two days.
    """
    rng = random.Random(seed)
    out = []
    for _ in range(_PROFILES):
        r = rng.random()
        channel = "in_person" if r < 0.55 else "online" if r < 0.95 else "postal"
        due = rng.choice((1, 3, 5, 7, 10, 15)) * DAY
        r = rng.random()
        finished = returned = None
        if r < 0.01:
            status = "not_accepted"
        elif r < 0.02:
            status = "withdrawn"
        elif r < 0.03:
            status = "supplement_requested"
        elif r < 0.05:
            status = "in_progress"
        else:
            t = rng.random()
            if t < 0.70:
                finished = rng.randint(3600, max(3600, due - DAY))
            elif t < 0.95:
                finished = due - rng.randint(0, 8 * 3600)
            else:
                finished = due + rng.randint(3600, 10 * DAY)
            if rng.random() < 0.9:
                returned = finished + rng.randint(0, 2 * DAY)
                status = "returned"
            else:
                status = "finished"
        online = channel == "online"
        out.append(
            (
                channel,
                due,
                finished,
                returned,
                status,
                "t" if rng.random() < 0.6 else "f",
                "t" if finished is not None and rng.random() < 0.55 else "f",
                "t" if online and rng.random() < 0.6 else "f",
            )
        )
    return out


class _Clock:
    """Fast text timestamps for COPY: a day's date string plus a second-of-day string, both
    precomputed, instead of a datetime per value."""

    def __init__(self, start: dt.datetime, days: int):
        self.base = int(start.timestamp())
        self.days = [(start + dt.timedelta(days=d)).strftime("%Y-%m-%d ") for d in range(days + 60)]
        self.times = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}+07" for s in range(DAY)]

    def text(self, t: int) -> str:
        offset = t - self.base
        return self.days[offset // DAY] + self.times[offset % DAY]


def _weighted_units(province, districts, communes) -> list[int]:
    """Unit ids repeated by weight: a district's desk receives ~8× a commune's."""
    pool = [province.pk] * 4
    for d in districts:
        pool += [d.pk] * 8
    for c in communes:
        pool += [c.pk]
    random.Random(3).shuffle(pool)
    return pool


def load_dossiers(n: int, *, province, districts, communes, procedure_ids, prefix="B") -> float:
    """COPY `n` dossiers received evenly over DATA_START…DATA_END; returns seconds taken."""
    from django.db import connection

    started = time.perf_counter()
    profiles = _profiles()
    units = _weighted_units(province, districts, communes)
    span = int((DATA_END - DATA_START).total_seconds())
    clock = _Clock(DATA_START, span // DAY + 1)
    base = clock.base
    stale = base + span - 60 * DAY  # older than this, an open dossier has been finished late
    n_units, n_procs = len(units), len(procedure_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'procedures_dossier'"
            " AND indexname NOT IN (SELECT conname FROM pg_constraint)"
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET session_replication_role = replica")  # no FK triggers per row
        try:
            with cursor.cursor.copy(
                "COPY procedures_dossier (code, procedure_id, unit_id, channel, received_at,"
                " due_at, finished_at, returned_at, status, digitised_dossier, digitised_result,"
                " paid_online) FROM STDIN"
            ) as copy:
                lines = []
                for k in range(n):
                    h = (k * 2654435761) & 0xFFFFFFFF
                    received = base + k * span // n + h % 600
                    ch, due, fin, ret, st, d1, d2, paid = profiles[h % _PROFILES]
                    if fin is None and received < stale and st in ("in_progress", "received"):
                        fin, ret, st = due + 5 * DAY, due + 6 * DAY, "returned"
                    lines.append(
                        f"{prefix}{k:09d}\t{procedure_ids[(h >> 12) % n_procs]}\t"
                        f"{units[(k * 40503 + (h >> 7)) % n_units]}\t{ch}\t"
                        f"{clock.text(received)}\t{clock.text(received + due)}\t"
                        f"{clock.text(received + fin) if fin is not None else NULL}\t"
                        f"{clock.text(received + ret) if ret is not None else NULL}\t"
                        f"{st}\t{d1}\t{d2}\t{paid}\n"
                    )
                    if len(lines) == 20000:
                        copy.write("".join(lines))
                        lines = []
                if lines:
                    copy.write("".join(lines))
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")
        for _name, definition in indexes:
            cursor.execute(definition)
        # The triggers that keep the day figures were off with the FK ones: recompute them.
        from procedures.figures import figures_rebuild

        rebuilt = time.perf_counter()
        figures_rebuild()
        print(f"   day figures rebuilt in {time.perf_counter() - rebuilt:.1f} s", flush=True)
        cursor.execute("VACUUM ANALYZE procedures_dossierdayfigures")
        # As autovacuum leaves a table after a load: visibility map set, statistics fresh (units
        # too: with none, the planner takes the province for one unit and loops per unit).
        cursor.execute("VACUUM ANALYZE procedures_dossier")
        cursor.execute("ANALYZE units_administrativeunit")
    return time.perf_counter() - started


# --- Criteria set with a full tree, assessed for 170 communes ---------------------------------

AREAS = [
    "Công tác chỉ đạo, điều hành CCHC",
    "Cải cách thể chế",
    "Cải cách thủ tục hành chính",
    "Cải cách tổ chức bộ máy",
    "Cải cách chế độ công vụ",
    "Cải cách tài chính công",
    "Xây dựng chính quyền điện tử, chính quyền số",
    "Tác động của CCHC đến phát triển kinh tế - xã hội",
]


def _tree_rows() -> list[dict]:
    """8 areas × 4 criteria × 3 sub-criteria: 96 leaves, 70 appraisal points in areas 1–7,
    30 survey points in area 8; leaf rules mixed as a real set mixes them."""
    rows = []
    leaf_max = {  # per area: the four criteria's maxima (each split in three leaves)
        **{a: (3, 3, 2, 2) for a in range(1, 7)},  # 6 × 10 = 60
        7: (3, 3, 2, 2),  # 10 → appraisal 70
        8: (9, 9, 6, 6),  # survey 30
    }
    rules = ["manual", "yes_no", "rate"]
    for a, title in enumerate(AREAS, start=1):
        component = "survey" if a == 8 else "appraisal"
        maxima = leaf_max[a]
        rows.append(_row(f"{a}", None, title, sum(maxima), component, "manual"))
        for c, cmax in enumerate(maxima, start=1):
            code = f"{a}.{c}"
            rows.append(_row(code, f"{a}", f"Tiêu chí {code}", cmax, component, "manual"))
            third = (Decimal(cmax) / 3).quantize(Decimal("0.01"))
            for s, smax in enumerate((third, third, Decimal(cmax) - 2 * third), start=1):
                rule = "manual" if component == "survey" else rules[(a + c + s) % 3]
                title = f"Tiêu chí thành phần {code}.{s}"
                rows.append(_row(f"{code}.{s}", code, title, smax, component, rule))
    return rows


def _row(code, parent, title, max_points, component, rule) -> dict:
    return {
        "row": 0,
        "code": code,
        "parent": parent,
        "title": title,
        "max_points": Decimal(max_points),
        "component": component,
        "rule": rule,
        "rule_params": {},
        "metric": "",
        "evidence_required": False,
    }


def load_criteria(
    province, units, *, year: int = 2024, level: str = "commune", count: int = RANKED_COMMUNES
):
    """A criteria set with the full tree and an assessment for each of the first `count` units
    with appraised (round 1) and survey points on every leaf, written with one UPDATE."""
    from django.db import connection

    from scoring import services
    from scoring.choices import AssessmentState, CriteriaSetStatus
    from scoring.models import Assessment, CriteriaSet, CriterionScore
    from units.choices import Level

    criteria_set = CriteriaSet.objects.create(
        province=province,
        level=level,
        year=year,
        name=f"Bộ chỉ số CCHC {Level(level).label.lower()} năm {year}",
        legal_basis="Quyết định số 123/QĐ-UBND",
        status=CriteriaSetStatus.ACTIVE,
        appraisal_max=Decimal(70),
        survey_max=Decimal(30),
        bonus_cap=Decimal(2),
        penalty_cap=Decimal(3),
        grade_thresholds=services.DEFAULT_THRESHOLDS,
    )
    rows = _tree_rows()
    for position, row in enumerate(rows):
        row["row"] = position
    services.criteria_create(criteria_set=criteria_set, rows=rows)
    for unit in units[:count]:
        services.assessment_ensure(criteria_set=criteria_set, unit=unit)
    table = CriterionScore._meta.db_table
    with connection.cursor() as cursor:
        # Appraised points: full marks on yes/no and rate leaves of most units, 50–100 % on
        # manual ones; survey points 55–95 % of the maximum. A function of the score's id.
        cursor.execute(
            f"""
            UPDATE {table} s SET
              self_score = CASE WHEN c.component = 'appraisal' THEN c.max_points END,
              round1_score = CASE WHEN c.component = 'appraisal' THEN
                  CASE WHEN c.rule = 'yes_no' THEN
                      CASE WHEN s.id %% 7 = 0 THEN 0 ELSE c.max_points END
                  ELSE round(c.max_points * (50 + (s.id * 37) %% 51) / 100.0, 2) END END,
              survey_points = CASE WHEN c.component = 'survey'
                  THEN round(c.max_points * (55 + (s.id * 13) %% 41) / 100.0, 2) END
            FROM scoring_criterion c, scoring_assessment a
            WHERE s.criterion_id = c.id AND s.assessment_id = a.id AND a.criteria_set_id = %s
            """,
            [criteria_set.pk],
        )
    Assessment.objects.filter(criteria_set=criteria_set).update(state=AssessmentState.LOCKED)
    return criteria_set


def build(*, dossiers: int, criteria: bool = True) -> World:
    """Everything the benchmarks need on the current (migrated, empty) database."""
    t0 = time.perf_counter()
    province, districts, communes = load_units()
    world = World(province=province, districts=districts, communes=communes)
    world.procedure_ids = load_procedures(province)
    world.timings["units + procedures"] = time.perf_counter() - t0
    if criteria:
        t0 = time.perf_counter()
        world.criteria_set = load_criteria(province, communes)
        world.timings["criteria"] = time.perf_counter() - t0
    if dossiers:
        add_dossiers(world, dossiers)
    return world


def add_dossiers(world: World, n: int) -> None:
    """Grow the world's dossiers by `n` (codes continue after the existing ones)."""
    world.timings[f"COPY {n:,} dossiers"] = load_dossiers(
        n,
        province=world.province,
        districts=world.districts,
        communes=world.communes,
        procedure_ids=world.procedure_ids,
        prefix=f"B{world.dossiers // 1_000_000}-" if world.dossiers else "B",
    )
    world.dossiers += n


def main() -> int:
    import argparse
    import os

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--no-criteria", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc_portal.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        print("data.py needs PostgreSQL (DATABASE_URL)", file=sys.stderr)
        return 2
    call_command("migrate", verbosity=0)
    world = build(dossiers=args.dossiers, criteria=not args.no_criteria)
    for what, seconds in world.timings.items():
        print(f"{what}: {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
