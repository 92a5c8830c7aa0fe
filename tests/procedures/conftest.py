"""Fixtures shared by the procedures tests."""

from __future__ import annotations

import pytest


@pytest.fixture(params=["as configured", "row by row"])
def import_path(request, monkeypatch):
    """An import test asking for it runs on the configured database's path (SQL on PostgreSQL)
    and on the Python one."""
    if request.param == "row by row":
        monkeypatch.setattr("procedures.services._validates_in_sql", lambda: False)
    return request.param
