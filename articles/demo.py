"""Demo content for the health library, loaded by `manage.py load_demo` after the clinic's."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from articles.demo_articles import ARTICLES, TOPICS
from articles.hero_art import draw_hero
from articles.models import Article, ArticleReference, Topic
from articles.services import save_article
from clinic.models import Clinic, Service, Therapist


def _publish_time(today, days_ago, zone):
    if days_ago is None:
        return None, Article.Status.DRAFT
    when = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=days_ago), datetime.time(9)),
        zone,
    )
    status = Article.Status.SCHEDULED if days_ago < 0 else Article.Status.PUBLISHED
    return when, status


def load_articles(today):
    topics = {
        slug: Topic.objects.get_or_create(slug=slug, defaults={"name": name, "description": text})[
            0
        ]
        for slug, name, text in TOPICS
    }
    therapists = {t.slug: t for t in Therapist.objects.all()}
    services = {s.slug: s for s in Service.objects.all()}
    zone = Clinic.objects.current().zone
    for data in ARTICLES:
        if Article.objects.filter(slug=data["slug"]).exists():
            continue  # Never overwrite what staff may have edited.
        published_at, status = _publish_time(today, data["days_ago"], zone)
        reviewer = therapists.get(data["reviewer"]) if data["reviewer"] else None
        article = Article(
            slug=data["slug"],
            title=data["title"],
            summary=data["summary"],
            body=data["body"].strip(),
            author_therapist=therapists[data["author"]],
            reviewer=reviewer,
            reviewed_on=published_at.date() if reviewer and published_at else None,
            status=status,
            published_at=published_at,
            featured=data["featured"],
            hero_alt="An illustration of soft rolling hills under a pale sun"
            if data["hero"]
            else "",
            hero_caption=data.get("hero_caption", ""),
        )
        if data["hero"]:
            image = draw_hero(seed=data["slug"], **data["hero"])
            article.hero_image.save(f"{data['slug']}.jpg", ContentFile(image), save=False)
        save_article(article=article)
        article.topics.set(topics[slug] for slug in data["topics"])
        article.related_services.set(
            services[slug] for slug in data["services"] if slug in services
        )
        ArticleReference.objects.bulk_create(
            ArticleReference(article=article, position=index, citation=citation, url=url)
            for index, (citation, url) in enumerate(data["references"], start=1)
        )


def load(*, today):
    load_articles(today)
