"""The base of every django-tables2 table of the portal."""

from __future__ import annotations

import django_tables2 as tables
from django.core.paginator import Paginator

MAX_PER_PAGE = 200


class PortalTable(tables.Table):
    """A table whose page size from the URL (`?per_page=`) stays within 1…MAX_PER_PAGE: a
    negative one was a 500, a huge one would load millions of dossiers on one page."""

    def paginate(self, paginator_class=Paginator, per_page=None, page=1, *args, **kwargs):
        if per_page is not None:
            per_page = max(1, min(int(per_page), MAX_PER_PAGE))
        return super().paginate(paginator_class, per_page, page, *args, **kwargs)
