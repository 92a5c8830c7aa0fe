"""Rates computed from dossier data for criteria that name a `metric`.

The procedures statistics selector is being built on another branch; this function is wired to it
after the merge (the lead connects `procedures.selectors` here). Until then it returns no values,
and the score sheet simply shows no suggestion.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scoring.models import Assessment


def metric_values(*, assessment: Assessment) -> dict[int, Decimal]:
    """{criterion id: rate as a fraction 0…1} for the assessment's metric criteria.

    Wired to the procedures statistics selector after the merge; returns {} for now.
    """
    return {}
