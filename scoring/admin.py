from django.contrib import admin
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


@admin.register(Assessment)
class AssessmentAdmin(SimpleHistoryAdmin):
    list_display = ("unit", "criteria_set", "state")
    list_filter = ("state", "criteria_set__year")
    list_select_related = ("unit", "criteria_set")


@admin.register(CriterionScore)
class CriterionScoreAdmin(SimpleHistoryAdmin):
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


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ("original_name", "score", "content_type", "size", "uploaded_at")
    readonly_fields = ("file", "content_type", "size")


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
