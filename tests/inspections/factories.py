"""Builders for inspections tests: a plan, a team with a head, an inspection of Cư M'gar."""

from __future__ import annotations

import datetime as dt
import itertools

from inspections import services
from inspections.choices import ChecklistOutcome, FindingKind, MemberRole
from inspections.models import Inspection

D = dt.date
_seq = itertools.count(1)
VISIT = D(2019, 9, 27)
DUE = D(2019, 10, 31)


def make_plan(p, *, contents=("Công khai TTHC", "Ứng dụng CNTT"), targets=None, **kw):
    n = next(_seq)
    fields = {
        "number": f"{n}/KH-SNV",
        "issued_on": D(2019, 3, 1),
        "issuer": p.daklak,
        "issuer_name": "Sở Nội vụ",
        "year": 2019,
        "title": f"Kiểm tra CCHC năm 2019 ({n})",
        "period_start": D(2018, 1, 1),
        "period_end": D(2019, 6, 30),
        "contents": list(contents),
        "targets": targets
        if targets is not None
        else [services.TargetData(unit=p.cumgar, scheduled_on=D(2019, 9, 27))],
    }
    fields.update(kw)
    return services.plan_save(**fields)


def make_team(p, *, unit=None, name="Đoàn 1798"):
    return services.team_save(
        unit=unit or p.daklak,
        name=name,
        members=[
            services.MemberData(
                name="Nguyễn Văn Trưởng", role=MemberRole.HEAD, position="Phó Giám đốc Sở Nội vụ"
            ),
            services.MemberData(name="Lê Thị Ký", role=MemberRole.SECRETARY),
        ],
    )


def make_inspection(p, *, plan=None, team=None, unit=None, held_on=VISIT, **kw):
    plan = plan or make_plan(p)
    return services.inspection_save(
        plan=plan,
        team=team or make_team(p, unit=plan.issuer),
        unit=unit or p.cumgar,
        scheduled_on=D(2019, 9, 27),
        held_on=held_on,
        **kw,
    )


def fill(inspection: Inspection, *, findings=1, recommendations=1, due=DUE):
    """Answer the checklist and add findings and recommendations."""
    for result in inspection.checklist.select_related("inspection"):
        services.checklist_record(result=result, outcome=ChecklistOutcome.MET)
    made = []
    for i in range(findings):
        made.append(
            services.finding_add(
                inspection=inspection, kind=FindingKind.LIMITATION, text=f"Hạn chế số {i + 1}"
            )
        )
    for i in range(recommendations):
        services.recommendation_add(
            inspection=inspection,
            text=f"Khắc phục hạn chế số {i + 1}",
            responsible_unit=inspection.unit,
            due_on=due,
        )
    inspection.refresh_from_db()
    return made


def concluded(p, user=None, **kw):
    inspection = make_inspection(p, **kw)
    fill(inspection)
    return services.inspection_conclude(inspection=inspection, by=user or p.inspector)


def make_dossiers(unit, days, *, prefix="HS"):
    """Dossiers of `unit` received on the given dates (one each)."""
    from procedures.choices import Channel, DossierStatus
    from procedures.models import Dossier, Procedure, ProcedureField

    field, _ = ProcedureField.objects.get_or_create(code="TP", defaults={"name": "Tư pháp"})
    procedure, _ = Procedure.objects.get_or_create(
        code="1.000001", defaults={"name": "Chứng thực", "field": field, "level": "district"}
    )
    tz = dt.timezone(dt.timedelta(hours=7))
    return Dossier.objects.bulk_create(
        Dossier(
            code=f"{prefix}-{unit.code}-{i}",
            procedure=procedure,
            unit=unit,
            channel=Channel.IN_PERSON,
            received_at=dt.datetime.combine(day, dt.time(9), tzinfo=tz),
            status=DossierStatus.FINISHED,
        )
        for i, day in enumerate(days)
    )


def member_rows(*rows: dict, initial: int = 0) -> dict:
    """The team form's member formset as POST data: each row a dict of role, user, name,
    position, organisation (missing keys blank); `initial`: how many rows the edit form was
    given (a browser posts the form's own count)."""
    data = {
        "members-TOTAL_FORMS": str(len(rows)),
        "members-INITIAL_FORMS": str(initial),
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "40",
    }
    for i, row in enumerate(rows):
        for key in ("role", "user", "name", "position", "organisation"):
            data[f"members-{i}-{key}"] = row.get(key, "")
    return data


def target_rows(*rows: tuple, initial: int = 0, extra: int = 0) -> dict:
    """The plan form's target formset as POST data: each row (unit or its pk, "dd/mm/yyyy",
    body); `extra` empty rows after them, as the browser posts the form's spare rows."""
    data = {
        "targets-TOTAL_FORMS": str(len(rows) + extra),
        "targets-INITIAL_FORMS": str(initial),
        "targets-MIN_NUM_FORMS": "0",
        "targets-MAX_NUM_FORMS": "200",
    }
    for i, row in enumerate(rows):
        unit, day, *body = row
        data[f"targets-{i}-unit"] = str(getattr(unit, "pk", unit))
        data[f"targets-{i}-scheduled_on"] = day
        data[f"targets-{i}-body"] = body[0] if body else ""
    for i in range(len(rows), len(rows) + extra):
        for key in ("unit", "scheduled_on", "body"):
            data[f"targets-{i}-{key}"] = ""
    return data
