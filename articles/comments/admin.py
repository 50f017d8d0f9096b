"""Staff's side of readers' comments: the list of every comment, and the three decisions
(publish, reject with an internal reason, answer) that the dashboard's list of comments waiting
posts to. Each calls the one service; reads go through moderation.comments_visible_to."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from articles.comments import moderation, services
from articles.comments.forms import AnswerForm, RejectForm
from articles.comments.models import Answer, Comment


class AnswerInline(admin.StackedInline):
    model = Answer
    extra = 0
    fields = ["author_name", "author_credentials", "created_at", "body"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["short_body", "name", "article", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["article"]
    # Found by address too (a reader asking for their comments), never listed by it.
    search_fields = ["name", "email", "body", "article__title"]
    date_hierarchy = "created_at"
    fields = [
        "article", "name", "body", "status", "created_at",
        "decided_at", "decided_by", "rejection_reason",
    ]  # fmt: skip
    readonly_fields = fields
    inlines = [AnswerInline]
    change_form_template = "articles/comments/comment_change_form.html"

    @admin.display(description="comment or question")
    def short_body(self, comment):
        return comment.body if len(comment.body) <= 80 else comment.body[:79] + "…"

    def get_queryset(self, request):
        return moderation.comments_visible_to(request.user).select_related("article", "decided_by")

    def has_add_permission(self, request):
        return False  # readers write comments; staff answer them

    def get_urls(self):
        def staff(view):
            return self.admin_site.admin_view(view)

        return [
            path("<int:pk>/approve/", staff(self.approve_view), name="comments_comment_approve"),
            path("<int:pk>/reject/", staff(self.reject_view), name="comments_comment_reject"),
            path("<int:pk>/answer/", staff(self.answer_view), name="comments_comment_answer"),
            *super().get_urls(),
        ]

    def _comment(self, request, pk):
        return get_object_or_404(moderation.comments_visible_to(request.user), pk=pk)

    @staticmethod
    def _next(request):
        """Where the decision was taken from (the dashboard, or the comments' list): one of
        the site's own pages, or the dashboard."""
        target = request.POST.get("next") or request.GET.get("next") or ""
        if url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return target
        return reverse("admin:index")

    def _back(self, request):
        return redirect(self._next(request))

    @staticmethod
    def _who(comment):
        return f"{comment.name}'s comment on “{comment.article.title}”"

    @staticmethod
    def _moderating(request, view):
        if not services.may_moderate(request.user):
            raise PermissionDenied
        return require_POST(view)(request)

    def approve_view(self, request, pk):
        def approve(request):
            comment = self._comment(request, pk)
            try:
                services.approve(comment, by=request.user, clinic=request.clinic)
            except services.AlreadyDecided as error:
                messages.warning(request, str(error))
            else:
                messages.success(request, f"{self._who(comment)} is published.")
            return self._back(request)

        return self._moderating(request, approve)

    def reject_view(self, request, pk):
        def reject(request):
            comment = self._comment(request, pk)
            form = RejectForm(request.POST)
            if not form.is_valid():  # a reason nobody could type (a null character): kept out
                for error in form.errors["reason"]:
                    messages.error(request, f"{self._who(comment)} is not rejected: {error}")
                return self._back(request)
            try:
                services.reject(comment, by=request.user, reason=form.cleaned_data["reason"])
            except services.AlreadyDecided as error:
                messages.warning(request, str(error))
            else:
                messages.success(request, f"{self._who(comment)} is rejected; it will not show.")
            return self._back(request)

        return self._moderating(request, reject)

    def answer_view(self, request, pk):
        if not services.may_answer(request.user):
            raise PermissionDenied
        comment = self._comment(request, pk)
        form = AnswerForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.answer(
                    comment, by=request.user, body=form.cleaned_data["body"], clinic=request.clinic
                )
            except services.AlreadyDecided as error:
                messages.warning(request, str(error))
                return self._back(request)
            comment.refresh_from_db()
            if comment.status == Comment.Status.APPROVED:
                messages.success(request, f"Your answer is published under {self._who(comment)}.")
            else:
                messages.success(
                    request,
                    f"Your answer is saved. It is published with {self._who(comment)} once "
                    "the front desk or an editor publishes it.",
                )
            return self._back(request)
        name, credentials = services.signature_of(request.user)
        context = {
            **self.admin_site.each_context(request),
            "title": "Answer a comment",
            "subtitle": None,
            "opts": self.opts,
            "comment": comment,
            "form": form,
            "signature": ", ".join(part for part in (name, credentials or request.clinic.name)),
            "next": self._next(request),
        }
        return TemplateResponse(request, "articles/comments/answer.html", context)
