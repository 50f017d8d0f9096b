from django.urls import path

from clinic import views

app_name = "clinic"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("about/", views.AboutView.as_view(), name="about"),
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
    path("therapists/", views.TherapistListView.as_view(), name="therapist_list"),
    path("therapists/<slug:slug>/", views.TherapistDetailView.as_view(), name="therapist_detail"),
    path("services/", views.ServiceListView.as_view(), name="service_list"),
    path("services/<slug:slug>/", views.ServiceDetailView.as_view(), name="service_detail"),
]
