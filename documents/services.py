"""Writes of the document register: numbers are given once, in order, and never reused."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from documents.models import RegisteredDocument, RegisterSequence

if TYPE_CHECKING:
    from units.models import AdministrativeUnit, User

NUMBER_TAKEN = "Số {label} đã cấp cho văn bản khác: {subject}."
NUMBER_UNREADABLE = "Số văn bản “{text}” không đọc được; viết theo dạng 12/TB-SNV."

_TYPED = re.compile(r"^\s*(\d+)\s*(?:/.*)?$")


def _typed_number(text: str) -> int:
    match = _TYPED.match(text)
    if match is None or int(match.group(1)) == 0:
        raise ValidationError(_(NUMBER_UNREADABLE).format(text=text))
    return int(match.group(1))


@transaction.atomic
def document_number_issue(
    *,
    issuer: AdministrativeUnit,
    issuer_code: str,
    doc_type: str,
    key: str,
    subject: str,
    issued_on: dt.date,
    by: User | None = None,
    typed: str = "",
) -> RegisteredDocument:
    """The register entry of the document `key`: the one it already has (a document keeps its
    number when issued again), else the next number of its register (type, issuer, year).

    `typed` is a number given by hand (the office's own register, "41/TB-SNV"): it is recorded
    if free, and the sequence moves past it, so the register never gives it again."""
    existing = RegisteredDocument.objects.select_related("sequence").filter(key=key).first()
    sequence, _created = RegisterSequence.objects.get_or_create(
        issuer=issuer, issuer_code=issuer_code, doc_type=doc_type, year=issued_on.year
    )
    sequence = RegisterSequence.objects.select_for_update().get(pk=sequence.pk)
    if typed:
        number = _typed_number(typed)
        if existing is not None and existing.number == number and existing.sequence == sequence:
            return existing
        taken = sequence.documents.filter(number=number).exclude(key=key).first()
        if taken is not None:
            raise ValidationError(_(NUMBER_TAKEN).format(label=taken.label, subject=taken.subject))
    elif existing is not None:
        return existing
    else:
        number = sequence.last_number + 1
    if number > sequence.last_number:
        sequence.last_number = number
        sequence.save(update_fields=["last_number"])
    if existing is not None:  # a typed number replaces the one given before
        existing.sequence, existing.number = sequence, number
        existing.subject, existing.issued_on = subject[:500], issued_on
        existing.save(update_fields=["sequence", "number", "subject", "issued_on"])
        return existing
    return RegisteredDocument.objects.create(
        sequence=sequence,
        number=number,
        key=key,
        subject=subject[:500],
        issued_on=issued_on,
        issued_by=by,
    )
