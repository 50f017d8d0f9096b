"""Routes that forget the `secret` converter, for the test that must catch them."""

from django.urls import path


def view(request, **kwargs):
    raise AssertionError("never served")


urlpatterns = [
    path("book/offer/<str:token>/", view),
    path("book/visit/<slug:key>/", view),
    path("book/therapist/<int:pk>/", view),
    path("articles/<slug:slug>/", view),
]
