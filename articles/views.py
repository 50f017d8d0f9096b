import json
import re
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.views.decorators.csp import csp_override
from django.views.generic import DetailView, ListView

from articles.comments import rules as comment_rules
from articles.comments.forms import CommentForm
from articles.comments.thread import published_thread
from articles.comments.thread import structured_data as comments_data
from articles.content import split_after_first_paragraph
from articles.models import Article, ArticleSlugRedirect, Topic
from articles.search import clean_query, search_articles
from articles.services import user_can_publish
from articles.video import EMBED_ORIGINS
from clinic import page_cache
from clinic.models import Therapist

RELATED_ARTICLES = 3
SLUG = re.compile(r"^[-\w]+$")


class ArticleListView(ListView):
    """The library: newest first, featured first on the first page, by topic or by search."""

    template_name = "articles/article_list.html"
    context_object_name = "articles"
    paginate_by = 10

    @staticmethod
    def page_cache_query(query):
        """What the page reads from its address, in one spelling: the page as a number
        (?page=01 is ?page=1 is no page), so made-up spellings share one kept page; any other
        parameter is ignored. A search must miss the kept list, and is never kept itself (get)."""
        page = query.get("page", "")
        if page.isdigit():
            page = "" if int(page) == 1 else str(int(page))
        read = {"page": page, "q": query.get("q", "")}
        return urlencode({name: value for name, value in read.items() if value})

    def get(self, request, *args, **kwargs):
        slug = kwargs.get("topic_slug")
        if slug and not SLUG.match(slug):
            raise Http404
        self.topic = get_object_or_404(Topic, slug=slug) if slug else None
        self.query = clean_query(request.GET.get("q"))
        response = super().get(request, *args, **kwargs)
        if self.query:
            # Any words make a new page: keeping them would let made-up searches fill the
            # cache (clinic/page_cache.py keeps nothing marked private).
            patch_cache_control(response, private=True)
        return response

    def get_queryset(self):
        articles = Article.objects.published().with_people().prefetch_related("topics")
        if self.topic:
            articles = articles.filter(topics=self.topic)
        if self.query:
            return search_articles(articles, self.query)
        if self.topic:
            return articles.newest_first()
        return articles.order_by("-featured", "-published_at", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["topic"] = self.topic
        context["query"] = self.query
        context["topics"] = Topic.objects.filter(
            articles__in=Article.objects.published()
        ).distinct()
        return context


def json_ld(data):
    """JSON for a <script type="application/ld+json"> block, safe against closing the tag."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return mark_safe(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


# An article's video player may load in a frame from the known video hosts, and only after
# the reader presses play (static/js/video-consent.js); every other page keeps frame-src 'none'.
allow_video_frames = csp_override({**settings.SECURE_CSP, "frame-src": list(EMBED_ORIGINS)})


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.published().with_people()

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            moved = ArticleSlugRedirect.objects.filter(old_slug=kwargs["slug"]).first()
            if moved and moved.article.is_live:
                return redirect(moved.article, permanent=True)
            raise

    def render_to_response(self, context, **response_kwargs):
        def render(request):
            return super(ArticleDetailView, self).render_to_response(context, **response_kwargs)

        # Only the pages that have a video open frame-src, so the decorator wraps this render.
        if self.object.video_embed_url:
            render = allow_video_frames(render)
        response = render(self.request)
        if context["comments_open"]:
            # Kept for anonymous readers no longer than its comment form stays open.
            page_cache.keep_until(
                response, comment_rules.closes_at(self.object, self.request.clinic)
            )
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        topics = list(article.topics.all())
        services = article.related_services.active().prefetch_related(
            Prefetch("therapists", queryset=Therapist.objects.active(), to_attr="active_therapists")
        )
        intro_html, rest_html = split_after_first_paragraph(article.body_html)
        comments = published_thread(article)
        context.update(
            intro_html=intro_html,
            rest_html=rest_html,
            topics=topics,
            references=article.references.all(),
            services=services,
            related_articles=self.related_articles(article, topics),
            comments=comments,
            comments_open=comment_rules.is_open(article, self.request.clinic),
            json_ld=json_ld(self.structured_data(article, comments)),
        )
        # A post under the article that went wrong passes its form back, as typed.
        context.setdefault("comment_form", CommentForm())
        return context

    @staticmethod
    def related_articles(article, topics):
        return (
            Article.objects.published()
            .filter(topics__in=topics)
            .exclude(pk=article.pk)
            .select_related("reviewer")
            .annotate(shared_topics=Count("topics"))
            .order_by("-shared_topics", "-published_at")[:RELATED_ARTICLES]
        )

    def structured_data(self, article, comments):
        absolute = self.request.build_absolute_uri
        clinic = self.request.clinic

        def person(therapist):
            return {
                "@type": "Person",
                "name": therapist.name,
                "jobTitle": therapist.title,
                "honorificSuffix": therapist.credentials,
                "url": absolute(therapist.get_absolute_url()),
            }

        data = {
            "@context": "https://schema.org",
            "@type": "MedicalWebPage",
            "headline": article.title,
            "name": article.title,
            "description": article.summary,
            "url": absolute(article.get_absolute_url()),
            "datePublished": article.published_at,
            "dateModified": article.updated_on or article.published_at,
            "author": person(article.author_therapist)
            if article.author_therapist
            else {"@type": "Person", "name": article.author_name},
            "publisher": {"@type": "MedicalClinic", "name": clinic.name, "url": absolute("/")},
        }
        if article.reviewer:
            data["reviewedBy"] = person(article.reviewer)
            data["lastReviewed"] = article.reviewed_on
        if article.hero_image:
            data["image"] = absolute(article.hero_image.url)
        data["commentCount"] = len(comments)
        if comments:
            page = absolute(article.get_absolute_url())
            data["comment"] = comments_data(comments, lambda anchor: page + anchor)
        return data


def article_page(request, slug, **extra_context):
    """The published article's page as a GET shows it, with `extra_context` (the comment form
    as the reader typed it, after a post that went wrong)."""
    view = ArticleDetailView(extra_context=extra_context)
    view.setup(request, slug=slug)
    return view.get(request, slug=slug)


@method_decorator(staff_member_required, name="dispatch")
class ArticlePreviewView(ArticleDetailView):
    """Staff see any article, draft or scheduled, exactly as readers will."""

    def get(self, request, *args, **kwargs):
        # DetailView's own get(): the old-slug redirect above does not apply to previews.
        return DetailView.get(self, request, *args, **kwargs)

    def get_queryset(self):
        user = self.request.user
        if not user.has_perm("articles.view_article"):
            return Article.objects.none()
        articles = Article.objects.with_people()
        # Writers preview their own articles; editors preview everyone's.
        return articles if user_can_publish(user) else articles.written_by(user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_preview"] = True
        return context
