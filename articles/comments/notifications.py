"""Telling a reader about their comment, through the outbox: nothing they typed in a subject,
and in every email the link that deletes the comment."""

from django.urls import reverse

from emails import outbox


def tell_reader(comment, *, answered, clinic, now):
    """One email: the comment is published, or it has an answer (published with it or later)."""
    kind = "comment_answered" if answered else "comment_published"
    article = comment.article
    context = {
        "clinic": clinic,
        "name": comment.name,
        "article_title": article.title,
        "link": outbox.absolute(f"{article.get_absolute_url()}#{comment.anchor}"),
        "delete_link": outbox.absolute(reverse("comments:delete", args=[comment.delete_token])),
    }
    message = outbox.compose(kind, context, to=comment.email, clinic=clinic)
    outbox.send(message, kind=kind, about=f"comment:{comment.pk}", now=now)
