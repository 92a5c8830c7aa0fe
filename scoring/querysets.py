"""Query shaping for scoring, with the one scoping rule (`visible_to`) each list and page uses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from units.models import AdministrativeUnit

if TYPE_CHECKING:
    from units.models import User


def province_of(user: User) -> AdministrativeUnit | None:
    """The province of a user's unit (their own unit for provincial roles)."""
    unit = getattr(user, "unit", None)
    if unit is None:
        return None
    return AdministrativeUnit.objects.filter(pk=unit.province_id).first()


def _province_path(user: User) -> str | None:
    unit = getattr(user, "unit", None)
    if unit is None or not unit.path:
        return None
    return "/" + unit.path.strip("/").split("/")[0] + "/"


class CriteriaSetQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> CriteriaSetQuerySet:
        """Sets of the user's province (every role reads the rules it is scored by)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self.all()
        path = _province_path(user)
        if path is None or (user.is_provincial and user.scope_unit is None):
            return self.none()
        return self.filter(province__path=path)


class AssessmentQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> AssessmentQuerySet:
        """Provincial roles: the whole province; unit staff: their unit and the units below it.

        Never another unit's assessment, whatever its state (published results are read from the
        snapshot, not from here).
        """
        return self.filter(unit__in=AdministrativeUnit.objects.visible_to(user))

    def for_sheet(self) -> AssessmentQuerySet:
        return self.select_related("unit", "criteria_set", "criteria_set__province")


class PublishedRankingQuerySet(models.QuerySet):
    def current(self) -> PublishedRankingQuerySet:
        return self.filter(withdrawn_at__isnull=True)

    def visible_to(self, user: User) -> PublishedRankingQuerySet:
        """Published rankings of the user's province (anyone's on the public page)."""
        return self.filter(criteria_set__in=criteria_sets_visible(user))


def criteria_sets_visible(user: User):  # late import: models import this module
    from scoring.models import CriteriaSet

    return CriteriaSet.objects.visible_to(user)
