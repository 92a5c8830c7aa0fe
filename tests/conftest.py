"""Shared fixtures: the personas of the access model (docs/conventions.md, "Personas in tests")."""

from __future__ import annotations

import os

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
def empty_cache():
    """Each test starts with an empty cache: ids repeat between tests (rolled back), so cached
    figures of one test (the dashboard's dossier statistics) must not reach the next."""
    from django.core.cache import caches

    for cache in caches.all(initialized_only=True):
        cache.clear()
