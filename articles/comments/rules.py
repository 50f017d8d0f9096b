"""When readers may comment: not on an article an editor closed, and not once the clinic's
comment window after publishing (Clinic.comments_open_days) has passed. A kept article page
lasts no longer than its form (the article view says until when: page_cache.keep_until)."""

import datetime

from django.utils import timezone


def closes_at(article, clinic):
    """When comments on this article close by themselves."""
    return article.published_at + datetime.timedelta(days=clinic.comments_open_days)


def is_open(article, clinic, now=None):
    now = now or timezone.now()
    return not article.comments_closed and article.is_live and now < closes_at(article, clinic)
