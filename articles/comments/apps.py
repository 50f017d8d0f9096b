from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "articles.comments"
    label = "comments"
    verbose_name = "Comments"
