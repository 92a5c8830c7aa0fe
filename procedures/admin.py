from django.contrib import admin

from procedures.models import (
    Dossier,
    DossierImport,
    Procedure,
    ProcedureField,
    ServiceIndicator,
    ServiceIndicatorValue,
)


@admin.register(ProcedureField)
class ProcedureFieldAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "field", "level", "legacy_online_level", "online_service")
    list_filter = ("level", "field", "online_service", "active")
    search_fields = ("code", "name")


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    list_display = ("code", "procedure", "unit", "channel", "received_at", "status")
    list_filter = ("status", "channel")
    search_fields = ("code",)
    raw_id_fields = ("procedure", "unit")
    show_full_result_count = False  # no COUNT(*) over millions of rows


@admin.register(DossierImport)
class DossierImportAdmin(admin.ModelAdmin):
    list_display = ("file_name", "created_at", "created_by", "status", "total_rows")
    readonly_fields = ("errors",)


@admin.register(ServiceIndicator)
class ServiceIndicatorAdmin(admin.ModelAdmin):
    """The Decision 766 indicator table: group, maximum, formula, threshold, source."""

    list_display = ("code", "name", "group", "max_points", "formula", "full_at", "active")
    list_editable = ("max_points", "formula", "full_at", "active")
    list_filter = ("group", "formula", "active")


@admin.register(ServiceIndicatorValue)
class ServiceIndicatorValueAdmin(admin.ModelAdmin):
    list_display = ("indicator", "unit", "month", "rate", "entered_by", "updated_at")
    list_filter = ("indicator",)
    raw_id_fields = ("unit", "entered_by")
    date_hierarchy = "month"
