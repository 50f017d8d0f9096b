"""The mailing list in the admin: the digests sent, with the number of subscribers above them,
for everyone who looks after the library; the addresses and their CSV export for the owner."""

import csv

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils import timezone

from articles.mailing import selectors
from articles.mailing.models import Digest, Subscriber
from clinic.models import Clinic
from clinic.spreadsheet import safe_cell


class ReadOnly:
    """Records the site writes: staff read them, nobody adds or edits one by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Digest)
class DigestAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["started_at", "recipients", "article_titles", "finished_at"]
    list_display_links = None
    fields = ["started_at", "finished_at", "recipients", "articles"]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("articles")

    @admin.display(description="articles")
    def article_titles(self, digest):
        if not digest.recipients:
            return "nothing sent: no subscriber had new articles"
        return "; ".join(article.title for article in digest.articles.all())

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "title": "The mailing list's digests",
            **(extra_context or {}),
            "mailing": selectors.summary(Clinic.objects.current()),
            "can_see_subscribers": request.user.has_perm("mailing.view_subscriber"),
        }
        return super().changelist_view(request, extra_context)


@admin.register(Subscriber)
class SubscriberAdmin(ReadOnly, admin.ModelAdmin):
    """The owner's: every address with its consent record; deleting one is the owner taking an
    address off by hand (the reader's own unsubscribe link is the usual way)."""

    list_display = ["email", "confirmed_at", "asked_at", "place", "path"]
    list_filter = [("confirmed_at", admin.EmptyFieldListFilter), "place"]
    search_fields = ["email"]
    fields = [
        "email", "asked_at", "place", "path", "wording", "confirmed_at", "last_digest_at",
    ]  # fmt: skip

    def get_queryset(self, request):
        return selectors.subscribers_visible_to(request.user)

    def get_urls(self):
        export = self.admin_site.admin_view(self.export_view)
        return [
            path("export.csv", export, name="mailing_subscriber_export"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_export": request.user.has_perm("mailing.export_subscribers"),
            "export_url": reverse("admin:mailing_subscriber_export"),
        }
        return super().changelist_view(request, extra_context)

    def export_view(self, request):
        """The confirmed list with each consent record, for the owner's own records."""
        if not request.user.has_perm("mailing.export_subscribers"):
            raise PermissionDenied
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="mailing-list-{timezone.localdate():%Y-%m-%d}.csv"'
        )
        writer = csv.writer(response)
        writer.writerow(["Email", "Confirmed at", "Asked at", "Where", "Page", "Wording shown"])
        for subscriber in selectors.subscribers_to_export(request.user).iterator():
            row = [
                subscriber.email,
                timezone.localtime(subscriber.confirmed_at).strftime("%Y-%m-%d %H:%M"),
                timezone.localtime(subscriber.asked_at).strftime("%Y-%m-%d %H:%M"),
                subscriber.get_place_display(),
                subscriber.path,
                subscriber.wording,
            ]
            writer.writerow([safe_cell(value) for value in row])
        return response
