"""Settings fail loudly at start-up, naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest


def start(env_overrides: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "DATABASE_URL")}
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = "cchc_portal.settings"
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "env, message",
    [
        ({"DEBUG": "0"}, "SECRET_KEY is missing"),
        ({"DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean"),
        ({"DEBUG": "1", "DATABASE_URL": "mysql://x@y/z"}, "DATABASE_URL"),
        ({"DEBUG": "1", "DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"DEBUG": "1", "CONN_MAX_AGE": "ten"}, "CONN_MAX_AGE"),
        ({"DEBUG": "0", "SECRET_KEY": "short"}, "SECRET_KEY is too short"),
    ],
)
def test_bad_settings_stop_start_up_naming_the_variable(env, message):
    result = start(env)
    assert result.returncode != 0
    assert message in result.stderr


def test_good_settings_start():
    result = start({"DEBUG": "0", "SECRET_KEY": "k" * 60, "ALLOWED_HOSTS": "cchc.example.vn"})
    assert result.returncode == 0, result.stderr


def test_unset_database_url_means_sqlite_and_postgres_urls_are_persistent():
    from cchc_portal.env import env_database

    os.environ.pop("TEST_DB_URL", None)
    sqlite = env_database("TEST_DB_URL", default_sqlite_path="/tmp/x.sqlite3", conn_max_age=600)
    assert sqlite["ENGINE"] == "django.db.backends.sqlite3"
    os.environ["TEST_DB_URL"] = "postgres://u@127.0.0.1:5432/cchc"
    try:
        pg = env_database("TEST_DB_URL", default_sqlite_path="", conn_max_age=600)
    finally:
        del os.environ["TEST_DB_URL"]
    assert pg["ENGINE"] == "django.db.backends.postgresql"
    assert pg["CONN_MAX_AGE"] == 600


def test_sqlite_pages_read_while_a_long_import_writes(tmp_path):
    """The worker's import is one transaction; in SQLite's default journal mode, once its pages
    spill to disk no other connection may read until it ends (a page's poll fails after the
    timeout). The default database opens in WAL mode, where readers go on."""
    import sqlite3

    from cchc_portal.env import env_database

    os.environ.pop("TEST_DB_URL", None)
    config = env_database("TEST_DB_URL", default_sqlite_path=str(tmp_path / "db"), conn_max_age=0)

    def connect(init: str) -> sqlite3.Connection:
        conn = sqlite3.connect(config["NAME"], timeout=0.2, isolation_level=None)
        conn.executescript(init)
        return conn

    for init, reads in ((config["OPTIONS"]["init_command"], True), ("", False)):
        path = Path(config["NAME"])
        for leftover in (path, path.with_name("db-wal"), path.with_name("db-shm")):
            leftover.unlink(missing_ok=True)
        writer, reader = connect(init), connect(init)
        writer.execute("CREATE TABLE t (x TEXT)")
        writer.execute("PRAGMA cache_size = 1")  # spill at once, as 100,000 rows do
        writer.execute("BEGIN")
        writer.executemany("INSERT INTO t VALUES (?)", [("x" * 200,)] * 5000)
        try:
            reader.execute("SELECT count(*) FROM t").fetchone()
            read = True
        except sqlite3.OperationalError:  # database is locked
            read = False
        writer.execute("ROLLBACK")
        writer.close()
        reader.close()
        assert read is reads, init
