from django.urls import path

from articles.comments import views
from clinic import secret_routes  # noqa: F401 (registers the `secret` converter)

app_name = "comments"
urlpatterns = [
    path("delete/<secret:token>/", views.delete_comment, name="delete"),
    path("<slug:slug>/", views.post_comment, name="post"),
]
