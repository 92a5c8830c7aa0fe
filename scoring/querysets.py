"""Query shaping for scoring; `visible_to` applies units' one scoping rule."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from units.choices import Level
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
        """Sets of the user's province (every role reads the rules it is scored by); unit staff
        only the sets of their unit's level and of the levels below it (a commune's staff the
        commune sets, a department's the department sets, a district's district and commune
        sets), as they see only the assessments of their own subtree."""
        q = province_scope_q(user, via="province")
        if q is None:
            return self.none()
        levels = staff_set_levels(user)
        return self.filter(q) if levels is None else self.filter(q, level__in=levels)


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


# The set levels a unit's staff read, by their unit's level.
_STAFF_SET_LEVELS: dict[str, tuple[str, ...]] = {
    Level.DISTRICT: (Level.DISTRICT, Level.COMMUNE),
    Level.COMMUNE: (Level.COMMUNE,),
    Level.DEPARTMENT: (Level.DEPARTMENT,),
}


def staff_set_levels(user: AnyUser) -> tuple[str, ...] | None:
    """The set levels unit staff may read; None for roles that are not narrowed by level."""
    if not getattr(user, "is_unit_staff", False):
        return None
    unit = getattr(user, "unit", None)
    return _STAFF_SET_LEVELS.get(unit.level) if unit is not None else ()


def criteria_sets_visible(user: AnyUser) -> CriteriaSetQuerySet:
    # A late import: scoring.models imports this module.
    from scoring.models import CriteriaSet

    return CriteriaSet.objects.visible_to(user)
