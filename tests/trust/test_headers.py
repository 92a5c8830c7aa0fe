"""Every URL of the resolver (through the access matrix, whose own test fails on a URL it does
not list), asked by a signed-in user, answers `Cache-Control: no-store` (pages,
htmx fragments and downloads alike: evidence, report PDFs, exports) and `Permissions-Policy`;
anonymous pages carry Permissions-Policy too."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from tests.trust.test_access_matrix import MATRIX, ROLES, Case, _data, _kwargs

SIGNED_IN = [r for r in ROLES if r != "anonymous"]
# Pages with a camera upload (capture="environment"): camera=(self), every other page camera=().
CAPTURES_PHOTOS = {"inspections:inspection_detail"}


def _cases():
    for name in sorted(MATRIX):
        cases = MATRIX[name] if isinstance(MATRIX[name], list) else [MATRIX[name]]
        for index, case in enumerate(cases):
            yield name, index, case


CASES = list(_cases())


def _who(case: Case) -> str:
    """The first signed-in role that gets in (a 2xx or a redirect that is not the login)."""
    for role in SIGNED_IN:
        if case.outcomes[role] not in {"login", "403", "404", "405"}:
            return role
    return SIGNED_IN[0]


@pytest.mark.parametrize(("name", "index", "case"), CASES, ids=[f"{n}[{i}]" for n, i, _ in CASES])
def test_signed_in_responses_are_not_stored(w, client_for, name, index, case):
    sid = transaction.savepoint()
    try:
        if case.setup:
            case.setup(w)
        url = reverse(name, kwargs=_kwargs(case, w))
        client = client_for(w.user(_who(case)))
        if case.method == "get":
            response = client.get(url, case.query or {})
        else:
            response = client.post(url, _data(case, w))
        if name == "logout":  # signed out by this very response
            assert "Permissions-Policy" in response
            return
        assert response["Cache-Control"] == "no-store", f"{case.method} {url}"
        camera = "camera=(self)" if name in CAPTURES_PHOTOS else "camera=()"
        assert camera in response["Permissions-Policy"], url
        assert "microphone=()" in response["Permissions-Policy"], url
    finally:
        transaction.savepoint_rollback(sid)


def test_anonymous_pages_carry_the_permissions_policy(db, client):
    for name in ("login", "password_reset", "healthz"):
        response = client.get(reverse(name))
        assert "camera=()" in response["Permissions-Policy"], name
