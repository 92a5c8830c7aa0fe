"""The document register: one sequence per document type, issuer and year; a number is given
once, when the document is issued, and never again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from documents.choices import DocumentType
from documents.models import RegisteredDocument
from documents.services import NUMBER_TAKEN, document_number_issue

pytestmark = pytest.mark.django_db
D = dt.date


MARCH = D(2026, 3, 1)


def issue(p, key, *, doc_type=DocumentType.NOTICE, on=MARCH, issuer=None, typed=""):
    return document_number_issue(
        issuer=issuer or p.daklak,
        issuer_code="SNV",
        doc_type=doc_type,
        key=key,
        subject=f"Văn bản {key}",
        issued_on=on,
        by=p.admin,
        typed=typed,
    )


def test_numbers_run_per_type_issuer_and_year(personas):
    assert issue(personas, "a").label == "1/TB-SNV"
    assert issue(personas, "b").label == "2/TB-SNV"
    assert issue(personas, "c", doc_type=DocumentType.MINUTES).label == "1/BB-SNV"
    assert issue(personas, "d", issuer=personas.laichau).label == "1/TB-SNV"
    assert issue(personas, "e", on=D(2027, 1, 2)).label == "1/TB-SNV"  # a new year starts at 1
    assert issue(personas, "f").label == "3/TB-SNV"


def test_issuing_again_keeps_the_number_and_no_number_is_reused(personas):
    first = issue(personas, "notice:1")
    issue(personas, "notice:2")
    assert issue(personas, "notice:1").pk == first.pk and first.number == 1
    RegisteredDocument.objects.filter(key="notice:2").delete()  # even if an entry is removed
    assert issue(personas, "notice:3").number == 3


def test_a_typed_number_is_recorded_and_skipped_by_the_sequence(personas):
    assert issue(personas, "x", typed="41/TB-SNV").number == 41
    assert issue(personas, "y").number == 42
    with pytest.raises(ValidationError) as exc:
        issue(personas, "z", typed="42/TB-SNV")
    assert exc.value.messages == [NUMBER_TAKEN.format(label="42/TB-SNV", subject="Văn bản y")]
    with pytest.raises(ValidationError):
        issue(personas, "z", typed="số mười")


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 302),
        ("admin", 200),
        ("inspector", 403),
        ("cumgar_staff", 403),
        ("namnhun_staff", 403),
    ],
)
def test_register_page_access(personas, client_for, who, expected):
    issue(personas, "page")
    response = client_for(personas.all_users()[who]).get(reverse("documents:register_list"))
    assert response.status_code == expected
    if expected == 200:
        assert "1/TB-SNV" in response.content.decode()


def test_register_page_shows_only_the_province_s_documents(personas, client_for):
    issue(personas, "ours")
    issue(personas, "theirs", issuer=personas.laichau, typed="77")
    page = client_for(personas.admin).get(reverse("documents:register_list")).content.decode()
    assert "Văn bản ours" in page and "Văn bản theirs" not in page
