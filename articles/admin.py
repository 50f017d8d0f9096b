from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from articles.content import render_body
from articles.models import Article, ArticleImage, ArticleReference, ArticleSlugRedirect, Topic
from articles.services import is_own_article, save_article, user_can_publish
from articles.widgets import MarkdownEditor

# What only an editor (the publish permission) may set: publishing, whether readers may still
# comment, and who reviewed it.
EDITOR_FIELDS = [
    "status", "published_at", "featured", "comments_closed",
    "reviewer", "reviewed_on", "next_review_on",
]  # fmt: skip


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


class ArticleReferenceInline(admin.TabularInline):
    model = ArticleReference
    extra = 1
    fields = ["position", "citation", "url", "no_link_reason"]


class ArticleImageInline(admin.TabularInline):
    model = ArticleImage
    extra = 1
    fields = ["image", "alt", "markdown_to_paste"]
    readonly_fields = ["markdown_to_paste"]

    @admin.display(description="Paste into the body")
    def markdown_to_paste(self, obj):
        return format_html("<code>{}</code>", obj.markdown) if obj.pk and obj.image else "—"


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "status",
        "author_display",
        "reviewer",
        "published_at",
        "updated_on",
        "featured",
        "preview_link",
    ]
    list_filter = ["status", "featured", "topics", "author_therapist", "reviewer"]
    list_select_related = ["author_therapist", "author_user", "reviewer"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    filter_horizontal = ["topics", "related_services"]
    inlines = [ArticleReferenceInline, ArticleImageInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body"]}),
        ("Hero image", {"fields": ["hero_image", "hero_alt", "hero_caption"]}),
        (
            "Authorship and review",
            {
                "fields": [
                    "author_therapist",
                    "author_user",
                    "reviewer",
                    "reviewed_on",
                    "next_review_on",
                ]
            },
        ),
        (
            "Publishing",
            {
                "fields": [
                    "status",
                    "published_at",
                    "updated_on",
                    "featured",
                    "comments_closed",
                    "preview_link",
                ]
            },
        ),
        ("Where it leads", {"fields": ["topics", "related_services"]}),
        ("Video", {"classes": ["collapse"], "fields": ["video_url", "video_transcript"]}),
    ]

    @admin.display(description="Author", ordering="author_therapist__name")
    def author_display(self, obj):
        return obj.author_name

    @admin.display(description="Preview")
    def preview_link(self, obj):
        if obj.pk is None:
            return "Save the article to preview it."
        return format_html(
            '<a href="{}">{}</a>',
            reverse("articles:preview", args=[obj.pk]),
            "View" if obj.is_live else "Preview",
        )

    # Writers without the publish permission see and edit only their own drafts.

    def get_queryset(self, request):
        articles = super().get_queryset(request)
        if user_can_publish(request.user):
            return articles
        return articles.written_by(request.user)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or user_can_publish(request.user):
            return True
        return is_own_article(obj, request.user) and obj.status == Article.Status.DRAFT

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj) and super().has_delete_permission(
            request, obj
        )

    def get_readonly_fields(self, request, obj=None):
        if user_can_publish(request.user):
            return ["preview_link"]
        return ["preview_link", *EDITOR_FIELDS, "author_therapist", "author_user"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is None and not user_can_publish(request.user):
            author = getattr(request.user, "therapist", None)

            class WriterForm(form):
                def __init__(self, *args, **kwargs):
                    super().__init__(*args, **kwargs)
                    # Set before validation: a writer's article is theirs and starts as a draft.
                    self.instance.author_therapist = author
                    self.instance.author_user = None if author else request.user
                    self.instance.status = Article.Status.DRAFT

            form = WriterForm
        # After any subclassing above, which rebuilds the fields from the model.
        if "body" in form.base_fields:
            form.base_fields["body"].widget = MarkdownEditor(
                preview_url=reverse("admin:articles_article_preview_body")
            )
        return form

    def save_model(self, request, obj, form, change):
        previous_slug = form.initial.get("slug") if change else None
        save_article(article=obj, previous_slug=previous_slug)

    def get_urls(self):
        preview = self.admin_site.admin_view(require_POST(self.preview_body))
        return [
            path("preview-body/", preview, name="articles_article_preview_body"),
            *super().get_urls(),
        ]

    def preview_body(self, request):
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        return JsonResponse({"html": render_body(request.POST.get("body", "")).html})


@admin.register(ArticleSlugRedirect)
class ArticleSlugRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_slug", "article", "created_at"]
    list_select_related = ["article"]
    search_fields = ["old_slug", "article__title"]
    readonly_fields = ["created_at"]
