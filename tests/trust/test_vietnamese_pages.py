"""Every list of the portal, rendered in Vietnamese, says nothing in English: no "commune",
"district", "next »" or "« previous" left by a raw choice value or a library's template, no
"---------" as a filter's empty choice; and a list with nothing to show says so (the shared
empty state) instead of showing its headers alone."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.trust.test_hostile_input import LIST_PAGES

# Words that only reach a Vietnamese page untranslated: raw choice values, library strings.
ENGLISH = re.compile(
    r"\b(commune|district|province|department|next|previous|None|True|False|Unknown|Yes|No|"
    r"Table navigation|Filter|Search|Submit|Download|page|of|All)\b"
)
# What a person reads: text between tags and the attributes read aloud or shown on hover.
ATTRIBUTES = re.compile(r'\b(?:title|aria-label|placeholder|alt)="([^"]*)"')
HTML_PAGES = [name for name in LIST_PAGES if not name.endswith("_xlsx")] + ["home"]


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    attributes = " ".join(ATTRIBUTES.findall(html))
    text = re.sub(r"<[^>]+>", " ", html)
    return f"{text} {attributes}"


@pytest.mark.parametrize("name", HTML_PAGES)
@pytest.mark.parametrize("who", ["admin", "cumgar_staff"])
def test_list_pages_say_nothing_in_english(w, client_for, name, who):
    response = client_for(getattr(w.p, who)).get(reverse(name), {"per_page": 1})
    if response.status_code == 403:  # a provincial page (the access matrix holds who may)
        assert who == "cumgar_staff"
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert "---------" not in html
    found = sorted(set(ENGLISH.findall(visible_text(html))))
    assert found == [], found


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("procedures:dossier_list", {"q": "không-có-mã-này"}),
        ("procedures:procedure_list", {"q": "không-có-thủ-tục-này"}),
        ("units:unit_list", {"q": "không-có-đơn-vị-này"}),
        ("inspections:plan_list", {"q": "không-có-kế-hoạch-này"}),
        ("scoring:set_list", {"year": "1999"}),
    ],
)
def test_an_empty_list_says_so(w, client_for, name, query):
    response = client_for(w.p.admin).get(reverse(name), query)
    html = response.content.decode()
    assert "data-empty-state" in html
    assert "Không có dữ liệu phù hợp." in html


@pytest.mark.parametrize("name", ["units:unit_list", "procedures:procedure_list"])
def test_the_pager_speaks_vietnamese(w, client_for, name):
    """One row a page: Đắk Lắk's units and procedures run to several pages."""
    first = visible_text(client_for(w.p.admin).get(reverse(name), {"per_page": 1}).content.decode())
    assert "Trang sau" in first and "next" not in first


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("jobs:job_list", "Chưa có tác vụ nào."),
        ("notifications:notification_list", "Chưa có thông báo nào."),
    ],
)
def test_hand_written_lists_share_the_empty_state(w, client_for, name, message):
    """The department's staff have started no job and received no notification."""
    html = client_for(w.p.stp_staff).get(reverse(name)).content.decode()
    assert "data-empty-state" in html
    assert message in html
