"""Reads of the document register and the signatories."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cchc_portal.document import Signature
from documents.models import RegisteredDocument, Signatory

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from units.models import AdministrativeUnit
    from units.querysets import AnyUser


def signature_of(issuer: AdministrativeUnit, issuer_name: str) -> Signature | None:
    """The default signature block of an issuing body, None when none is recorded (1 query)."""
    signatory = Signatory.objects.filter(issuer=issuer, issuer_name__iexact=issuer_name).first()
    if signatory is None:
        return None
    return Signature(
        title=signatory.title.upper(), name=signatory.name, authority=signatory.authority.upper()
    )


def register_entries(user: AnyUser) -> QuerySet[RegisteredDocument]:
    """The register as a provincial role sees it: the documents its province's bodies issued."""
    from units.querysets import visible

    return visible(
        RegisteredDocument.objects.select_related("sequence__issuer", "issued_by"),
        user,
        via="sequence__issuer",
    ).order_by("-issued_on", "sequence__doc_type", "-number")


def registered_label(key: str) -> str:
    """ "12/BC-SNV": the number the register gave the document `key`, "" if none (1 query)."""
    entry = RegisteredDocument.objects.select_related("sequence").filter(key=key).first()
    return entry.label if entry is not None else ""
