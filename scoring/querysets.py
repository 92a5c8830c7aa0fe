"""Query shaping for scoring; `visible_to` applies units' one scoping rule."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from units.models import AdministrativeUnit
from units.querysets import province_scope_q, visible

if TYPE_CHECKING:
    # Named in the QuerySet["…"] bases below, which ruff does not read as annotations.
    from scoring.models import Assessment, CriteriaSet, PublishedRanking  # noqa: F401
    from units.models import User
    from units.querysets import AnyUser


def province_of(user: User) -> AdministrativeUnit | None:
    """The province of a user's unit (their own unit for provincial roles)."""
    unit = getattr(user, "unit", None)
    if unit is None:
        return None
    return AdministrativeUnit.objects.filter(pk=unit.province_id).first()


class CriteriaSetQuerySet(models.QuerySet["CriteriaSet"]):
    def visible_to(self, user: AnyUser) -> CriteriaSetQuerySet:
        """Sets of the user's province (every role reads the rules it is scored by)."""
        q = province_scope_q(user, via="province")
        return self.none() if q is None else self.filter(q)


class AssessmentQuerySet(models.QuerySet["Assessment"]):
    def visible_to(self, user: AnyUser) -> AssessmentQuerySet:
        """Provincial roles: the whole province; unit staff: their unit and the units below it.

        Never another unit's assessment, whatever its state (published results are read from the
        snapshot, not from here).
        """
        return visible(self, user, via="unit")

    def for_sheet(self) -> AssessmentQuerySet:
        return self.select_related("unit", "criteria_set", "criteria_set__province")


class PublishedRankingQuerySet(models.QuerySet["PublishedRanking"]):
    def current(self) -> PublishedRankingQuerySet:
        return self.filter(withdrawn_at__isnull=True)

    def visible_to(self, user: AnyUser) -> PublishedRankingQuerySet:
        """Published rankings of the user's province (anyone's on the public page)."""
        return self.filter(criteria_set__in=criteria_sets_visible(user))


def criteria_sets_visible(user: AnyUser) -> CriteriaSetQuerySet:
    # A late import: scoring.models imports this module.
    from scoring.models import CriteriaSet

    return CriteriaSet.objects.visible_to(user)
