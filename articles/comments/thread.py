"""What an article shows of its comments: the published ones, oldest first (the newest thread
last), each with its answers, in two queries however many there are."""

from django.db.models import Prefetch

from articles.comments.models import Answer, Comment


def published_thread(article):
    """The article's published comments with their answers (`comment.answers.all()`)."""
    return list(
        Comment.objects.published()
        .filter(article=article)
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.order_by("created_at", "pk")))
        .order_by("created_at", "pk")
    )


def structured_data(comments, absolute):
    """schema.org `comment` entries for the article's JSON-LD: each published comment with its
    author's name, date and text, and the clinic's answers as replies. Never the email."""

    def entry(said, **extra):
        return {
            "@type": "Comment",
            "dateCreated": said.created_at,
            "text": said.body,
            **extra,
        }

    return [
        entry(
            comment,
            author={"@type": "Person", "name": comment.name},
            url=absolute(f"#{comment.anchor}"),
            comment=[
                entry(
                    answer,
                    author=_answerer(answer),
                )
                for answer in comment.answers.all()
            ],
        )
        for comment in comments
    ]


def _answerer(answer):
    author = {"@type": "Person", "name": answer.author_name}
    if answer.author_credentials:
        author["honorificSuffix"] = answer.author_credentials
    return author
