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

from cchc_portal.document import Document, Table

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


def _blocks(blocks: list[Any]) -> list[dict[str, Any]]:
    """Blocks as the template reads them: the kind by name, table cells with their alignment."""
    out = []
    for block in blocks:
        item = {"kind_name": type(block).__name__, **vars(block)}
        if isinstance(block, Table):
            item["cells"] = [
                {
                    "strong": r in block.strong,
                    "cells": [
                        {"text": text, "numeric": c in block.numeric} for c, text in enumerate(row)
                    ],
                }
                for r, row in enumerate(block.rows)
            ]
            total = sum(block.widths) or 1
            item["widths"] = [round(w * 100 / total, 2) for w in block.widths]
        out.append(item)
    return out


def document_html(doc: Document) -> str:
    """The HTML of a `Document` (templates/pdf/document.html), what `document_pdf` prints."""
    context = {
        "doc": doc,
        "blocks": _blocks(doc.blocks),
        "annexes": [
            {"title": a.title, "subtitle": a.subtitle, "blocks": _blocks(a.blocks)}
            for a in doc.annexes
        ],
    }
    return render_to_string("pdf/document.html", context)


def document_pdf(doc: Document) -> bytes:
    """A `Document` laid out after Decree 30/2020/NĐ-CP, Appendix I."""
    return html_to_pdf(document_html(doc))


def pdf_response(pdf: bytes, *, filename: str, inline: bool = False) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
