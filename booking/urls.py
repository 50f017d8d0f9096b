from django.urls import path

from booking import views
from config import secret_routes  # noqa: F401 (registers the `secret` converter)

app_name = "booking"

urlpatterns = [
    path("", views.RequestStartView.as_view(), name="start"),
    path("details/", views.RequestDetailsView.as_view(), name="details"),
    path("waitlist/", views.join_waitlist, name="waitlist"),
    path("welcome-back/", views.returning_sign_in, name="sign_in"),
    path("welcome-back/<secret:token>/", views.welcome_back, name="welcome_back"),
    path("waitlist/<secret:token>/", views.claim_waitlist_time, name="waitlist_claim"),
    path("waitlist/<secret:token>/confirm/", views.confirm_waitlist, name="waitlist_confirm"),
    path("appointment/<secret:token>/", views.manage_appointment, name="manage"),
    path("appointment/<secret:token>/calendar.ics", views.appointment_calendar, name="calendar"),
    path("appointment/<secret:token>/cancel/", views.cancel_appointment, name="cancel"),
    path("appointment/<secret:token>/move/", views.move_appointment, name="move"),
]
