from django.contrib import admin

from procedures.models import Dossier, DossierImport, Procedure, ProcedureField


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
