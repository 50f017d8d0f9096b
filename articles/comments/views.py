"""The readers' side: posting a comment under an article, and deleting it from the email's link.

The article page carries the comment form and is kept whole for anonymous readers
(clinic/page_cache.py), so its form has no CSRF token: a token is one visitor's, and a kept page
shows it to everyone (Django's token would also stop the page from being kept at all). The post
is exempt from the token and checked instead by where it comes from: browsers send Origin with
every form post, so a post from a page of another site is refused. A comment carries no one's
authority (a signed-in person's session is not read), so a forged one could do nothing its
forger could not do by posting it themselves; the limiter and moderation bound both. A refused
post is shown the article with the form as typed, to send from here.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from articles.comments import services
from articles.comments.forms import CommentForm
from articles.comments.models import Comment
from articles.models import Article
from articles.views import article_page
from clinic import limiter
from clinic.forms import from_this_site

HONEYPOT_MESSAGE = "We could not post this comment. Please call or email us with your question."
ELSEWHERE = "Please press Send my comment to send it from our own page."
THANKS = (
    "Thank you for your comment. It will show here once our staff have read it, and we will "
    "email you then."
)


@csrf_exempt
@require_POST
@limiter.limited("comment")
def post_comment(request, slug):
    """The form under an article: kept for staff to read, and the reader sent back to the
    article with thanks; any problem re-renders the article with the form as typed."""
    article = get_object_or_404(Article.objects.published(), slug=slug)
    form = CommentForm(request.POST)
    if not from_this_site(request):
        # Refused, but shown our article with the form as typed, to send from here.
        form.add_error(None, ELSEWHERE)
        response = article_page(request, article.slug, comment_form=form)
        response.status_code = 403
        return response
    if form.is_valid():
        try:
            if form.cleaned_data["website"]:
                # The hidden honeypot field, filled in: a script, not a reader.
                raise limiter.LimitReached(HONEYPOT_MESSAGE)
            services.post_comment(
                article=article,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                body=form.cleaned_data["body"],
                client_key=request.limit_address,
                clinic=request.clinic,
            )
        except (services.CommentsClosed, limiter.LimitReached) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, THANKS)
            # To the top, where the thanks shows (a message above the article).
            return redirect(article)
    return article_page(request, article.slug, comment_form=form)


@never_cache
@require_http_methods(["GET", "POST"])
def delete_comment(request, token):
    """The link in the reader's emails: a page with a button (a mail scanner following the link
    deletes nothing); the POST deletes the comment and its answers."""
    comment = Comment.objects.select_related("article").filter(delete_token=token).first()
    if comment is None:
        return render(request, "articles/comments/comment_deleted.html", status=410)
    if request.method == "POST":
        services.delete_by_reader(comment)
        return render(request, "articles/comments/comment_deleted.html", {"deleted": True})
    return render(request, "articles/comments/comment_delete.html", {"comment": comment})
