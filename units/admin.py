from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from units.models import AdministrativeUnit, User


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent", "valid_from", "valid_until")
    list_filter = ("level",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)
    readonly_fields = ("path",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "get_full_name", "role", "unit", "is_active")
    list_filter = ("role", "is_active")
    list_select_related = ("unit",)
    raw_id_fields = ("unit",)
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Đơn vị và vai trò"), {"fields": ("unit", "role")}),
    )
    add_fieldsets = (
        *(BaseUserAdmin.add_fieldsets or ()),
        (_("Đơn vị và vai trò"), {"fields": ("unit", "role", "email")}),
    )
