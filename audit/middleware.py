"""Every file a signed-in user takes away (an export, a report, an evidence file, an
attachment, a finished job's result) becomes a line of the audit trail, whichever app serves
it: the response names a file (Content-Disposition), so it is recognised here, in one place."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import unquote

from django.http import HttpRequest
from django.http.response import HttpResponseBase

from audit.choices import Action
from audit.services import record

FILENAME = re.compile(r"filename\*?=(?:UTF-8'')?\"?([^\";]+)", re.IGNORECASE)
# A table or report made from the portal's data is an export; an uploaded file (evidence, an
# attachment) a download. Both are kept alike; the split only helps the trail's filter.
GENERATED_SUFFIXES = (".xlsx", ".pdf", ".csv")
GENERATED_PARTS = ("/export", "/jobs/")


def downloaded_name(response: HttpResponseBase) -> str | None:
    """The file name a response hands over, None for a page."""
    disposition = response.get("Content-Disposition", "")
    if not disposition:
        return None
    match = FILENAME.search(disposition)
    return unquote(match[1]) if match else "?"


class DownloadTrailMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response.status_code == 200 and request.user.is_authenticated:
            name = downloaded_name(response)
            if name is not None:
                generated = (
                    "format=" in request.META.get("QUERY_STRING", "")
                    or request.path.endswith(GENERATED_SUFFIXES)
                    or any(part in request.path for part in GENERATED_PARTS)
                )
                record(
                    action=Action.EXPORT if generated else Action.DOWNLOAD,
                    request=request,
                    target=name,
                    detail=request.get_full_path()[:500],
                )
        return response
