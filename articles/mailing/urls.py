from django.urls import path

from articles.mailing import views
from clinic import secret_routes  # noqa: F401 (registers the `secret` converter)

app_name = "mailing"
urlpatterns = [
    path("", views.subscribe, name="subscribe"),
    path("check-your-email/", views.check_email, name="check_email"),
    path("confirm/<secret:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<secret:token>/", views.unsubscribe, name="unsubscribe"),
]
