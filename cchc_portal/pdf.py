"""HTML → PDF with WeasyPrint. Printed documents are templates, like pages.

Static files (fonts, css, images) are read from disk through Django's staticfiles finders, never
over the network, so PDFs render the same on an offline intranet.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

STATIC_PREFIX = "/" + settings.STATIC_URL.lstrip("/")


def _static_file(url: str) -> str | None:
    """Path on disk of a /static/... URL, or None."""
    path = urlparse(url).path
    if not path.startswith(STATIC_PREFIX):
        return None
    relative = path[len(STATIC_PREFIX) :]
    found = finders.find(relative)
    if found is None and settings.STATIC_ROOT:
        candidate = Path(settings.STATIC_ROOT) / relative
        found = str(candidate) if candidate.is_file() else None
    return found


def _fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesFetcher(URLFetcher):
        """Serve /static/... from disk and data: URLs; refuse the network."""

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            found = _static_file(url)
            if found is None:
                raise ValueError(f"PDF rendering may not fetch {url!r}")
            with open(found, "rb") as fh:
                body = fh.read()
            content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": content_type})

    return StaticFilesFetcher()


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url="http://portal.local/", url_fetcher=_fetcher()).write_pdf()


def render_pdf(
    template_name: str, context: dict[str, Any], *, request: HttpRequest | None = None
) -> bytes:
    """Render a template (extending `pdf/base.html`) to PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context, request=request))


def pdf_response(pdf: bytes, *, filename: str, inline: bool = False) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
