from django.contrib import admin

from booking.models import WaitlistEntry


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(admin.ModelAdmin):
    """Who is waiting for what; entries are made by patients and removed by retention."""

    list_display = [
        "email",
        "service",
        "therapist",
        "first_day",
        "last_day",
        "part_of_day",
        "closed_at",
    ]
    list_filter = ["service", "therapist", "part_of_day"]
    search_fields = ["email"]
    date_hierarchy = "first_day"
    readonly_fields = [
        "email", "service", "therapist", "is_new_patient", "first_day", "last_day",
        "part_of_day", "created_at", "closed_at",
    ]  # fmt: skip

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
