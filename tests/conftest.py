"""Shared fixtures: the personas of the access model (docs/conventions.md, "Personas in
tests"), and the isolation of every test's files."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from tests.factories import build_personas

# CI (.ci/run) replays the same examples every run, so a landing never hangs on a lucky draw;
# a developer's `make test` keeps exploring new ones (HYPOTHESIS_PROFILE=ci to reproduce CI).
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture
def personas(db):
    """Units of the source articles and one user per role (see tests/factories.py)."""
    return build_personas()


@pytest.fixture
def client_for(client):
    """`client_for(user)` logs the test client in as `user` (None stays anonymous)."""

    def login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return login


@pytest.fixture(autouse=True)
def vietnamese_by_default():
    """Each test starts in Vietnamese; a request in English must not leak into the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def empty_cache(isolated_files):
    """Each test starts with an empty cache: ids repeat between tests (rolled back), so cached
    figures of one test (the dashboard's dossier statistics) must not reach the next."""
    from django.core.cache import caches

    # Every cache, not only those this thread has opened: isolated_files' override of CACHES
    # forgets the opened ones, while a LocMemCache's entries outlive its handle.
    for cache in caches.all():
        cache.clear()


def _own_files(folder: Path):
    """Point MEDIA_ROOT and the jobs cache at fresh folders under `folder`; return the override.

    The new MEDIA_ROOT starts as a copy of the one in force, so files written by the fixtures
    of an enclosing scope (the trust tests' module-wide world) are there, and whatever this
    scope writes is gone when it ends, as its database rows are. Progress in the jobs cache is
    never inherited: a job lives inside one test.
    """
    from django.conf import settings
    from django.test import override_settings

    media = folder / "media"
    outer = Path(settings.MEDIA_ROOT)
    if outer.is_dir() and any(outer.iterdir()):
        shutil.copytree(outer, media, symlinks=True)
    else:
        media.mkdir(parents=True)
    caches = {**settings.CACHES}
    caches["jobs"] = {**caches["jobs"], "LOCATION": str(folder / "jobs-cache")}
    override = override_settings(MEDIA_ROOT=media, CACHES=caches)
    override.enable()
    return override


@pytest.fixture(scope="session", autouse=True)
def session_files(tmp_path_factory):
    """Files of session-scoped fixtures (no test writes here: each has its own, below)."""
    override = _own_files(tmp_path_factory.mktemp("session-files"))
    yield
    override.disable()


@pytest.fixture(scope="module", autouse=True)
def module_files(session_files, tmp_path_factory):
    """Files of module-scoped fixtures, removed with the module's rolled-back world."""
    folder = tmp_path_factory.mktemp("module-files")
    override = _own_files(folder)
    yield
    override.disable()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def isolated_files(module_files, tmp_path):
    """Every test writes its uploads, exports and job progress into folders of its own.

    A shared MEDIA_ROOT let a test see another's leftovers: SQLite reuses primary keys after a
    rollback, so an export file named after one test's user belonged to the next test's user.
    """
    override = _own_files(tmp_path)
    yield
    override.disable()
