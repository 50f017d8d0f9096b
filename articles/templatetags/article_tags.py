"""Article pieces other pages show (home, therapist and service pages) without the clinic app
importing the articles app: the templates ask for them."""

from django import template

from articles.models import Article
from clinic.images import HERO

register = template.Library()

HOME_LATEST = 3
HOME_FEATURED = 2
PROFILE_ARTICLES = 6


@register.inclusion_tag("includes/_responsive_img.html")
def hero_image(article, width=960, sizes=None, eager=False, class_name="hero-image"):
    context = HERO.img_context(article, width=width, alt=article.hero_alt, sizes=sizes, eager=eager)
    return {"img": context, "class_name": class_name}


def _cards(articles, heading, heading_id, more_url=None):
    return {
        "articles": articles,
        "heading": heading,
        "heading_id": heading_id,
        "more_url": more_url,
    }


@register.inclusion_tag("articles/_article_section.html")
def home_articles():
    """Featured articles, then the newest ones not already shown."""
    live = Article.objects.published().with_people().newest_first()
    featured = list(live.filter(featured=True)[:HOME_FEATURED])
    latest = list(live.exclude(pk__in=[a.pk for a in featured])[:HOME_LATEST])
    return _cards(featured + latest, "From our health library", "library-heading", "articles:list")


@register.inclusion_tag("articles/_article_section.html")
def therapist_articles(therapist):
    articles = (
        Article.objects.published()
        .written_or_reviewed_by(therapist)
        .with_people()
        .newest_first()[:PROFILE_ARTICLES]
    )
    return _cards(articles, f"Articles by or reviewed by {therapist.name}", "articles-heading")


@register.inclusion_tag("articles/_article_section.html")
def service_articles(service):
    articles = (
        Article.objects.published()
        .filter(related_services=service)
        .with_people()
        .newest_first()[:PROFILE_ARTICLES]
    )
    return _cards(articles, f"Read about {service.name}", "articles-heading")
