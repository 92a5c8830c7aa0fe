from django.contrib import admin

from inspections import models


class TeamMemberInline(admin.TabularInline):
    model = models.TeamMember
    extra = 0


@admin.register(models.InspectionTeam)
class InspectionTeamAdmin(admin.ModelAdmin):
    list_display = ("name", "unit", "decision_number", "decision_date")
    inlines = [TeamMemberInline]


@admin.register(models.InspectionPlan)
class InspectionPlanAdmin(admin.ModelAdmin):
    list_display = ("number", "issued_on", "issuer", "year", "title")


@admin.register(models.Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ("unit", "scheduled_on", "kind", "state")
    list_filter = ("state", "kind")
    raw_id_fields = ("assessment",)


@admin.register(models.Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ("text", "responsible_unit", "due_on", "state")
    list_filter = ("state",)
