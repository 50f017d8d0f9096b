"""Readers' comments in the register of personal data (clinic/personal_data.py): a name, an
email address and what they wrote, kept only while it serves them."""

import datetime

from articles.comments.models import Comment
from clinic.personal_data import Holding, plural

# A rejected comment stays this long (staff may look back at a decision), then goes.
REJECTED_KEPT = datetime.timedelta(days=30)
# A comment nobody decided on goes after this: too late to publish it usefully.
UNDECIDED_KEPT = datetime.timedelta(days=60)
# A published comment's address is only for telling the reader about an answer; a year on,
# it is emptied (the comment stays under the article, and its email's link still deletes it).
ADDRESS_KEPT = datetime.timedelta(days=365)


def _delete(comments):
    """Delete, and count the comments (a delete's own count takes their answers in too)."""
    count = comments.count()
    comments.delete()
    return count


def _purge(clinic, now):
    rejected = _delete(
        Comment.objects.filter(status=Comment.Status.REJECTED, decided_at__lt=now - REJECTED_KEPT)
    )
    undecided = _delete(Comment.objects.waiting().filter(created_at__lt=now - UNDECIDED_KEPT))
    addresses = (
        Comment.objects.published()
        .filter(created_at__lt=now - ADDRESS_KEPT)
        .exclude(email="")
        .update(email="")
    )
    return (
        f"remove {plural(rejected, 'rejected comment')} and {plural(undecided, 'undecided comment')}"
        f", and empty the email address of {plural(addresses, 'published comment')}"
    )


def _comments_of(person):
    return Comment.objects.by_email(person.emails)


def _erase(person):
    if person.emails:
        _comments_of(person).delete()


def _export(person):
    if not person.emails:
        return []
    comments = _comments_of(person).select_related("article").prefetch_related("answers")
    return [
        {
            "article": comment.article.title,
            "name": comment.name,
            "email": comment.email,
            "comment": comment.body,
            "posted_at": comment.created_at.isoformat(),
            "status": comment.get_status_display(),
            "answers": [
                {
                    "by": answer.author_name,
                    "answer": answer.body,
                    "answered_at": answer.created_at.isoformat(),
                }
                for answer in comment.answers.all()
            ],
        }
        for comment in comments
    ]


HOLDINGS = [
    Holding(
        key="comments",
        title="Readers' comments",
        kept=(
            "A comment or question under an article (the name shown with it, the email address, "
            "never shown, and the text) and the clinic's answers to it: shown once staff publish "
            "it, until the reader deletes it with the link in their email or staff remove it; "
            f"its email address is emptied {ADDRESS_KEPT.days} days after it was posted. A "
            f"rejected comment (with the reason, for staff only) is deleted "
            f"{REJECTED_KEPT.days} days after the decision, one never decided "
            f"{UNDECIDED_KEPT.days} days after it was posted."
        ),
        models=("comments.Comment", "comments.Answer"),
        purge=_purge,
        erase=_erase,
        export=_export,
    ),
]
