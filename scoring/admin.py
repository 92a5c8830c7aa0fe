from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from scoring.models import (
    Assessment,
    CriteriaSet,
    Criterion,
    CriterionScore,
    Evidence,
    PublishedRanking,
    PublishedResult,
)
from scoring.services import FROZEN_STATES


class CriterionInline(admin.TabularInline):
    model = Criterion
    fields = (
        "code",
        "title",
        "max_points",
        "component",
        "rule",
        "rule_params",
        "metric",
        "evidence_required",
    )
    extra = 0
    show_change_link = True


@admin.register(CriteriaSet)
class CriteriaSetAdmin(admin.ModelAdmin):
    list_display = ("name", "province", "level", "year", "status", "self_assessment_due_on")
    list_filter = ("level", "status", "year")
    inlines = [CriterionInline]


class FrozenReadOnly:
    """Locked and published assessments are read-only here too: the admin is a write path like
    any other (docs/domain.md). `frozen(obj)` says whether the object's assessment is."""

    def frozen(self, obj: Any) -> bool:
        raise NotImplementedError

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and self.frozen(obj):
            return False
        return super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and self.frozen(obj):
            return False
        return super().has_delete_permission(request, obj)  # type: ignore[misc]


@admin.register(Assessment)
class AssessmentAdmin(FrozenReadOnly, SimpleHistoryAdmin):
    list_display = ("unit", "criteria_set", "state")
    list_filter = ("state", "criteria_set__year")
    list_select_related = ("unit", "criteria_set")
    # States move only through the guarded transitions (sheet, set page, command).
    readonly_fields = ("state",)

    def frozen(self, obj: Assessment) -> bool:
        return obj.state in FROZEN_STATES


@admin.register(CriterionScore)
class CriterionScoreAdmin(FrozenReadOnly, SimpleHistoryAdmin):
    list_display = (
        "assessment",
        "criterion",
        "self_score",
        "round1_score",
        "round2_score",
        "survey_points",
        "version",
    )
    list_select_related = ("assessment__unit", "assessment__criteria_set", "criterion")
    readonly_fields = ("version",)

    def frozen(self, obj: CriterionScore) -> bool:
        return obj.assessment.state in FROZEN_STATES


@admin.register(Evidence)
class EvidenceAdmin(FrozenReadOnly, admin.ModelAdmin):
    list_display = ("original_name", "score", "content_type", "size", "uploaded_at")
    readonly_fields = ("file", "content_type", "size")

    def frozen(self, obj: Evidence) -> bool:
        return obj.score.assessment.state in FROZEN_STATES


class PublishedResultInline(admin.TabularInline):
    model = PublishedResult
    extra = 0
    can_delete = False
    readonly_fields = (
        "rank",
        "unit_name",
        "appraisal",
        "survey",
        "bonus",
        "penalty",
        "index",
        "grade",
    )
    fields = readonly_fields


@admin.register(PublishedRanking)
class PublishedRankingAdmin(admin.ModelAdmin):
    list_display = ("criteria_set", "published_at", "withdrawn_at")
    inlines = [PublishedResultInline]
    readonly_fields = ("criteria_set", "published_at", "published_by")
