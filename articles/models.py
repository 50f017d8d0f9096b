"""The health library's records: topics, articles (with their review and publishing rules as
QuerySet methods) and old addresses. Over 300 lines because Django keeps an app's models in one
module."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from articles.content import render_body
from articles.video import embed_url, host_name, validate_video_url
from clinic.images import HERO, validate_image_upload
from clinic.models import Service, Therapist


class Topic(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:topic", args=[self.slug])


class ArticleQuerySet(models.QuerySet):
    def next_publication(self, now):
        """When the next scheduled article goes live (it changes lists and pages), or None."""
        return (
            self.filter(status=Article.Status.SCHEDULED, published_at__gt=now)
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first()
        )

    def published(self, now=None):
        """Live on the site: published, or scheduled and its time has come. No worker needed."""
        return self.filter(
            status__in=[Article.Status.PUBLISHED, Article.Status.SCHEDULED],
            published_at__lte=now or timezone.now(),
        )

    def newest_first(self):
        return self.order_by("-published_at", "-pk")

    def with_people(self):
        return self.select_related("author_therapist", "author_user", "reviewer")

    def written_by(self, user):
        """Articles whose author is this staff member, or the therapist they sign in as."""
        own = Q(author_user=user)
        therapist = getattr(user, "therapist", None)
        if therapist is not None:
            own |= Q(author_therapist=therapist)
        return self.filter(own)

    def written_or_reviewed_by(self, therapist):
        return self.filter(Q(author_therapist=therapist) | Q(reviewer=therapist))

    def review_due(self, today=None):
        """Live or scheduled articles whose next review date has come: never silently stale."""
        return self.exclude(status=Article.Status.DRAFT).filter(
            next_review_on__lte=today or timezone.localdate()
        )


# Health content is reviewed yearly unless the editor says otherwise.
REVIEW_EVERY = datetime.timedelta(days=365)


def hero_image_path(instance, filename):
    return f"articles/{filename}"


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.CharField(
        max_length=300, help_text="One or two sentences. Also the description search engines show."
    )
    body = models.TextField(
        help_text="Write in Markdown: ## for a section heading, - for a list, **bold**, "
        "[link text](https://…), > for a quote. The preview shows how it will look."
    )
    body_html = models.TextField(editable=False, default="")
    toc = models.JSONField("table of contents", editable=False, default=list)
    reading_minutes = models.PositiveSmallIntegerField(editable=False, default=1)
    hero_image = models.ImageField(
        upload_to=hero_image_path,
        blank=True,
        validators=[FileExtensionValidator(["jpg", "jpeg", "png", "webp"]), validate_image_upload],
    )
    hero_alt = models.CharField(
        "hero image description",
        max_length=200,
        blank=True,
        help_text="What the image shows, for readers who use a screen reader. Required with an image.",
    )
    hero_caption = models.CharField(max_length=200, blank=True)
    author_therapist = models.ForeignKey(
        Therapist,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles_written",
        verbose_name="author (therapist)",
    )
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles_written",
        limit_choices_to={"is_staff": True},
        verbose_name="author (staff member)",
        help_text="Only when the author is not one of the therapists.",
    )
    reviewer = models.ForeignKey(
        Therapist,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles_reviewed",
        verbose_name="reviewer",
        help_text='Shown as "Medically reviewed" only when the reviewer\'s credentials are '
        "marked medical on their therapist page.",
    )
    reviewed_on = models.DateField("review date", null=True, blank=True)
    next_review_on = models.DateField(
        "next review due",
        null=True,
        blank=True,
        help_text="A year after the review if left empty. Past it, editors see the article "
        "listed on the admin's front page.",
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(
        "publish time",
        null=True,
        blank=True,
        help_text="First published, or when a scheduled article goes live (clinic time).",
    )
    updated_on = models.DateField(
        "last updated",
        null=True,
        blank=True,
        help_text="Set when the content is meaningfully revised; shown to readers.",
    )
    modified_at = models.DateTimeField(auto_now=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="articles")
    related_services = models.ManyToManyField(Service, blank=True, related_name="articles")
    video_url = models.URLField(
        blank=True,
        validators=[validate_video_url],
        help_text="Optional YouTube or Vimeo link. Nothing loads from there until a reader asks.",
    )
    video_transcript = models.TextField(blank=True)
    featured = models.BooleanField(
        default=False, help_text="Shown first on the library's first page."
    )
    # Read by the comments app (articles/comments/rules.py), which also closes them by itself
    # a set time after publishing (the clinic's comments_open_days).
    comments_closed = models.BooleanField(
        "close comments",
        default=False,
        help_text="Readers can no longer comment; the comments already published stay.",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        permissions = [("publish_article", "Can publish and schedule articles")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="article_live_needs_publish_time",
                violation_error_message="Scheduled and published articles need a publish time.",
            ),
            models.CheckConstraint(
                condition=Q(author_therapist__isnull=False) | Q(author_user__isnull=False),
                name="article_has_author",
                violation_error_message="Choose the author: a therapist or a staff member.",
            ),
        ]
        indexes = [models.Index(fields=["status", "published_at"])]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.reviewed_on and not self.next_review_on:
            self.next_review_on = self.reviewed_on + REVIEW_EVERY
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", args=[self.slug])

    def clean(self):
        errors = {}
        if self.hero_image and not self.hero_alt.strip():
            errors["hero_alt"] = "Describe the image for readers who cannot see it."
        if self.status != self.Status.DRAFT and not self.published_at:
            errors["published_at"] = "Scheduled and published articles need a publish time."
        if self._scheduled_into_the_past():
            errors["published_at"] = "A scheduled article needs a publish time in the future."
        moved = ArticleSlugRedirect.objects.filter(old_slug=self.slug).exclude(article_id=self.pk)
        if self.slug and moved.exists():
            errors["slug"] = (
                "This address used to belong to another article and still leads readers there. "
                "Please choose another."
            )
        if not self.author_therapist_id and not self.author_user_id:
            errors["author_therapist"] = "Choose the author: a therapist or a staff member."
        if self.reviewer_id and not self.reviewed_on:
            errors["reviewed_on"] = "Give the date of the review."
        if self.reviewed_on and self.next_review_on and self.next_review_on <= self.reviewed_on:
            errors["next_review_on"] = "The next review comes after the last one."
        if errors:
            raise ValidationError(errors)

    def _scheduled_into_the_past(self):
        if not (self.status == self.Status.SCHEDULED and self.published_at):
            return False
        if self.published_at > timezone.now():
            return False
        # Fine if it was already scheduled for that time: it has simply gone live since.
        return not Article.objects.filter(
            pk=self.pk, status=self.Status.SCHEDULED, published_at=self.published_at
        ).exists()

    def render_body(self):
        """Refresh the HTML, table of contents and reading time from the Markdown body."""
        rendered = render_body(self.body)
        self.body_html = rendered.html
        self.toc = rendered.toc
        self.reading_minutes = rendered.reading_minutes

    @property
    def author_name(self):
        if self.author_therapist:
            return self.author_therapist.name_with_credentials
        return self.author_user.get_full_name() or self.author_user.get_username()

    @property
    def review_is_due(self):
        return bool(self.next_review_on and self.next_review_on <= timezone.localdate())

    @property
    def is_live(self):
        return (
            self.status != self.Status.DRAFT
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def video_embed_url(self):
        return embed_url(self.video_url)

    @property
    def video_host_name(self):
        return host_name(self.video_url)


HERO.attach(Article)


class ArticleReference(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="references")
    position = models.PositiveSmallIntegerField(default=0)
    citation = models.CharField(max_length=500)
    url = models.URLField(
        "link", blank=True, help_text="The DOI (https://doi.org/…) or PubMed page where one exists."
    )
    no_link_reason = models.CharField(
        "why there is no link",
        max_length=200,
        blank=True,
        help_text='Only without a link, e.g. "a printed book".',
    )

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.citation

    def clean(self):
        if not self.url and not self.no_link_reason:
            raise ValidationError(
                {
                    "url": "Give a link (a DOI or PubMed page where one exists) or say why there is none."
                }
            )


class ArticleSlugRedirect(models.Model):
    """A slug an article used to have: its old address redirects permanently to the new one."""

    old_slug = models.SlugField(max_length=200, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="old_slugs")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.old_slug} → {self.article.slug}"


class ArticleImage(models.Model):
    """An image staff upload to place inside an article body with Markdown."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(
        upload_to="articles/body/",
        validators=[FileExtensionValidator(["jpg", "jpeg", "png", "webp"]), validate_image_upload],
    )
    alt = models.CharField("description", max_length=200)

    def __str__(self):
        return self.alt

    @property
    def markdown(self):
        return f"![{self.alt}]({self.image.url})"
