"""One fixture world for the trust tests: objects of Cư M'gar, Ea Kpam and Đắk Lắk on one side,
of Nậm Nhùn and Lai Châu on the other, so every page can be asked for "ours" and "theirs".

Built once per test module (see conftest.py); each test runs in a savepoint rolled back after it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from inspections import services as inspection_services
from inspections.choices import InspectionState, RecommendationState
from inspections.models import Inspection, Recommendation, RemediationAttachment
from procedures.choices import DossierImportStatus
from procedures.models import Dossier, DossierImport, Procedure
from scoring import services as scoring_services
from scoring.choices import AssessmentState
from scoring.models import Assessment, CriteriaSet, CriterionScore, Evidence
from tests.factories import Personas, UnitFactory, build_personas
from tests.inspections.factories import fill, make_inspection, make_plan, make_team
from tests.procedures.factories import DossierFactory, ProcedureFactory, at
from tests.scoring.factories import FULL, make_assessment, make_set
from tests.surveys.factories import SurveyWorld, make_survey_world
from units.choices import Level

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
IMPORT_CSV = (
    "ma_ho_so,ma_tthc,ma_don_vi,kenh,ngay_tiep_nhan,ngay_hen_tra,ngay_ket_thuc,"
    "ngay_tra_ket_qua,trang_thai,so_hoa_ho_so,so_hoa_ket_qua,thanh_toan_truc_tuyen\n"
    "HS-IMPORT-1,1.000001,648,truc_tiep,01/03/2019,05/03/2019,04/03/2019,,da_tra_ket_qua,,,\n"
)


@dataclass
class Side:
    """The objects of one district (Cư M'gar in Đắk Lắk, or Nậm Nhùn in Lai Châu)."""

    criteria_set: CriteriaSet
    assessment: Assessment
    score: CriterionScore  # "1.1", a yes/no criterion with evidence
    evidence: Evidence
    procedure: Procedure  # the province's own variant
    dossier: Dossier
    dossier_import: DossierImport
    plan: Any
    team: Any
    inspection: Inspection
    recommendation: Recommendation
    attachment: RemediationAttachment


@dataclass
class World:
    p: Personas
    ours: Side  # Cư M'gar, Đắk Lắk
    theirs: Side  # Nậm Nhùn, Lai Châu
    published_set: CriteriaSet  # Đắk Lắk 2023, published
    commune_assessment: Assessment  # Ea Kpam's own, commune-level 2024 (open)
    national_procedure: Procedure
    their_department: Any  # Sở Tư pháp of Lai Châu (12-STP)
    survey_ours: SurveyWorld  # Đắk Lắk's 2026 commune survey, open
    survey_theirs: SurveyWorld  # Lai Châu's

    def user(self, role: str):
        return self.p.all_users()[role]

    def restore_import_file(self, side: Side) -> None:
        """A previewed import's upload is deleted once confirmed: put it back for the next test."""
        Path(side.dossier_import.stored_file).write_text(IMPORT_CSV, encoding="utf-8")


def _side(p: Personas, *, province, district, staff, issuer_admin, tag: str) -> Side:
    criteria_set = make_set(province=province, year=2024, level=Level.DISTRICT)
    assessment = make_assessment(criteria_set=criteria_set, unit=district, scores=FULL)
    score = assessment.scores.get(criterion__code="1.1")
    evidence = scoring_services.evidence_add(
        score=score,
        upload=SimpleUploadedFile(f"ke-hoach-{tag}.pdf", PDF, content_type="application/pdf"),
        by=staff,
    )
    procedure = ProcedureFactory(code=f"1.0{tag}.H", province=province)
    dossier = DossierFactory(
        code=f"HS-{tag}",
        procedure=procedure,
        unit=district,
        received_at=at(2019, 3, 1),
        due_at=at(2019, 3, 6),
        finished_at=at(2019, 3, 4),
    )
    folder = Path(settings.MEDIA_ROOT) / "dossier-imports"
    folder.mkdir(parents=True, exist_ok=True)
    stored = folder / f"trust-{tag}.csv"
    stored.write_text(IMPORT_CSV, encoding="utf-8")
    dossier_import = DossierImport.objects.create(
        created_by=issuer_admin,
        unit=province,
        file_name=f"{tag}.csv",
        stored_file=str(stored),
        status=DossierImportStatus.PREVIEWED,
        total_rows=1,
    )
    plan = make_plan(
        p,
        issuer=province,
        targets=[inspection_services.TargetData(unit=district, scheduled_on=dt.date(2019, 9, 27))],
    )
    team = make_team(p, unit=province, name=f"Đoàn {tag}")
    inspection = make_inspection(p, plan=plan, team=team, unit=district)
    fill(inspection)
    inspection_services.dossier_check_pick(inspection=inspection, dossier=dossier)
    recommendation = inspection.recommendations.get()
    # Remediation needs a concluded inspection, while the matrix needs one still editable: the
    # report is made as if concluded and the inspection goes back in progress (the real order,
    # conclude then report, is tested in tests/inspections).
    Inspection.objects.filter(pk=inspection.pk).update(state=InspectionState.CONCLUDED)
    inspection_services.remediation_report(
        recommendation=recommendation,
        by=staff,
        text="Đã lắp camera",
        files=[SimpleUploadedFile(f"bien-ban-{tag}.pdf", PDF, content_type="application/pdf")],
    )
    Inspection.objects.filter(pk=inspection.pk).update(state=InspectionState.IN_PROGRESS)
    recommendation.refresh_from_db()
    assert recommendation.state == RecommendationState.REPORTED
    return Side(
        criteria_set=criteria_set,
        assessment=assessment,
        score=score,
        evidence=evidence,
        procedure=procedure,
        dossier=dossier,
        dossier_import=dossier_import,
        plan=plan,
        team=team,
        inspection=inspection,
        recommendation=recommendation,
        attachment=RemediationAttachment.objects.get(remediation__recommendation=recommendation),
    )


def build_world() -> World:
    p = build_personas()
    ours = _side(
        p,
        province=p.daklak,
        district=p.cumgar,
        staff=p.cumgar_staff,
        issuer_admin=p.admin,
        tag="CUMGAR",
    )
    theirs = _side(
        p,
        province=p.laichau,
        district=p.namnhun,
        staff=p.namnhun_staff,
        issuer_admin=p.laichau_admin,
        tag="NAMNHUN",
    )
    published_set = make_set(province=p.daklak, year=2023, level=Level.DISTRICT)
    make_assessment(
        criteria_set=published_set, unit=p.cumgar, scores=FULL, state=AssessmentState.LOCKED
    )
    scoring_services.ranking_publish(criteria_set=published_set, by=p.admin)
    commune_set = make_set(province=p.daklak, year=2024, level=Level.COMMUNE)
    commune_assessment = make_assessment(criteria_set=commune_set, unit=p.eakpam)
    return World(
        p=p,
        ours=ours,
        theirs=theirs,
        published_set=published_set,
        commune_assessment=commune_assessment,
        national_procedure=ProcedureFactory(code="1.000001", province=None),
        their_department=UnitFactory(
            code="12-STP", name="Sở Tư pháp", level=Level.DEPARTMENT, parent=p.laichau
        ),
        survey_ours=make_survey_world(p, year=2026),
        survey_theirs=make_survey_world(p, province=p.laichau, year=2026),
    )
