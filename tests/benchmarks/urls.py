"""The portal's URLs plus the bare views under /bare/ (benchmark settings only)."""

from django.urls import path

from cchc_portal.urls import urlpatterns as portal_urlpatterns
from tests.benchmarks import bare_views

urlpatterns = [
    path("bare/", bare_views.dashboard, name="bare_dashboard"),
    path("bare/rankings/<int:pk>/", bare_views.ranking, name="bare_ranking"),
    path("bare/stats/", bare_views.stats, name="bare_stats"),
    *portal_urlpatterns,
]
