"""Moderating readers' comments: what staff may read, and the dashboard's list of comments
waiting for a decision. Who may do what follows the roles (accounts/roles.py): the front desk
and editors publish and reject; therapists and editors answer; the owner does everything."""

from django.db.models import Prefetch

from articles.comments.models import Answer, Comment
from articles.comments.services import may_answer, may_moderate

# The dashboard lists this many; the rest are on the comments' list, filtered to waiting.
WAITING_LISTED = 20


def comments_visible_to(user):
    """Every staff read of readers' comments (names, emails, what they wrote) goes through here:
    staff whose role moderates or answers them, or may view them, see them; nobody else any."""
    if may_moderate(user) or may_answer(user) or user.has_perm("comments.view_comment"):
        return Comment.objects.all()
    return Comment.objects.none()


def waiting_for(user):
    """Comments waiting for a decision that `user` may take, oldest first (the dashboard):
    to publish or reject them, or to answer them."""
    if not (may_moderate(user) or may_answer(user)):
        return []
    answers = Prefetch("answers", queryset=Answer.objects.order_by("created_at", "pk"))
    return list(
        comments_visible_to(user)
        .waiting()
        .select_related("article")
        .prefetch_related(answers)
        .order_by("created_at", "pk")[:WAITING_LISTED]
    )
