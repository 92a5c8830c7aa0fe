"""Operations tests: real processes and real connections against the PostgreSQL test database."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (set DATABASE_URL=postgres://…): the test runs other processes "
            "and connections against the test database, which SQLite cannot share"
        )


def database_url(name: str | None = None, **params: str) -> str:
    """A postgres:// URL for the test database (or another database on the same server)."""
    s = connection.settings_dict
    auth = quote(s["USER"] or "")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"])
    host = f"{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
    url = f"postgres://{auth}@{host}/{name or s['NAME']}"
    if params:
        url += "?" + "&".join(f"{k}={quote(v)}" for k, v in params.items())
    return url


def process_env(**extra: str) -> dict[str, str]:
    """Environment for a manage.py subprocess: development settings on the given database, and
    the calling test's own files (tests/conftest.py), so the child leaves nothing behind."""
    from django.conf import settings

    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DJANGO_SETTINGS_MODULE="cchc_portal.settings",
        DEBUG="1",
        PYTHONIOENCODING="utf-8",
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        JOBS_CACHE_DIR=settings.CACHES["jobs"]["LOCATION"],
    )
    env.update(extra)
    return env


MANAGE = [sys.executable, str(ROOT / "manage.py")]
