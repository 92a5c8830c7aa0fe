"""Time the ranking paths for 170 units.

Run: DEBUG=1 .venv/bin/python tests/benchmarks/bench_scoring.py
Uses a throwaway SQLite database unless DATABASE_URL is set; prints median milliseconds.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

call_command("migrate", verbosity=0)

from scoring import index, selectors  # noqa: E402
from tests.factories import build_personas  # noqa: E402
from tests.scoring.factories import FULL, make_assessment, make_set, many_units  # noqa: E402


def timed(fn, runs=5):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


personas = build_personas()
cs = make_set(province=personas.daklak, level="commune", year=2025)
for unit in many_units(parent=personas.cumgar, count=170):
    make_assessment(criteria_set=cs, unit=unit, scores=FULL)
client = Client()
client.force_login(personas.admin)
for name, url in [
    ("ranking page", f"/scoring/rankings/{cs.pk}/"),
    ("ranking xlsx", f"/scoring/rankings/{cs.pk}.xlsx"),
    ("ranking pdf", f"/scoring/rankings/{cs.pk}.pdf"),
]:

    def get(url=url):
        response = client.get(url, HTTP_HOST="localhost")
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)

    print(f"{name:<14} 170 units  {timed(get):8.1f} ms")
print(
    f"{'selector only':<14} 170 units  {timed(lambda: selectors.ranking(criteria_set=cs)):8.1f} ms"
)
indices = {
    i: index.par_index(appraisal=index.to_decimal(60 + i % 10), survey=index.ZERO)
    for i in range(170)
}
print(f"{'pure ranking':<14} 170 units  {timed(lambda: index.rank_rows(indices), runs=50):8.3f} ms")
