"""Child process of bench_export: one Excel export in a fresh interpreter, so its peak RSS is
the export's own. Writes its elapsed seconds (the timed part only) to OUT.

    export_child.py portal|limit USERNAME XLSX_PATH OUT
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc_portal.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

from procedures import exports  # noqa: E402
from procedures.models import Dossier  # noqa: E402
from units.models import User  # noqa: E402


def main() -> None:
    mode, username, target, out = sys.argv[1:5]
    user = User.objects.get(username=username)
    dossiers = Dossier.objects.visible_to(user)  # what the view exports without filters
    if mode == "portal":
        started = time.perf_counter()
        exports.dossier_export_xlsx(dossiers, target)
    else:
        from openpyxl import Workbook

        rows = list(exports.dossier_export_rows(dossiers))  # in memory before the clock starts
        started = time.perf_counter()
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Hồ sơ")
        sheet.append(exports.dossier_export_headers())
        for row in rows:
            sheet.append(row)
        workbook.save(target)
    Path(out).write_text(str(time.perf_counter() - started))


if __name__ == "__main__":
    main()
