"""The trust tests' fixture world, built once per module inside a transaction that is rolled
back when the module ends; each test's own changes roll back to a savepoint after the test."""

from __future__ import annotations

import pytest
from django.db import transaction

from tests.trust.world import World, build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> World:
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def w(world, db) -> World:
    """The world inside this test's savepoint (ask for `w`, not `world`, in tests)."""
    return world
