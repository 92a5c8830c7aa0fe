"""Both worlds at once: after the demo, importing the whole country's post-2025 tree changes no
published figure, and the seed facts of the 2018–2024 articles still answer as before.

The expected figures are the articles' (docs/domain.md, "Seed facts"), not values read back from
the code under test.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.conf import settings
from django.core.management import call_command

from cchc_portal.demo import load_demo
from scoring.models import PublishedResult
from units.choices import TWO_TIER_FROM, Level
from units.models import AdministrativeUnit
from units.services import units_import_file

pytestmark = pytest.mark.django_db

COUNTRY = settings.BASE_DIR / "fixtures" / "units_2025_vietnam.json"


def _run(*args: str) -> list[dict[str, str]]:
    out = io.StringIO()
    call_command(*args, "--format", "csv", stdout=out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def _published() -> list[tuple]:
    return list(
        PublishedResult.objects.order_by("pk").values_list(
            "ranking_id", "unit_id", "unit_name", "index", "rank", "previous_rank"
        )
    )


def _answers() -> dict[str, list[dict[str, str]]]:
    return {
        "nam_nhun_2023": _run(
            "ranking", "--province", "12", "--year", "2023", "--level", "district"
        ),
        "cu_mgar_2018": _run(
            "dossier_stats", "--unit", "648", "--descendants",
            "--from", "2018-01-01", "--to", "2019-06-30",
        ),
        "ea_kpam_2018": _run(
            "dossier_stats", "--unit", "24280", "--from", "2018-01-01", "--to", "2019-06-30"
        ),
        "new_cu_mgar": _run(
            "dossier_stats", "--unit", "24280", "--from", "2025-07-01", "--to", "2026-11-30"
        ),
    }  # fmt: skip


def test_importing_the_whole_country_changes_no_published_figure():
    load_demo(out=lambda _line: None)
    published, answers = _published(), _answers()

    result = units_import_file(path=COUNTRY, valid_from=TWO_TIER_FROM)
    assert AdministrativeUnit.objects.filter(
        level=Level.PROVINCE, valid_from=TWO_TIER_FROM
    ).count() == 34  # fmt: skip
    # 34 provinces and 3,321 communes in all; the demo's five provinces (5 + 495 units) were
    # already there and stay untouched.
    assert (result.created, result.updated, result.unchanged) == (34 + 3321 - 500, 0, 500)

    assert _published() == published
    assert _answers() == answers

    # And the answers are the articles' facts.
    nam_nhun = next(r for r in answers["nam_nhun_2023"] if r["unit_code"] == "112")
    assert (nam_nhun["rank"], nam_nhun["rank_change"]) == ("7", "▼ 2")
    assert len(answers["nam_nhun_2023"]) == 8  # 7th of 8
    (cu_mgar,) = answers["cu_mgar_2018"]
    assert cu_mgar["Tiếp nhận"] == "272143"
    (ea_kpam,) = answers["ea_kpam_2018"]
    assert ea_kpam["Đơn vị"] == "Xã Ea KPam"
    (new,) = answers["new_cu_mgar"]
    assert new["Đơn vị"] == "Xã Cư M’gar"
    assert int(new["Tiếp nhận"]) > 0
