"""Query shaping for surveys; `visible_to` applies units' one scoping rule."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from units.querysets import province_scope_q, visible

if TYPE_CHECKING:
    from surveys.models import Questionnaire, Quota, Survey  # noqa: F401
    from units.querysets import AnyUser


def _provincial_q(user: AnyUser, via: str) -> models.Q | None:
    """Surveys are run by the province's council: provincial roles of the province only (unit
    staff never see answers, not even their own unit's, before the points are published)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not (user.is_superuser or getattr(user, "is_provincial", False)):
        return None
    return province_scope_q(user, via=via)


class SurveyQuerySet(models.QuerySet["Survey"]):
    def visible_to(self, user: AnyUser) -> SurveyQuerySet:
        q = _provincial_q(user, "criteria_set__province")
        return self.none() if q is None else self.filter(q)


class QuestionnaireQuerySet(models.QuerySet["Questionnaire"]):
    def visible_to(self, user: AnyUser) -> QuestionnaireQuerySet:
        q = _provincial_q(user, "criteria_set__province")
        return self.none() if q is None else self.filter(q)


class QuotaQuerySet(models.QuerySet["Quota"]):
    def visible_to(self, user: AnyUser) -> QuotaQuerySet:
        """A unit's own quotas: what a reminder tells its staff (their own unit's count of
        forms, never anybody's answers or points), and the province's."""
        return visible(self, user, via="unit")
