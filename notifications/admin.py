from django.contrib import admin

from notifications.models import Notification, NotificationPreference, OutgoingMail


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    list_display = ("to", "subject", "state", "attempts", "next_attempt_at", "created_at")
    list_filter = ("state",)
    search_fields = ("to", "subject")
    readonly_fields = ("attempts", "last_error", "sent_at", "created_at")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "kind", "created_at", "read_at")
    list_filter = ("kind",)
    raw_id_fields = ("recipient",)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user",)
    raw_id_fields = ("user",)
