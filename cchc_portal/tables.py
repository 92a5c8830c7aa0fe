"""The base of every django-tables2 table of the portal."""

from __future__ import annotations

import django_tables2 as tables
from django.core.paginator import Paginator
from django.http import Http404

MAX_PER_PAGE = 200
# No list of the portal reaches this many pages (a province's dossiers of ten years, 50 a
# page, are under half of it). A page number above it is a 404: the lazy paginator of the
# dossier list would otherwise hand the database an OFFSET no integer type holds (a 500).
MAX_PAGE = 1_000_000


def bounded_page(page):
    """The page number from the URL, refused (404) when it is a number past MAX_PAGE; other
    values go on to the paginator, which falls back to the first or the last page."""
    digits = str(page).strip().removeprefix("-")
    if digits.isdecimal() and (len(digits) > 7 or int(digits) > MAX_PAGE):
        raise Http404
    return page


class PortalTable(tables.Table):
    """A table whose page size from the URL (`?per_page=`) stays within 1…MAX_PER_PAGE (a
    negative one was a 500, a huge one would load millions of dossiers on one page) and whose
    page number stays within MAX_PAGE. Empty, it says so (`empty_text`)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_text", _empty_text())
        super().__init__(*args, **kwargs)

    def paginate(self, paginator_class=Paginator, per_page=None, page=1, *args, **kwargs):
        if per_page is not None:
            per_page = max(1, min(int(per_page), MAX_PER_PAGE))
        return super().paginate(paginator_class, per_page, bounded_page(page), *args, **kwargs)


def _empty_text():
    from django.utils.translation import gettext

    return gettext("Không có dữ liệu phù hợp.")
