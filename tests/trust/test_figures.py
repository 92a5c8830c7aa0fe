"""Figures before publication (issue 14 items 5 and 9): unit staff never see a rank, or a figure
computed from other units' unpublished scores; links to a ranking appear only where the user
may open it; a unit's staff see the criteria sets of their own level."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.scoring.factories import make_set
from tests.trust.world import World
from units.choices import Level

pytestmark = pytest.mark.django_db


def _client(client, user):
    client.force_login(user)
    return client


def _set_rows(body: str) -> dict[int, bool]:
    """{set id: has a ranking link} of the /scoring/sets/ table."""
    rows = {}
    for row in re.findall(r"<tr[^>]*>.*?</tr>", body, flags=re.S):
        found = re.search(r'href="/scoring/sets/(\d+)/"', row)
        if found:
            rows[int(found.group(1))] = "/scoring/rankings/" in row
    return rows


@pytest.mark.parametrize(
    "role, expected",
    [
        # district 2024 (provisional), district 2023 (published), commune 2024, department 2025
        ("admin", {"district": True, "published": True, "commune": True, "department": True}),
        ("inspector", {"district": True, "published": True, "commune": True, "department": True}),
        ("cumgar_staff", {"district": False, "published": True, "commune": False}),
        ("eakpam_staff", {"commune": False}),
        ("stp_staff", {"department": False}),
        ("namnhun_staff", {}),
    ],
)
def test_set_list_shows_own_level_sets_and_only_openable_ranking_links(
    w: World, client, role, expected
):
    department_set = make_set(province=w.p.daklak, year=2025, level=Level.DEPARTMENT)
    ids = {
        "district": w.ours.criteria_set.pk,
        "published": w.published_set.pk,
        "commune": w.commune_assessment.criteria_set_id,
        "department": department_set.pk,
    }
    user = w.user(role)
    body = _client(client, user).get(reverse("scoring:set_list")).content.decode()
    ours = {k: v for k, v in ids.items()}
    rows = {
        name: link for name, pk in ours.items() if (link := _set_rows(body).get(pk)) is not None
    }
    assert rows == expected
    # Every link shown opens.
    for name, link in rows.items():
        if link:
            url = reverse("scoring:ranking_detail", args=[ids[name]])
            assert client.get(url).status_code == 200
