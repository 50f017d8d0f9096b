"""The project's routes and two more: a token route added later, and a page that breaks."""

from django.urls import path

from clinic import secret_routes  # noqa: F401 (registers the `secret` converter)
from config.urls import urlpatterns as project_urlpatterns


def broken(request, token):
    raise RuntimeError("the page broke")


urlpatterns = [
    path("book/waitlist/confirm/<secret:token>/", broken, name="waitlist_confirm"),
    path("book/appointment/<secret:token>/broken/", broken, name="broken"),
    *project_urlpatterns,
]
