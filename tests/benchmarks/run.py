"""`make bench`: run every tests/benchmarks/bench_*.py against a fresh PostgreSQL database and
write the results table into docs/benchmarks.md (between the `bench` markers).

    .venv/bin/python tests/benchmarks/run.py [--smoke] [--only NAME] [--repeat N]

The database is ``$BENCH_DATABASE_URL`` or ``postgres://postgres@127.0.0.1:5432/cchc_bench``.
It is migrated once into ``<name>_template``; before each module it is dropped and created again
from that template (about a second), so every module starts on a fresh, empty, migrated database
and one module's millions of rows never slow another's pages. Never point it at real data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.benchmarks.harness import Context, Result, replace_section  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/cchc_bench"


def recreate_database(url: str, template: str | None = None) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    create = f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")
    for sql in (f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', create):
        subprocess.run(["psql", admin, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True)


def fresh_database(url: str, template: str) -> None:
    """The benchmark database again, empty and migrated, copied from the template."""
    from django.db import connections

    connections.close_all()
    recreate_database(url, template=template)


def machine() -> str:
    cpus = os.cpu_count()
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    pg = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    return f"{cpus} CPU, {mem_gb:.0f} GB RAM, Python {platform.python_version()}, {pg}"


def commit() -> str:
    out = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    )
    return out.stdout.strip() or "unknown"


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    if unit == "s":
        return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"
    return f"{value:,.1f} {unit}"


def table(results: list[Result]) -> str:
    lines = []
    section = None
    for r in results:
        if r.section != section:
            section = r.section
            lines += [
                "",
                f"### {section}",
                "",
                "| what | portal | limit | ratio | target | met | peak memory |",
                "|---|---|---|---|---|---|---|",
            ]
        ratio = f"{r.ratio:.2f}×" if r.ratio is not None else ""
        peak = f"{r.peak_mb:.0f} MB" if r.peak_mb is not None else ""
        met = "yes" if r.met else "**no**"
        lines.append(
            f"| {r.what} | {fmt(r.portal, r.unit)} | {fmt(r.limit, r.unit)} | {ratio} "
            f"| {r.target} | {met} | {peak} |"
        )
        for note in r.notes:
            lines.append(f"| ↳ {note} | | | | | | |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, nothing written")
    parser.add_argument("--only", help="run only bench_<ONLY>.py")
    parser.add_argument("--repeat", type=int, help="runs per measurement (3; 1 with --smoke)")
    args = parser.parse_args()
    args.repeat = args.repeat or (1 if args.smoke else 3)

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    template_url = url + "_template"
    template = urlsplit(template_url).path.lstrip("/")
    recreate_database(template_url)
    os.environ["DATABASE_URL"] = template_url
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc_portal.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0)
    connections.close_all()
    # From here on Django talks to the benchmark database itself, recreated per module.
    connections.databases["default"]["NAME"] = urlsplit(url).path.lstrip("/")
    os.environ["DATABASE_URL"] = url  # for the modules' child processes

    names = sorted(p.stem for p in (ROOT / "tests" / "benchmarks").glob("bench_*.py"))
    if args.only:
        names = [n for n in names if n == f"bench_{args.only}"]
    workdir = Path(tempfile.mkdtemp(prefix="cchc-bench-"))
    ctx = Context(database_url=url, workdir=workdir, smoke=args.smoke, repeat=args.repeat)
    results: list[Result] = []
    failed: list[str] = []
    started = time.perf_counter()
    try:
        for name in names:
            module = importlib.import_module(f"tests.benchmarks.{name}")
            if not hasattr(module, "run"):
                print(f"== {name}: no run(ctx), skipped", flush=True)
                continue
            t0 = time.perf_counter()
            fresh_database(url, template)
            print(f"== {name}", flush=True)
            try:
                got = module.run(ctx)
            except Exception as exc:  # one broken benchmark must not lose the others' results
                traceback.print_exc()
                failed.append(name)
                got = [Result(name, f"**failed**: {exc}", 0.0, None, "", met=False)]
            for r in got:
                print(f"   {r.what}: {fmt(r.portal, r.unit)} vs {fmt(r.limit, r.unit)}", flush=True)
            print(f"   ({time.perf_counter() - t0:.0f} s)", flush=True)
            results += got
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    total = time.perf_counter() - started
    text = (
        f"Run {dt.datetime.now():%Y-%m-%d %H:%M} on commit `{commit()}`, {machine()}; "
        f"{args.repeat} runs per measurement, medians; whole run {total / 60:.1f} min.\n"
        + table(results)
    )
    print(text)
    if not args.smoke and not args.only:
        replace_section(ROOT / "docs" / "benchmarks.md", "bench", text)
    if failed:
        print(f"benchmarks that failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0  # a missed target is reported in the table, not as a failed command


if __name__ == "__main__":
    sys.exit(main())
