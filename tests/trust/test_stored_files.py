"""What is stored is for the portal's user only (files 0600 in folders 0700) under a name that
never starts with a dot; typed codes answer alike for "another unit's" and "does not exist";
remediation waits for the conclusion."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc_portal.uploads import safe_file_name, write_private
from inspections import services as inspection_services
from inspections.models import Inspection
from scoring.models import Evidence
from tests.trust.world import PDF

ROOT = Path(__file__).resolve().parents[2]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("name", [".pdf", "..pdf", ".htaccess", "...", "ke-hoach.pdf"])
def test_evidence_is_stored_private_and_never_as_a_dotfile(w, client_for, name):
    url = reverse("scoring:evidence_upload", args=[w.ours.assessment.pk, w.ours.score.pk])
    file = SimpleUploadedFile(name, PDF, content_type="application/pdf")
    client_for(w.p.cumgar_staff).post(url, {"file": file})
    evidence = Evidence.objects.order_by("-pk").first()
    assert evidence is not None and evidence.pk != w.ours.evidence.pk
    stored = Path(evidence.file.path)
    assert not stored.name.startswith("."), stored.name
    assert mode(stored) == 0o600
    assert mode(stored.parent) == 0o700


@pytest.mark.parametrize(
    ("name", "expected"),
    [(".pdf", "pdf"), ("..a.pdf", "a.pdf"), ("...", "file"), ("a.pdf", "a.pdf")],
)
def test_safe_file_name(name, expected):
    assert safe_file_name(name) == expected


def test_files_the_portal_writes_itself_are_private(tmp_path):
    target = tmp_path / "exports" / "x.xlsx"
    write_private(target, b"PK")
    assert (mode(target), mode(target.parent)) == (0o600, 0o700)


def test_the_web_process_creates_files_for_its_own_user_only():
    """gunicorn loads cchc_portal.wsgi: from then on whatever the process writes is 0600/0700."""
    code = "import os; import cchc_portal.wsgi; old = os.umask(0); print(oct(old))"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip().endswith("0o77")


def _pick(w, client_for, code: str) -> str:
    url = reverse("inspections:dossier_check_pick", args=[w.ours.inspection.pk])
    response = client_for(w.p.inspector).post(url, {"code": code}, HTTP_HX_REQUEST="true")
    # The CSRF token of the form differs per response; the rest must not.
    return re.sub(r'value="[A-Za-z0-9]{64}"', "", response.content.decode())


def test_a_dossier_code_of_another_province_answers_like_a_missing_one(w, client_for):
    theirs = _pick(w, client_for, w.theirs.dossier.code).replace(w.theirs.dossier.code, "CODE")
    missing = _pick(w, client_for, "HS-KHONG-CO").replace("HS-KHONG-CO", "CODE")
    assert "Không có hồ sơ mã CODE của đơn vị được kiểm tra." in missing
    assert theirs == missing


def test_remediation_is_refused_before_the_conclusion(w, client_for):
    rec = w.ours.recommendation
    url = reverse("inspections:remediation_report", args=[rec.pk])
    response = client_for(w.p.cumgar_staff).post(url, {"text": "Đã khắc phục"})
    assert response.status_code == 200
    assert "chỉ báo cáo khắc phục được sau khi có thông báo kết luận" in response.content.decode()
    assert rec.remediations.count() == 1  # the world's own, nothing added
    with pytest.raises(Exception, match="chưa kết luận"):
        inspection_services.remediation_report(recommendation=rec, by=w.p.cumgar_staff, text="x")
    Inspection.objects.filter(pk=w.ours.inspection.pk).update(state="concluded")
    ok = client_for(w.p.cumgar_staff).post(url, {"text": "Đã khắc phục"})
    assert ok.status_code == 302 and rec.remediations.count() == 2
