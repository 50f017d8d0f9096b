from django.apps import AppConfig


class MailingConfig(AppConfig):
    name = "articles.mailing"
    label = "mailing"
    verbose_name = "Mailing list"
