"""Every upload refuses files that are too big, of the wrong type by content (whatever their
name), or xlsx/docx zip bombs, through the real forms, and stores nothing when it refuses."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from cchc_portal.xlsx import write_xlsx
from inspections.models import RemediationAttachment
from procedures.models import DossierImport, Procedure
from scoring import services as scoring_services
from scoring.models import CriteriaSet, Evidence
from tests.trust.world import IMPORT_CSV, PDF

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
HTML = b"<!DOCTYPE html><html><body><table><tr><td>ma_ho_so</td></tr></table></body></html>"
OLD_XLS = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """A 60 KB xlsx that expands to 60 MB (far beyond 100 × its size)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < 200 * 1024
    return data


def _xlsx(rows) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, sheets=[("S", rows[0], rows[1:])], status=None)
    return buffer.getvalue()


def _file(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def _stored_imports() -> set[str]:
    folder = Path(settings.MEDIA_ROOT) / "dossier-imports"
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


# --------------------------------------------------------------------------- dossier import

BAD_TABLES = [
    ("export.csv", EXE, "không phải là tệp CSV"),
    ("export.xlsx", EXE, "không phải là tệp CSV"),
    ("export.xlsx", HTML, "không phải là tệp CSV"),
    ("export.csv", HTML, "không phải là tệp CSV"),
    ("export.xlsx", OLD_XLS, "Excel 97–2003"),
    ("export.xlsx", b"PK\x03\x04 not really a zip", "không phải là tệp Office/Excel"),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD_TABLES)
def test_dossier_upload_judges_the_type_by_content(w, client_for, name, data, message):
    before = _stored_imports()
    response = client_for(w.p.admin).post(
        reverse("procedures:import_new"), {"file": _file(name, data)}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert message in errors[0] and name in errors[0]
    assert "Tệp CSV hoặc Excel" in errors[0]  # names the field
    assert DossierImport.objects.count() == 2  # the world's two, no new one
    assert _stored_imports() == before  # nothing written to disk


def test_dossier_upload_refuses_a_zip_bomb(w, client_for, bomb):
    response = client_for(w.p.admin).post(
        reverse("procedures:import_new"), {"file": _file("export.xlsx", bomb)}
    )
    assert "giải nén quá lớn" in response.context["form"].errors["file"][0]
    assert DossierImport.objects.count() == 2


def test_dossier_upload_refuses_a_file_over_the_limit(w, client_for, settings):
    settings.UPLOAD_MAX_BYTES = len(IMPORT_CSV) - 1
    response = client_for(w.p.admin).post(
        reverse("procedures:import_new"), {"file": _file("export.csv", IMPORT_CSV.encode())}
    )
    assert "lớn hơn giới hạn" in response.context["form"].errors["file"][0]
    assert DossierImport.objects.count() == 2


def test_dossier_upload_takes_a_good_csv_named_xlsx(w, client_for):
    """The control: the same checks let a real export through, whatever its name."""
    response = client_for(w.p.admin).post(
        reverse("procedures:import_new"), {"file": _file("export.xlsx", IMPORT_CSV.encode())}
    )
    assert response.status_code == 302
    assert DossierImport.objects.count() == 3


# --------------------------------------------------------------------------- criteria import


def _criteria_post(client, file):
    return client.post(
        reverse("scoring:set_import"),
        {
            "file": file,
            "year": 2030,
            "level": "district",
            "bonus_cap": "0",
            "penalty_cap": "0",
        },
    )


@pytest.mark.parametrize(("name", "data", "message"), BAD_TABLES)
def test_criteria_upload_judges_the_type_by_content(w, client_for, name, data, message):
    response = _criteria_post(client_for(w.p.admin), _file(name, data))
    errors = response.context["form"].errors["file"]
    assert message in errors[0] and "Tệp bộ chỉ số" in errors[0]
    assert not CriteriaSet.objects.filter(year=2030).exists()


def test_criteria_upload_refuses_a_zip_bomb_and_a_big_file(w, client_for, bomb, settings):
    client = client_for(w.p.admin)
    response = _criteria_post(client, _file("bo-chi-so.xlsx", bomb))
    assert "giải nén quá lớn" in response.context["form"].errors["file"][0]
    settings.UPLOAD_MAX_BYTES = 100
    good = _xlsx([["ma", "noi_dung", "diem_toi_da"], *[[str(i), "x" * 50, 1] for i in range(9)]])
    response = _criteria_post(client, _file("bo-chi-so.xlsx", good))
    assert "lớn hơn giới hạn" in response.context["form"].errors["file"][0]
    assert not CriteriaSet.objects.filter(year=2030).exists()


# --------------------------------------------------------------------------- evidence


def _evidence_post(w, client_for, file):
    url = reverse("scoring:evidence_upload", args=[w.ours.assessment.pk, w.ours.score.pk])
    response = client_for(w.p.cumgar_staff).post(url, {"file": file})
    assert response.status_code == 302
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("ke-hoach.pdf", EXE, "kiểm tra theo nội dung tệp"),
        ("bang.xlsx", HTML, "kiểm tra theo nội dung tệp"),
        ("bang.xlsx", b"PK\x03\x04 not really a zip", "không phải là tệp Office/Excel"),
    ],
)
def test_evidence_judges_the_type_by_content(w, client_for, name, data, message):
    messages = _evidence_post(w, client_for, _file(name, data))
    assert any(message in m for m in messages), messages
    assert Evidence.objects.count() == 2  # the world's two


def test_evidence_refuses_a_zip_bomb(w, client_for, bomb):
    messages = _evidence_post(w, client_for, _file("bang.xlsx", bomb))
    assert any("giải nén quá lớn" in m and "Tài liệu kiểm chứng" in m for m in messages)
    assert Evidence.objects.count() == 2


def test_evidence_refuses_a_file_over_the_limit(w, client_for, monkeypatch):
    monkeypatch.setattr(scoring_services, "EVIDENCE_MAX_BYTES", len(PDF) - 1)
    messages = _evidence_post(w, client_for, _file("ke-hoach.pdf", PDF))
    assert any("lớn hơn" in m for m in messages), messages
    assert Evidence.objects.count() == 2


def test_evidence_takes_a_real_pdf(w, client_for):
    _evidence_post(w, client_for, _file("ke-hoach.pdf", PDF))
    assert Evidence.objects.count() == 3


# --------------------------------------------------------------------------- remediation


def _remediation_post(w, client_for, file):
    url = reverse("inspections:remediation_report", args=[w.ours.recommendation.pk])
    return client_for(w.p.cumgar_staff).post(url, {"text": "Đã khắc phục", "files": file})


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("bien-ban.pdf", EXE, "chỉ nhận PDF"),
        ("bien-ban.xlsx", HTML, "chỉ nhận PDF"),
        ("bien-ban.exe", EXE, "chỉ nhận PDF"),
        ("bien-ban.docx", b"PK\x03\x04 not really a zip", "không phải là tệp Office/Excel"),
    ],
)
def test_remediation_attachment_judges_the_type_by_content(w, client_for, name, data, message):
    response = _remediation_post(w, client_for, _file(name, data))
    assert response.status_code == 200
    errors = response.context["form"].errors["files"]
    assert message in errors[0], errors
    assert RemediationAttachment.objects.count() == 2
    assert w.ours.recommendation.remediations.count() == 1  # the world's, none added


def test_remediation_attachment_refuses_a_zip_bomb(w, client_for, bomb):
    response = _remediation_post(w, client_for, _file("bien-ban.docx", bomb))
    errors = response.context["form"].errors["files"]
    assert "giải nén quá lớn" in errors[0] and "Tài liệu kèm theo" in errors[0]
    assert RemediationAttachment.objects.count() == 2


def test_remediation_attachment_refuses_a_file_over_the_limit(w, client_for, monkeypatch):
    from inspections import services

    monkeypatch.setattr(services, "MAX_ATTACHMENT_MB", 1)
    big = _file("anh.png", b"\x89PNG\r\n\x1a\n" + b"0" * (1024 * 1024))
    response = _remediation_post(w, client_for, big)
    assert "lớn hơn 1 MB" in response.context["form"].errors["files"][0]
    assert RemediationAttachment.objects.count() == 2


def test_remediation_attachment_takes_a_real_pdf(w, client_for):
    from inspections.models import Inspection

    Inspection.objects.filter(pk=w.ours.inspection.pk).update(state="concluded")
    response = _remediation_post(w, client_for, _file("bien-ban.pdf", PDF))
    assert response.status_code == 302
    assert RemediationAttachment.objects.count() == 3


# --------------------------------------------------------------------------- command imports


@pytest.mark.parametrize("data", [EXE, HTML])
def test_procedure_import_refuses_what_is_not_a_table(w, tmp_path, data):
    path = tmp_path / "thu-tuc.xlsx"
    path.write_bytes(data)
    with pytest.raises(CommandError):
        call_command("import_procedures", str(path))
    assert Procedure.objects.count() == 3  # the world's


@pytest.mark.parametrize(
    ("command", "extra"),
    [
        ("import_procedures", []),
        ("import_dossiers", []),
        ("import_criteria", ["--province", "66", "--year", "2030", "--level", "district"]),
        ("import_scores", None),
    ],
)
def test_command_imports_refuse_a_zip_bomb(w, tmp_path, bomb, command, extra, capsys):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(bomb)
    if extra is None:
        extra = ["--set", str(w.ours.criteria_set.pk), "--by", w.p.admin.username]
    with pytest.raises(CommandError) as excinfo:
        call_command(command, str(path), *extra)
    output = str(excinfo.value) + capsys.readouterr().err
    assert "giải nén quá lớn" in output
