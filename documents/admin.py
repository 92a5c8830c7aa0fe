from django.contrib import admin

from documents.models import RegisteredDocument, RegisterSequence, Signatory


@admin.register(RegisterSequence)
class RegisterSequenceAdmin(admin.ModelAdmin):
    """Read-only: numbers move only when a document is issued."""

    list_display = ("issuer", "doc_type", "issuer_code", "year", "last_number")
    list_filter = ("doc_type", "year")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RegisteredDocument)
class RegisteredDocumentAdmin(admin.ModelAdmin):
    """Read-only: a number once given is never changed or reused."""

    list_display = ("label", "issued_on", "subject", "issued_by")
    list_select_related = ("sequence", "issued_by")
    search_fields = ("subject", "key")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Signatory)
class SignatoryAdmin(admin.ModelAdmin):
    list_display = ("issuer", "issuer_name", "authority", "title", "name")
    raw_id_fields = ("issuer",)
