"""Query shaping for inspections; `visible_to` applies units' one scoping rule. Reads only."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone

from inspections.choices import RecommendationState
from units.querysets import visible

if TYPE_CHECKING:
    # Named in the QuerySet["…"] bases below, which ruff does not read as annotations.
    from inspections.models import Inspection, InspectionPlan, InspectionTeam, Recommendation  # noqa: F401
    from units.querysets import AnyUser


class InspectionPlanQuerySet(models.QuerySet["InspectionPlan"]):
    def visible_to(self, user: AnyUser) -> InspectionPlanQuerySet:
        """Plans issued within the user's scope (provincial roles: the whole province)."""
        return visible(self, user, via="issuer")


class InspectionTeamQuerySet(models.QuerySet["InspectionTeam"]):
    def visible_to(self, user: AnyUser) -> InspectionTeamQuerySet:
        return visible(self, user, via="unit")


class InspectionQuerySet(models.QuerySet["Inspection"]):
    def visible_to(self, user: AnyUser) -> InspectionQuerySet:
        """Inspections of units in the user's scope: staff see their unit and its communes."""
        return visible(self, user, via="unit")

    def for_list(self) -> InspectionQuerySet:
        return self.select_related("plan", "team", "unit")


class RecommendationQuerySet(models.QuerySet["Recommendation"]):
    def visible_to(self, user: AnyUser) -> RecommendationQuerySet:
        """Recommendations whose responsible unit lies within the user's scope."""
        return visible(self, user, via="responsible_unit")

    def open(self) -> RecommendationQuerySet:
        """Not yet verified (open or reported)."""
        return self.exclude(state=RecommendationState.VERIFIED)

    def overdue(self, today: dt.date | None = None) -> RecommendationQuerySet:
        """Past their due date and not verified: computed, so it never goes stale."""
        today = today or timezone.localdate()
        return self.open().filter(due_on__lt=today)

    def with_overdue_flag(self, today: dt.date | None = None) -> RecommendationQuerySet:
        """Annotate `overdue` (bool) so lists can sort overdue first."""
        today = today or timezone.localdate()
        return self.annotate(
            overdue_flag=models.Case(
                models.When(
                    ~models.Q(state=RecommendationState.VERIFIED) & models.Q(due_on__lt=today),
                    then=models.Value(True),
                ),
                default=models.Value(False),
                output_field=models.BooleanField(),
            )
        )

    def for_tracker(self, today: dt.date | None = None) -> RecommendationQuerySet:
        return (
            self.with_overdue_flag(today)
            .select_related("responsible_unit", "responsible_person", "finding", "inspection__unit")
            .order_by("-overdue_flag", "due_on", "pk")
        )
