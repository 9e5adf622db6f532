"""Read-only, searchable audit log for administrators (no add, change or delete)."""

from django.contrib import admin

from carbonctl.web.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "username", "action", "object_type", "object_id", "summary")
    list_filter = ("action", "object_type")
    search_fields = ("username", "object_type", "object_id", "summary", "path")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
