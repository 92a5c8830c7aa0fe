"""The throughput benchmark's bare views call the dashboards' own functions; when those change,
this fails in `make test` instead of in the middle of `make bench`."""

import pytest
from django.conf import settings as django_settings

from tests.scoring.factories import make_set


@pytest.fixture
def bare_urls(settings):
    settings.ROOT_URLCONF = "tests.benchmarks.urls"
    templates = django_settings.BASE_DIR / "tests" / "benchmarks" / "templates"
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], templates]}
    ]


def test_bare_views_render_for_province_and_unit(personas, client_for, bare_urls):
    criteria_set = make_set(province=personas.daklak)
    for user in (personas.admin, personas.cumgar_staff, personas.eakpam_staff):
        response = client_for(user).get("/bare/")
        assert response.status_code == 200, user
        assert (user.get_full_name() or user.username) in response.content.decode()
    admin = client_for(personas.admin)
    assert admin.get("/bare/stats/").status_code == 200
    assert admin.get(f"/bare/rankings/{criteria_set.pk}/").status_code == 200
