"""scripts/backup.sh and scripts/restore.sh: a filled database and its uploaded files, backed up
and restored into a fresh database and folder, come back table for table and file for file."""

from __future__ import annotations

import subprocess

import psycopg
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection

from procedures.models import Dossier
from scoring.models import CriterionScore, Evidence
from tests.ops.conftest import ROOT, database_url
from tests.procedures.factories import DossierFactory
from tests.scoring.factories import FULL, make_assessment, make_set

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres_only")]


def conninfo(name: str) -> str:
    return database_url(name).replace("postgres://", "postgresql://", 1)


def row_counts(name: str) -> dict[str, int]:
    with psycopg.connect(conninfo(name)) as conn:
        tables = [
            t
            for (t,) in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


@pytest.fixture
def restored_name():
    name = f"{connection.settings_dict['NAME']}_restored"
    admin = conninfo("postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_then_restore_gives_back_every_row_and_file(personas, restored_name, tmp_path):
    cs = make_set(province=personas.daklak)
    assessment = make_assessment(criteria_set=cs, unit=personas.cumgar, scores=FULL)
    score = assessment.scores.get(criterion__code="1.1")
    evidence = Evidence(
        score=score,
        original_name="Kế hoạch CCHC.pdf",
        content_type="application/pdf",
        size=9,
        uploaded_by=personas.cumgar_staff,
    )
    evidence.file.save("ke-hoach.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    DossierFactory.create_batch(25, unit=personas.cumgar)
    source_counts = row_counts(connection.settings_dict["NAME"])
    assert source_counts["procedures_dossier"] == 25 and source_counts["scoring_evidence"] == 1

    backups = tmp_path / "backups"
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": database_url()}
    out = subprocess.run(
        [str(ROOT / "scripts" / "backup.sh"), str(backups)],
        env={**env, "MEDIA_ROOT": str(settings.MEDIA_ROOT)},
        capture_output=True,
        text=True,
        check=True,
    )
    dump = next(backups.glob("cchc-*.dump"))
    media = next(backups.glob("media-*.tar.gz"))
    assert str(dump) in out.stdout

    restored_media = tmp_path / "restored-media"
    subprocess.run(
        [str(ROOT / "scripts" / "restore.sh"), str(dump), str(media)],
        env={**env, "DATABASE_URL": database_url(restored_name), "MEDIA_ROOT": str(restored_media)},
        capture_output=True,
        text=True,
        check=True,
    )

    assert row_counts(restored_name) == source_counts
    with psycopg.connect(conninfo(restored_name)) as conn:
        scores = dict(
            conn.execute(
                "SELECT c.code, s.round1_score FROM scoring_criterionscore s "
                "JOIN scoring_criterion c ON c.id = s.criterion_id WHERE s.assessment_id = %s",
                [assessment.pk],
            ).fetchall()
        )
        codes = {c for (c,) in conn.execute("SELECT code FROM procedures_dossier")}
        password, unit_id = conn.execute(
            "SELECT password, unit_id FROM units_user WHERE username = 'cumgar'"
        ).fetchone()
        (file_name,) = conn.execute("SELECT file FROM scoring_evidence").fetchone()
    expected_scores = dict(
        CriterionScore.objects.filter(assessment=assessment).values_list(
            "criterion__code", "round1_score"
        )
    )
    assert scores == expected_scores and scores["2.3"] is not None
    assert codes == set(Dossier.objects.values_list("code", flat=True))
    assert (password, unit_id) == (personas.cumgar_staff.password, personas.cumgar.pk)
    assert file_name == evidence.file.name
    assert (restored_media / file_name).read_bytes() == b"%PDF-1.4\n"


def test_restore_refuses_a_database_that_has_tables(personas, tmp_path):
    dump = tmp_path / "empty.dump"
    dump.write_bytes(b"")
    done = subprocess.run(
        [str(ROOT / "scripts" / "restore.sh"), str(dump)],
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": database_url()},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert "already has" in done.stderr
    assert Dossier.objects.model._meta.db_table in row_counts(connection.settings_dict["NAME"])
