"""The commune and department criteria files (scripts/build_scoring_criteria.py): reproducible,
and accepted by the importer with the structure the demo relies on."""

import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import pytest

from scoring import services
from units.choices import Level

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "build_scoring_criteria.py"
FILES = {
    "scoring_criteria_commune.xlsx": [str(n) for n in range(1, 9)],
    "scoring_criteria_department.xlsx": [str(n) for n in range(1, 8)],
}


def test_the_script_rebuilds_the_committed_files_byte_for_byte(tmp_path):
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(tmp_path)], check=True, cwd=ROOT)
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (ROOT / "fixtures" / name).read_bytes(), name
    check = subprocess.run([sys.executable, str(SCRIPT), "--check"], cwd=ROOT)
    assert check.returncode == 0


@pytest.mark.parametrize("name", list(FILES))
def test_the_importer_accepts_the_file(name):
    rows, errors = services.criteria_rows(ROOT / "fixtures" / name)
    assert errors == []
    assert services.criteria_check_tree(rows) == []
    roots = {r["code"]: r for r in rows if r["parent"] is None}
    appraisal_areas = sorted(c for c, r in roots.items() if r["component"] == "appraisal")
    assert appraisal_areas == FILES[name]  # communes have area 8, impact on development
    assert sum(roots[c]["max_points"] for c in appraisal_areas) == D(70)
    (survey,) = [r for r in roots.values() if r["component"] == "survey"]
    assert survey["max_points"] == D(30)
    leaves = [r for r in rows if not any(o["parent"] == r["code"] for o in rows)]
    assert {r["rule"] for r in leaves} == {"manual", "yes_no", "rate", "tiers", "deduction"}
    on_time = [r for r in leaves if r["metric"] == "dossier_on_time_rate"]
    assert [r["rule"] for r in on_time] == ["rate"]


def test_a_file_imports_as_a_department_set(personas):
    # The department file is imported at the department level for a province (no unit needed).
    criteria_set = services.criteria_set_import(
        path=ROOT / "fixtures" / "scoring_criteria_department.xlsx",
        province=personas.daklak,
        year=2024,
        level=Level.DEPARTMENT,
    )
    assert (criteria_set.appraisal_max, criteria_set.survey_max) == (D(70), D(30))
    assert criteria_set.criteria.filter(is_leaf=True).count() == 41 - 8  # rows − areas
