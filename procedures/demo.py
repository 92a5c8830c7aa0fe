"""Demo procedures and dossiers, generated so the statistics reproduce the source articles.

Nothing here stores a figure: the dossiers are laid out (deterministically) so that
`dossier_stats` computes, for the units and periods of the articles,

- Huyện Cư M'gar (648) with its 17 communes, 01/01/2018–30/06/2019: 272,143 received
  (">272,000"), 272,014 finished, all early or on time ("~272,000 on time"), 129 in progress,
  0 overdue;
- Huyện Nậm Nhùn (112), 2023: on-time rate 99.36 % (2,484 of 2,500 finished);
  first half of 2024: results digitised 67.6 % (3,380 of 5,000 finished), paid online 78.14 %
  (3,907 of 5,000 received);
- Huyện Lạc Dương (675), 2019: on time 98.8 % for the district's own desk (988 of 1,000) and
  99.7 % for its six communes together (997 of 1,000).

The procedure catalogue gives Lâm Đồng 290 district TTHC (240 at online level 2, 43 at level 3,
7 at level 4) and 144 commune TTHC; Đắk Lắk 25 justice and 22 home-affairs district TTHC and 12
home-affairs commune TTHC. Dossier rows go in with one multi-row insert per batch (COPY on
PostgreSQL) because ~282,000 of them through the ORM would dominate `load_demo`.

The demo lives in December 2026, so the new Tỉnh Đắk Lắk (since 01/07/2025) has its own
procedures (commune-level ones, and provincial ones settled by its departments) and dossiers for
each of its communes and departments from 01/07/2025 through 30/11/2026: the dashboards show the
current quarter. Each unit receives the same figures every month (`MonthlyFigures`, from
`NEW_PROFILES` or the cycles below), every dossier finished within the month it was received,
except the last ones of November 2026, still in progress on 01/12/2026 (some already overdue).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from procedures import figures
from procedures.choices import Channel, DossierStatus, OnlineService
from procedures.models import Dossier, Procedure, ProcedureField
from units.choices import TWO_TIER_FROM, Level
from units.demo import NOW as DEMO_TODAY
from units.models import AdministrativeUnit
from units.resolver import resolve_unit

CODE_PREFIX = "HS-"  # every demo dossier code starts with it (and no imported one should)
# The articles' units (provinces and districts of 2018–2024) are looked up as they stood on the
# last day of the old tree: codes such as 66 name the new province after it.
OLD_TREE_DAY = TWO_TIER_FROM - dt.timedelta(days=1)

FIELDS = [
    ("TP", "Tư pháp"),
    ("HT", "Hộ tịch"),
    ("CT", "Chứng thực"),
    ("NV", "Nội vụ"),
    ("DD", "Đất đai"),
    ("XD", "Xây dựng"),
    ("KD", "Đăng ký kinh doanh"),
    ("GD", "Giáo dục và Đào tạo"),
    # Fields of the provincial procedures the new Tỉnh Đắk Lắk's departments settle.
    ("CTH", "Công Thương"),
    ("KHCN", "Khoa học và công nghệ"),
    ("YT", "Y tế"),
    ("VHTT", "Văn hóa, thể thao và du lịch"),
    ("TNTG", "Tín ngưỡng, tôn giáo"),
    ("NG", "Ngoại vụ"),
    ("KNTC", "Giải quyết khiếu nại, tố cáo"),
    ("DT", "Đầu tư tại Việt Nam"),
    ("NN", "Nông nghiệp"),
]

CUMGAR_RECEIVED = 272_143
CUMGAR_IN_PROGRESS = 129
NAMNHUN_2023 = 2_500
NAMNHUN_2023_LATE = 16
NAMNHUN_2024H1 = 5_000
NAMNHUN_2024H1_DIGITISED_RESULT = 3_380
NAMNHUN_2024H1_PAID_ONLINE = 3_907
LACDUONG_DISTRICT = 1_000
LACDUONG_DISTRICT_LATE = 12
LACDUONG_COMMUNES = 1_000
LACDUONG_COMMUNES_LATE = 3

# --- the new Tỉnh Đắk Lắk (since 01/07/2025) ------------------------------------------------

NEW_PROVINCE = "66"
NEW_TREE_DAY = DEMO_TODAY  # 01/12/2026: the units of the two-tier tree are resolved on it
NEW_FIRST_MONTH = (2025, 7)
NEW_LAST_MONTH = (2026, 11)  # the last month with dossiers: the dashboards' current quarter
NEW_PREFIX = f"{CODE_PREFIX}66N-"
# The day every November dossier still in progress is judged on (the demo's "today").
NEW_OPEN_ON = DEMO_TODAY


@dataclass(frozen=True)
class MonthlyFigures:
    """What one unit receives every month: `received` dossiers, of which `late` are finished
    after their due time, `online` came in online, `paid_online` were paid online, and the
    results of `digitised_result` were digitised. In the last month (November 2026) the last
    `open_at_end` received are still in progress, `overdue_at_end` of them past their due day."""

    received: int
    late: int
    online: int
    digitised_result: int
    paid_online: int
    open_at_end: int = 3
    overdue_at_end: int = 1


# Units the demo users and the tests look at; everyone else takes a profile from the cycles.
NEW_PROFILES = {
    "24280": MonthlyFigures(45, 1, 27, 36, 18, open_at_end=4, overdue_at_end=2),  # Xã Cư M’gar
    "66-STP": MonthlyFigures(60, 2, 42, 48, 30, open_at_end=3, overdue_at_end=1),  # Sở Tư pháp
}
COMMUNE_CYCLE = [
    MonthlyFigures(42, 0, 34, 38, 20, open_at_end=2, overdue_at_end=0),
    MonthlyFigures(30, 1, 14, 18, 9),
    MonthlyFigures(54, 2, 38, 41, 27, open_at_end=4, overdue_at_end=2),
    MonthlyFigures(24, 0, 11, 14, 8, open_at_end=2, overdue_at_end=0),
    MonthlyFigures(36, 3, 22, 25, 14),
    MonthlyFigures(48, 1, 29, 40, 22, open_at_end=3, overdue_at_end=2),
]
DEPARTMENT_CYCLE = [
    MonthlyFigures(70, 1, 49, 60, 35, open_at_end=4, overdue_at_end=1),
    MonthlyFigures(40, 2, 20, 30, 12, open_at_end=2, overdue_at_end=0),
    MonthlyFigures(55, 0, 44, 50, 33),
]
COMMUNE_PROCEDURES = 30  # commune-level TTHC of the new province, six fields in turn
COMMUNE_FIELDS = ("HT", "CT", "TP", "DD", "NV", "XD")
# The provincial TTHC each department settles: (field, how many). The Office of the provincial
# People's Committee settles none of its own.
DEPARTMENT_PROCEDURES = {
    "66-SNV": ("NV", 6),
    "66-STP": ("TP", 8),
    "66-STC": ("KD", 6),
    "66-SCT": ("CTH", 5),
    "66-SNNMT": ("DD", 6),
    "66-SXD": ("XD", 5),
    "66-SKHCN": ("KHCN", 4),
    "66-SGDDT": ("GD", 5),
    "66-SYT": ("YT", 6),
    "66-SVHTTDL": ("VHTT", 5),
    "66-SDTTG": ("TNTG", 3),
    "66-SNGV": ("NG", 3),
    "66-TTT": ("KNTC", 3),
    "66-BQLKCN": ("DT", 4),
}


def new_months() -> list[tuple[int, int]]:
    """(year, month) from July 2025 through November 2026."""
    months, (year, month) = [], NEW_FIRST_MONTH
    while (year, month) <= NEW_LAST_MONTH:
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def new_profile(unit: AdministrativeUnit, position: int) -> MonthlyFigures | None:
    """The monthly figures of a unit of the new province (`position`: its place in code order
    among the units of its level); None for a department that settles no procedure."""
    if unit.code in NEW_PROFILES:
        return NEW_PROFILES[unit.code]
    if unit.level == Level.DEPARTMENT:
        if unit.code not in DEPARTMENT_PROCEDURES:
            return None
        return DEPARTMENT_CYCLE[position % len(DEPARTMENT_CYCLE)]
    return COMMUNE_CYCLE[position % len(COMMUNE_CYCLE)]


def new_units() -> list[tuple[AdministrativeUnit, MonthlyFigures]]:
    """The new province's communes and departments that receive dossiers, with their figures."""
    province = resolve_unit(NEW_PROVINCE, on=NEW_TREE_DAY, levels=[Level.PROVINCE])
    out = []
    for level in (Level.COMMUNE, Level.DEPARTMENT):
        units = province.children.filter(level=level).valid_on(NEW_TREE_DAY).order_by("code")
        for position, unit in enumerate(units):
            profile = new_profile(unit, position)
            if profile is not None:
                out.append((unit, profile))
    return out


COLUMNS = [
    "code",
    "procedure_id",
    "unit_id",
    "channel",
    "received_at",
    "due_at",
    "finished_at",
    "returned_at",
    "status",
    "digitised_dossier",
    "digitised_result",
    "paid_online",
]


def expected_dossier_count(units: list[tuple[AdministrativeUnit, MonthlyFigures]]) -> int:
    """The articles' dossiers plus those of the new province's `units` (see `new_units`)."""
    articles = (
        CUMGAR_RECEIVED + NAMNHUN_2023 + NAMNHUN_2024H1 + LACDUONG_DISTRICT + LACDUONG_COMMUNES
    )
    return articles + len(new_months()) * sum(p.received for _u, p in units)


def load(*, out: Callable[[str], None]) -> None:
    fields = {}
    for code, name in FIELDS:
        fields[code], _ = ProcedureField.objects.get_or_create(code=code, defaults={"name": name})
    procedures = _load_procedures(fields)
    out(f"Thủ tục hành chính: {Procedure.objects.count()}.")
    units = new_units()
    expected = expected_dossier_count(units)
    existing = Dossier.objects.filter(code__startswith=CODE_PREFIX).count()
    if existing == expected:
        out(f"Hồ sơ mẫu: {existing} (không đổi).")
        return
    Dossier.objects.filter(code__startswith=CODE_PREFIX).delete()
    _insert(_all_rows(procedures, units))
    out(f"Hồ sơ mẫu: {expected} tạo mới.")


def _load_procedures(fields: dict[str, ProcedureField]) -> dict[str, list[int]]:
    """Procedures per demo group; returns the ids each group's dossiers draw from."""
    existing = set(Procedure.objects.filter(code__contains=".H").values_list("code", flat=True))
    provinces = {code: resolve_unit(code, on=OLD_TREE_DAY) for code in ("66", "12", "68")}
    new: list[Procedure] = []
    groups: dict[str, list[str]] = {"cumgar_d": [], "cumgar_c": [], "laichau": [], "lamdong_d": []}
    groups["lamdong_c"] = []

    def add(code: str, group: str, **values) -> None:
        groups[group].append(code)
        if code not in existing:
            new.append(Procedure(code=code, **values))

    daklak = provinces["66"]
    for i in range(25):
        add(
            f"2.{1000 + i:06d}.H66",
            "cumgar_d",
            name=f"Thủ tục lĩnh vực tư pháp cấp huyện số {i + 1}",
            field=fields["TP"],
            level=Level.DISTRICT,
            processing_days=5,
            legacy_online_level=2,
            province=daklak,
        )
    for i in range(22):
        add(
            f"2.{2000 + i:06d}.H66",
            "cumgar_d",
            name=f"Thủ tục lĩnh vực nội vụ cấp huyện số {i + 1}",
            field=fields["NV"],
            level=Level.DISTRICT,
            processing_days=7,
            legacy_online_level=3 if i < 2 else 2,
            province=daklak,
        )
    for i in range(12):
        add(
            f"2.{3000 + i:06d}.H66",
            "cumgar_c",
            name=f"Thủ tục lĩnh vực nội vụ cấp xã số {i + 1}",
            field=fields["NV"],
            level=Level.COMMUNE,
            processing_days=5,
            legacy_online_level=2,
            province=daklak,
        )
    laichau = provinces["12"]
    for i in range(20):
        field_code = ("HT", "CT", "DD", "TP")[i % 4]
        add(
            f"1.{4000 + i:06d}.H12",
            "laichau",
            name=f"Thủ tục {fields[field_code].name.lower()} cấp huyện số {i + 1}",
            field=fields[field_code],
            level=Level.DISTRICT,
            processing_days=10,
            online_service=OnlineService.FULL if i % 3 == 0 else OnlineService.PARTIAL,
            province=laichau,
        )
    lamdong = provinces["68"]
    field_cycle = ("TP", "HT", "CT", "NV", "DD", "XD", "KD", "GD")
    for i in range(290):
        level = 2 if i < 240 else 3 if i < 283 else 4  # 240 level 2, 43 level 3, 7 level 4
        field = fields[field_cycle[i % len(field_cycle)]]
        add(
            f"2.{5000 + i:06d}.H68",
            "lamdong_d",
            name=f"Thủ tục {field.name.lower()} cấp huyện số {i + 1}",
            field=field,
            level=Level.DISTRICT,
            processing_days=10,
            legacy_online_level=level,
            province=lamdong,
        )
    for i in range(144):
        field = fields[field_cycle[i % 4]]
        add(
            f"2.{6000 + i:06d}.H68",
            "lamdong_c",
            name=f"Thủ tục {field.name.lower()} cấp xã số {i + 1}",
            field=field,
            level=Level.COMMUNE,
            processing_days=5,
            legacy_online_level=2,
            province=lamdong,
        )
    new_province = resolve_unit(NEW_PROVINCE, on=NEW_TREE_DAY, levels=[Level.PROVINCE])
    groups["new_commune"] = []
    online_cycle = (OnlineService.FULL, OnlineService.PARTIAL, OnlineService.PARTIAL)
    for i in range(COMMUNE_PROCEDURES):
        field = fields[COMMUNE_FIELDS[i % len(COMMUNE_FIELDS)]]
        add(
            f"1.{8000 + i:06d}.H66",
            "new_commune",
            name=f"Thủ tục {field.name.lower()} cấp xã số {i // len(COMMUNE_FIELDS) + 1}",
            field=field,
            level=Level.COMMUNE,
            processing_days=(3, 5, 7, 15)[i % 4],
            online_service=online_cycle[i % 3],
            province=new_province,
        )
    for d, (department, (field_code, count)) in enumerate(DEPARTMENT_PROCEDURES.items()):
        groups[department] = []
        field = fields[field_code]
        for i in range(count):
            add(
                f"1.{9000 + 20 * d + i:06d}.H66",
                department,
                name=f"Thủ tục {field.name.lower()} cấp tỉnh số {i + 1}",
                field=field,
                level=Level.PROVINCE,  # settled by the department: a provincial TTHC
                processing_days=(5, 10, 15, 20)[i % 4],
                online_service=online_cycle[(i + 1) % 3],
                province=new_province,
            )
    Procedure.objects.bulk_create(new, batch_size=500)
    ids = dict(Procedure.objects.filter(code__contains=".H").values_list("code", "pk"))
    return {group: [ids[c] for c in codes] for group, codes in groups.items()}


def _local(day: dt.date, seconds: int = 0) -> dt.datetime:
    base = dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_default_timezone())
    return base + dt.timedelta(seconds=seconds)


Row = tuple


def _spread(
    *,
    prefix: str,
    count: int,
    unit_ids: list[int],
    procedure_ids: list[int],
    first: dt.date,
    last: dt.date,
    period_end: dt.datetime,
    late: int = 0,
    in_progress: int = 0,
    digitised_result: int = 0,
    paid_online: int = 0,
    online_every: int = 60,
) -> Iterator[Row]:
    """`count` dossiers received evenly from `first` to `last` (working hours), all finished
    before `period_end` except the last `in_progress` ones (due after it). `late` of the
    finished ones are finished one hour after their due time; every tenth on its due time;
    the rest a day or more early."""
    span = (_local(last) - _local(first)).total_seconds() + 9 * 3600
    step = span / count
    finished_total = count - in_progress
    late_every = finished_total // late if late else 0
    for k in range(count):
        received = _local(first) + dt.timedelta(seconds=int(k * step))
        received = received.replace(hour=7 + received.hour % 10)  # office hours 07–17
        unit_id = unit_ids[k % len(unit_ids)]
        procedure_id = procedure_ids[k % len(procedure_ids)]
        channel = (
            Channel.ONLINE
            if k % online_every == 0
            else Channel.POSTAL
            if k % 97 == 1
            else Channel.IN_PERSON
        )
        if k >= finished_total:
            due = period_end + dt.timedelta(days=5)
            yield (
                f"{prefix}{k:07d}",
                procedure_id,
                unit_id,
                channel,
                received,
                due,
                None,
                None,
                DossierStatus.IN_PROGRESS,
                False,
                False,
                False,
            )
            continue
        # Finish within two days, but never after the period's end.
        finished = min(
            received + dt.timedelta(hours=2 + k % 40), period_end - dt.timedelta(minutes=1)
        )
        finished = max(finished, received + dt.timedelta(minutes=1))
        if late_every and k % late_every == 0 and k // late_every < late:
            due = finished - dt.timedelta(hours=1)
        elif k % 10 == 0:
            due = finished
        else:
            due = finished + dt.timedelta(days=3)
        due = max(due, received)
        yield (
            f"{prefix}{k:07d}",
            procedure_id,
            unit_id,
            channel,
            received,
            due,
            finished,
            finished + dt.timedelta(minutes=30),
            DossierStatus.RETURNED,
            False,
            k < digitised_result,
            k < paid_online,
        )


def _unit_ids(code: str) -> tuple[int, list[int]]:
    unit = resolve_unit(code, on=OLD_TREE_DAY)
    communes = list(unit.children.order_by("code").values_list("pk", flat=True))
    return unit.pk, communes


def _all_rows(
    procedures: dict[str, list[int]], new: list[tuple[AdministrativeUnit, MonthlyFigures]]
) -> Iterator[Row]:
    # Resolve every unit before the first row is produced: on PostgreSQL the rows feed a COPY,
    # and the connection cannot run another query until it ends.
    # (So this is a plain function returning a chain, not a generator that would query late.)
    units = {code: _unit_ids(code) for code in ("648", "112", "675")}
    new_rows = (
        _new_unit_rows(
            unit=unit,
            profile=profile,
            procedure_ids=procedures["new_commune" if unit.level == Level.COMMUNE else unit.code],
        )
        for unit, profile in new
    )
    return itertools.chain(_rows(procedures, units), itertools.chain.from_iterable(new_rows))


def _working_days(year: int, month: int) -> list[dt.date]:
    """Monday to Friday up to the 26th: a dossier received then is finished within the month."""
    days = [dt.date(year, month, d) for d in range(1, 27)]
    return [d for d in days if d.weekday() < 5]


def _new_unit_rows(
    *, unit: AdministrativeUnit, profile: MonthlyFigures, procedure_ids: list[int]
) -> Iterator[Row]:
    """One unit's dossiers, month by month, laid out as `MonthlyFigures` says."""
    p = profile
    last = new_months()[-1]
    open_on = _local(NEW_OPEN_ON)
    for year, month in new_months():
        days = _working_days(year, month)
        n = p.received
        still_open = p.open_at_end if (year, month) == last else 0
        finished_count = n - still_open
        for k in range(n):
            # The k-th dossier of the month: spread over the working days, in office hours.
            received = _local(days[k * len(days) // n], seconds=(7 * 3600 + (k % 9) * 3600))
            received += dt.timedelta(minutes=(k * 7) % 60)
            code = f"{NEW_PREFIX}{unit.code}-{year}{month:02d}-{k:03d}"
            channel = Channel.ONLINE if k < p.online else Channel.IN_PERSON
            procedure_id = procedure_ids[k % len(procedure_ids)]
            if k >= finished_count:
                # Still in progress on 01/12/2026: the first `overdue_at_end` of them were due
                # three days after receipt (before 01/12), the others only in December.
                overdue = k - finished_count < p.overdue_at_end
                due = received + dt.timedelta(days=3) if overdue else open_on + dt.timedelta(days=7)
                yield (
                    code,
                    procedure_id,
                    unit.pk,
                    channel,
                    received,
                    due,
                    None,
                    None,
                    DossierStatus.IN_PROGRESS,
                    k < p.online,
                    False,
                    k < p.paid_online,
                )
                continue
            finished = received + dt.timedelta(hours=2 + k % 30)
            # The last `late` finished ones of the month one hour after their due time; every
            # tenth of the others on its due day; the rest a day or more early.
            if finished_count - p.late <= k:
                due = finished - dt.timedelta(hours=1)
            elif k % 10 == 0:
                due = finished + dt.timedelta(hours=1)
            else:
                due = finished + dt.timedelta(days=3)
            yield (
                code,
                procedure_id,
                unit.pk,
                channel,
                received,
                due,
                finished,
                finished + dt.timedelta(minutes=30),
                DossierStatus.RETURNED,
                k < p.online,
                k < p.digitised_result,
                k < p.paid_online,
            )


def _rows(procedures: dict[str, list[int]], units: dict) -> Iterator[Row]:
    cumgar, cumgar_communes = units["648"]
    # The district desk takes about a third of the dossiers, the 17 communes the rest.
    cumgar_units = [cumgar] * 9 + cumgar_communes
    cumgar_procedures = procedures["cumgar_d"] + procedures["cumgar_c"]
    yield from _spread(
        prefix=f"{CODE_PREFIX}648-",
        count=CUMGAR_RECEIVED,
        unit_ids=cumgar_units,
        procedure_ids=cumgar_procedures,
        first=dt.date(2018, 1, 2),
        last=dt.date(2019, 6, 29),
        period_end=_local(dt.date(2019, 7, 1)),
        in_progress=CUMGAR_IN_PROGRESS,
        online_every=80,
    )
    namnhun, _communes = units["112"]
    yield from _spread(
        prefix=f"{CODE_PREFIX}112-2023-",
        count=NAMNHUN_2023,
        unit_ids=[namnhun],
        procedure_ids=procedures["laichau"],
        first=dt.date(2023, 1, 3),
        last=dt.date(2023, 12, 29),
        period_end=_local(dt.date(2024, 1, 1)),
        late=NAMNHUN_2023_LATE,
        online_every=3,
    )
    yield from _spread(
        prefix=f"{CODE_PREFIX}112-2024-",
        count=NAMNHUN_2024H1,
        unit_ids=[namnhun],
        procedure_ids=procedures["laichau"],
        first=dt.date(2024, 1, 2),
        last=dt.date(2024, 6, 28),
        period_end=_local(dt.date(2024, 7, 1)),
        digitised_result=NAMNHUN_2024H1_DIGITISED_RESULT,
        paid_online=NAMNHUN_2024H1_PAID_ONLINE,
        online_every=2,
    )
    lacduong, lacduong_communes = units["675"]
    yield from _spread(
        prefix=f"{CODE_PREFIX}675-",
        count=LACDUONG_DISTRICT,
        unit_ids=[lacduong],
        procedure_ids=procedures["lamdong_d"],
        first=dt.date(2019, 1, 2),
        last=dt.date(2019, 12, 27),
        period_end=_local(dt.date(2020, 1, 1)),
        late=LACDUONG_DISTRICT_LATE,
        online_every=20,
    )
    yield from _spread(
        prefix=f"{CODE_PREFIX}675X-",
        count=LACDUONG_COMMUNES,
        unit_ids=lacduong_communes,
        procedure_ids=procedures["lamdong_c"],
        first=dt.date(2019, 1, 2),
        last=dt.date(2019, 12, 27),
        period_end=_local(dt.date(2020, 1, 1)),
        late=LACDUONG_COMMUNES_LATE,
        online_every=20,
    )


def _insert(rows: Iterator[Row], batch_size: int = 5000) -> None:
    table = Dossier._meta.db_table
    columns = ", ".join(COLUMNS)
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    adapt = connection.ops.adapt_datetimefield_value
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(COLUMNS))})"
    with figures.bulk_load(), connection.cursor() as cursor:
        batch = []
        for row in rows:
            batch.append(
                (*row[:4], adapt(row[4]), adapt(row[5]), adapt(row[6]), adapt(row[7]), *row[8:])
            )
            if len(batch) >= batch_size:
                cursor.executemany(sql, batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)
