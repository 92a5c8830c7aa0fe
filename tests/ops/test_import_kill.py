"""Kill `manage.py import_dossiers` while it is writing a 300,000-row file into the dossier
table: the database holds none of the file's rows, and the next import succeeds and saves all of
its rows (a 20,000-row file from the same generator, to keep the test short).

On PostgreSQL the import first stages and checks the whole file, then writes every row with one
INSERT … ON CONFLICT; "midway" is proven inside that INSERT: its transaction holds the write
lock on the dossier table and the table's files have grown by megabytes of rows no one else can
see yet."""

from __future__ import annotations

import re
import signal
import subprocess
import threading
import time

import pytest
from django.db import connection

from procedures.models import Dossier
from tests.dossier_csv import write_csv
from tests.factories import UnitFactory
from tests.ops.conftest import MANAGE, database_url, process_env
from tests.procedures.factories import ProcedureFactory
from units.choices import Level

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres_only")]

ROWS = 300_000
AGAIN = 20_000
PREFIX = "KILL-"
MIDWAY_BYTES = 8 * 2**20
APP = "cchc_import_kill"  # application_name of the import's connection, to find it
PROGRESS = re.compile(r"([\d,.]+) dòng \(".encode())  # rows done, not the rate after them


class Progress:
    """Reads the import's progress lines ("\\r12,000 dòng (…)") from its stderr."""

    def __init__(self, stream):
        self.rows = 0
        self.text = b""
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream):
        while chunk := stream.read1(4096):
            self.text = (self.text + chunk)[-4096:]
            found = PROGRESS.findall(self.text)
            if found:
                self.rows = int(re.sub(rb"\D", b"", found[-1]))


def import_backend() -> tuple[int, bool] | None:
    """(pid, holds a write lock on the dossier table) of the import's open transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.pid, a.xact_start IS NOT NULL AND EXISTS ("
            "  SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.granted"
            "  AND l.relation = %s::regclass AND l.mode = 'RowExclusiveLock')"
            " FROM pg_stat_activity a WHERE a.application_name = %s AND a.datname = %s",
            [Dossier._meta.db_table, APP, connection.settings_dict["NAME"]],
        )
        row = cursor.fetchone()
    return row


def dossier_table_bytes() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_relation_size(%s)", [Dossier._meta.db_table])
        return cursor.fetchone()[0]


def wait_backend_gone(pid: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
            if cursor.fetchone() is None:
                return
            time.sleep(0.1)
    raise AssertionError(f"the killed import's backend {pid} is still there after {timeout} s")


def imported() -> int:
    return Dossier.objects.filter(code__startswith=PREFIX).count()


def test_import_killed_midway_keeps_nothing_then_imports_everything(tmp_path):
    province = UnitFactory(code="66", name="Tỉnh Đắk Lắk", level=Level.PROVINCE)
    district = UnitFactory(code="648", name="Huyện Cư M'gar", level=Level.DISTRICT, parent=province)
    communes = [
        UnitFactory(code=f"{24280 + i}", name=f"Xã {i}", level=Level.COMMUNE, parent=district)
        for i in range(5)
    ]
    procedures = [ProcedureFactory().code for _ in range(20)]
    path = write_csv(
        tmp_path / "dossiers.csv",
        ROWS,
        [district.code, *(c.code for c in communes)],
        procedures,
        prefix=PREFIX,
    )
    env = process_env(DATABASE_URL=database_url(application_name=APP))
    child = subprocess.Popen(
        [*MANAGE, "import_dossiers", str(path)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    progress = Progress(child.stderr)
    size_before = dossier_table_bytes()
    try:
        # Midway, proven two ways: the import's transaction is open holding the write lock on
        # the dossier table, and the table has grown by MIDWAY_BYTES of its uncommitted rows
        # (300,000 rows take ~50 MB; 8 MB is well inside the INSERT).
        deadline = time.monotonic() + 120
        backend = None
        grown = 0
        while time.monotonic() < deadline and child.poll() is None:
            backend = import_backend()
            grown = dossier_table_bytes() - size_before
            if backend and backend[1] and grown >= MIDWAY_BYTES:
                break
            time.sleep(0.02)
        assert child.poll() is None, f"the import ended before midway: {progress.text[-300:]!r}"
        assert backend and backend[1], "no open import transaction seen"
        assert grown >= MIDWAY_BYTES, f"the dossier table grew by {grown} bytes only"
        assert imported() == 0  # uncommitted rows are invisible from outside
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL
    wait_backend_gone(backend[0])
    assert imported() == 0, "a killed import left part of its file in the database"

    again = write_csv(
        tmp_path / "again.csv",
        AGAIN,
        [district.code, *(c.code for c in communes)],
        procedures,
        prefix=PREFIX,
    )
    done = subprocess.run(
        [*MANAGE, "import_dossiers", str(again)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"tạo mới {AGAIN}," in done.stdout
    assert imported() == AGAIN
